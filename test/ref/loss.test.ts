// Reference losses: known values, logits forms against probability forms, and every gradient by central differences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose, numericGrad } from '../helpers/kernels.js';
import { bceLogits, bceProbs, cceLogits, cceProbs, scceProbs, mse, EPS } from './loss.js';
import { softmaxForward } from './dense.js';

const M = 3, N = 4;
const onehot = (seed: number) => {
  const y = new Float64Array(M * N), r = rand(M, seed, 0, N);
  for (let m = 0; m < M; m++) y[m * N + Math.floor(r[m])] = 1;
  return y;
};

describe('ref losses', () => {
  it('known values', () => {
    expect(bceLogits([0], [1], 1, 1, 1).loss).toBeCloseTo(Math.LN2, 15);
    expect(bceLogits([0, 0], [1, 0], 2, 1, 1).loss).toBeCloseTo(2 * Math.LN2, 15);
    expect(mse([1, 2, 3, 4], [0, 0, 0, 0], 2, 2, 1).loss).toBeCloseTo(2.5 + 12.5, 14);
    expect(cceLogits([0, 0, 0, 0], [0, 1, 0, 0], 1, 4, 1).loss).toBeCloseTo(Math.log(4), 15);
    // Keras 2: clipped p and eps inside the logs
    expect(bceProbs([0], [1], 1, 1, 1).loss).toBeCloseTo(-Math.log(2 * EPS), 10);
    expect(bceProbs([0.25], [1], 1, 1, 1).loss).toBeCloseTo(-Math.log(0.25 + EPS), 15);
    // cce on probabilities renormalizes
    expect(cceProbs([1, 3], [0, 1], 1, 2, 1).loss).toBeCloseTo(-Math.log(0.75), 15);
    // sparse cce on probabilities clips before renormalizing: p = [0, 1] -> q = [eps, 1 - eps], sum 1
    expect(scceProbs([0, 1], [0, 1], 1, 2, 1).loss).toBeCloseTo(-Math.log(1 - EPS), 15);
    expect(scceProbs([1, 3], [0, 1], 1, 2, 1).loss).toBeCloseTo(-Math.log((1 - EPS) / (2 - 2 * EPS)), 15);
    expect(scceProbs([0.2, 0.6], [0, 1], 1, 2, 1).loss).toBeCloseTo(cceProbs([0.2, 0.6], [0, 1], 1, 2, 1).loss, 15);
  });

  it('probability forms agree with the logits forms away from the clip', () => {
    const z = rand(M * N, 1, -3, 3), y = rand(M * N, 2, 0, 1);
    const p = z.map((v) => 1 / (1 + Math.exp(-v)));
    expect(bceProbs(p, y, M, N, 1).loss).toBeCloseTo(bceLogits(z, y, M, N, 1).loss, 5);
    const yc = onehot(3);
    expect(cceProbs(softmaxForward(z, M, N), yc, M, N, 1).loss).toBeCloseTo(cceLogits(z, yc, M, N, 1).loss, 12);
  });

  it('row weights: hand-computed weighted values, sum_m w_m l_m (sum_over_batch_size divides by M, never by sum w)', () => {
    // l_0 = ln 2 (z 0, y 1); l_1 = 2 + ln(1 + e^-2) (z 2, y 0)
    const l1 = 2 + Math.log1p(Math.exp(-2));
    const b = bceLogits([0, 2], [1, 0], 2, 1, 0.5, [3, 0.5]);
    expect(b.loss).toBeCloseTo(3 * Math.LN2 + 0.5 * l1, 14);
    // d = scale * w_m * (sigmoid(z) - y)
    expect(b.d[0]).toBeCloseTo(0.5 * 3 * (0.5 - 1), 15);
    expect(b.d[1]).toBeCloseTo(0.5 * 0.5 * (1 / (1 + Math.exp(-2))), 15);
    // a zero weight removes the row from value and gradient
    const c = cceLogits([0, 0, 0, 1, 2, 3], [0, 1, 0, 1, 0, 0], 2, 3, 1, [0, 2]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(c.loss).toBeCloseTo(2 * (lse - 1), 14);
    expect(c.d.subarray(0, 3).every((v) => v === 0)).toBe(true);
    expect(c.d[3]).toBeCloseTo(2 * (Math.exp(1 - lse) - 1), 14);
    // weights of 1 are the unweighted loss
    const z = rand(M * N, 4, -3, 3), y = rand(M * N, 5, 0, 1);
    expect(mse(z, y, M, N, 1, [1, 1, 1]).loss).toBe(mse(z, y, M, N, 1).loss);
  });

  type Ref = (x: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>) => { loss: number; d: Float64Array };
  const cases: Array<[string, Ref, [number, number], boolean]> = [
    ['bce_logits', bceLogits, [-4, 4], false],
    ['bce_probs', bceProbs, [0.05, 0.95], false],
    ['cce_logits', cceLogits, [-4, 4], true],
    ['cce_probs', cceProbs, [0.05, 0.95], true],
    ['scce_probs', scceProbs, [0.05, 0.95], true],
    ['mse', mse, [-2, 2], false],
  ];
  for (const [name, f, [lo, hi], categorical] of cases) {
    it(`${name}: gradient = scale * dloss/dinput by central differences`, () => {
      const x = rand(M * N, 10, lo, hi);
      const y = categorical ? onehot(11) : rand(M * N, 12, 0, 1);
      const scale = 0.25;
      const num = numericGrad((v) => f(v, y, M, N, 1).loss, x, 1e-6).map((g) => g * scale);
      expectClose(f(x, y, M, N, scale).d, num, 1e-8, 1e-6, name);
    });
    it(`${name}: with row weights, value = sum_m w_m l_m and gradient by central differences`, () => {
      const x = rand(M * N, 20, lo, hi);
      const y = categorical ? onehot(21) : rand(M * N, 22, 0, 1);
      const w = [0.5, 0, 3.25], scale = 0.25;
      // value: each row's weight times that row alone, unweighted (M = 1)
      let want = 0;
      for (let m = 0; m < M; m++) want += w[m] * f(x.slice(m * N, (m + 1) * N), y.slice(m * N, (m + 1) * N), 1, N, 1).loss;
      expect(f(x, y, M, N, 1, w).loss).toBeCloseTo(want, 12);
      const num = numericGrad((v) => f(v, y, M, N, 1, w).loss, x, 1e-6).map((g) => g * scale);
      expectClose(f(x, y, M, N, scale, w).d, num, 1e-8, 1e-6, `${name} weighted`);
      // the zero-weight row has a zero gradient
      expect(f(x, y, M, N, scale, w).d.subarray(N, 2 * N).every((v) => v === 0)).toBe(true);
    });
  }

  it('clipped probabilities give zero gradient; a NaN probability keeps a NaN gradient (TF clip_by_value)', () => {
    const b = bceProbs([0, 1, 1e-9, NaN], [1, 0, 1, 1], 1, 4, 1);
    expect(Array.from(b.d.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Number.isNaN(b.d[3])).toBe(true);
    expect(Number.isNaN(b.loss)).toBe(true);
    const c = cceProbs([0.5, NaN], [1, 0], 1, 2, 1);
    expect(Number.isNaN(c.loss) && c.d.every(Number.isNaN)).toBe(true);
  });
});
