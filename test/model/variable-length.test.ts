// Variable length: a model whose first layer declares no length (embedding without inputLength, inputShape [null, F])
// takes any T per call. Each call equals, bit for bit, a fixed-length model of the same weights at that T; a call's
// result never depends on the T of earlier calls; attention with a free length is refused; files round-trip.
import { describe, it, expect } from 'vitest';
import { sequential, layers, loadModel, Sequential, ConfigError, ShapeError, type Layer } from '../../src/index.js';
import { ids, weightBytes } from '../helpers/models.js';
import { headerOf } from '../helpers/files.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const weightBits = (m: Sequential) => weightBytes(m).map((w) => Array.from(w));

/** embedding -> Bi-LSTM (sequences) -> GlobalAveragePooling1D -> dense; inputLength T, or free when T is null. */
function pooled(T: number | null, seed = 3): Sequential {
  return sequential({ seed, layers: [
    layers.embedding({ inputDim: 13, outputDim: 6, maskZero: true, ...(T === null ? {} : { inputLength: T }) }),
    layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
    layers.globalAveragePooling1D(),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}

/** float input [T, 3] -> LSTM (last output only) -> dense softmax; inputShape [T, 3] or [null, 3]. */
function last(T: number | null, seed = 5): Sequential {
  return sequential({ seed, layers: [
    layers.lstm({ units: 4, inputShape: [T, 3] }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ]});
}

/** n sequences of length T of ids in [1, 12], post-padded with 0 from a per-sample length on. */
function tokens(n: number, T: number, seed: number) {
  const data = ids(n * T, seed, 1, 12);
  for (let i = 0; i < n; i++) for (let t = 2 + ((i * 5) % T); t < T; t++) data[i * T + t] = 0;
  const y = Float32Array.from({ length: n }, (_, i) => (data[i * T] + data[i * T + 1]) % 2);
  return { x: { data, shape: [n, T] }, y };
}

function floats(n: number, T: number, seed: number) {
  const r = ids(n * T * 3, seed, 0, 1000);
  const data = Float32Array.from(r, (v) => v / 500 - 1);
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (r[i * T * 3] % 3)] = 1;
  return { x: { data, shape: [n, T, 3] }, y: { data: y, shape: [n, 3] } };
}

/** A fixed-length twin of m at length T with m's weights (and the same compile). */
function twin(make: (T: number | null) => Sequential, m: Sequential, T: number): Sequential {
  const f = make(T);
  f.setWeights(m.getWeights());
  const cc = m.getCompileConfig();
  if (cc) f.compileFromConfig(cc);
  return f;
}

describe('variable length', () => {
  it('a free-length Bi-LSTM -> pooling model predicts, evaluates and differentiates at any T like a fixed model of that T', () => {
    const m = pooled(null);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    expect(m.freeLength).toBe(true);
    expect(m.outputShape).toEqual([1]);
    for (const T of [5, 9, 2]) {
      const { x, y } = tokens(11, T, T);
      const f = twin(pooled, m, T);
      expect(f.freeLength).toBe(false);
      expect(bits(m.predict(x, { batchSize: 4 }).data)).toEqual(bits(f.predict(x, { batchSize: 4 }).data));
      expect(m.evaluate(x, y, { batchSize: 3 })).toEqual(f.evaluate(x, y, { batchSize: 3 }));
      const g = m.computeGradients(x, y), gf = f.computeGradients(x, y);
      expect(g.loss).toBe(gf.loss);
      expect(g.grads.map((v) => bits(v.data))).toEqual(gf.grads.map((v) => bits(v.data)));
    }
  });

  it('fit and trainOnBatch at two lengths give the weights of fixed models trained in turn (bit for bit)', async () => {
    const m = pooled(null);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const a = tokens(14, 6, 1), b = tokens(10, 11, 2);
    const f6 = twin(pooled, m, 6);
    await m.fit(a.x, a.y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    await f6.fit(a.x, a.y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect(weightBits(m)).toEqual(weightBits(f6));
    const f11 = twin(pooled, m, 11);
    expect(m.trainOnBatch(b.x, b.y)).toEqual(f11.trainOnBatch(b.x, b.y));
    expect(weightBits(m)).toEqual(weightBits(f11));
    expect(bits(m.predict(a.x).data)).toEqual(bits(twin(pooled, m, 6).predict(a.x).data));
  });

  it('an LSTM without returnSequences on float input [null, 3]: predict and fit at two lengths equal fixed models', async () => {
    const m = last(null);
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(m.outputShape).toEqual([3]);
    const a = floats(9, 4, 1), b = floats(7, 10, 2);
    for (const d of [a, b]) {
      const T = d.x.shape[1];
      expect(bits(m.predict(d.x).data)).toEqual(bits(twin(last, m, T).predict(d.x).data));
    }
    const f4 = twin(last, m, 4);
    await m.fit(a.x, a.y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    await f4.fit(a.x, a.y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(weightBits(m)).toEqual(weightBits(f4));
    const f10 = twin(last, m, 10);
    await m.fit(b.x, b.y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    await f10.fit(b.x, b.y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    expect(weightBits(m)).toEqual(weightBits(f10));
  });

  it('a prediction does not depend on the lengths of earlier calls: T=5, then T=9, then T=5 give the same bits', () => {
    const m = pooled(null);
    const x5 = tokens(6, 5, 3).x, x9 = tokens(40, 9, 4).x;
    const first = bits(m.predict(x5).data);
    m.predict(x9, { batchSize: 40 }); // longer and bigger: the activations are re-planned larger
    expect(bits(m.predict(x5).data)).toEqual(first);
    // and a fresh model that never saw T=9 agrees
    expect(bits(pooled(null).predict(x5).data)).toEqual(first);
  });

  it('fit with validation data of another length trains like a fixed model; val_loss is a fixed model\'s evaluate', async () => {
    const m = pooled(null);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const f7 = twin(pooled, m, 7);
    const a = tokens(12, 7, 5), v = tokens(5, 3, 6);
    const h = await m.fit(a.x, a.y, { epochs: 2, batchSize: 5, validationData: [v.x, v.y], verbose: 0 });
    const hf = await f7.fit(a.x, a.y, { epochs: 2, batchSize: 5, verbose: 0 });
    expect(h.history.loss).toEqual(hf.history.loss);
    expect(weightBits(m)).toEqual(weightBits(f7));
    expect(h.history.val_loss[1]).toBe(twin(pooled, m, 3).evaluate(v.x, v.y, { batchSize: 5 })[0]);
  });

  it('summary prints None for the free axis, as Keras', () => {
    const text = pooled(null).summary(undefined, undefined, () => {});
    expect(text).toMatch(/embedding(_\d+)? \(Embedding\)\s+\(None, None, 6\)\s+78/);
    expect(text).toMatch(/ \(None, None, 10\)\s+480 /);
    expect(text).toMatch(/ \(None, 10\)\s+0 /);
    const m = pooled(null);
    m.predict(tokens(2, 4, 1).x); // a call does not change what summary prints
    expect(m.summary(undefined, undefined, () => {})).toMatch(/\(None, None, 6\)/);
    expect(m.outputShape).toEqual([1]);
    expect(last(null).summary(undefined, undefined, () => {})).toMatch(/\(None, 4\)/);
  });

  it('a model with an attention layer and a free length is refused at build, naming the layer', () => {
    const att = layers.attention({ returnSequences: false, name: 'att_free' });
    const m = sequential({ layers: [
      layers.embedding({ inputDim: 9, outputDim: 4 }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }),
      att,
      layers.dense({ units: 1 }),
    ]});
    const msg = /layer att_free \(Attention\) needs a fixed sequence length \(its bias b has one entry per timestep\), got a free length \(input shape \[null\]\)\. Give the first layer inputLength \(embedding\) or inputShape \[T, features\]\./;
    expect(() => m.summary(undefined, undefined, () => {})).toThrow(ConfigError);
    expect(() => m.summary(undefined, undefined, () => {})).toThrow(msg);
    expect(() => m.predict({ data: new Int32Array(8), shape: [2, 4] })).toThrow(msg);
    const f = sequential({ layers: [layers.lstm({ units: 2, returnSequences: true, inputShape: [null, 3] }), layers.attention({ name: 'att_f' })] });
    expect(() => f.countParams()).toThrow(/layer att_f \(Attention\) needs a fixed sequence length/);
  });

  it('a fixed-length model keeps refusing other lengths with a ShapeError', () => {
    const f = pooled(5);
    expect(() => f.predict(tokens(2, 7, 1).x)).toThrow(ShapeError);
    expect(() => f.predict(tokens(2, 7, 1).x)).toThrow(/predict: x has 2 dimensions \[2, 7\] but the model's first layer is embedding, which expects token ids \[batch, 5\]\./);
  });

  it('errors of a free-length model: rank, an empty length, labels of another length', () => {
    const m = pooled(null);
    expect(() => m.predict({ data: new Int32Array(12), shape: [2, 3, 2] })).toThrow(/predict: x has 3 dimensions \[2, 3, 2\] but the model's first layer is embedding, which expects token ids \[batch, time\]\./);
    expect(() => m.predict({ data: new Int32Array(0), shape: [2, 0] })).toThrow(ShapeError);
    expect(() => m.predict({ data: new Int32Array(0), shape: [2, 0] })).toThrow(/predict: expected sequences of at least one timestep, got x of shape \[2, 0\]\./);
    expect(() => last(null).predict({ data: new Float32Array(8), shape: [2, 4] })).toThrow(/the model expects \[batch, time, 3\]/);
    const s = sequential({ layers: [layers.embedding({ inputDim: 9, outputDim: 3 }), layers.lstm({ units: 2, returnSequences: true }), layers.dense({ units: 1 })] });
    s.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(s.outputShape).toEqual([null, 1]);
    expect(() => s.trainOnBatch({ data: new Int32Array(8), shape: [2, 4] }, { data: new Float32Array(10), shape: [2, 5, 1] }))
      .toThrow(/trainOnBatch: expected y of shape \[2, 4, 1\] or \[2, 4\], got \[2, 5, 1\]\./);
    expect(s.trainOnBatch({ data: new Int32Array(8).fill(1), shape: [2, 4] }, { data: new Float32Array(8), shape: [2, 4] })[0]).toBeGreaterThan(0);
    expect(s.predict({ data: new Int32Array(6).fill(2), shape: [1, 6] }).shape).toEqual([1, 6, 1]);
  });

  it('getConfig/fromConfig and save/loadModel keep the length free; the loaded model predicts at any T with the same bits', async () => {
    const m = pooled(null);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const a = tokens(8, 6, 7);
    await m.fit(a.x, a.y, { epochs: 1, batchSize: 4, verbose: 0 });
    const c = Sequential.fromConfig(JSON.parse(JSON.stringify(m.getConfig())));
    expect(c.freeLength).toBe(true);
    c.setWeights(m.getWeights());
    const bytes = (await m.save())!;
    expect(headerOf(bytes).inputShape).toEqual([null]);
    const l = await loadModel(bytes);
    expect(l.freeLength).toBe(true);
    expect(l.getConfig()).toEqual(m.getConfig());
    for (const T of [6, 2, 13]) {
      const x = tokens(5, T, T).x;
      const want = bits(m.predict(x).data);
      expect(bits(l.predict(x).data)).toEqual(want);
      expect(bits(c.predict(x).data)).toEqual(want);
    }
    // training resumes the same at a new length
    const b = tokens(6, 9, 8);
    m.trainOnBatch(b.x, b.y);
    l.trainOnBatch(b.x, b.y);
    expect(weightBits(l)).toEqual(weightBits(m));
    expect(await l.save()).toEqual(await m.save());
  });

  it('weights never depend on T: the same names and shapes before and after calls at several lengths', () => {
    const m = pooled(null);
    const shapes = () => m.trainableWeights.map((w) => `${w.name} ${w.shape.join('x')}`);
    const before = shapes();
    for (const T of [3, 17]) m.predict(tokens(2, T, T).x);
    expect(shapes()).toEqual(before);
    expect(m.layers.every((l: Layer) => l.weights.every((w) => w.shape.every((d) => d > 0)))).toBe(true);
  });
});
