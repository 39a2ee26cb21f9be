// A layer's model (layer.owner) and its weights through the layer, from a review of the ownership change: a layer
// joins the model it is added to last (a loop building a model per round around one layer object, a model refused
// at build time), drops the projection table of a model it was in (it lay in that model's memory: another model's
// predictions read it, and a rebuilt table wrote over its weights), and a Bidirectional's two directions have their
// weights too; getLayer takes TF.js's getLayer(index) and Keras's get_layer(None, index).
import { describe, it, expect } from 'vitest';
import { initSync, sequential, layers, loadModel, StateError, Sequential } from '../../src/index.js';

initSync();

const X = { data: Int32Array.from({ length: 15 }, (_, i) => (i * 5) % 12), shape: [3, 5] };

describe('layer ownership', () => {
  it('own-1: a layer whose model was dropped without dispose() can join a new model (a loop re-using layer objects)', () => {
    const emb = layers.dense({ units: 2, name: 'looped' });
    for (let r = 0; r < 3; r++) {
      // each round's model is dropped (never disposed), as a sweep / k-fold loop would
      const m = sequential({ seed: r, layers: [layers.dense({ units: 3, inputShape: [3] }), emb] });
      expect(m.predict([[1, 2, 3]]).shape).toEqual([1, 2]);
    }
  });

  it('own-2: a model that fails to build (not at construction) does not keep its layers from a corrected model', () => {
    const d = layers.dense({ units: 3, name: 'd' });
    const e = layers.embedding({ inputDim: 12, outputDim: 3, inputLength: 5, name: 'e' });
    const bad = sequential({ layers: [d, e] });
    expect(() => bad.predict(X)).toThrow(); // embedding not first
    // the user fixes the order with the same layer objects
    const good = sequential({ layers: [e, layers.lstm({ units: 2 }), layers.dense({ units: 1 })] });
    expect(good.predict(X).shape).toEqual([3, 1]);
  });

  it('own-3: a layer re-added after its model is disposed; loadModel/fromConfig round trips make new layers', async () => {
    const m1 = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5, name: 'emb' }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), name: 'bi' }), layers.attention({ name: 'att' }), layers.dense({ units: 1, name: 'out' })] });
    m1.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const bytes = await m1.save();
    const m2 = await loadModel(bytes);
    const m3 = Sequential.fromConfig(m1.getConfig());
    expect(Array.from(m2.predict(X).data)).toEqual(Array.from(m1.predict(X).data));
    expect(Array.from(m3.predict(X).data)).toEqual(Array.from(m1.predict(X).data));
    expect(m2.getLayer('bi').getWeights().length).toBe(6);
    expect(m1.getLayer('bi').owner).toBe(m1);
    expect(m2.getLayer('bi').owner).toBe(m2);
    m1.summary(80, undefined, () => {});
  });
});

describe('a Bidirectional\'s direction moved alone', () => {
  it('the model it came from refuses its next call (a review: it read the other model\'s memory out of bounds)', () => {
    const T = 6, V = 14, N = 12;
    const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 5 + (i >> 2)) % (V - 1))), shape: [N, T] };
    const a = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' }), layers.globalAveragePooling1D({ name: 'gap' }), layers.dense({ units: 1, name: 'head' })] });
    a.predict(x);
    const fwd = (a.getLayer('bi') as unknown as { forwardLayer: never }).forwardLayer;
    const b = sequential({ seed: 2, layers: [layers.dense({ units: 5, inputShape: [T, 5], name: 'pre' }), fwd, layers.globalAveragePooling1D({ name: 'gap2' }), layers.dense({ units: 1, name: 'h2' })] });
    b.predict({ data: new Float32Array(N * T * 5).fill(0.5), shape: [N, T, 5] });
    expect(() => a.predict(x)).toThrow(StateError);
    expect(() => a.predict(x)).toThrow(/^predict: expected a model whose layers are its own, got sequential(_\d+)?, whose layer "bi_forward_\w+|forward_\w+" went to model/);
  });
});

