// Conv1D and MaxPooling1D against float64 references (test/ref/conv.ts) over paddings, strides and dilations, the
// reference checked by central differences, whole-model gradients (Keras's imdb_cnn_lstm shape: embedding -> conv1d
// -> maxPooling1D -> LSTM -> dense) against central differences, configs, files and the shapes refused.
import { describe, it, expect } from 'vitest';
import { initSync, layers, sequential, loadModel, ShapeError, ConfigError } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { fdCheck } from '../helpers/models.js';
import { conv1dRef, maxPool1dRef, avgPool1dRef, type Padding } from '../ref/conv.js';

initSync();
const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-6) => {
  const scale = Math.max(1e-6, ...Array.from(want, Math.abs));
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * scale)) throw new Error(`${what}: [${i}] ${got[i]} vs ${want[i]} (scale ${scale})`);
};

describe('conv1d', () => {
  const B = 2, T = 9, C = 3, F = 4;
  const cases: [number, number, number, Padding][] = [[3, 1, 1, 'valid'], [3, 1, 1, 'same'], [4, 1, 1, 'same'], [3, 1, 2, 'causal'], [2, 2, 1, 'valid'], [3, 3, 1, 'same'], [5, 1, 2, 'same'], [1, 1, 1, 'valid']];
  for (const [K, s, d, padding] of cases) {
    it(`kernel ${K}, strides ${s}, dilation ${d}, padding ${padding}: outputs and every gradient equal the float64 reference`, () => {
      const x = Float64Array.from({ length: B * T * C }, (_, i) => Math.fround(Math.sin(i * 1.1)));
      const W = Float64Array.from({ length: K * C * F }, (_, i) => Math.fround(Math.cos(i * 0.7) * 0.6));
      const bias = Float64Array.from({ length: F }, (_, i) => Math.fround(0.1 * i - 0.15));
      const ref = conv1dRef(x, W, bias, B, T, C, K, F, s, d, padding);
      const dz = Float64Array.from({ length: B * ref.out * F }, (_, i) => Math.fround(Math.sin(i * 0.37 + 1)));
      const r = runLayer(layers.conv1d({ filters: F, kernelSize: K, strides: s, dilationRate: d, padding }), [T, C], B, x, dz, { weights: [W, bias] });
      expect(r.layer.outputShape).toEqual([ref.out, F]);
      close(r.y, ref.z, 'y');
      const g = ref.backward(dz);
      close(r.grads[0], g.dW, 'dW'); close(r.grads[1], g.db, 'db'); close(r.dx!, g.dx, 'dx');
    });
  }

  it('the reference backward equals central differences of the reference (same padding, strides 2, dilation 1)', () => {
    const K = 3, s = 2, d = 1, Tn = 7, x = Float64Array.from({ length: Tn * 2 }, (_, i) => Math.sin(i)), W = Float64Array.from({ length: K * 2 * 2 }, (_, i) => Math.cos(i));
    const r = conv1dRef(x, W, null, 1, Tn, 2, K, 2, s, d, 'same');
    const dz = Float64Array.from(r.z, (_, i) => Math.cos(i * 3));
    const g = r.backward(dz);
    const loss = (xx: ArrayLike<number>, ww: ArrayLike<number>) => conv1dRef(xx, ww, null, 1, Tn, 2, K, 2, s, d, 'same').z.reduce((a, v, i) => a + v * dz[i], 0);
    const h = 1e-6;
    for (let i = 0; i < x.length; i++) { const p = x.slice(), m = x.slice(); p[i] += h; m[i] -= h; expect(Math.abs((loss(p, W) - loss(m, W)) / (2 * h) - g.dx[i])).toBeLessThan(1e-6); }
    for (let i = 0; i < W.length; i++) { const p = W.slice(), m = W.slice(); p[i] += h; m[i] -= h; expect(Math.abs((loss(x, p) - loss(x, m)) / (2 * h) - g.dW[i])).toBeLessThan(1e-6); }
  });

  it("Keras's imdb_cnn_lstm shape (embedding -> conv1d(relu) -> maxPooling1D -> LSTM -> dense): gradients match central differences", () => {
    const m = sequential({ seed: 6, layers: [
      layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 11 }), layers.conv1d({ filters: 5, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling1D({ poolSize: 2 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    expect(m.outputShape).toEqual([1]);
    expect(m.layers.map((l) => l.outputShape)).toEqual([[11, 4], [9, 5], [4, 5], [3], [1]]);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = Array.from({ length: 4 }, (_, r) => Array.from({ length: 11 }, (_, t) => (r * 5 + t * 3) % 12));
    // (a step of 2^-9, not 2^-5: the max pooling's windows change their maximum within a larger step, where the loss
    // is not differentiable; with tanh and no pooling 2^-5 passes too)
    fdCheck(m, x, [1, 0, 0, 1], { h: 2 ** -9 });
  });

  it('configs and model files keep them; free lengths work; bad shapes and options are refused naming them', async () => {
    const m = sequential({ seed: 2, layers: [layers.conv1d({ filters: 3, kernelSize: [2], padding: 'causal', dilationRate: 2, activation: 'gelu', inputShape: [6, 2], name: 'c' }),
      layers.maxPooling1D({ poolSize: 3, strides: 2, padding: 'same', name: 'p' }), layers.flatten(), layers.dense({ units: 1 })] });
    expect(m.getConfig().config.layers[0].config).toMatchObject({ filters: 3, kernelSize: 2, strides: 1, padding: 'causal', dilationRate: 2, activation: 'gelu', useBias: true });
    expect(m.getConfig().config.layers[1].config).toMatchObject({ poolSize: 3, strides: 2, padding: 'same' });
    const back = await loadModel(await m.save());
    const x = { data: Float32Array.from({ length: 2 * 6 * 2 }, (_, i) => Math.sin(i)), shape: [2, 6, 2] };
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    const free = sequential({ layers: [layers.embedding({ inputDim: 9, outputDim: 3 }), layers.conv1d({ filters: 2, kernelSize: 3, padding: 'same' }), layers.globalMaxPooling1D(), layers.dense({ units: 1 })] });
    expect(free.predict([[1, 2, 3, 4, 5]]).shape).toEqual([1, 1]);
    expect(free.predict([[1, 2, 3, 4, 5, 6, 7, 8]]).shape).toEqual([1, 1]);
    const short = sequential({ layers: [layers.conv1d({ filters: 2, kernelSize: 5, inputShape: [3, 2], name: 'k5' })] });
    expect(() => short.outputShape).toThrow(ShapeError);
    expect(() => short.outputShape).toThrow(/k5: expected at least 5 steps for a kernel of 5 with padding 'valid', got 3/);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/expected padding 'valid', 'same' or 'causal', got "full"/);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(ConfigError);
    expect(() => layers.maxPooling1D({ padding: 'causal' as never })).toThrow(/expected padding 'valid' or 'same'/);
  });
});

describe('conv1d and maxPooling1D on a free length', () => {
  it('a T shorter than the kernel (or the pool) is refused and leaves the model as it was (a review: its outputs were 0 after)', () => {
    const mk = () => sequential({ seed: 3, layers: [layers.embedding({ inputDim: 9, outputDim: 3 }), layers.conv1d({ filters: 2, kernelSize: 5 }),
      layers.maxPooling1D({ poolSize: 2 }), layers.globalMaxPooling1D(), layers.dense({ units: 1 })] });
    const m = mk(), ref = mk();
    const x8b = [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]];
    const want = Array.from(ref.predict(x8b).data);
    m.predict([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(() => m.predict([[1, 2, 3]])).toThrow(/at least 5 steps/);
    expect(() => m.predict([[1, 2, 3, 4, 5]])).toThrow(/at least 2 steps/);
    expect(Array.from(m.predict(x8b).data)).toEqual(want);
  });
});

describe('maxPooling1D', () => {
  for (const [p, s, padding] of [[2, 2, 'valid'], [3, 1, 'valid'], [3, 2, 'same'], [2, 3, 'same'], [4, 4, 'same']] as [number, number, 'valid' | 'same'][]) {
    it(`pool ${p}, strides ${s}, padding ${padding}: the window maxima, the gradient to each window's first maximum`, () => {
      const B = 2, T = 9, C = 3;
      const x = Float64Array.from({ length: B * T * C }, (_, i) => Math.fround(Math.round(Math.sin(i * 1.7) * 4) / 4)); // ties
      const ref = maxPool1dRef(x, B, T, C, p, s, padding);
      const dy = Float64Array.from({ length: B * ref.out * C }, (_, i) => Math.fround(1 + i * 0.125));
      const r = runLayer(layers.maxPooling1D({ poolSize: p, strides: s, padding }), [T, C], B, x, dy);
      expect(Array.from(r.y)).toEqual(Array.from(ref.y));
      const want = new Float64Array(B * T * C);
      ref.arg.forEach((u, o) => { const b = Math.floor(o / (ref.out * C)), c = o % C; want[(b * T + u) * C + c] = Math.fround(want[(b * T + u) * C + c] + dy[o]); });
      expect(Array.from(r.dx!)).toEqual(Array.from(want));
    });
  }
});

describe('averagePooling1D', () => {
  for (const [p, s, padding] of [[2, 2, 'valid'], [3, 1, 'valid'], [3, 2, 'same'], [2, 3, 'same'], [4, 4, 'same']] as [number, number, 'valid' | 'same'][]) {
    it(`pool ${p}, strides ${s}, padding ${padding}: window means over real steps (padding out of the count), the gradient shared`, () => {
      const B = 2, T = 9, C = 3;
      const x = Float64Array.from({ length: B * T * C }, (_, i) => Math.fround(Math.sin(i * 1.3) * 2));
      const ref = avgPool1dRef(x, B, T, C, p, s, padding);
      const dy = Float64Array.from({ length: B * ref.out * C }, (_, i) => Math.fround(Math.cos(i)));
      const r = runLayer(layers.averagePooling1D({ poolSize: p, strides: s, padding }), [T, C], B, x, dy);
      close(r.y, ref.y, 'y', 1e-6);
      close(r.dx!, ref.backward(dy), 'dx', 1e-6);
    });
  }

  it('in a model (embedding -> conv1d(same) -> averagePooling1D(same) -> flatten -> dense): gradients match central differences; configs and files', async () => {
    const m = sequential({ seed: 8, layers: [layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 7 }), layers.conv1d({ filters: 4, kernelSize: 2, padding: 'same', activation: 'tanh' }),
      layers.averagePooling1D({ poolSize: 3, strides: 2, padding: 'same' }), layers.flatten(), layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = Array.from({ length: 4 }, (_, r) => Array.from({ length: 7 }, (_, t) => (r * 3 + t * 5) % 10));
    fdCheck(m, x, [1, 0, 1, 0]);
    expect(m.getConfig().config.layers[2]).toMatchObject({ className: 'AveragePooling1D', config: { poolSize: 3, strides: 2, padding: 'same' } });
    const back = await loadModel(await m.save());
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
  });
});
