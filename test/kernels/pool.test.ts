// Global pooling kernels (assembly/pool.ts) against the float64 reference: average over real steps (bit for bit equal
// to the f32 sum in time order divided by the count; masked steps never read; an all-masked sample gives 0) and max
// over every step (exact values, the first of tied maxima, NaN winning), accumulating backwards, features in
// {1, 3, 4, 5, 17, 64}, and the same bits for a sample wherever it sits (alone, in a batch, as a lane or a tail).
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { poolAvgForward, poolAvgBackward, poolMaxForward, poolMaxBackward } from '../ref/pool.js';
import { SIZES, f32rand, plus, bits, expectSameBits, scoped } from './common.js';

const a = kernelArena();
const k = a.k;
const f = Math.fround;

// rows: post-padded, pre-padded, all masked, a hole, length 1
const MASK7 = [[1, 1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 0, 0, 0]];

function avgKernel(x: ArrayLike<number>, B: number, T: number, F: number, mask: number[] | null): Float64Array {
  const py = buf(a, B * F);
  k.pool_avg_forward(py, buf(a, x), B, T, F, mask ? buf(a, mask) : 0);
  return read(a, py, B * F);
}

function maxKernel(x: ArrayLike<number>, B: number, T: number, F: number): { y: Float64Array; arg: Int32Array; py: number } {
  const py = buf(a, B * F), parg = buf(a, B * F);
  k.pool_max_forward(py, parg, buf(a, x), B, T, F);
  return { y: read(a, py, B * F), arg: Int32Array.from(a.i32(parg, B * F)), py };
}

/** The kernel's f32 arithmetic: the sum over real steps in time order from 0, each addition rounded, then one division. */
function avgF32(x: ArrayLike<number>, B: number, T: number, F: number, mask: number[] | null): Float64Array {
  const y = new Float64Array(B * F);
  for (let b = 0; b < B; b++) for (let j = 0; j < F; j++) {
    let s = 0, n = 0;
    for (let t = 0; t < T; t++) if (!mask || mask[b * T + t]) { s = f(s + x[(b * T + t) * F + j]); n++; }
    y[b * F + j] = n ? f(s / n) : 0;
  }
  return y;
}

describe('average pooling kernels', () => {
  it('forward equals the f32 sum in time order / count, bit for bit, and the reference, for F in {1, 3, 4, 5, 17, 64}, masked or not', () => {
    for (const F of SIZES) for (const masked of [false, true]) scoped(a, () => {
      const B = 5, T = 7, x = f32rand(B * T * F, F + (masked ? 100 : 0), -4, 4);
      const mask = masked ? MASK7.flat() : null;
      const y = avgKernel(x, B, T, F, mask);
      expect(Array.from(y), `F=${F} masked=${masked}`).toEqual(Array.from(avgF32(x, B, T, F, mask)));
      expectClose(y, poolAvgForward(x, B, T, F, mask), 1e-6, 1e-5, `F=${F} masked=${masked} vs f64`);
      if (masked) for (let j = 0; j < F; j++) expect(y[2 * F + j]).toBe(0);
    });
  });

  it('backward accumulates dy / count into real steps only, for F in {1, 3, 4, 5, 17, 64}', () => {
    for (const F of SIZES) for (const masked of [false, true]) scoped(a, () => {
      const B = 5, T = 7, mask = masked ? MASK7.flat() : null;
      const dy = f32rand(B * F, F + 1), dx0 = f32rand(B * T * F, F + 2);
      const pdx = buf(a, dx0);
      k.pool_avg_backward(pdx, buf(a, dy), B, T, F, mask ? buf(a, mask) : 0);
      const dx = read(a, pdx, B * T * F);
      expectClose(dx, plus(dx0, poolAvgBackward(dy, B, T, F, mask)), 1e-7, 1e-6, `F=${F} masked=${masked}`);
      if (mask) mask.forEach((m, r) => { if (!m) for (let j = 0; j < F; j++) expect(dx[r * F + j]).toBe(dx0[r * F + j]); });
    });
  });

  it('masked steps are never read: NaN and Infinity there change nothing; NaN at a real step shows in its feature only', () => {
    scoped(a, () => {
      const B = 5, T = 7, F = 5, mask = MASK7.flat(), x = f32rand(B * T * F, 9);
      const clean = avgKernel(x, B, T, F, mask);
      const dirty = Float64Array.from(x);
      mask.forEach((m, r) => { if (!m) for (let j = 0; j < F; j++) dirty[r * F + j] = j % 2 ? NaN : -Infinity; });
      expect(Array.from(avgKernel(dirty, B, T, F, mask))).toEqual(Array.from(clean));
      dirty[(0 * T + 1) * F + 4] = NaN;              // sample 0, a real step, the tail feature
      dirty[(1 * T + 6) * F + 2] = NaN;              // sample 1, a real step, a vector lane
      const y = avgKernel(dirty, B, T, F, mask);
      y.forEach((v, i) => expect(Number.isNaN(v), `y ${i}`).toBe(i === 4 || i === F + 2));
    });
  });

  it('a sample gives the same bits alone, in any batch position, and as a vector lane or a scalar tail', () => {
    scoped(a, () => {
      const B = 5, T = 7, F = 5, mask = MASK7.flat(), x = f32rand(B * T * F, 10);
      const all = avgKernel(x, B, T, F, mask);
      for (let b = 0; b < B; b++) {
        const one = avgKernel(x.slice(b * T * F, (b + 1) * T * F), 1, T, F, MASK7[b]);
        expect(Array.from(one), `sample ${b}`).toEqual(Array.from(all.slice(b * F, (b + 1) * F)));
      }
      // F = 5 puts feature 4 in the scalar tail; F = 8 (features 5..7 zero) puts it in a lane
      const wide = new Float64Array(B * T * 8);
      for (let r = 0; r < B * T; r++) for (let j = 0; j < F; j++) wide[r * 8 + j] = x[r * F + j];
      const w = avgKernel(wide, B, T, 8, mask);
      for (let b = 0; b < B; b++) for (let j = 0; j < F; j++) expect(w[b * 8 + j]).toBe(all[b * F + j]);
    });
  });
});

