// Reference global pooling: known values (masked steps left out, an all-masked sample gives 0, the first of tied maxima,
// NaN winning the max) and central-difference gradients.
import { describe, it, expect } from 'vitest';
import { rand } from '../helpers/kernels.js';
import { poolAvgForward, poolAvgBackward, poolMaxForward, poolMaxBackward } from './pool.js';
import { gradCheck, weights } from './check.js';

describe('ref pooling', () => {
  it('average: mean over real steps only; all-masked gives 0; no mask = mean over T', () => {
    const x = [1, 10, 2, 20, 3, 30, /* sample 1 */ 4, 40, 5, 50, 6, 60];
    expect(Array.from(poolAvgForward(x, 2, 3, 2, null))).toEqual([2, 20, 5, 50]);
    expect(Array.from(poolAvgForward(x, 2, 3, 2, [1, 0, 1, 0, 0, 0]))).toEqual([2, 20, 0, 0]);
    expect(Array.from(poolAvgForward(x, 2, 3, 2, [0, 1, 0, 1, 1, 1]))).toEqual([2, 20, 5, 50]);
    expect(Array.from(poolAvgForward(x, 2, 3, 2, [0, 0, 1, 0, 1, 0]))).toEqual([3, 30, 5, 50]);
  });

  it('max: over every step, the first of tied maxima, a NaN wins', () => {
    const { y, arg } = poolMaxForward([1, 5, 3, 5, 3, -1, /* sample 1 */ 0, 2, NaN, 2, 7, NaN], 2, 3, 2);
    expect(Array.from(y.slice(0, 2))).toEqual([3, 5]);
    expect(Array.from(arg)).toEqual([1, 0, 1, 2]);
    expect(Number.isNaN(y[2]) && Number.isNaN(y[3])).toBe(true);
  });

  for (const mask of [null, [1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1]]) {
    it(`average backward matches central differences (${mask ? 'masked, one sample all masked' : 'no mask'})`, () => {
      const B = 3, T = 5, F = 4, x = rand(B * T * F, 1), r = weights(B * F, 2);
      gradCheck(() => poolAvgForward(x, B, T, F, mask), x, poolAvgBackward(r, B, T, F, mask), r, 'dx');
    });
  }

  it('max backward matches central differences (distinct values)', () => {
    const B = 3, T = 5, F = 4, x = rand(B * T * F, 3), r = weights(B * F, 4);
    const { arg } = poolMaxForward(x, B, T, F);
    gradCheck(() => poolMaxForward(x, B, T, F).y, x, poolMaxBackward(r, arg, B, T, F), r, 'dx');
  });
});
