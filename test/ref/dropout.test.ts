// Reference dropout: the mask holds 0 or 1 / (1 - rate) with keep rate ~ 1 - rate; backward by central differences;
// spatial dropout shares one mask row [F] over all timesteps of a sample.
import { describe, it, expect } from 'vitest';
import { rand } from '../helpers/kernels.js';
import { dropoutForward, dropoutBackward, spatialDropoutForward, spatialDropoutBackward } from './dropout.js';
import { dropoutMask } from './rng.js';
import { gradCheck, weights } from './check.js';

describe('ref dropout', () => {
  it('mask values and keep rate', () => {
    const n = 4000, rate = 0.3, mask = dropoutMask(n, rate, 7, 9, 0, 0);
    const scale = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
    let kept = 0;
    for (const m of mask) { expect(m === 0 || m === scale).toBe(true); if (m) kept++; }
    expect(Math.abs(kept / n - 0.7)).toBeLessThan(0.03);
    expect(dropoutMask(8, 0, 1, 2, 3, 4).every((m) => m === 1)).toBe(true);
    expect(dropoutMask(8, 1, 1, 2, 3, 4).every((m) => m === 0)).toBe(true);
  });

  it('backward matches central differences', () => {
    const n = 17, x = rand(n, 1), mask = dropoutMask(n, 0.5, 1, 2, 0, 0), r = weights(n, 2);
    gradCheck(() => dropoutForward(x, mask), x, dropoutBackward(r, mask), r, 'dx');
  });

  it('spatial: one mask row per sample shared over time, backward matches central differences', () => {
    const B = 2, T = 3, F = 5, x = rand(B * T * F, 3), mask = dropoutMask(B * F, 0.5, 4, 5, 0, 0), r = weights(B * T * F, 6);
    const y = spatialDropoutForward(x, mask, B, T, F);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) {
      const i = (b * T + t) * F + f;
      expect(y[i]).toBe(x[i] * mask[b * F + f]);
    }
    expect(mask.some((m) => m === 0) && mask.some((m) => m !== 0)).toBe(true);
    gradCheck(() => spatialDropoutForward(x, mask, B, T, F), x, spatialDropoutBackward(r, mask, B, T, F), r, 'dx');
  });
});
