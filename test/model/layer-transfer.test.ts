// A layer takes its weights to the model it joins, as Keras's layers keep theirs (transfer learning: a trained model's
// layers under a new head, base layers frozen): the new model lays them out instead of initializing them, with the
// shapes they had or a ShapeError naming the layer; a layer from a model that never laid its weights out, or whose
// model was disposed, starts from the new model's initializers.
import { describe, it, expect } from 'vitest';
import { init, initSync, sequential, layers, losses, optimizers, loadModel, ConfigError, MemoryError, ShapeError, StateError, type Layer } from '../../src/index.js';
import { liveWorkers } from '../../src/core/threads.js';

initSync();

const T = 6, V = 14, N = 12, K = 3;
const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 5 + (i >> 2)) % (V - 1))), shape: [N, T] };
const yBin = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
const yIds = Float32Array.from({ length: N }, (_, i) => i % K);
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const weightsOf = (l: Layer) => l.getWeights().map((w) => bits(w.data));

function base(seed = 1) {
  const m = sequential({ seed, layers: [
    layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' }),
    layers.attention({ returnSequences: false, name: 'att' }),
    layers.dense({ units: 1, activation: 'sigmoid', name: 'head' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  for (let s = 0; s < 5; s++) m.trainOnBatch(x, yBin);
  return m;
}

describe('a layer takes its weights to the model it joins', () => {
  it('a trained model\'s layers under a new head keep their trained weights (the Keras idiom), frozen or not', async () => {
    const a = base();
    const trained = a.layers.slice(0, 3).map(weightsOf);
    const b = sequential({ seed: 9, layers: [...a.layers.slice(0, 3), layers.dense({ units: K, activation: 'softmax', name: 'new_head' })] });
    // every moved layer has the weights it was trained to (not the new model's seed-9 initial values)
    b.layers.slice(0, 3).forEach((l, i) => expect(weightsOf(l), l.name).toEqual(trained[i]));
    expect(() => a.predict(x)).toThrow(StateError); // (a's layers went to b)
    // the base frozen (Keras: base.trainable = False), the new head trains; the base's weights do not move
    for (const l of b.layers.slice(0, 3)) l.trainable = false;
    b.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const before = b.getLayer('new_head').getWeights().map((w) => bits(w.data));
    for (let s = 0; s < 3; s++) b.trainOnBatch(x, yIds);
    b.layers.slice(0, 3).forEach((l, i) => expect(weightsOf(l), `${l.name} frozen`).toEqual(trained[i]));
    expect(b.getLayer('new_head').getWeights().map((w) => bits(w.data))).not.toEqual(before);
    // the model file keeps them
    const loaded = await loadModel((await b.save())!);
    loaded.layers.slice(0, 3).forEach((l, i) => expect(weightsOf(l), `${l.name} loaded`).toEqual(trained[i]));
  });

  it('the new model predicts as the old one did with the same layers (a head moved along too)', () => {
    const a = base();
    const want = a.predict(x).data;
    const b = sequential({ seed: 5, layers: a.layers.slice() });
    expect(bits(b.predict(x).data)).toEqual(bits(want));
  });

  it('weights a layer brought but not yet laid out move on with it to a third model', () => {
    const a = base();
    const trained = weightsOf(a.getLayer('bi'));
    const [emb, bi, att, head] = a.layers;
    sequential({ layers: [emb, bi, att, head] }); // never used: it lays nothing out
    const c = sequential({ seed: 3, layers: [emb, bi, att, head] });
    expect(weightsOf(c.getLayer('bi'))).toEqual(trained);
  });

  it('another input size is a ShapeError naming the layer and both shapes, before anything is laid out', () => {
    const a = base();
    const bi = a.getLayer('bi');
    const b = sequential({ layers: [layers.embedding({ inputDim: V, outputDim: 7, inputLength: T }), bi, layers.globalAveragePooling1D(), layers.dense({ units: 1 })] });
    expect(() => b.predict(x)).toThrow(ShapeError);
    expect(() => b.predict(x)).toThrow(/^sequential(_\d+)?: layer "bi" brought weights \[5, 16\], \[4, 16\], \[16\], \[5, 16\], \[4, 16\], \[16\] from the model it was in, but here its input \[6, 7\] gives it \[7, 16\], \[4, 16\], \[16\], \[7, 16\], \[4, 16\], \[16\]\. Give it an input of the size it had, or use a new layer\.$/);
    expect(b.memoryBytes).toBe(0);
  });

  it('a layer from a model that never laid its weights out, or was disposed, starts from the new model\'s initializers', () => {
    const fresh = () => sequential({ seed: 4, layers: [layers.dense({ units: 3, inputShape: [2], name: 'd' })] });
    const want = fresh().getWeights().map((w) => bits(w.data));
    const unused = sequential({ seed: 7, layers: [layers.dense({ units: 3, inputShape: [2], name: 'd' })] });
    expect(sequential({ seed: 4, layers: [unused.layers[0]] }).getWeights().map((w) => bits(w.data))).toEqual(want);
    const disposed = sequential({ seed: 7, layers: [layers.dense({ units: 3, inputShape: [2], name: 'd' })] });
    disposed.predict([[1, 2]]);
    disposed.dispose();
    expect(sequential({ seed: 4, layers: [disposed.layers[0]] }).getWeights().map((w) => bits(w.data))).toEqual(want);
  });

  it('a model refused at construction leaves the layers with the model that holds their weights, unchanged', () => {
    const a = base();
    const trained = weightsOf(a.getLayer('bi'));
    expect(() => sequential({ layers: [a.getLayer('emb'), a.getLayer('bi'), 'not a layer' as never] })).toThrow();
    expect(a.getLayer('bi').owner).toBe(a);
    expect(weightsOf(a.getLayer('bi'))).toEqual(trained);
    expect(a.predict(x).shape).toEqual([N, 1]);
  });

  it('a loss and optimizer of the new model\'s own: fromLogits head on carried layers trains', () => {
    const a = base();
    const b = sequential({ layers: [...a.layers.slice(0, 3), layers.dense({ units: 1, name: 'logit' })] });
    b.compile({ optimizer: 'sgd', loss: losses.binaryCrossentropy({ fromLogits: true }) });
    const l0 = b.trainOnBatch(x, yBin)[0];
    for (let s = 0; s < 20; s++) b.trainOnBatch(x, yBin);
    expect(b.evaluate(x, yBin)[0]).toBeLessThan(l0);
  });
});

describe('pop() and add() on a model in use', () => {
  it('a loaded model\'s head replaced by pop() then add(): the other layers keep their weights, the model trains', async () => {
    const a = base();
    const loaded = await loadModel((await a.save())!);
    const kept = loaded.layers.slice(0, 3).map(weightsOf);
    const head = loaded.pop();
    expect(head.name).toBe('head');
    expect(loaded.layers.map((l) => l.name)).toEqual(['emb', 'bi', 'att']);
    loaded.add(layers.dense({ units: K, activation: 'softmax', name: 'new_head' }));
    loaded.layers.slice(0, 3).forEach((l, i) => expect(weightsOf(l), l.name).toEqual(kept[i]));
    expect(loaded.predict(x).shape).toEqual([N, K]);
    loaded.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const l0 = loaded.trainOnBatch(x, yIds)[0];
    for (let s = 0; s < 10; s++) loaded.trainOnBatch(x, yIds);
    expect(loaded.evaluate(x, yIds)[0]).toBeLessThan(l0);
    expect(head.owner).toBeNull();
  });

  it('pop() then add() of the same head gives the model\'s predictions back bit for bit; the optimizer\'s moments restart', () => {
    const a = base();
    const want = bits(a.predict(x).data);
    const head = a.pop();
    expect(a.outputShape).toEqual([8]); // (the attention's pooled 2 x 4 units)
    a.add(head);
    expect(bits(a.predict(x).data)).toEqual(want);
    expect(a.state.iterations).toBe(5); // (its step count goes on: Keras builds new weights' moments at zero so)
    expect(Number.isFinite(a.trainOnBatch(x, yBin)[0])).toBe(true);
  });

  it('pop() on an empty model, and add()/pop() while fit runs, are StateErrors; the model is left as it was', async () => {
    expect(() => sequential().pop()).toThrow(/^sequential\.pop: expected a model with layers, got sequential(_\d+)? with none\.$/);
    const a = base();
    const want = bits(a.predict(x).data);
    let seen: unknown = null;
    await a.fit(x, yBin, { epochs: 1, batchSize: 6, verbose: 0, callbacks: [{ onBatchEnd: () => { try { a.pop(); } catch (e) { seen = e; } } }] });
    expect(seen).toBeInstanceOf(StateError);
    expect((seen as Error).message).toMatch(/^sequential\.pop: expected no fit running on this model, got one in progress/);
    expect(a.layers).toHaveLength(4);
    expect(bits(a.predict(x).data)).not.toEqual(want); // (it trained)
  });
});

// From a review of the transfer and pop()/add() commits; each failed before its fix.
describe('transfer and pop()/add(): the review\'s cases', () => {
  // a single batch whose activations pass 4 GiB: a MemoryError while planning, after the weights were laid out
  const HUGE = 3_000_000;
  const big = { data: new Int32Array(HUGE * T).fill(1), shape: [HUGE, T] };

  it('a first call refused with a MemoryError keeps the weights the layers brought (transfer, pop/add, fit)', async () => {
    const a = base();
    const trained = weightsOf(a.getLayer('bi'));
    const b = sequential({ seed: 9, layers: [...a.layers.slice(0, 3), layers.dense({ units: 3, activation: 'softmax', name: 'nh' })] });
    expect(() => b.predictOnBatch(big)).toThrow(MemoryError);
    expect(weightsOf(b.getLayer('bi'))).toEqual(trained);
    b.pop();
    b.add(layers.dense({ units: 1, activation: 'sigmoid', name: 'nh2' }));
    b.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    await expect(b.fit(big, new Float32Array(HUGE), { epochs: 1, batchSize: HUGE, verbose: 0 })).rejects.toThrow(MemoryError);
    expect(weightsOf(b.getLayer('bi'))).toEqual(trained);
  });

  it('pop() of a Bidirectional takes its directions out of the model too (their setWeights wrote into it)', () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }), layers.bidirectional({ layer: layers.lstm({ units: 4 }), name: 'bi' })] });
    m.predict(x);
    const fw = (m.getLayer('bi') as unknown as { forwardLayer: Layer }).forwardLayer;
    const shapes = fw.getWeights().map((w) => w.shape);
    const bi = m.pop();
    expect(fw.owner).toBeNull();
    const emb = bits(m.getLayer('emb').getWeights()[0].data);
    expect(() => fw.setWeights(shapes.map((sh) => ({ data: new Float32Array(sh.reduce((p, q) => p * q, 1)).fill(7), shape: sh })))).toThrow(ShapeError);
    expect(bits(m.getLayer('emb').getWeights()[0].data)).toEqual(emb);
    // the popped Bidirectional gives (and takes) the weights it carries, checked as a model's
    const carried = bi.getWeights();
    expect(carried.map((w) => w.shape)).toEqual([[5, 16], [4, 16], [16], [5, 16], [4, 16], [16]]);
    expect(() => bi.setWeights(carried.slice(1))).toThrow(/^bi\.setWeights: expected 6 weights \(bi\/\w+\/kernel \[5, 16\], /);
    bi.setWeights(carried.map((w) => ({ data: w.data.map(() => 0.5), shape: w.shape })));
    expect(bi.getWeights()[0].data[0]).toBe(0.5);
  });

  it('a model built from its data keeps that input shape through pop()/add(): summary, countParams, getWeights, save', async () => {
    const xf = { data: Float32Array.from({ length: 4 * 5 * 3 }, (_, i) => Math.sin(i)), shape: [4, 5, 3] };
    const m = sequential({ layers: [layers.lstm({ units: 4, name: 'l' }), layers.dense({ units: 2, name: 'd1' }), layers.dense({ units: 1, name: 'd2' })] });
    m.predict(xf);
    const kept = m.getWeights().slice(0, 5).map((w) => bits(w.data));
    m.pop();
    expect(m.countParams()).toBe(4 * 4 * (3 + 4 + 1) + 2 * (4 + 1));
    expect(m.summary(undefined, undefined, () => {})).toContain('Total params');
    m.add(layers.dense({ units: 3, name: 'd3' }));
    expect(m.getWeights().slice(0, 5).map((w) => bits(w.data))).toEqual(kept);
    await expect(m.save()).resolves.toBeInstanceOf(Uint8Array);
  });

  it('input-projection tables come back after pop()/add() (cacheInputProjections was undone silently)', () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T }), layers.lstm({ units: 4, name: 'l' }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.cacheInputProjections();
    const want = bits(m.predict(x).data);
    const lstm = m.getLayer('l') as unknown as { projectionVocab(): number };
    expect(lstm.projectionVocab()).toBe(V);
    m.add(m.pop());
    expect(bits(m.predict(x).data)).toEqual(want);
    expect(lstm.projectionVocab()).toBe(V);
  });

  it('the model the layers left gives its memory and workers back at once (2 threads)', async () => {
    await init({ threads: 2 });
    try {
      const w0 = liveWorkers();
      const a = base();
      await a.ready();
      expect(liveWorkers()).toBe(w0 + 1);
      const head = weightsOf(a.getLayer('head'));
      const b = sequential({ layers: [...a.layers.slice(0, -1), layers.dense({ units: 1, name: 'h2' })] });
      expect(a.memoryBytes).toBe(0);
      for (let i = 0; i < 500 && liveWorkers() > w0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(liveWorkers()).toBe(w0);
      expect(() => a.predict(x)).toThrow(StateError);
      // its head, left behind, took its weights along too (for a model it may join)
      const c = sequential({ layers: [...b.layers.slice(0, -1), a.layers[3]] });
      expect(weightsOf(c.getLayer('head'))).toEqual(head);
      b.dispose(); c.dispose();
    } finally {
      await init({ threads: 1 });
    }
  });
});

