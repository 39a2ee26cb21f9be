// Reference activations, softmax, Dense layer and Bidirectional merges: known values and central-difference gradients.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import {
  act, activationForward, activationBackward, softmaxForward, softmaxBackward, denseForward, denseBackward,
  mergeForward, mergeBackward, flipTime, colsum, takeStep, maskRows, maskingCompute, ACT_KINDS, HARD_SIGMOID, HARD_SIGMOID_K3,
  SIGMOID, RELU, SOFTMAX, actGrad,
} from './dense.js';
import { gradCheck, weights } from './check.js';

describe('ref dense', () => {
  it('activations at known points', () => {
    expect(act(0, SIGMOID)).toBe(0.5);
    expect(act(2.5, HARD_SIGMOID)).toBe(1);
    expect(act(-2.5, HARD_SIGMOID)).toBe(0);
    expect(act(1, HARD_SIGMOID)).toBeCloseTo(0.7, 15);
    expect(act(-3, RELU)).toBe(0);
    // Keras 3 / PyTorch: relu6(x + 3) / 6, flat from +-3
    expect(act(3, HARD_SIGMOID_K3)).toBe(1);
    expect(act(-3, HARD_SIGMOID_K3)).toBe(0);
    expect(act(0, HARD_SIGMOID_K3)).toBe(0.5);
    expect(act(1, HARD_SIGMOID_K3)).toBe(4 / 6);
    expect(act(2.7, HARD_SIGMOID_K3)).toBeLessThan(1);
    expect(act(2.7, HARD_SIGMOID)).toBe(1);
    // slopes: 0.2 and 1/6 inside, 0 at the kinks and beyond
    expect([actGrad(act(1, HARD_SIGMOID), HARD_SIGMOID), actGrad(act(1, HARD_SIGMOID_K3), HARD_SIGMOID_K3)]).toEqual([0.2, 1 / 6]);
    for (const x of [-3, 3, -4, 4]) expect(actGrad(act(x, HARD_SIGMOID_K3), HARD_SIGMOID_K3)).toBe(0);
    for (const k of ACT_KINDS) expect(Number.isNaN(act(NaN, k))).toBe(true);
  });

  it('softmax is stable on [100, 100] and [-1000, 1000] and keeps NaN', () => {
    expect(Array.from(softmaxForward([100, 100], 1, 2))).toEqual([0.5, 0.5]);
    expect(Array.from(softmaxForward([-1000, 1000], 1, 2))).toEqual([0, 1]);
    expect(softmaxForward([1, NaN, 2], 1, 3).every(Number.isNaN)).toBe(true);
  });

  for (const kind of ACT_KINDS) {
    it(`activation ${kind} backward matches central differences`, () => {
      const x = rand(17, 40 + kind, -3, 3), r = weights(17, 50 + kind);
      const g = activationBackward(r, activationForward(x, kind), kind);
      gradCheck(() => activationForward(x, kind), x, g, r, `act ${kind}`);
    });
  }

  it('softmax backward matches central differences', () => {
    const M = 3, N = 5, x = rand(M * N, 60, -3, 3), r = weights(M * N, 61);
    const g = softmaxBackward(r, softmaxForward(x, M, N), M, N);
    gradCheck(() => softmaxForward(x, M, N), x, g, r, 'softmax');
  });

  for (const kind of [...ACT_KINDS, SOFTMAX]) {
    it(`dense layer (activation ${kind === SOFTMAX ? 'softmax' : kind}) backward matches central differences`, () => {
      const M = 3, I = 4, U = 5;
      const x = rand(M * I, 70 + kind), K = rand(I * U, 80 + kind), b = rand(U, 90 + kind), r = weights(M * U, 100 + kind);
      const y = denseForward(x, K, b, M, I, U, kind);
      const g = denseBackward(r, y, x, K, M, I, U, kind);
      const f = () => denseForward(x, K, b, M, I, U, kind);
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, K, g.dK, r, 'dK');
      gradCheck(f, b, g.db, r, 'db');
    });
  }

  it('merges: values and central-difference gradients for concat, sum, mul, ave', () => {
    const R = 3, H = 4;
    expect(Array.from(mergeForward([1, 2], [3, 4], 1, 2, 0))).toEqual([1, 2, 3, 4]);
    expect(Array.from(mergeForward([1, 2], [3, 4], 1, 2, 3))).toEqual([2, 3]);
    for (const mode of [0, 1, 2, 3]) {
      const f0 = rand(R * H, 110 + mode), g0 = rand(R * H, 120 + mode), r = weights(mode === 0 ? 2 * R * H : R * H, 130 + mode);
      const { df, dg } = mergeBackward(r, f0, g0, R, H, mode);
      const fw = () => mergeForward(f0, g0, R, H, mode);
      gradCheck(fw, f0, df, r, `df mode ${mode}`);
      gradCheck(fw, g0, dg, r, `dg mode ${mode}`);
    }
  });

  it('flip_time is an involution; colsum and take_step pick the right elements', () => {
    const x = rand(2 * 3 * 4, 140);
    expect(Array.from(flipTime(flipTime(x, 2, 3, 4), 2, 3, 4))).toEqual(Array.from(x));
    expect(flipTime(x, 2, 3, 4)[0]).toBe(x[2 * 4]);
    expect(Array.from(colsum([1, 2, 3, 4, 5, 6], 2, 3))).toEqual([5, 7, 9]);
    expect(Array.from(takeStep(x, 2, 3, 4, 1))).toEqual([...x.subarray(4, 8), ...x.subarray(16, 20)]);
  });

  it('mask helpers: rows times their mask (NaN * 0 stays NaN, as Keras 2), Masking masks rows whose features all equal the value', () => {
    const y = maskRows([1, 2, 3, NaN, 5, 6], [1, 0, 0], 3, 2);
    expect(Array.from(y.subarray(0, 3))).toEqual([1, 2, 0]);
    expect(Number.isNaN(y[3])).toBe(true);
    expect(Array.from(maskingCompute([0, 0, 0, 1, 2, 2, 2, 0], 4, 2, 0))).toEqual([0, 1, 1, 1]);
    expect(Array.from(maskingCompute([2, 2, 2, 1], 2, 2, 2))).toEqual([0, 1]);
  });
});
