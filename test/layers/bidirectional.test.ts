// Bidirectional through the public API: mergeMode mul and ave, lstm activation / recurrentActivation (relu, sigmoid,
// hardSigmoid, hardSigmoidKeras3): predict and computeGradients against the float64 references of test/ref composed by hand.
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync } from '../../src/index.js';
import { lstmForward, lstmBackward } from '../ref/lstm.js';
import { mergeForward, mergeBackward, SIGMOID, TANH, RELU, HARD_SIGMOID, HARD_SIGMOID_K3 } from '../ref/dense.js';
import { rand, expectClose } from '../helpers/kernels.js';
import { argmaxAccuracy } from '../helpers/layer.js';

initSync();

const CODES = { sigmoid: SIGMOID, tanh: TANH, relu: RELU, hardSigmoid: HARD_SIGMOID, hardSigmoidKeras3: HARD_SIGMOID_K3 } as const;
const MODES = { concat: 0, sum: 1, mul: 2, ave: 3 } as const;
type Act = keyof typeof CODES;

/** |got - want| <= 1e-5 * max|want| + 1e-4 |want|, on a tensor whose scale is not zero (a zero reference proves nothing). */
function near(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  expect(scale, `${what}: scale of the reference`).toBeGreaterThan(1e-3);
  expectClose(got, want, 1e-5 * scale, 1e-4, what);
}

describe('bidirectional(lstm) vs the float64 reference', () => {
  const B = 3, T = 5, I = 4, H = 3;
  const cases: { mode: 'mul' | 'ave'; act: Act; rec: Act }[] = [
    { mode: 'mul', act: 'relu', rec: 'hardSigmoid' },
    { mode: 'ave', act: 'sigmoid', rec: 'hardSigmoidKeras3' },
    { mode: 'mul', act: 'tanh', rec: 'sigmoid' },
  ];
  for (const c of cases) {
    it(`mergeMode ${c.mode}, activation ${c.act}, recurrentActivation ${c.rec}: outputs and every gradient`, () => {
      const m = sequential({ seed: 5, layers: [layers.bidirectional({ inputShape: [T, I], mergeMode: c.mode,
        layer: layers.lstm({ units: H, returnSequences: true, activation: c.act, recurrentActivation: c.rec }) })] });
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      // weights of scale 1 (the initial ones keep the gates near their midpoints and the hard sigmoids off their flat parts)
      const shapes = m.getWeights().map((w) => w.shape);
      const ws = shapes.map((s, k) => rand(s.reduce((p, q) => p * q, 1), 100 + k, -1, 1));
      m.setWeights(ws.map((d, k) => ({ data: Float32Array.from(d), shape: shapes[k] })));
      // the f32 values the model holds are the reference's inputs too
      const w64 = m.getWeights().map((w) => Float64Array.from(w.data));
      const x = Float32Array.from(rand(B * T * I, 7, -2, 2));
      const t = Float32Array.from(rand(B * T * H, 8, -1, 1));

      const dims = { B, T, I, H, act: CODES[c.act], recAct: CODES[c.rec] };
      const f = lstmForward(x, w64[0], w64[1], w64[2], { ...dims, reverse: false });
      const g = lstmForward(x, w64[3], w64[4], w64[5], { ...dims, reverse: true });
      const y = mergeForward(f.hseq, g.hseq, B * T, H, MODES[c.mode]);
      near(m.predict({ data: x, shape: [B, T, I] }).data, y, 'predict');

      // Keras MSE over [B, T, H]: mean over the last axis, then over the B * T steps
      const n = B * T * H;
      let L = 0;
      const dy = new Float64Array(n);
      for (let i = 0; i < n; i++) { L += (y[i] - t[i]) ** 2 / n; dy[i] = (2 * (y[i] - t[i])) / n; }
      const { df, dg } = mergeBackward(dy, f.hseq, g.hseq, B * T, H, MODES[c.mode]);
      const gf = lstmBackward(df, x, w64[0], w64[1], f, { ...dims, reverse: false });
      const gb = lstmBackward(dg, x, w64[3], w64[4], g, { ...dims, reverse: true });
      const r = m.computeGradients({ data: x, shape: [B, T, I] }, { data: t, shape: [B, T, H] });
      expect(Math.abs(r.loss - L)).toBeLessThanOrEqual(1e-5 * L);
      const want = [gf.dW, gf.dU, gf.dbias, gb.dW, gb.dU, gb.dbias];
      expect(r.grads).toHaveLength(6);
      r.grads.forEach((q, k) => near(q.data, want[k], `d loss / d ${m.weightNames[k]}`));
    });
  }
});

describe('bidirectional(lstm) as the output layer', () => {
  it('training metrics see its outputs, though its backward reuses that memory for the gradients once spent', () => {
    // each [b, t] row of 2H outputs is one prediction (argmax) against a one-hot label; the expected accuracy comes
    // from predict before the step (the same forward, no dropout)
    const B = 4, T = 6, H = 3, K = 2 * H;
    const m = sequential({ seed: 11, layers: [
      layers.embedding({ inputDim: 9, outputDim: 5, inputLength: T, embeddingsInitializer: { name: 'randomUniform', minval: -2, maxval: 2 } }),
      layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
    ] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['accuracy'] });
    const x = { data: Int32Array.from({ length: B * T }, (_, i) => 1 + ((i * 5) % 8)), shape: [B, T] };
    const label = (r: number) => (r * 7) % K;
    const y = { data: Float32Array.from({ length: B * T * K }, (_, i) => (i % K === label(Math.floor(i / K)) ? 1 : 0)), shape: [B, T, K] };
    const want = argmaxAccuracy(m.predict(x).data, B * T, K, label);
    expect(want).toBeGreaterThan(0.05);
    expect(want).toBeLessThan(0.95);
    const [, acc] = m.trainOnBatch(x, y);
    expect(acc).toBeCloseTo(want, 6);
  });
});
