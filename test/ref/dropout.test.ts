// Reference dropout: the mask holds 0 or 1 / (1 - rate) with keep rate ~ 1 - rate; backward by central differences.
import { describe, it, expect } from 'vitest';
import { rand } from '../helpers/kernels.js';
import { dropoutForward, dropoutBackward } from './dropout.js';
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
});
