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

  const cases: Array<[string, (x: Float64Array, y: Float64Array, scale: number) => { loss: number; d: Float64Array }, [number, number], boolean]> = [
    ['bce_logits', (x, y, s) => bceLogits(x, y, M, N, s), [-4, 4], false],
    ['bce_probs', (x, y, s) => bceProbs(x, y, M, N, s), [0.05, 0.95], false],
    ['cce_logits', (x, y, s) => cceLogits(x, y, M, N, s), [-4, 4], true],
    ['cce_probs', (x, y, s) => cceProbs(x, y, M, N, s), [0.05, 0.95], true],
    ['scce_probs', (x, y, s) => scceProbs(x, y, M, N, s), [0.05, 0.95], true],
    ['mse', (x, y, s) => mse(x, y, M, N, s), [-2, 2], false],
  ];
  for (const [name, f, [lo, hi], categorical] of cases) {
    it(`${name}: gradient = scale * dloss/dinput by central differences`, () => {
      const x = rand(M * N, 10, lo, hi);
      const y = categorical ? onehot(11) : rand(M * N, 12, 0, 1);
      const scale = 0.25;
      const num = numericGrad((v) => f(v, y, 1).loss, x, 1e-6).map((g) => g * scale);
      expectClose(f(x, y, scale).d, num, 1e-8, 1e-6, name);
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