// From a second review (of the first review's fixes); each failed before its fix.
describe('transfer and pop()/add(): the second review\'s cases', () => {
  /** A save whose writes wait for release(): the model is "saving" until then. */
  function heldSave(m: { save(t: WritableStream<Uint8Array>): Promise<unknown> }) {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const done = m.save(new WritableStream<Uint8Array>({ async write() { await gate; } }));
    return { done, release };
  }

  it('layers taken during a save: the model they left gives its memory back when the save ends, its other layers keep their weights', async () => {
    const a = base();
    const head = weightsOf(a.getLayer('head'));
    const s = heldSave(a);
    await new Promise((r) => setTimeout(r, 10));
    const b = sequential({ layers: [...a.layers.slice(0, 3), layers.dense({ units: 1, name: 'h2' })] });
    expect(a.memoryBytes).toBeGreaterThan(0); // (the save still reads it)
    s.release();
    await s.done;
    expect(a.memoryBytes).toBe(0);
    a.dispose();
    const c = sequential({ layers: [...b.layers.slice(0, 3), a.layers[3]] });
    expect(weightsOf(c.getLayer('head'))).toEqual(head);
  });

  it('predict during a save after pop()/add() with input-projection tables works, and the tables come back after it', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T }), layers.lstm({ units: 4, name: 'l' }), layers.dense({ units: 1, activation: 'sigmoid', name: 'd' })] });
    m.cacheInputProjections();
    m.predict(x);
    m.add(m.pop());
    const s = heldSave(m);
    await new Promise((r) => setTimeout(r, 10));
    const during = bits(m.predict(x).data);
    s.release();
    await s.done;
    expect(bits(m.predict(x).data)).toEqual(during);
    expect((m.getLayer('l') as unknown as { projectionVocab(): number }).projectionVocab()).toBe(V);
  });

  it('a refused construction leaves the old model\'s input-projection tables in use', () => {
    const a = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'e' }), layers.lstm({ units: 4, name: 'l' }), layers.dense({ units: 1, name: 'd' })] });
    a.cacheInputProjections();
    const want = bits(a.predict(x).data);
    const l = a.getLayer('l') as unknown as { projectionVocab(): number };
    expect(() => sequential({ layers: [a.layers[0], a.layers[1], layers.dense({ units: 1, name: 'x' }), layers.dense({ units: 1, name: 'x' })] })).toThrow(ConfigError);
    expect(bits(a.predict(x).data)).toEqual(want);
    expect(l.projectionVocab()).toBe(V);
  });

  it('the optimizer of the model every layer left compiles into the model they went to', () => {
    const opt = optimizers.adam();
    const a = base();
    a.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
    a.trainOnBatch(x, yBin);
    const b = sequential({ layers: a.layers.slice() });
    expect(a.memoryBytes).toBe(0);
    b.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
    expect(Number.isFinite(b.trainOnBatch(x, yBin)[0])).toBe(true);
  });
});

