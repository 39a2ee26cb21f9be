// attention_forward / attention_backward (assembly/attention.ts) against the f64 reference: tail-breaking T and F, both
// returnSequences modes, accumulation, saturated and all-equal scores, masks (softmax over real steps; masked steps'
// contents never matter), and NaN propagation.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { attentionForward, attentionBackward } from '../ref/attention.js';
import { SIZES, f32rand, plus, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

function run(x: Float64Array, W: Float64Array, b: Float64Array, dy: Float64Array, B: number, T: number, F: number, rs: boolean,
             init: { dx: Float64Array; dW: Float64Array; db: Float64Array }, mask?: number[]) {
  const nan = (n: number) => buf(a, new Float64Array(n).fill(NaN));
  const ny = rs ? B * T * F : B * F;
  const px = buf(a, x), pW = buf(a, W);
  const py = nan(ny), pa = nan(B * T), pe = nan(B * T), pm = mask ? buf(a, mask) : 0;
  k.attention_forward(py, pa, pe, px, pW, buf(a, b), B, T, F, rs ? 1 : 0, pm);
  const pdx = buf(a, init.dx), pdW = buf(a, init.dW), pdb = buf(a, init.db);
  k.attention_backward(pdx, pdW, pdb, buf(a, dy), nan(B * T), px, pa, pe, pW, B, T, F, rs ? 1 : 0, pm);
  return {
    y: read(a, py, ny), a: read(a, pa, B * T), e: read(a, pe, B * T),
    dx: read(a, pdx, B * T * F), dW: read(a, pdW, F), db: read(a, pdb, T),
  };
}

function check(B: number, T: number, F: number, rs: boolean, seed: number, xScale = 1, wScale = 1, atol = 1e-5, rtol = 1e-4,
               mask?: number[]): void {
  scoped(a, () => {
    const x = f32rand(B * T * F, seed, -xScale, xScale), W = f32rand(F, seed + 1, -wScale, wScale), b = f32rand(T, seed + 2);
    const dy = f32rand(rs ? B * T * F : B * F, seed + 3);
    const init = { dx: f32rand(B * T * F, seed + 4), dW: f32rand(F, seed + 5), db: f32rand(T, seed + 6) };
    const got = run(x, W, b, dy, B, T, F, rs, init, mask);
    const ref = attentionForward(x, W, b, B, T, F, rs, mask);
    const g = attentionBackward(dy, x, ref.a, ref.e, W, B, T, F, rs, mask);
    const tag = `B=${B} T=${T} F=${F} rs=${rs}${mask ? ` mask=${mask.join('')}` : ''}`;
    expectClose(got.e, ref.e, atol, rtol, `e ${tag}`);
    expectClose(got.a, ref.a, atol, rtol, `a ${tag}`);
    expectClose(got.y, ref.y, atol, rtol, `y ${tag}`);
    expectClose(got.dx, plus(init.dx, g.dx), atol, rtol, `dx ${tag}`);
    expectClose(got.dW, plus(init.dW, g.dW), atol, rtol, `dW ${tag}`);
    expectClose(got.db, plus(init.db, g.db), atol, rtol, `db ${tag}`);
  });
}

describe('attention kernels', () => {
  it('match the reference for T in {1, 3, 4, 5, 17}, F in {1, 3, 4, 5, 17, 64}, both modes', () => {
    let seed = 1;
    for (const T of [1, 3, 4, 5, 17]) for (const F of SIZES) for (const rs of [true, false]) {
      const wScale = 1 / Math.sqrt(F);
      check(2, T, F, rs, seed += 10, 1, wScale);
    }
    check(1, 64, 5, true, 900);
    check(3, 17, 64, false, 910, 1, 0.125);
  });

  it('match the reference with saturated scores (x in [-1000, 1000])', () => {
    for (const rs of [true, false]) check(2, 5, 17, rs, 1000, 1000, 1, 1e-5 * 1000, 1e-4);
  });

  it('all-equal scores give a = 1/T exactly as f32 (W = 0, equal biases of 100)', () => {
    scoped(a, () => {
      for (const T of [1, 3, 4, 5, 17]) {
        const B = 2, F = 5;
        const x = f32rand(B * T * F, T), py = buf(a, B * F), pa = buf(a, B * T), pe = buf(a, B * T);
        k.attention_forward(py, pa, pe, buf(a, x), buf(a, F), buf(a, new Float64Array(T).fill(100)), B, T, F, 0, 0);
        const av = read(a, pa, B * T);
        for (const v of av) expect(v).toBe(Math.fround(Math.fround(1) * Math.fround(1 / T)));
        expect(Array.from(read(a, pe, B * T)).every((v) => v === 1)).toBe(true);
      }
    });
  });

  for (const rs of [true, false]) {
    it(`NaN in one feature of sample 1 makes all of sample 1 NaN and leaves sample 0 finite (returnSequences ${rs})`, () => {
      scoped(a, () => {
        const B = 2, T = 5, F = 3;
        const x = f32rand(B * T * F, 2000);
        x[(1 * T + 2) * F + 1] = NaN;
        const got = run(x, f32rand(F, 2001), f32rand(T, 2002), f32rand(rs ? B * T * F : B * F, 2003), B, T, F, rs,
          { dx: new Float64Array(B * T * F), dW: new Float64Array(F), db: new Float64Array(T) });
        const per = rs ? T * F : F;
        expect(got.y.slice(0, per).some(Number.isNaN)).toBe(false);
        expect(got.y.slice(per).every(Number.isNaN)).toBe(true);
        expect(got.a.slice(T).every(Number.isNaN)).toBe(true);
        expect(got.dx.slice(0, T * F).some(Number.isNaN)).toBe(false);
        expect(got.dx.slice(T * F).some(Number.isNaN)).toBe(true);
        expect(got.dW.some(Number.isNaN)).toBe(true);
      });
    });
  }

  it('match the masked reference (softmax over real steps, empty sample -> 0) for T in {1, 4, 5, 17}, both modes', () => {
    let seed = 3000;
    for (const T of [1, 4, 5, 17]) for (const F of [1, 4, 5, 17]) for (const rs of [true, false]) {
      // sample 0: every other step real; sample 1: right padding; sample 2: nothing real
      const mask = [...Array.from({ length: T }, (_, t) => (t % 2 === 0 ? 1 : 0)),
        ...Array.from({ length: T }, (_, t) => (t < Math.ceil(T / 2) ? 1 : 0)), ...new Array(T).fill(0)];
      check(3, T, F, rs, seed += 10, 1, 1 / Math.sqrt(F), 1e-5, 1e-4, mask);
    }
  });

  for (const rs of [true, false]) {
    it(`masked steps' contents never matter, even NaN (returnSequences ${rs})`, () => {
      scoped(a, () => {
        const B = 2, T = 5, F = 3, mask = [1, 0, 1, 1, 0, 0, 0, 1, 1, 0];
        const x = f32rand(B * T * F, 4000), W = f32rand(F, 4001), b = f32rand(T, 4002), dy = f32rand(rs ? B * T * F : B * F, 4003);
        const zero = () => ({ dx: new Float64Array(B * T * F), dW: new Float64Array(F), db: new Float64Array(T) });
        const base = run(x, W, b, dy, B, T, F, rs, zero(), mask);
        const x2 = x.slice();
        mask.forEach((m, r) => { if (!m) x2.fill(NaN, r * F, (r + 1) * F); });
        const other = run(x2, W, b, dy, B, T, F, rs, zero(), mask);
        for (const key of ['y', 'a', 'dx', 'dW', 'db'] as const) expect(Array.from(other[key]), key).toEqual(Array.from(base[key]));
        mask.forEach((m, r) => { if (!m) { expect(base.a[r]).toBe(0); expect(Array.from(base.dx.subarray(r * F, (r + 1) * F))).toEqual([0, 0, 0]); } });
      });
    });
  }
});
