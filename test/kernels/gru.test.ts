// gru_forward / gru_backward (assembly/gru.ts) against the f64 reference and PyTorch's float64 GRU: tail-breaking H
// and I, both reset placements, both directions, activation pairs, accumulation into the d-buffers, masks, and
// batch-of-1 = row b.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { gruForward, gruBackward, type GruDims } from '../ref/gru.js';
import { LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID, HARD_SIGMOID_K3 } from '../ref/dense.js';
import { f32rand, f32of, plus, bits, expectSameBits, scoped } from './common.js';
import { caseLoss, expectCaseValues, type RecurrentCase } from '../helpers/recurrent.js';

const a = kernelArena();
const k = a.k;

interface Init { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }

/** Runs both kernels; d-buffers start at `init`, caches and scratch as NaN (they must be overwritten). */
function runKernels(x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>, b: ArrayLike<number>, dh: ArrayLike<number>,
                    d: GruDims, init: Init, mask?: ArrayLike<number>, packed = true) {
  const { B, T, I, H } = d;
  const G = 3 * H, nan = (n: number) => buf(a, new Float64Array(n).fill(NaN));
  const px = buf(a, x), pW = buf(a, W), pU = buf(a, U), pb = buf(a, b);
  const ph = nan(B * T * H), pg = nan(B * T * G), pq = nan(B * T * H);
  const rev = d.reverse ? 1 : 0, pmask = mask ? buf(a, mask) : 0, ra = d.resetAfter ? 1 : 0;
  const pack = packed ? nan(Math.max(I + H, Math.min(B * T, 256)) * G) : 0;
  k.gru_forward(ph, pg, pq, nan(B * G), px, pW, pU, pb, B, T, I, H, rev, d.act, d.recAct, pmask, ra, 0, pack, 0, 0, 0, 0);
  const hseq = read(a, ph, B * T * H), gates = read(a, pg, B * T * G);
  const pdx = buf(a, init.dx), pdW = buf(a, init.dW), pdU = buf(a, init.dU), pdb = buf(a, init.dbias);
  k.gru_backward(pdx, pdW, pdU, pdb, buf(a, dh), nan(B * T * G), nan(B * H), nan(B * T * H), nan(G * H), nan(G * I),
    px, ph, pg, pq, pW, pU, B, T, I, H, rev, d.act, d.recAct, pmask, ra, pack, 0, 0, 0);
  return {
    hseq, gates, hseqBits: bits(a, ph, B * T * H),
    dx: read(a, pdx, B * T * I), dW: read(a, pdW, I * G), dU: read(a, pdU, H * G), dbias: read(a, pdb, init.dbias.length),
  };
}

/** Only the rows of real steps (gates are not written at masked steps). */
function realRows(v: Float64Array, width: number, mask?: ArrayLike<number>): Float64Array {
  if (!mask) return v;
  const out: number[] = [];
  Array.from(mask).forEach((m, r) => { if (m) out.push(...v.subarray(r * width, (r + 1) * width)); });
  return Float64Array.from(out);
}

