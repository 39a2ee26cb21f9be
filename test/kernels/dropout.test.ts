// Dropout kernels (assembly/dropout.ts) against the reference: the Philox keep mask bit for bit, y = x * mask, rates 0
// and 1, the accumulating backward on tail-breaking sizes, and NaN kept visible; spatial dropout the same with one mask
// row [F] per sample shared over time.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { dropoutMask } from '../ref/rng.js';
import { dropoutForward, dropoutBackward, spatialDropoutForward, spatialDropoutBackward } from '../ref/dropout.js';
import { SIZES, f32rand, f32of, plus, scoped, bits, expectSameBits } from './common.js';

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

function spatialForward(x: Float64Array, B: number, T: number, F: number, rate: number, k0: number, k1: number, lo: number, hi: number) {
  const py = buf(a, B * T * F), pm = buf(a, B * F);
  k.dropout_spatial_forward(py, pm, buf(a, x), B, T, F, rate, k0, k1, lo, hi);
  return { y: read(a, py, B * T * F), mask: read(a, pm, B * F) };
}

describe('spatial dropout kernels', () => {
  it('forward: the mask [B, F] is the reference Philox mask of B * F elements exactly, y = x * mask over every step, F in {1, 3, 4, 5, 17, 64}', () => {
    for (const F of SIZES) for (const [B, T] of [[1, 1], [3, 4]]) for (const rate of [0, 0.25, 0.5, 1]) scoped(a, () => {
      const x = f32rand(B * T * F, F + 7 * T), k0 = 99 + F, k1 = 5, lo = 7 * F, hi = 1;
      const { y, mask } = spatialForward(x, B, T, F, rate, k0, k1, lo, hi);
      const want = dropoutMask(B * F, rate, k0, k1, lo, hi);
      expect(Array.from(mask), `mask F=${F} B=${B} rate=${rate}`).toEqual(Array.from(want));
      expect(Array.from(y), `y F=${F} B=${B} T=${T} rate=${rate}`).toEqual(Array.from(f32of(spatialDropoutForward(x, want, B, T, F))));
      if (rate === 0) expect(Array.from(y)).toEqual(Array.from(x));
      if (rate === 1) expect(y.every((v) => v === 0)).toBe(true);
    });
  });

  it('drops whole channels: each (sample, feature) is kept or dropped at every step; about 1 - rate kept', () => {
    scoped(a, () => {
      const B = 50, T = 6, F = 40;
      const { y, mask } = spatialForward(new Float64Array(B * T * F).fill(1), B, T, F, 0.3, 1, 2, 0, 0);
      for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) {
        for (let t = 0; t < T; t++) expect(y[(b * T + t) * F + f]).toBe(mask[b * F + f]);
      }
      expect(Math.abs(mask.filter((m) => m !== 0).length / mask.length - 0.7)).toBeLessThan(0.03);
    });
  });

  it('the mask of sample b is dropout\'s mask of the same B * F elements (the stream moves as dropout over B * F)', () => {
    scoped(a, () => {
      const B = 3, T = 2, F = 5;
      const { mask } = spatialForward(f32rand(B * T * F, 1), B, T, F, 0.4, 11, 12, 13, 0);
      const pm = buf(a, B * F), py = buf(a, B * F);
      k.dropout_forward(py, pm, buf(a, new Float64Array(B * F).fill(1)), B * F, 0.4, 11, 12, 13, 0);
      expectSameBits(bits(a, pm, B * F), Array.from(new Uint32Array(Float32Array.from(mask).buffer)), 'spatial mask vs dropout mask');
    });
  });

  it('backward accumulates dy * mask[b] at every step, F in {1, 3, 4, 5, 17, 64}', () => {
    for (const F of SIZES) for (const [B, T] of [[1, 1], [2, 3]]) scoped(a, () => {
      const n = B * T * F, dy = f32rand(n, F + 1), dx0 = f32rand(n, F + 2), mask = dropoutMask(B * F, 0.5, 3, F, 0, 0);
      const pdx = buf(a, dx0);
      k.dropout_spatial_backward(pdx, buf(a, dy), buf(a, mask), B, T, F);
      expectClose(read(a, pdx, n), plus(dx0, spatialDropoutBackward(dy, mask, B, T, F)), 1e-7, 1e-6, `F=${F} B=${B} T=${T}`);
    });
  });

  it('NaN stays visible: NaN x gives NaN y where it sits only; NaN dy gives NaN dx where it sits only', () => {
    scoped(a, () => {
      const B = 1, T = 2, F = 5, x = f32rand(B * T * F, 4);
      x[2] = NaN; x[9] = NaN;                       // a vector lane and a scalar tail element
      const { y } = spatialForward(x, B, T, F, 0.5, 3, 4, 0, 0);
      y.forEach((v, i) => expect(Number.isNaN(v), `y ${i}`).toBe(i === 2 || i === 9));
      const pdx = buf(a, B * T * F);
      k.dropout_spatial_backward(pdx, buf(a, x), buf(a, [2, 2, 2, 2, 2]), B, T, F);
      read(a, pdx, B * T * F).forEach((v, i) => expect(Number.isNaN(v), `dx ${i}`).toBe(i === 2 || i === 9));
    });
  });
});

