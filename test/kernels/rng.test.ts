// Philox kernels (assembly/rng.ts): the Random123 known answer, raw words / uniforms bit-for-bit against the reference
// (including the 64-bit counter carry), normals, statistics over 20000 samples, and reproducibility per key and counter.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { u32Words, uniformF32, normalF64 } from '../ref/rng.js';
import { SIZES, bits, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

function u32(n: number, k0: number, k1: number, lo: number, hi: number): number[] {
  const p = buf(a, n);
  k.rng_u32(p, n, k0, k1, lo, hi);
  return bits(a, p, n);
}

function uniform(n: number, k0: number, k1: number, lo: number, hi: number, low = 0, high = 1): Float64Array {
  const p = buf(a, n);
  k.rng_uniform(p, n, k0, k1, lo, hi, low, high);
  return read(a, p, n);
}

function normal(n: number, k0: number, k1: number, lo: number, hi: number, mean = 0, std = 1): Float64Array {
  const p = buf(a, n);
  k.rng_normal(p, n, k0, k1, lo, hi, mean, std);
  return read(a, p, n);
}

const stats = (v: Float64Array) => {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
};

describe('rng kernels', () => {
  it('block 0 of key (0, 0) at counter (0, 0) is the Philox4x32-10 known answer', () => {
    scoped(a, () => expect(u32(4, 0, 0, 0, 0)).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]));
  });

  it('rng_u32 and rng_uniform equal the reference bit for bit (n in {1, 3, 4, 5, 17, 64}, counter carry into hi)', () => {
    const streams: Array<[number, number, number, number]> = [[0, 0, 0, 0], [0xdeadbeef, 0x01234567, 5, 0], [1, 2, 0xfffffffd, 7], [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]];
    for (const [k0, k1, lo, hi] of streams) for (const n of SIZES) scoped(a, () => {
      expect(u32(n, k0, k1, lo, hi), `u32 n=${n}`).toEqual(Array.from(u32Words(n, k0, k1, lo, hi)));
      const low = -0.25, high = 3.5;
      expect(Array.from(uniform(n, k0, k1, lo, hi, low, high)), `uniform n=${n}`).toEqual(Array.from(uniformF32(n, k0, k1, lo, hi, low, high)));
    });
  });

  it('fillers consume whole blocks: values 4..7 at counter c are values 0..3 at counter c + 1', () => {
    scoped(a, () => {
      expect(u32(8, 7, 8, 41, 0).slice(4)).toEqual(u32(4, 7, 8, 42, 0));
      expect(Array.from(normal(3, 7, 8, 41, 0).subarray(1))).toEqual(Array.from(normal(2, 7, 8, 42, 0)));
    });
  });

  it('rng_normal and rng_normal_f64 match the Box-Muller reference', () => {
    scoped(a, () => {
      for (const n of [1, 5, 64]) {
        const z = normalF64(n, 11, 12, 13, 0);
        expectClose(normal(n, 11, 12, 13, 0), z, 1e-6, 1e-6, `normal n=${n}`);
        expectClose(normal(n, 11, 12, 13, 0, 2, 0.5), z.map((v) => 2 + 0.5 * v), 1e-6, 1e-6, `normal(2, 0.5) n=${n}`);
        const p = a.alloc(n * 8);
        k.rng_normal_f64(p, n, 11, 12, 13, 0);
        expectClose(a.f64(p, n), z, 1e-14, 1e-12, `normal_f64 n=${n}`);
      }
    });
  });

  it('uniform in [0, 1) with mean ~0.5 and normal with mean ~0, std ~1 over 20000 samples', () => {
    scoped(a, () => {
      const u = uniform(20000, 42, 7, 0, 0);
      expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
      const su = stats(u);
      expect(Math.abs(su.mean - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(su.std - Math.sqrt(1 / 12))).toBeLessThan(0.01);
      const z = normal(20000, 42, 7, 0, 0);
      expect(z.every(Number.isFinite)).toBe(true);
      const sz = stats(z);
      expect(Math.abs(sz.mean)).toBeLessThan(0.03);
      expect(Math.abs(sz.std - 1)).toBeLessThan(0.03);
    });
  });

  it('same key and counter give the same bits; another counter or key gives different values', () => {
    scoped(a, () => {
      const n = 64, base = u32(n, 5, 6, 1000, 0);
      expect(u32(n, 5, 6, 1000, 0)).toEqual(base);
      const p1 = buf(a, n), p2 = buf(a, n);
      k.rng_normal(p1, n, 5, 6, 1000, 0, 0, 1);
      k.rng_normal(p2, n, 5, 6, 1000, 0, 0, 1);
      expect(bits(a, p1, n)).toEqual(bits(a, p2, n));
      const differ = (x: number[], y: number[]) => x.filter((v, i) => v !== y[i]).length;
      expect(differ(u32(n, 5, 6, 2000, 0), base)).toBeGreaterThan(60);
      expect(differ(u32(n, 5, 6, 1000, 1), base)).toBeGreaterThan(60);
      expect(differ(u32(n, 5, 7, 1000, 0), base)).toBeGreaterThan(60);
      k.rng_normal(p2, n, 5, 6, 1064, 0, 0, 1);
      expect(differ(bits(a, p1, n), bits(a, p2, n))).toBeGreaterThan(60);
    });
  });
});
