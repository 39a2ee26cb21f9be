// Test helpers: a bare kernel instance with buffers filled from arrays, seeded random data, and closeness checks
// that print the index, both values and the largest difference on failure.
import { initSync } from '../../src/core/wasm.js';
import { Arena } from '../../src/core/arena.js';

export function kernelArena(): Arena {
  initSync();
  return new Arena();
}

/** Allocates a f32 buffer holding `values` (or n zeros) and returns its byte offset. */
export function buf(a: Arena, values: ArrayLike<number> | number): number {
  const n = typeof values === 'number' ? values : values.length;
  const p = a.alloc(Math.max(1, n) * 4);
  if (typeof values !== 'number') a.f32(p, n).set(values);
  return p;
}

export function ibuf(a: Arena, values: ArrayLike<number>): number {
  const p = a.alloc(Math.max(1, values.length) * 4);
  a.i32(p, values.length).set(values);
  return p;
}

export function read(a: Arena, p: number, n: number): Float64Array {
  return Float64Array.from(a.f32(p, n));
}

/** Deterministic uniform numbers in [lo, hi) (mulberry32), for test data only. */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** Throws with the worst index unless |a - e| <= atol + rtol * |e| everywhere (NaN must match NaN). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4, what = 'value'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != expected ${expected.length}`);
  let worst = -1, worstDiff = 0, maxDiff = 0, bad = 0;
  for (let i = 0; i < actual.length; i++) {
    const x = actual[i], e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(x)) {
      if (Number.isNaN(e) !== Number.isNaN(x)) { bad++; if (worst < 0) { worst = i; worstDiff = Infinity; } }
      continue;
    }
    const d = Math.abs(x - e);
    maxDiff = Math.max(maxDiff, d);
    if (!(d <= atol + rtol * Math.abs(e))) { bad++; if (d - (atol + rtol * Math.abs(e)) > worstDiff || worst < 0) { worst = i; worstDiff = d; } }
  }
  if (bad > 0) {
    throw new Error(`${what}: ${bad} of ${actual.length} elements differ; worst at index ${worst}: got ${actual[worst]}, expected ${expected[worst]} (max |diff| ${maxDiff}, atol ${atol}, rtol ${rtol})`);
  }
}

/** Central-difference gradient of f at x (f64), for checking references. */
export function numericGrad(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const old = x[i];
    x[i] = old + h; const fp = f(x);
    x[i] = old - h; const fm = f(x);
    x[i] = old;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

export function dotSum(y: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}