// From a third review (of the second review's fixes); each failed before its fix.
const xf3 = { data: Float32Array.from({ length: N * T * 5 }, (_, i) => Math.sin(i)), shape: [N, T, 5] };
function trainedWith(opt: ReturnType<typeof optimizers.adam> | 'adam' = 'adam') {
  const m = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' }),
    layers.attention({ returnSequences: false, name: 'att' }),
    layers.dense({ units: 1, activation: 'sigmoid', name: 'head' }),
  ]});
  m.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
  for (let s = 0; s < 3; s++) m.trainOnBatch(x, yBin);
  return m;
}

describe('a third review: the optimizer the left model freed stays with the model that compiled it', () => {
  it('disposing the left model does not take the optimizer from the model that compiled it since', () => {
    const opt = optimizers.adam();
    const a = trainedWith(opt);
    const b = sequential({ layers: a.layers.slice() });
    b.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
    b.trainOnBatch(x, yBin);
    a.dispose(); // (it released the optimizer b took: b's Adam state was cleared)
    const c = sequential({ layers: [layers.dense({ units: 1, inputShape: [3], name: 'c' })] });
    // opt is b's (its state lives in b's memory): compiling it into c must be refused, as before a.dispose()
    expect(() => c.compile({ optimizer: opt, loss: 'binaryCrossentropy' })).toThrow(ConfigError);
  });

  it('disposing the left model does not restart the moments of the model that took its optimizer', () => {
    const run = (disposeA: boolean) => {
      const opt = optimizers.adam();
      const a = trainedWith(opt);
      const b = sequential({ layers: a.layers.slice() });
      b.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
      b.trainOnBatch(x, yBin);
      if (disposeA) a.dispose();
      b.trainOnBatch(x, yBin);
      return weightsOf(b.getLayer('head'));
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('a third review: a popped Bidirectional whose direction is in another model', () => {
  const popped = () => {
    const a = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }), layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' })] });
    a.predict(x);
    const bi = a.pop() as unknown as { forwardLayer: Layer; name: string };
    const c = sequential({ layers: [bi.forwardLayer, layers.globalAveragePooling1D({ name: 'g2' }), layers.dense({ units: 1, name: 'hc' })] });
    c.predict(xf3);
    return { bi, c };
  };

  it('added whole to a third model: refused, leaving the model with the direction as it was', () => {
    const { bi, c } = popped();
    const want = bits(c.predict(xf3).data);
    expect(() => sequential({ layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'e2' }), bi as never, layers.globalAveragePooling1D({ name: 'g3' }), layers.dense({ units: 1, name: 'hd' })] })).toThrow(ConfigError);
    expect(bits(c.predict(xf3).data)).toEqual(want);
  });

  it('added to the model that holds its direction: refused (the direction would be in it twice)', () => {
    const { bi, c } = popped();
    expect(() => c.add(bi as never)).toThrow(ConfigError);
  });
});

