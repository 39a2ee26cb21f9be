// Runs one layer on its own (build, weights, forward, backward with a given output gradient) for layer-level tests,
// loads the PyTorch fixture dumps, and computes an argmax accuracy by hand.
import { readFileSync } from 'node:fs';
import { initSync } from '../../src/core/wasm.js';
import { Arena } from '../../src/core/arena.js';
import { StreamSet } from '../../src/core/rng.js';
import type { Layer, Ctx } from '../../src/layers/layer.js';
import { initialize } from '../../src/layers/initializers.js';

export interface Arr { shape: number[]; data: number[] }

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

export interface LayerRun { y: Float64Array; dx: Float64Array | null; grads: Float64Array[]; layer: Layer; weights: Float64Array[]; arena: Arena }

/** Builds `layer` for per-sample input `inShape`, sets `weights` (in the layer's weight order; omitted = initializer),
 *  runs forward on x [B, ...inShape] and backward with dy. */
export function runLayer(layer: Layer, inShape: number[], B: number, x: ArrayLike<number>, dy: ArrayLike<number> | null,
                         opts: { weights?: ArrayLike<number>[]; training?: boolean; ids?: boolean; seed?: number; mask?: ArrayLike<number> } = {}): LayerRun {
  initSync();
  const a = new Arena();
  layer.index = 0;
  layer.build(inShape);
  for (const w of layer.weights) {
    w.ptr = a.alloc(w.size * 4);
    w.grad = w.trainable && !w.sparse ? a.alloc(w.size * 4) : 0;
  }
  layer.allocPersistent(a);
  const streams = new StreamSet(opts.seed ?? 1);
  const c: Ctx = { a, k: a.k, streams, training: opts.training ?? true, advanceRng: true, updateStats: true };
  layer.weights.forEach((w, i) => {
    if (!opts.weights) {
      const st = streams.get(0, `init/${i}`);
      if (typeof w.init === 'function') w.init(a, w.ptr, st); else initialize(w.init, a, w.ptr, w.shape, st);
    } else {
      if (opts.weights[i].length !== w.size) throw new Error(`runLayer: weight ${w.name} needs ${w.size} values, got ${opts.weights[i].length}`);
      a.f32(w.ptr, w.size).set(opts.weights[i]);
    }
  });
  layer.plan(a, B);
  const xp = a.alloc(x.length * 4);
  if (opts.ids) a.i32(xp, x.length).set(x); else a.f32(xp, x.length).set(x);
  if (opts.mask) {
    const mp = a.alloc(opts.mask.length * 4);
    a.f32(mp, opts.mask.length).set(opts.mask);
    layer.inMask = mp;
  }
  const yp = layer.forward(c, xp, B);
  const n = B * layer.outputSize();
  const y = Float64Array.from(a.f32(yp, n));
  let dx: Float64Array | null = null;
  if (dy) {
    const dyp = a.alloc(n * 4);
    a.f32(dyp, n).set(dy);
    const dxp = layer.backward(c, dyp, B);
    dx = dxp ? Float64Array.from(a.f32(dxp, x.length)) : null;
  }
  const grads = layer.weights.map((w) => (w.grad ? Float64Array.from(a.f32(w.grad, w.size)) : new Float64Array(0)));
  const weights = layer.weights.map((w) => Float64Array.from(a.f32(w.ptr, w.size)));
  return { y, dx, grads, layer, weights, arena: a };
}

/** Fraction of the R rows of p [R, K] whose argmax (the first on ties) is label(r): accuracy computed by hand. */
export function argmaxAccuracy(p: ArrayLike<number>, R: number, K: number, label: (r: number) => number): number {
  let hits = 0;
  for (let r = 0; r < R; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[r * K + k] > p[r * K + best]) best = k;
    if (best === label(r)) hits++;
  }
  return hits / R;
}