describe('a Bidirectional and its directions move whole (a second review)', () => {
  const T = 6, V = 14, N = 12;
  const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 5 + (i >> 2)) % (V - 1))), shape: [N, T] };
  const xf = { data: Float32Array.from({ length: N * T * 5 }, (_, i) => Math.sin(i)), shape: [N, T, 5] };
  const withBi = () => {
    const a = sequential({ seed: 1, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }), layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' }), layers.globalAveragePooling1D({ name: 'g' }), layers.dense({ units: 1, name: 'h' })] });
    a.predict(x);
    return a;
  };

  it('a Bidirectional whose direction is in another model is refused, leaving that model as it was', () => {
    const a = withBi();
    const bi = a.getLayer('bi') as unknown as { forwardLayer: never; name: string };
    const b = sequential({ layers: [bi.forwardLayer, layers.globalAveragePooling1D({ name: 'g2' }), layers.dense({ units: 1, name: 'hb' })] });
    const want = Array.from(b.predict(xf).data);
    expect(() => sequential({ layers: [a.layers[0], bi as never, layers.dense({ units: 1, name: 'hc' })] }))
      .toThrow(/^sequential\.add: expected layer bi whole in one model, got its part \w+ in model "sequential(_\d+)?"\. Build a new layer, copying weights with getWeights\/setWeights\.$/);
    expect(Array.from(b.predict(xf).data)).toEqual(want);
  });

  it('a Bidirectional\'s direction added to the Bidirectional\'s own model is refused', () => {
    const a = withBi();
    const fw = (a.getLayer('bi') as unknown as { forwardLayer: never }).forwardLayer;
    const want = Array.from(a.predict(x).data);
    expect(() => a.add(fw)).toThrow(/^sequential\.add: layer \w+ is already in the model, inside another layer \(a Bidirectional's direction\)\. Add a new layer\.$/);
    expect(Array.from(a.predict(x).data)).toEqual(want);
  });
});

describe('a layer joining a new model drops the old model\'s projection table', () => {
  it('stale-1: cacheInputProjections in the second model gives the same predictions as without (table made in the first)', () => {
    const mk = (emb: any, lstm: any, seed: number) => sequential({ seed, layers: [emb, lstm, layers.dense({ units: 1, name: 'o' })] });
    const emb = layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5, name: 'e1' });
    const lstm = layers.lstm({ units: 3, name: 'l1' });
    const a = mk(emb, lstm, 1);
    a.cacheInputProjections();
    a.predict(X);
    a.dispose(); // "after its dispose() it may join one"
    const b = mk(emb, lstm, 2);
    const want = Array.from(b.predict(X).data);
    b.cacheInputProjections();
    const got = Array.from(b.predict(X).data);
    expect(got).toEqual(want);
    // and b's weights are untouched by the table
    const w = b.getWeights().map((x) => Array.from(x.data));
    b.predict({ data: Int32Array.from({ length: 60 }, (_, i) => i % 12), shape: [12, 5] });
    expect(b.getWeights().map((x) => Array.from(x.data))).toEqual(w);
  });
});

/** The reference shapes in small: embedding, Bi-LSTM, attention, dense, each layer named. */
const model = () => sequential({ seed: 3, layers: [
  layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5, name: 'emb' }),
  layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), name: 'bi' }),
  layers.attention({ name: 'att' }),
  layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }),
] });

describe('getLayer call forms', () => {
  it('get-1: getLayer(0) (TF.js getLayer(index) style, JS callers) returns layers[0]', () => {
    const m = model();
    expect((m.getLayer as any)(0)).toBe(m.layers[0]);
  });

  it('get-2: getLayer(null, 1) (Keras get_layer(name=None, index=1)) returns layers[1]', () => {
    const m = model();
    expect((m.getLayer as any)(null, 1)).toBe(m.layers[1]);
  });
});

