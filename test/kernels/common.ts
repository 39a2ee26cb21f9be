// Shared by the kernel tests: f32-rounded random data, the tail-breaking sizes, and bit-level comparison of f32 arrays.
import { expect } from 'vitest';
import { rand } from '../helpers/kernels.js';
import type { Arena } from '../../src/core/arena.js';

/** Sizes that exercise empty, partial and full SIMD groups and the 8-wide gemm tiles. */
export const SIZES = [1, 3, 4, 5, 17, 64] as const;

/** Seeded uniforms rounded to f32, so the f64 reference sees exactly what the kernel reads. */
export function f32rand(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from(Float32Array.from(rand(n, seed, lo, hi)));
}

export function f32of(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(values as ArrayLike<number>));
}

/** a + b elementwise (the expected content of an accumulating d-buffer). */
export function plus(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** Raw bits of n f32 values at byte offset p (copied, so later kernel calls do not change them). */
export function bits(a: Arena, p: number, n: number): number[] {
  return Array.from(new Uint32Array(a.memory.buffer, p, n));
}

export function expectSameBits(got: number[], want: number[], what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) {
      const f = (u: number) => new Float32Array(Uint32Array.of(u).buffer)[0];
      throw new Error(`${what}: bits differ at ${i}: got 0x${got[i].toString(16)} (${f(got[i])}), expected 0x${want[i].toString(16)} (${f(want[i])})`);
    }
  }
  expect(got.length).toBe(want.length);
}

/** Runs body with the arena reset afterwards, so a long list of cases does not grow memory. */
export function scoped<T>(a: Arena, body: () => T): T {
  const m = a.mark();
  try { return body(); } finally { a.reset(m); }
}
