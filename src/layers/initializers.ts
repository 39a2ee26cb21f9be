// Weight initializers with Keras's names and formulas, drawn from the model's Philox streams (normals via Wasm).
import type { Arena } from '../core/arena.js';
import type { Stream } from '../core/rng.js';
import { ConfigError, describeValue, didYouMean } from '../errors.js';

export type InitializerName =
  | 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'orthogonal' | 'uniform' | 'normal'
  | 'randomUniform' | 'randomNormal' | 'heUniform' | 'leCunUniform';
export type InitializerSpec = InitializerName | { name: InitializerName; minval?: number; maxval?: number; mean?: number; stddev?: number; gain?: number; value?: number } | { name: 'constant'; value: number };

/** Each initializer's parameters (all numbers; a missing one takes its Keras default). */
const PARAMS: Record<string, readonly string[]> = {
  zeros: [], ones: [], glorotUniform: [], glorotNormal: [], heUniform: [], leCunUniform: [],
  uniform: ['minval', 'maxval'], randomUniform: ['minval', 'maxval'],
  normal: ['mean', 'stddev'], randomNormal: ['mean', 'stddev'],
  orthogonal: ['gain'], constant: ['value'],
};

/**
 * Checks an initializer option (`what`, e.g. kernelInitializer) and returns a copy in plain JSON: a name, or
 * { name, ...parameters } with only the parameters given. The layer keeps the copy, so changing the caller's object
 * later changes nothing, and getConfig returns it (again copied) as it was given.
 */
export function checkInitializer(spec: unknown, where: string, what = 'initializer'): InitializerSpec {
  const names = Object.keys(PARAMS);
  const name = typeof spec === 'string' ? spec : (spec !== null && typeof spec === 'object' ? (spec as { name?: unknown }).name : undefined);
  if (typeof name !== 'string' || !Object.hasOwn(PARAMS, name)) {
    throw new ConfigError(`${where}: expected ${what} to be one of ${names.join(', ')} (or { name, ...parameters }), got ${describeValue(spec)}.${didYouMean(name, names)}`);
  }
  if (typeof spec === 'string') return spec as InitializerSpec;
  const out: Record<string, string | number> = { name };
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    if (k === 'name' || v === undefined) continue;
    if (!PARAMS[name].includes(k)) {
      const allowed = PARAMS[name].length ? `parameters among ${PARAMS[name].join(', ')}` : 'no parameters';
      throw new ConfigError(`${where}: expected ${what} ${name} to have ${allowed}, got ${JSON.stringify(k)}.`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${where}: expected ${what}.${k} to be a finite number, got ${describeValue(v)}.`);
    out[k] = v + 0;
  }
  return out as InitializerSpec;
}

/** A copy of a checked initializer for getConfig. */
export function initializerConfig(spec: InitializerSpec): InitializerSpec {
  return typeof spec === 'string' ? spec : { ...spec } as InitializerSpec;
}

/** fan_in, fan_out as Keras computes them: 2-D [in, out]; higher ranks multiply the receptive field. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const rf = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * rf, shape[shape.length - 1] * rf];
}

/** Writes `prod(shape)` values at ptr (f32). The stream is advanced by what it consumed. */
export function initialize(spec: InitializerSpec, a: Arena, ptr: number, shape: readonly number[], s: Stream): void {
  const n = shape.reduce((x, y) => x * y, 1);
  const o = typeof spec === 'string' ? { name: spec } as { name: string; [k: string]: number | string } : spec as unknown as { name: string; [k: string]: number | string };
  const num = (k: string, d: number): number => (typeof o[k] === 'number' ? (o[k] as number) : d);
  const [fanIn, fanOut] = fans(shape);
  const uniform = (lo: number, hi: number) => { a.k.rng_uniform(ptr, n, s.k0, s.k1, s.lo, s.hi, lo, hi); s.advance(Math.ceil(n / 4)); };
  switch (o.name) {
    case 'zeros': a.zero(ptr, n); return;
    case 'ones': a.f32(ptr, n).fill(1); return;
    case 'constant': a.f32(ptr, n).fill(num('value', 0)); return;
    case 'uniform': case 'randomUniform': uniform(num('minval', -0.05), num('maxval', 0.05)); return;
    case 'normal': case 'randomNormal':
      a.k.rng_normal(ptr, n, s.k0, s.k1, s.lo, s.hi, num('mean', 0), num('stddev', 0.05)); s.advance(n); return;
    case 'glorotUniform': { const l = Math.sqrt(6 / (fanIn + fanOut)); uniform(-l, l); return; }
    case 'heUniform': { const l = Math.sqrt(6 / fanIn); uniform(-l, l); return; }
    case 'leCunUniform': { const l = Math.sqrt(3 / fanIn); uniform(-l, l); return; }
    case 'glorotNormal': {
      // truncated normal (|z| <= 2 redrawn), stddev sqrt(2 / (fan_in + fan_out)) / 0.8796 as Keras
      const std = Math.sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978;
      const z = truncatedNormals(a, s, n);
      const out = a.f32(ptr, n);
      for (let i = 0; i < n; i++) out[i] = z[i] * std;
      return;
    }
    case 'orthogonal': { orthogonal(a, ptr, shape, s, num('gain', 1)); return; }
    default: throw new ConfigError(`initializer: unknown name ${JSON.stringify(o.name)}.`);
  }
}

function normals(a: Arena, s: Stream, n: number): Float64Array {
  const mark = a.mark();
  const p = a.alloc(n * 8, 'initializer scratch');
  a.k.rng_normal_f64(p, n, s.k0, s.k1, s.lo, s.hi);
  s.advance(n);
  const out = a.f64(p, n).slice();
  a.reset(mark);
  return out;
}

function truncatedNormals(a: Arena, s: Stream, n: number): Float64Array {
  const out = new Float64Array(n);
  let k = 0;
  while (k < n) {
    const z = normals(a, s, Math.max(16, (n - k) * 2));
    for (let i = 0; i < z.length && k < n; i++) if (Math.abs(z[i]) <= 2) out[k++] = z[i];
  }
  return out;
}

/**
 * Keras orthogonal: A ~ N(0, 1) of shape [max(r, c), min(r, c)] with r = prod(shape[:-1]), c = shape[-1]; reduced QR
 * with sign(diag R) folded into Q (modified Gram-Schmidt gives that directly: R's diagonal is positive); transposed
 * when r < c. Computed in f64 with + - * / sqrt only, so it is the same in every engine.
 */
function orthogonal(a: Arena, ptr: number, shape: readonly number[], s: Stream, gain: number): void {
  const c = shape[shape.length - 1];
  const r = shape.slice(0, -1).reduce((x, y) => x * y, 1);
  const rows = Math.max(r, c), cols = Math.min(r, c);
  const A = normals(a, s, rows * cols); // row-major [rows, cols]
  for (let j = 0; j < cols; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < rows; i++) d += A[i * cols + p] * A[i * cols + j];
      for (let i = 0; i < rows; i++) A[i * cols + j] -= d * A[i * cols + p];
    }
    let nrm = 0;
    for (let i = 0; i < rows; i++) nrm += A[i * cols + j] * A[i * cols + j];
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < rows; i++) A[i * cols + j] /= nrm;
  }
  const out = a.f32(ptr, r * c);
  if (r >= c) {
    for (let i = 0; i < r * c; i++) out[i] = gain * A[i];
  } else {
    // out [r, c] = Q^T with Q [c, r]
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i * c + j] = gain * A[j * cols + i];
  }
}