describe('a third review: a layer left during a save, then the model disposed before the save ends', () => {
  it('its other layers keep their weights, as when dispose() comes after the save', async () => {
    const a = trainedWith();
    const head = weightsOf(a.getLayer('head'));
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const done = a.save(new WritableStream<Uint8Array>({ async write() { await gate; } }));
    await new Promise((r) => setTimeout(r, 10));
    const b = sequential({ layers: [...a.layers.slice(0, 3), layers.dense({ units: 1, name: 'h2' })] });
    a.dispose(); // (the layerLeft deferred to the save's end never ran: the head's weights were lost)
    release();
    await done;
    const c = sequential({ layers: [...b.layers.slice(0, 3), a.layers[3]] });
    expect(weightsOf(c.getLayer('head'))).toEqual(head);
  });
});

describe('a third review: a refused construction leaves the old model\'s projection tables where they were', () => {
  it('the old tables\' memory is reused, not left behind on each refused construction', () => {
    const VV = 20000;
    const xx = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 7919) % (VV - 1))), shape: [N, T] };
    const a = sequential({ seed: 1, layers: [layers.embedding({ inputDim: VV, outputDim: 8, inputLength: T, name: 'e' }), layers.lstm({ units: 32, name: 'l' }), layers.dense({ units: 1, name: 'd' })] });
    a.cacheInputProjections();
    a.predict(xx);
    a.predict(xx);
    const before = a.memoryBytes;
    for (let i = 0; i < 3; i++) {
      expect(() => sequential({ layers: [a.layers[0], a.layers[1], layers.dense({ units: 1, name: 'x' }), layers.dense({ units: 1, name: 'x' })] })).toThrow(ConfigError);
      a.predict(xx);
    }
    expect(a.memoryBytes).toBe(before);
  });
});

