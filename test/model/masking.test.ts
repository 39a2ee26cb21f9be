// Masking invariants through the public API: pad contents and batch neighbours do not change a sample's outputs (bit
// for bit), attention weights are 0 on masked steps and sum to 1 over real ones, all-masked samples give zeros not NaN,
// nothing flows into masked steps, and float inputs with a masking layer train end to end.
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers } from '../../src/index.js';
import { fdCheck } from '../helpers/models.js';
import { runLayer } from '../helpers/layer.js';
import { rand } from '../helpers/kernels.js';

const T = 7;
function maskedModel(seed = 3, extra = false) {
  return sequential({ seed, layers: [
    layers.embedding({ inputDim: 11, outputDim: 5, inputLength: T, maskZero: true }),
    ...(extra ? [layers.batchNormalization(), layers.activation({ activation: 'tanh' as const }), layers.dropout({ rate: 0.3 })] : []),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}
// post-padded, full, all-pad, length 1, pre-padded, a hole in the middle
const X = [[3, 4, 5, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7], [0, 0, 0, 0, 0, 0, 0], [9, 0, 0, 0, 0, 0, 0], [0, 0, 0, 2, 7, 1, 8], [4, 4, 0, 6, 0, 0, 0]];
const Y = [1, 0, 1, 0, 1, 0];
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('masked sequences', () => {
  it('outputs do not depend on the padding vector (embedding row 0), bit for bit', () => {
    const m = maskedModel();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const a = m.predict(X, { returnAttention: true });
    const w = m.getWeights();
    w[0].data.set([5, -3, 0.25, 100, -7]);
    m.setWeights(w);
    const b = m.predict(X, { returnAttention: true });
    expect(bits(b.data)).toEqual(bits(a.data));
    expect(bits(b.attention[0].data)).toEqual(bits(a.attention[0].data));
  });

  it('a sample alone gives the same bits as inside any batch', () => {
    const m = maskedModel(4);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const all = m.predict(X);
    X.forEach((row, i) => expect(bits(m.predict([row]).data)[0]).toBe(bits(all.data)[i]));
    const other = m.predict([X[0], [8, 8, 8, 8, 8, 8, 8]]);
    expect(bits(other.data)[0]).toBe(bits(all.data)[0]);
  });

  it('attention is 0 on masked steps, sums to 1 over real steps, and an all-masked sample gives zeros, not NaN', () => {
    const m = maskedModel(5);
    const r = m.predict(X, { returnAttention: true });
    const a = r.attention[0].data;
    expect(r.attention[0].shape).toEqual([6, T]);
    X.forEach((row, i) => {
      let s = 0;
      row.forEach((id, t) => { if (id === 0) expect(a[i * T + t]).toBe(0); s += a[i * T + t]; });
      if (row.some((id) => id !== 0)) expect(s).toBeCloseTo(1, 6); else expect(s).toBe(0);
    });
    expect(r.data.every((v) => Number.isFinite(v))).toBe(true);
    // all-masked: pooled attention output is 0, so the prediction is sigmoid(dense bias) = 0.5 with a zero bias
    expect(r.data[2]).toBe(0.5);
    // a length-1 sample puts all its weight on its one real step
    expect(a[3 * T]).toBe(1);
  });

  it('a fully padded batch predicts and trains without NaN', () => {
    const m = maskedModel(6, true);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const pads = [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]];
    const [loss] = m.trainOnBatch(pads, [1, 0]);
    expect(loss).toBeCloseTo(Math.log(2), 6);
    for (const w of m.getWeights()) expect(w.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('the embedding row 0 gets exactly zero gradient, even through batch norm and dropout', () => {
    const m = maskedModel(7, true);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const g = m.computeGradients(X, Y);
    expect(Array.from(g.grads[0].data.slice(0, 5)).map(Math.abs)).toEqual([0, 0, 0, 0, 0]);
    expect(g.grads[0].data.slice(5).some((v) => v !== 0)).toBe(true);
  });

  it('matches central differences through masks (embedding, batch norm, Bi-LSTM, attention)', () => {
    const m = maskedModel(8, true);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    fdCheck(m, X, Y);
  });

  it('nothing flows into masked steps of a Bi-LSTM (float input), and masked outputs are 0', () => {
    const B = 3, I = 2, H = 3;
    const mask = [1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0];
    const x = rand(B * 5 * I, 1);
    const dy = rand(B * 5 * 2 * H, 2);
    const r = runLayer(layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }), [5, I], B, x, dy, { mask });
    mask.forEach((m, n) => {
      if (m) return;
      for (let j = 0; j < 2 * H; j++) expect(Math.abs(r.y[n * 2 * H + j])).toBe(0);
      for (let j = 0; j < I; j++) expect(Math.abs(r.dx![n * I + j])).toBe(0);
    });
  });

  it('a plain LSTM with returnSequences repeats its previous output at masked steps (Keras)', () => {
    const mask = [1, 0, 1, 0, 0];
    const x = rand(5 * 2, 3);
    const r = runLayer(layers.lstm({ units: 2, returnSequences: true }), [5, 2], 1, x, null, { mask });
    expect([r.y[2], r.y[3]]).toEqual([r.y[0], r.y[1]]);
    expect([r.y[6], r.y[7], r.y[8], r.y[9]]).toEqual([r.y[4], r.y[5], r.y[4], r.y[5]]);
  });

  it('batch norm under a mask takes its statistics over real steps only', () => {
    const B = 2, C = 2;
    const mask = [1, 1, 0, 1, 0, 0];
    const x = [1, 10, 3, 20, 1000, -1000, 5, 30, 777, 777, -5, 5];
    const r = runLayer(layers.batchNormalization(), [3, C], B, x, null, { mask });
    const real = [0, 1, 3];
    for (let c = 0; c < C; c++) {
      const v = real.map((n) => x[n * C + c]);
      const mean = v.reduce((a, b) => a + b, 0) / (3 + 1e-7);
      const vr = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (3 + 1e-7);
      for (let n = 0; n < 6; n++) expect(r.y[n * C + c]).toBeCloseTo((x[n * C + c] - mean) / Math.sqrt(vr + 1e-3), 3);
    }
  });
});

describe('float inputs without an embedding layer', () => {
  it('masking -> Bi-LSTM -> attention -> dense trains end to end: summary, fit, predict, computeGradients', async () => {
    const m = sequential({ seed: 2, layers: [
      layers.masking({ maskValue: 0, inputShape: [6, 3] }),
      layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const text = m.summary(undefined, undefined, () => {});
    expect(text).toContain('masking (Masking)');
    expect(text).toMatch(/\(None, 6, 10\)\s+360/);
    const N = 40;
    const v = rand(N * 6 * 3, 9, -1, 1);
    const y = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      const len = 1 + (i % 6);
      for (let t = len; t < 6; t++) for (let f = 0; f < 3; f++) v[(i * 6 + t) * 3 + f] = 0;
      y[i] = v[i * 18] > 0 ? 1 : 0;
    }
    const x = { data: Float32Array.from(v), shape: [N, 6, 3] };
    const h = await m.fit(x, y, { epochs: 15, batchSize: 8, verbose: 0 });
    expect(h.history.loss[14]).toBeLessThan(h.history.loss[0]);
    const p = m.predict(x, { returnAttention: true });
    expect(p.shape).toEqual([N, 1]);
    for (let i = 0; i < N; i++) for (let t = 1 + (i % 6); t < 6; t++) expect(p.attention[0].data[i * 6 + t]).toBe(0);
    fdCheck(m, { data: x.data.slice(0, 4 * 18), shape: [4, 6, 3] }, y.slice(0, 4));
  });

  it('a plain LSTM on float input with inputShape', async () => {
    const m = sequential({ layers: [layers.lstm({ units: 3, inputShape: [4, 2] }), layers.dense({ units: 2, activation: 'softmax' })] });
    m.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const x = { data: Float32Array.from(rand(10 * 8, 4)), shape: [10, 4, 2] };
    const y = Array.from({ length: 10 }, (_, i) => i % 2);
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(m.predict(x).shape).toEqual([10, 2]);
  });
});