describe('a layer\'s weights through the layer', () => {
  it('bidi-1: a Bidirectional\'s forwardLayer.getWeights() is its 3 weights (Keras bi.forward_layer.get_weights()), not []', () => {
    const m = model();
    const bi = m.getLayer('bi') as any;
    const all = bi.getWeights();
    const fw = bi.forwardLayer.getWeights();
    expect(fw.length).toBe(3);
    expect(fw.map((w: any) => Array.from(w.data))).toEqual(all.slice(0, 3).map((w: any) => Array.from(w.data)));
  });

  it('bidi-2: a Bidirectional\'s backwardLayer.setWeights sets its slice (not "in no model yet")', () => {
    const m = model();
    const bi = m.getLayer('bi') as any;
    const bw = bi.getWeights().slice(3);
    expect(() => bi.backwardLayer.setWeights(bw)).not.toThrow();
  });

  it('own-w1: layer.setWeights before first use allocates and keeps the rest of the init', () => {
    const a = model(), b = model();
    const out = a.getLayer('out');
    const w = b.getLayer('out').getWeights();
    out.setWeights([{ data: w[0].data.map((v) => v + 1), shape: w[0].shape }, w[1]]);
    const wa = a.getWeights(), wb = b.getWeights();
    expect(wa.slice(0, -2).map((x) => Array.from(x.data))).toEqual(wb.slice(0, -2).map((x) => Array.from(x.data)));
  });

  it('own-w2: layer.setWeights invalidates input-projection tables (lstm and embedding)', () => {
    const a = model(), b = model();
    a.cacheInputProjections();
    a.predict(X);
    for (const name of ['bi', 'emb']) {
      const l = a.getLayer(name);
      const nw = l.getWeights().map((w) => ({ data: w.data.map((v, i) => v * 0.5 + (i % 3) * 0.01), shape: w.shape }));
      l.setWeights(nw);
      b.getLayer(name).setWeights(nw);
      expect(Array.from(a.predict(X).data)).toEqual(Array.from(b.predict(X).data));
    }
  });

  it('own-w3: a frozen layer\'s setWeights writes; setWeights during save is a StateError; after dispose StateError', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const out = m.getLayer('out');
    out.trainable = false;
    const w = out.getWeights();
    out.setWeights([w[0], { data: [0.25], shape: [1] }]);
    expect(Array.from(out.getWeights()[1].data)).toEqual([0.25]);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const ws = new WritableStream<Uint8Array>({ async write() { await gate; } });
    const p = m.save(ws);
    await new Promise((r) => setTimeout(r, 10));
    expect(() => out.setWeights(w)).toThrow(StateError);
    release();
    await p;
    out.setWeights(w);
    m.dispose();
    expect(() => out.setWeights(w)).toThrow(StateError);
  });

  it('own-w4: layer.setWeights from a fit callback changes weights for the next batch like model.setWeights', async () => {
    const m = model();
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const y = { data: new Float32Array(15).map((_, i) => i % 2), shape: [3, 5] };
    const out = m.getLayer('out');
    await m.fit(X, y, { epochs: 1, batchSize: 1, verbose: 0, callbacks: [{ onBatchEnd: () => { out.setWeights([{ data: new Float32Array(6), shape: [6, 1] }, { data: [0], shape: [1] }]); } }] } as any);
    expect(Array.from(out.getWeights()[1].data)).toEqual([0]);
  });
});

describe('a stale table would land in the new model\'s weights', () => {
  it('stale-2: after the re-add, cacheInputProjections + predict leave the second model\'s weights as they were', () => {
    const emb = layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5, name: 'e2' });
    const lstm = layers.lstm({ units: 3, name: 'l2' });
    const a = sequential({ seed: 1, layers: [emb, lstm, layers.dense({ units: 1 })] });
    a.cacheInputProjections();
    a.predict(X);
    a.dispose();
    // a bigger head: its weights lie where a's table was
    const b = sequential({ seed: 2, layers: [emb, lstm, layers.dense({ units: 400 }), layers.dense({ units: 1 })] });
    b.setWeights(b.getWeights()); // (any weight change: the table is made again at the next prediction)
    const before = b.getWeights().map((w) => Array.from(w.data));
    b.cacheInputProjections();
    b.predict(X);
    expect(b.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });
});