// From a fourth review (of the third review's fixes); each failed before its fix.
describe('a fourth review (fresh-bi)', () => {
  const T = 6, V = 14, N = 4;
  const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + (i % (V - 1))), shape: [N, T] };

  describe('a fresh Bidirectional after a refused construction', () => {
    it('can be added to a new model (it was in no model before the refused construction)', () => {
      const emb = layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' });
      const bi = layers.bidirectional({ layer: layers.lstm({ units: 4 }), name: 'bi' });
      // refused: two layers of one name
      expect(() => sequential({ layers: [emb, bi, layers.dense({ units: 1, name: 'd' }), layers.dense({ units: 1, name: 'd' })] })).toThrow(ConfigError);
      // the same layers, now a valid list: must be accepted (they are in no model)
      const m = sequential({ layers: [emb, bi, layers.dense({ units: 1, name: 'd' })] });
      expect(m.predict(x).shape).toEqual([N, 1]);
    });

    it('add() of it after the refused construction works too', () => {
      const bi = layers.bidirectional({ layer: layers.lstm({ units: 4 }), name: 'bi' });
      expect(() => sequential({ layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'e' }), bi, layers.dense({ units: 1, name: 'd' }), layers.dense({ units: 1, name: 'd' })] })).toThrow(ConfigError);
      const m = sequential({ layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'e' })] });
      expect(() => m.add(bi)).not.toThrow();
    });
  });
});

