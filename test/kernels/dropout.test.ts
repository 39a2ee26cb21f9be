// Dropout kernels (assembly/dropout.ts) against the reference: the Philox keep mask bit for bit, y = x * mask, rates 0
// and 1, the accumulating backward on tail-breaking sizes, and NaN kept visible.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { dropoutMask } from '../ref/rng.js';
import { dropoutForward, dropoutBackward } from '../ref/dropout.js';
import { SIZES, f32rand, f32of, plus, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

function forward(x: Float64Array, rate: number, k0: number, k1: number, lo: number, hi: number) {
  const n = x.length, py = buf(a, n), pm = buf(a, n);
  k.dropout_forward(py, pm, buf(a, x), n, rate, k0, k1, lo, hi);
  return { y: read(a, py, n), mask: read(a, pm, n) };
}

describe('dropout kernels', () => {
  it('forward: the mask is the reference Philox mask exactly and y = x * mask, for n in {1, 3, 4, 5, 17, 64}', () => {
    for (const n of SIZES) for (const rate of [0, 0.1, 0.5, 0.9, 1]) scoped(a, () => {
      const x = f32rand(n, n), k0 = 12345 + n, k1 = 678, lo = n * 1000, hi = 3;
      const { y, mask } = forward(x, rate, k0, k1, lo, hi);
      const want = dropoutMask(n, rate, k0, k1, lo, hi);
      expect(Array.from(mask), `mask n=${n} rate=${rate}`).toEqual(Array.from(want));
      expect(Array.from(y)).toEqual(Array.from(f32of(dropoutForward(x, want))));
      if (rate === 0) expect(Array.from(y)).toEqual(Array.from(x));
      if (rate === 1) expect(y.every((v) => v === 0)).toBe(true);
    });
  });

  it('keeps about 1 - rate of 20000 elements', () => {
    scoped(a, () => {
      const { mask } = forward(new Float64Array(20000).fill(1), 0.3, 1, 2, 0, 0);
      const kept = mask.filter((m) => m !== 0).length / mask.length;
      expect(Math.abs(kept - 0.7)).toBeLessThan(0.015);
    });
  });

  it('backward accumulates dy * mask for n in {1, 3, 4, 5, 17, 64}', () => {
    for (const n of SIZES) scoped(a, () => {
      const dy = f32rand(n, n + 1), dx0 = f32rand(n, n + 2), mask = dropoutMask(n, 0.4, 9, 9, 0, 0);
      const pdx = buf(a, dx0);
      k.dropout_backward(pdx, buf(a, dy), buf(a, mask), n);
      expectClose(read(a, pdx, n), plus(dx0, dropoutBackward(dy, mask)), 1e-7, 1e-6, `n=${n}`);
    });
  });

  it('NaN stays visible: NaN x gives NaN y (kept or dropped, as x * mask does); NaN dy gives NaN dx', () => {
    scoped(a, () => {
      const x = new Float64Array(9).fill(NaN);
      const { y } = forward(x, 0.5, 3, 4, 0, 0);
      expect(y.every(Number.isNaN)).toBe(true);
      const dy = f32rand(5, 1);
      dy[1] = NaN; dy[4] = NaN;
      const pdx = buf(a, 5);
      k.dropout_backward(pdx, buf(a, dy), buf(a, [2, 2, 2, 2, 2]), 5);
      read(a, pdx, 5).forEach((v, i) => expect(Number.isNaN(v), `dx ${i}`).toBe(i === 1 || i === 4));
    });
  });
});
