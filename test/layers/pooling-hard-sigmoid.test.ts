// Global pooling, the Keras 3 hard sigmoid and a pooled masked model against PyTorch float64 fixtures
// (test/fixtures/generate_pooling.py): average over real steps, max over every step (mask given and ignored, the
// gradient to the first max), relu6(x + 3) / 6 with slope 0 at the kinks, an LSTM with hardSigmoidKeras3 gates, a
// dense layer with it, and Embedding(maskZero) -> Bi-LSTM -> GlobalAveragePooling1D -> Dense.
import { describe, it, expect } from 'vitest';
import { layers, sequential, initSync } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';

initSync();

interface PoolCase { name: string; masked: boolean; x: Arr; mask: Arr | null; y: Arr; r: Arr; dx: Arr; arg?: Arr }

describe('global pooling vs PyTorch', () => {
  const f = fixture<{ dims: { B: number; T: number; F: number }; cases: PoolCase[] }>('pooling');
  const { B, T, F } = f.dims;
  for (const c of f.cases) {
    it(c.name, () => {
      const l = c.name.startsWith('avg') ? layers.globalAveragePooling1D() : layers.globalMaxPooling1D();
      const r = runLayer(l, [T, F], B, c.x.data, c.r.data, c.mask ? { mask: c.mask.data } : {});
      if (c.name.startsWith('max')) {
        // a selection: exactly the f32 inputs, and the whole output gradient at one step per feature
        expect(Array.from(r.y)).toEqual(Array.from(Float32Array.from(c.y.data)));
        expect(Array.from(r.dx!)).toEqual(Array.from(Float32Array.from(c.dx.data)));
      } else {
        expectClose(r.y, c.y.data, 1e-6, 1e-5, 'y');
        expectClose(r.dx!, c.dx.data, 1e-7, 1e-6, 'dx');
      }
      if (c.name === 'avg_masked') expect(Array.from(r.y.slice(3 * F, 4 * F))).toEqual([0, 0, 0, 0, 0]);
    });
  }
});

describe('hardSigmoidKeras3 vs PyTorch', () => {
  const f = fixture<{ activation: Record<string, Arr>; lstm: Record<string, unknown> & { dims: Record<string, number> }; dense: Record<string, unknown> & { dims: Record<string, number> } }>('hard_sigmoid');
  const d = (o: Record<string, unknown>, k: string) => (o[k] as Arr).data;

  it('values and slopes (0 at x = +-3), and Keras 2 hardSigmoid beside it', () => {
    const { x, k3, k3_slope, k2 } = f.activation;
    const n = x.data.length, ones = new Float32Array(n).fill(1);
    const r3 = runLayer(layers.activation({ activation: 'hardSigmoidKeras3' }), [n], 1, x.data, ones);
    expectClose(r3.y, k3.data, 1e-7, 1e-6, 'k3');
    expectClose(r3.dx!, k3_slope.data, 1e-8, 1e-6, 'k3 slope');
    x.data.forEach((v, i) => { if (Math.abs(v) === 3) expect(r3.dx![i]).toBe(0); });
    const r2 = runLayer(layers.activation({ activation: 'hardSigmoid' }), [n], 1, x.data, null);
    expectClose(r2.y, k2.data, 1e-7, 1e-6, 'k2');
  });

  it('LSTM with recurrentActivation hardSigmoidKeras3 (returnSequences)', () => {
    const c = f.lstm, { B, T, I, H } = c.dims;
    const l = layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'hardSigmoidKeras3' });
    const r = runLayer(l, [T, I], B, d(c, 'x'), d(c, 'r'), { weights: [d(c, 'kernel'), d(c, 'recurrent_kernel'), d(c, 'bias')] });
    expectClose(r.y, d(c, 'y'), 1e-5, 1e-4, 'y');
    expectClose(r.dx!, d(c, 'dx'), 1e-5, 1e-4, 'dx');
    ['dkernel', 'drecurrent_kernel', 'dbias'].forEach((k, i) => expectClose(r.grads[i], d(c, k), 1e-5, 1e-4, k));
  });

  it('dense with activation hardSigmoidKeras3', () => {
    const c = f.dense, { M, I, U } = c.dims;
    const r = runLayer(layers.dense({ units: U, activation: 'hardSigmoidKeras3' }), [I], M, d(c, 'x'), d(c, 'r'), { weights: [d(c, 'kernel'), d(c, 'bias')] });
    expectClose(r.y, d(c, 'y'), 1e-6, 1e-5, 'y');
    expectClose(r.dx!, d(c, 'dx'), 1e-6, 1e-5, 'dx');
    expectClose(r.grads[0], d(c, 'dkernel'), 1e-6, 1e-5, 'dkernel');
    expectClose(r.grads[1], d(c, 'dbias'), 1e-6, 1e-5, 'dbias');
  });
});

describe('pooled masked model vs PyTorch', () => {
  it('Embedding(maskZero) -> Bi-LSTM -> GlobalAveragePooling1D -> Dense(sigmoid): predictions, loss, every gradient', () => {
    interface W { name: string; shape: number[]; data: number[] }
    const f = fixture<{ dims: Record<string, number>; ids: Arr; y: Arr; weights: W[]; p: Arr; loss: number; grads: W[] }>('pooled_model');
    const { V, D, H, T } = f.dims;
    const m = sequential({ layers: [
      layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
      layers.globalAveragePooling1D(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    m.setWeights(f.weights.map((w) => ({ data: Float32Array.from(w.data), shape: w.shape })));
    const x = { data: Int32Array.from(f.ids.data), shape: f.ids.shape };
    expectClose(m.predict(x).data, f.p.data, 1e-6, 1e-5, 'p');
    const g = m.computeGradients(x, f.y.data);
    expect(g.loss).toBeCloseTo(f.loss, 6);
    g.grads.forEach((gr, i) => expectClose(gr.data, f.grads[i].data, 1e-6, 2e-4, `d loss / d ${f.grads[i].name}`));
    expect(Array.from(g.grads[0].data.slice(0, D)).map(Math.abs)).toEqual(new Array(D).fill(0));
  });
});
