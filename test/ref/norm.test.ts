// Reference batch normalization: normalized statistics, Keras's moving update, and both backwards by central differences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { bnForwardTrain, bnBackwardTrain, bnForwardInfer, bnBackwardInfer, bnUpdateMoving, bnDen } from './norm.js';
import { gradCheck, weights } from './check.js';

describe('ref batchnorm', () => {
  it('training output has per-channel mean beta and variance gamma^2 var / (var + eps)', () => {
    const N = 17, C = 3, eps = 1e-3;
    const x = rand(N * C, 1, -2, 3), gamma = Float64Array.from([1, 2, 0.5]), beta = Float64Array.from([0, -1, 3]);
    const { y, vr } = bnForwardTrain(x, gamma, beta, N, C, eps);
    for (let c = 0; c < C; c++) {
      let m = 0, v = 0;
      for (let n = 0; n < N; n++) m += y[n * C + c] / N;
      for (let n = 0; n < N; n++) v += (y[n * C + c] - m) ** 2 / N;
      expect(m).toBeCloseTo(beta[c], 12);
      expect(v).toBeCloseTo(gamma[c] ** 2 * vr[c] / (vr[c] + eps), 12);
    }
  });

  it('moving statistics: m <- 0.99 m + 0.01 batch', () => {
    const mm = Float64Array.from([0, 1]), mv = Float64Array.from([1, 1]);
    bnUpdateMoving(mm, mv, [1, 3], [2, 0], 0.99);
    expectClose(mm, [0.01, 1.02], 1e-15, 1e-14);
    expectClose(mv, [1.01, 0.99], 1e-15, 1e-14);
  });

  for (const N of [1, 3, 17]) {
    it(`training backward matches central differences (N = ${N})`, () => {
      const C = 4, eps = 1e-3;
      const x = rand(N * C, 10 + N, -2, 2), gamma = rand(C, 20 + N, 0.5, 1.5), beta = rand(C, 30 + N);
      const r = weights(N * C, 40 + N);
      const fw = bnForwardTrain(x, gamma, beta, N, C, eps);
      const g = bnBackwardTrain(r, x, gamma, fw.mean, fw.invstd, N, C);
      const f = () => bnForwardTrain(x, gamma, beta, N, C, eps).y;
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, gamma, g.dgamma, r, 'dgamma');
      gradCheck(f, beta, g.dbeta, r, 'dbeta');
    });
  }

  it('inference forward equals training forward on the same statistics; its backward matches central differences', () => {
    const N = 5, C = 3, eps = 1e-3;
    const x = rand(N * C, 50), gamma = rand(C, 51), beta = rand(C, 52), r = weights(N * C, 53);
    const fw = bnForwardTrain(x, gamma, beta, N, C, eps);
    expectClose(bnForwardInfer(x, gamma, beta, fw.mean, fw.vr, N, C, eps), fw.y, 1e-14, 1e-13);
    const mm = rand(C, 54), mv = rand(C, 55, 0.5, 2);
    const dx = bnBackwardInfer(r, gamma, mv, N, C, eps);
    gradCheck(() => bnForwardInfer(x, gamma, beta, mm, mv, N, C, eps), x, dx, r, 'dx');
  });

  for (const mask of [[1, 0, 1, 1, 0, 1, 0], [0, 0, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1]]) {
    it(`masked training backward matches central differences (mask ${mask.join('')})`, () => {
      const N = mask.length, C = 3, eps = 1e-3;
      const x = rand(N * C, 60, -2, 2), gamma = rand(C, 61, 0.5, 1.5), beta = rand(C, 62), r = weights(N * C, 63);
      const fw = bnForwardTrain(x, gamma, beta, N, C, eps, mask);
      const g = bnBackwardTrain(r, x, gamma, fw.mean, fw.invstd, N, C, mask);
      const f = () => bnForwardTrain(x, gamma, beta, N, C, eps, mask).y;
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, gamma, g.dgamma, r, 'dgamma');
      gradCheck(f, beta, g.dbeta, r, 'dbeta');
    });
  }

  it('masked statistics are those of the real rows (den = count + 1e-7); an all-ones mask is the unmasked layer', () => {
    const N = 6, C = 2, eps = 1e-3, mask = [1, 0, 1, 0, 0, 1];
    const x = rand(N * C, 70), gamma = rand(C, 71), beta = rand(C, 72);
    const fw = bnForwardTrain(x, gamma, beta, N, C, eps, mask);
    const realRows = Float64Array.from([0, 2, 5].flatMap((n) => [x[n * C], x[n * C + 1]]));
    const sub = bnForwardTrain(realRows, gamma, beta, 3, C, eps);
    expect(bnDen(N, mask)).toBeCloseTo(3 + 1e-7, 15);
    expectClose(fw.mean, sub.mean, 1e-12, 1e-6);
    expectClose(fw.vr, sub.vr, 1e-12, 1e-6);
    const ones = new Array(N).fill(1);
    // the 1e-7 in the denominator is the only difference
    expectClose(bnForwardTrain(x, gamma, beta, N, C, eps, ones).y, bnForwardTrain(x, gamma, beta, N, C, eps).y, 1e-6, 1e-6);
  });
});
