// Loss kernels (assembly/loss.ts) against the f64 reference: the summed per-row value and the scaled, accumulated
// gradient on tail-breaking shapes, extreme logits and clipped probabilities, NaN kept visible in value and gradient;
// row weights (w = 0 means none, and gives the same bits as weights of exactly 1).
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, rand, expectClose } from '../helpers/kernels.js';
import { bceLogits, bceProbs, cceLogits, cceProbs, scceProbs, mse, smoothLabels, type LossOut } from '../ref/loss.js';
import { f32rand, f32of, plus, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

type Name = 'bce_logits' | 'bce_probs' | 'cce_logits' | 'cce_probs' | 'scce_probs' | 'mse';
const REF: Record<Name, (x: Float64Array, y: Float64Array, M: number, N: number, s: number, w?: ArrayLike<number>) => LossOut> = {
  bce_logits: bceLogits, bce_probs: bceProbs, cce_logits: cceLogits, cce_probs: cceProbs, scce_probs: scceProbs, mse,
};

/**
 * Runs a loss kernel with d prefilled by d0; cce_logits gets its softmax from softmax_forward, as a model ending in
 * softmax does, or (ownSoftmax) computes it itself, as for a loss fromLogits; ls: label smoothing.
 */
function kernel(name: Name, x: Float64Array, y: Float64Array, M: number, N: number, scale: number, d0: Float64Array, w?: ArrayLike<number>, ls = 0, ownSoftmax = false) {
  return scoped(a, () => {
    const pd = buf(a, d0), px = buf(a, x), py = buf(a, y), pw = w ? buf(a, w) : 0;
    let loss: number;
    if (name === 'cce_logits') {
      const sm = ownSoftmax ? 0 : buf(a, M * N);
      if (sm) k.softmax_forward(sm, px, M, N);
      loss = k.cce_logits(pd, px, sm, py, pw, M, N, scale, ls);
    } else if (name === 'scce_probs' || name === 'mse') {
      loss = k[name](pd, px, py, pw, M, N, scale);
    } else {
      loss = k[name](pd, px, py, pw, M, N, scale, ls);
    }
    return { loss, d: read(a, pd, M * N) };
  });
}

function oneHot(M: number, N: number, seed: number): Float64Array {
  const y = new Float64Array(M * N), r = rand(M, seed, 0, N);
  for (let m = 0; m < M; m++) y[m * N + Math.floor(r[m])] = 1;
  return y;
}

const RANGES: Record<Name, [number, number]> = {
  bce_logits: [-6, 6], bce_probs: [0.01, 0.99], cce_logits: [-6, 6], cce_probs: [0.01, 1], scce_probs: [0.01, 0.99], mse: [-2, 2],
};

function check(name: Name, x: Float64Array, y: Float64Array, M: number, N: number, tag: string, w?: ArrayLike<number>): void {
  const scale = 0.25, d0 = f32rand(M * N, 77);
  const got = kernel(name, x, y, M, N, scale, d0, w);
  const want = REF[name](x, y, M, N, scale, w);
  expectClose([got.loss], [want.loss], 1e-9, 1e-7, `${name} value ${tag}`);
  expectClose(got.d, plus(d0, want.d), 1e-6, 1e-5, `${name} gradient ${tag}`);
}

describe('loss kernels', () => {
  for (const name of Object.keys(REF) as Name[]) {
    it(`${name} matches the reference for M in {1, 3, 17}, N in {1, 3, 4, 5, 17}`, () => {
      let seed = 1;
      for (const M of [1, 3, 17]) for (const N of [1, 3, 4, 5, 17]) {
        seed += 10;
        const [lo, hi] = RANGES[name];
        const x = f32rand(M * N, seed, lo, hi);
        const y = /cce/.test(name) ? oneHot(M, N, seed + 1) : name === 'mse' ? f32rand(M * N, seed + 1) : f32rand(M * N, seed + 1, 0, 1);
        check(name, x, y, M, N, `M=${M} N=${N}`);
      }
    });
  }

  for (const name of Object.keys(REF) as Name[]) {
    it(`${name}: row weights (0, fractions, > 1) match the reference; weights of 1 give the bits of no weights`, () => {
      let seed = 300;
      for (const M of [1, 3, 17]) for (const N of [1, 4, 5]) {
        seed += 10;
        const [lo, hi] = RANGES[name];
        const x = f32rand(M * N, seed, lo, hi);
        const y = /cce/.test(name) ? oneHot(M, N, seed + 1) : name === 'mse' ? f32rand(M * N, seed + 1) : f32rand(M * N, seed + 1, 0, 1);
        const w = f32rand(M, seed + 2, 0, 4);
        w[0] = 0;
        check(name, x, y, M, N, `weighted M=${M} N=${N}`, w);
        const d0 = f32rand(M * N, 78);
        const none = kernel(name, x, y, M, N, 0.25, d0), ones = kernel(name, x, y, M, N, 0.25, d0, new Float64Array(M).fill(1));
        expect(ones.loss, `${name} value`).toBe(none.loss);
        const bitsOf = (d: Float64Array) => Array.from(new Uint32Array(Float32Array.from(d).buffer));
        expect(bitsOf(ones.d), `${name} gradient bits`).toEqual(bitsOf(none.d));
      }
    });
  }

  for (const name of ['bce_logits', 'bce_probs', 'cce_logits', 'cce_probs'] as const) {
    it(`${name}: label smoothing (0.1, 0.37, 1) gives the reference on Keras's smoothed labels, value and gradient`, () => {
      let seed = 500;
      for (const ls of [0.1, 0.37, 1]) for (const [M, N] of [[1, 1], [3, 4], [17, 5]]) {
        seed += 10;
        const [lo, hi] = RANGES[name];
        const x = f32rand(M * N, seed, lo, hi);
        const cat = /cce/.test(name);
        const y = cat ? oneHot(M, N, seed + 1) : f32rand(M * N, seed + 1, 0, 1);
        const w = f32rand(M, seed + 2, 0, 3);
        const ys = smoothLabels(y, ls, cat ? 'categorical' : 'binary', N);
        const scale = 0.25, d0 = f32rand(M * N, 79);
        const got = kernel(name, x, y, M, N, scale, d0, w, ls);
        const want = REF[name](x, ys, M, N, scale, w);
        expectClose([got.loss], [want.loss], 1e-9, 1e-7, `${name} value ls=${ls} M=${M} N=${N}`);
        expectClose(got.d, plus(d0, want.d), 1e-6, 1e-5, `${name} gradient ls=${ls} M=${M} N=${N}`);
        // and it is not the unsmoothed loss (the option reaches the kernel; one class stays one-hot)
        if (!(cat && N === 1)) expect(Math.abs(got.loss - REF[name](x, y, M, N, scale, w).loss), `${name} ls=${ls} differs from none`).toBeGreaterThan(1e-6 * Math.abs(want.loss));
      }
    });
  }

  it('cce_logits computing its own softmax (a loss fromLogits) matches the reference and the softmax_forward path', () => {
    let seed = 700;
    for (const [M, N] of [[1, 1], [3, 4], [17, 5], [2, 33]]) {
      seed += 10;
      const z = f32rand(M * N, seed, -8, 8), y = oneHot(M, N, seed + 1), d0 = f32rand(M * N, 80);
      const own = kernel('cce_logits', z, y, M, N, 0.5, d0, undefined, 0, true);
      const want = cceLogits(z, y, M, N, 0.5);
      expectClose([own.loss], [want.loss], 1e-9, 1e-7, `value M=${M} N=${N}`);
      expectClose(own.d, plus(d0, want.d), 1e-6, 1e-5, `gradient M=${M} N=${N}`);
      const viaSoftmax = kernel('cce_logits', z, y, M, N, 0.5, d0);
      expect(own.loss).toBe(viaSoftmax.loss);
      expectClose(own.d, viaSoftmax.d, 1e-6, 1e-6, `own softmax vs softmax_forward M=${M} N=${N}`);
    }
  });

  it('logits losses are stable for logits in [-1000, 1000] and at +-100', () => {
    const M = 3, N = 5;
    const z = f32rand(M * N, 5, -1000, 1000);
    z[0] = 100; z[1] = -100; z[2] = 0;
    check('bce_logits', z, f32rand(M * N, 6, 0, 1), M, N, 'extreme');
    check('cce_logits', z, oneHot(M, N, 7), M, N, 'extreme');
    check('cce_logits', f32of([100, 100, 100, 100]), f32of([0, 1, 0, 0]), 1, 4, 'all-equal');
    expect(kernel('cce_logits', f32of([100, 100, 100, 100]), f32of([0, 1, 0, 0]), 1, 4, 1, new Float64Array(4)).loss).toBeCloseTo(Math.log(4), 12);
  });

  it('probability losses clip at eps: p in {0, 1, 1e-9, 1 - 1e-9} give finite values and zero gradient', () => {
    const p = f32of([0, 1, 1e-9, 1 - 1e-9, 0.5, 0, 1, 0.25]), y = f32of([1, 0, 1, 0, 1, 0, 1, 0]);
    check('bce_probs', p, y, 2, 4, 'clipped');
    const got = kernel('bce_probs', p, y, 2, 4, 1, new Float64Array(8));
    expect(Number.isFinite(got.loss)).toBe(true);
    expect(got.d[0]).toBe(0);
    check('cce_probs', f32of([0, 0.5, 0.5, 1, 0, 0]), f32of([1, 0, 0, 0, 1, 0]), 2, 3, 'zeros');
    check('scce_probs', f32of([0, 0.5, 0.5, 1, 0, 0]), f32of([1, 0, 0, 0, 1, 0]), 2, 3, 'zeros');
  });

  for (const name of Object.keys(REF) as Name[]) {
    it(`${name}: NaN in the prediction gives a NaN value and a NaN gradient where the reference has one`, () => {
      const M = 2, N = 5;
      const [lo, hi] = RANGES[name];
      const x = f32rand(M * N, 9, lo, hi), y = /cce/.test(name) ? oneHot(M, N, 10) : f32rand(M * N, 10, 0, 1);
      x[1 * N + 2] = NaN;
      const got = kernel(name, x, y, M, N, 1, new Float64Array(M * N));
      const want = REF[name](x, y, M, N, 1);
      expect(Number.isNaN(got.loss), `${name} value`).toBe(true);
      expect(Number.isNaN(want.loss)).toBe(true);
      // the reference keeps NaN where TF's gradients do (clip_by_value passes NaN through)
      const nanAt = (d: Float64Array) => Array.from(d, (v, i) => (Number.isNaN(v) ? i : -1)).filter((i) => i >= 0);
      expect(nanAt(want.d).length).toBeGreaterThan(0);
      expect(nanAt(got.d), `${name} gradient NaN positions`).toEqual(nanAt(want.d));
    });
  }
});