describe('max pooling kernels', () => {
  it('forward equals the reference exactly (values and first-max steps) for F in {1, 3, 4, 5, 17, 64}, T in {1, 2, 7}', () => {
    for (const F of SIZES) for (const T of [1, 2, 7]) scoped(a, () => {
      const B = 3, x = f32rand(B * T * F, F * 10 + T, -3, 3);
      const got = maxKernel(x, B, T, F), want = poolMaxForward(x, B, T, F);
      expect(Array.from(got.y), `F=${F} T=${T}`).toEqual(Array.from(want.y));
      expect(Array.from(got.arg), `arg F=${F} T=${T}`).toEqual(Array.from(want.arg));
    });
  });

  it('ties go to the first step holding the maximum (lanes and tail); -0 and 0 tie; a NaN wins from where it sits', () => {
    scoped(a, () => {
      const T = 4, F = 5;
      // feature j at step t: ties at steps 1 and 3 for every feature; feature 4 (tail) and 1 (lane) get a NaN at step 2
      const x = new Float64Array(T * F);
      for (let j = 0; j < F; j++) { x[0 * F + j] = -1; x[1 * F + j] = 2; x[2 * F + j] = 0.5; x[3 * F + j] = 2; }
      x[2 * F + 1] = NaN; x[2 * F + 4] = NaN;
      const got = maxKernel(x, 1, T, F);
      expect(Array.from(got.arg)).toEqual([1, 2, 1, 1, 2]);
      got.y.forEach((v, j) => expect(Number.isNaN(v) ? 'NaN' : v).toBe(j === 1 || j === 4 ? 'NaN' : 2));
      const z = maxKernel([-0, 0, 0, -0, 0, -0, -0, 0], 1, 2, 4);
      expect(Array.from(z.arg)).toEqual([0, 0, 0, 0]);
      expect(bits(a, z.py, 4)).toEqual([0x80000000, 0, 0, 0x80000000]);
    });
  });

  it('backward accumulates dy into the first-max step only, for F in {1, 3, 4, 5, 17, 64}', () => {
    for (const F of SIZES) scoped(a, () => {
      const B = 3, T = 6, x = f32rand(B * T * F, F + 40), dy = f32rand(B * F, F + 41), dx0 = f32rand(B * T * F, F + 42);
      const { arg } = maxKernel(x, B, T, F);
      const pdx = buf(a, dx0), parg = buf(a, B * F);
      a.i32(parg, B * F).set(arg);
      k.pool_max_backward(pdx, buf(a, dy), parg, B, T, F);
      expectClose(read(a, pdx, B * T * F), plus(dx0, poolMaxBackward(dy, poolMaxForward(x, B, T, F).arg, B, T, F)), 1e-7, 1e-6, `F=${F}`);
    });
  });

  it('a sample gives the same bits alone and in a batch, as a vector lane or a scalar tail', () => {
    scoped(a, () => {
      const B = 4, T = 5, F = 5, x = f32rand(B * T * F, 50);
      const all = maxKernel(x, B, T, F);
      for (let b = 0; b < B; b++) {
        const one = maxKernel(x.slice(b * T * F, (b + 1) * T * F), 1, T, F);
        expectSameBits(Array.from(new Uint32Array(Float32Array.from(one.y).buffer)), Array.from(new Uint32Array(Float32Array.from(all.y.slice(b * F, (b + 1) * F)).buffer)), `sample ${b}`);
      }
    });
  });
});