function check(d: GruDims, seed: number, mask?: number[], xScale = 1): void {
  scoped(a, () => {
    const { B, T, I, H } = d;
    const G = 3 * H, ws = 1 / Math.sqrt(I + H), nb = d.resetAfter ? 2 * G : G;
    const x = f32rand(B * T * I, seed, -xScale, xScale), W = f32rand(I * G, seed + 1, -ws, ws);
    const U = f32rand(H * G, seed + 2, -ws, ws), b = f32rand(nb, seed + 3, -0.5, 0.5), dh = f32rand(B * T * H, seed + 4);
    const init = { dx: f32rand(B * T * I, seed + 5), dW: f32rand(I * G, seed + 6), dU: f32rand(H * G, seed + 7), dbias: f32rand(nb, seed + 8) };
    const got = runKernels(x, W, U, b, dh, d, init, mask);
    const ref = gruForward(x, W, U, b, d, mask);
    const g = gruBackward(dh, x, W, U, b, d, mask);
    const tag = `B=${B} T=${T} I=${I} H=${H} rev=${d.reverse} act=${d.act} rec=${d.recAct} resetAfter=${d.resetAfter}${mask ? ` mask=${mask.join('')}` : ''}`;
    expectClose(got.hseq, ref.hseq, 1e-5, 1e-4, `hseq ${tag}`);
    expectClose(realRows(got.gates, G, mask), realRows(ref.gates, G, mask), 1e-5, 1e-4, `gates ${tag}`);
    expectClose(got.dx, plus(init.dx, g.dx), 5e-5, 5e-4, `dx ${tag}`);
    expectClose(got.dW, plus(init.dW, g.dW), 5e-5, 5e-4, `dW ${tag}`);
    expectClose(got.dU, plus(init.dU, g.dU), 5e-5, 5e-4, `dU ${tag}`);
    expectClose(got.dbias, plus(init.dbias, g.dbias), 5e-5, 5e-4, `dbias ${tag}`);
  });
}

describe('gru kernels', () => {
  it('match the reference for H in {1, 3, 4, 5, 17}, I in {1, 5}, both directions, both reset placements', () => {
    let seed = 1;
    for (const H of [1, 3, 4, 5, 17]) for (const I of [1, 5]) for (const reverse of [false, true]) for (const resetAfter of [true, false]) {
      check({ B: 3, T: 4, I, H, reverse, act: TANH, recAct: SIGMOID, resetAfter }, seed += 10);
    }
  });

  it('match the reference for other activation pairs (Keras 2.3.1 hard sigmoid, Keras 3 hard sigmoid, relu, linear)', () => {
    let seed = 1000;
    const pairs: Array<[number, number]> = [[TANH, HARD_SIGMOID], [RELU, SIGMOID], [LINEAR, TANH], [TANH, HARD_SIGMOID_K3], [SIGMOID, RELU]];
    for (const [act, recAct] of pairs) for (const resetAfter of [true, false]) {
      check({ B: 2, T: 5, I: 3, H: 6, reverse: false, act, recAct, resetAfter }, seed += 10);
    }
  });

  it('carry the state through masked steps (start, middle, end, all masked) in both directions', () => {
    const mask = [0, 0, 1, 1, 1, /**/ 1, 0, 1, 0, 1, /**/ 1, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 0];
    let seed = 2000;
    for (const reverse of [false, true]) for (const resetAfter of [true, false]) {
      check({ B: 4, T: 5, I: 3, H: 5, reverse, act: TANH, recAct: SIGMOID, resetAfter }, seed += 10, mask);
    }
  });

  it('a batch of one gives the bits of its row in a batch of 5', () => {
    scoped(a, () => {
      for (const resetAfter of [true, false]) {
        const B = 5, T = 6, I = 7, H = 9, G = 3 * H, nb = resetAfter ? 2 * G : G;
        const d: GruDims = { B, T, I, H, reverse: true, act: TANH, recAct: SIGMOID, resetAfter };
        const x = f32rand(B * T * I, 11), W = f32rand(I * G, 12, -0.3, 0.3), U = f32rand(H * G, 13, -0.3, 0.3), b = f32rand(nb, 14);
        const zero = (n: number) => new Float64Array(n);
        const init = () => ({ dx: zero(B * T * I), dW: zero(I * G), dU: zero(H * G), dbias: zero(nb) });
        const all = runKernels(x, W, U, b, zero(B * T * H), d, init());
        for (const row of [0, 3]) {
          const one = runKernels(x.subarray(row * T * I, (row + 1) * T * I), W, U, b, zero(T * H), { ...d, B: 1 },
            { dx: zero(T * I), dW: zero(I * G), dU: zero(H * G), dbias: zero(nb) });
          expectSameBits(one.hseqBits, all.hseqBits.slice(row * T * H, (row + 1) * T * H), `row ${row} resetAfter ${resetAfter}`);
        }
      }
    });
  });

  it('give the same bits with W, U, U^T and W^T in panels (pack) as without, H and I past a 16-column panel', () => {
    scoped(a, () => {
      for (const resetAfter of [true, false]) {
        const B = 4, T = 5, I = 19, H = 21, G = 3 * H, nb = resetAfter ? 2 * G : G;
        const d: GruDims = { B, T, I, H, reverse: false, act: TANH, recAct: SIGMOID, resetAfter };
        const x = f32rand(B * T * I, 41), W = f32rand(I * G, 42, -0.3, 0.3), U = f32rand(H * G, 43, -0.3, 0.3), b = f32rand(nb, 44), dh = f32rand(B * T * H, 45);
        const init = () => ({ dx: f32rand(B * T * I, 46), dW: f32rand(I * G, 47), dU: f32rand(H * G, 48), dbias: f32rand(nb, 49) });
        const p = runKernels(x, W, U, b, dh, d, init(), undefined, true), q = runKernels(x, W, U, b, dh, d, init(), undefined, false);
        expectSameBits(p.hseqBits, q.hseqBits, `hseq resetAfter ${resetAfter}`);
        for (const k of ['dx', 'dW', 'dU', 'dbias'] as const) expect(Array.from(p[k]), `${k} resetAfter ${resetAfter}`).toEqual(Array.from(q[k]));
      }
    });
  });

  it('propagate NaN from the input to the outputs', () => {
    scoped(a, () => {
      const d: GruDims = { B: 2, T: 3, I: 2, H: 4, reverse: false, act: TANH, recAct: SIGMOID, resetAfter: true };
      const x = f32rand(12, 21);
      x[2] = NaN; // row 0, step 1
      const zero = (n: number) => new Float64Array(n);
      const got = runKernels(x, f32rand(24, 22), f32rand(48, 23), f32rand(24, 24), zero(24), d, { dx: zero(12), dW: zero(24), dU: zero(48), dbias: zero(24) });
      expect(Number.isNaN(got.hseq[1 * 4])).toBe(true);
      expect(Number.isNaN(got.hseq[2 * 4])).toBe(true);
      expect(Array.from(got.hseq.subarray(0, 4)).every(Number.isFinite)).toBe(true); // before the NaN
      expect(Array.from(got.hseq.subarray(12, 24)).every(Number.isFinite)).toBe(true); // row 1
    });
  });
});