describe('a fourth review (twice)', () => {
  const T = 6, V = 14, N = 4;
  const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + (i % (V - 1))), shape: [N, T] };

  describe('a layer listed twice in a refused construction', () => {
    it('stays with the model it was in, which keeps working', () => {
      const a = sequential({ seed: 1, layers: [
        layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
        layers.lstm({ units: 4, name: 'l' }),
        layers.dense({ units: 1, name: 'd' }),
      ] });
      const want = a.predict(x).data.slice();
      // refused: the layer is listed twice ("already in the model")
      expect(() => sequential({ layers: [a.layers[0], a.layers[1], a.layers[1]] })).toThrow(ConfigError);
      expect(a.predict(x).data).toEqual(want);
    });

    it('keeps its input-projection table (no new table left behind)', () => {
      const a = sequential({ seed: 1, layers: [
        layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
        layers.lstm({ units: 4, name: 'l' }),
        layers.dense({ units: 1, name: 'd' }),
      ] });
      a.cacheInputProjections();
      a.predict(x);
      const lstm = a.layers[1] as unknown as { hasProjectionTable(V: number): boolean };
      expect(lstm.hasProjectionTable(V)).toBe(true);
      expect(() => sequential({ layers: [a.layers[1], a.layers[1]] })).toThrow(ConfigError);
      expect(lstm.hasProjectionTable(V)).toBe(true);
    });
  });
});

describe('a fourth review (opt-noarena)', () => {
  const T = 6, V = 14, N = 4;
  const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + (i % (V - 1))), shape: [N, T] };
  const y = Float32Array.from({ length: N }, (_, i) => i % 2);
  const mk = () => sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
    layers.bidirectional({ layer: layers.lstm({ units: 4 }), name: 'bi' }),
    layers.dense({ units: 1, name: 'd' }),
  ] });

  describe('the optimizer of a model its layers left while it held no memory', () => {
    it('after pop(): the new model can compile it (as when the old model held memory)', () => {
      const opt = optimizers.adam();
      const a = mk();
      a.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
      a.trainOnBatch(x, y);
      a.pop(); // (the memory goes back; laid out again at a's next call)
      const b = sequential({ layers: [...a.layers, layers.dense({ units: 1, name: 'h' })] });
      expect(() => b.compile({ optimizer: opt, loss: 'binaryCrossentropy' })).not.toThrow();
    });

    it('compiled, never used: the new model can compile it', () => {
      const opt = optimizers.adam();
      const a = mk();
      a.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
      const b = sequential({ layers: [...a.layers] });
      expect(() => b.compile({ optimizer: opt, loss: 'binaryCrossentropy' })).not.toThrow();
    });
  });
});