type Case = RecurrentCase & { resetAfter: boolean; recAct: string };
const fixture = JSON.parse(readFileSync(new URL('../fixtures/gru.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('gru kernels against PyTorch (test/fixtures/gru.json, float64 torch.nn.GRU and autograd)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      scoped(a, () => {
        const { B, T, I, H } = c.dims;
        const d: GruDims = { B, T, I, H, reverse: c.goBackwards, act: TANH, recAct: SIGMOID, resetAfter: c.resetAfter };
        const mask = c.mask ? c.mask.data : undefined;
        // dL/dhseq: r at every position, or at the last processed step only
        const { dh, ys } = caseLoss(c);
        // the float64 reference equals torch's to 1e-12, the f32 kernels to f32 rounding
        const ref = gruForward(c.x.data, c.kernel.data, c.recurrent_kernel.data, c.bias.data, d, mask);
        const rg = gruBackward(dh, c.x.data, c.kernel.data, c.recurrent_kernel.data, c.bias.data, d, mask);
        expectCaseValues({ ...rg, y: ys(ref.hseq) }, c, [1e-12, 1e-10], [1e-12, 1e-10], 'ref ');
        const zero = (n: number) => new Float64Array(n);
        const nb = c.bias.data.length;
        const got = runKernels(f32of(c.x.data), f32of(c.kernel.data), f32of(c.recurrent_kernel.data), f32of(c.bias.data), f32of(dh), d,
          { dx: zero(B * T * I), dW: zero(I * 3 * H), dU: zero(H * 3 * H), dbias: zero(nb) }, mask);
        expectCaseValues({ ...got, y: ys(got.hseq) }, c, [1e-5, 1e-4], [5e-5, 5e-4]);
      });
    });
  }
});
