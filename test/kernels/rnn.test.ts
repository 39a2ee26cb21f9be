// rnn_forward / rnn_backward (assembly/rnn.ts, SimpleRNN) against the f64 reference and PyTorch's float64 nn.RNN:
// tail-breaking H and I, both directions, activations, accumulation into the d-buffers, masks, panels (pack) giving
// the same bits, and batch-of-1 = row b.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { rnnForward, rnnBackward, type RnnDims } from '../ref/rnn.js';
import { LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID } from '../ref/dense.js';
import { f32rand, f32of, plus, bits, expectSameBits, scoped } from './common.js';
import { caseLoss, expectCaseValues, type RecurrentCase } from '../helpers/recurrent.js';

const a = kernelArena();
const k = a.k;

interface Init { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }

/** Runs both kernels; d-buffers start at `init`, caches and scratch as NaN (they must be overwritten). */
function runKernels(x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>, b: ArrayLike<number>, dh: ArrayLike<number>,
                    d: RnnDims, init: Init, mask?: ArrayLike<number>, packed = true) {
  const { B, T, I, H } = d;
  const nan = (n: number) => buf(a, new Float64Array(n).fill(NaN));
  const px = buf(a, x), pW = buf(a, W), pU = buf(a, U), pb = buf(a, b);
  const ph = nan(B * T * H), rev = d.reverse ? 1 : 0, pmask = mask ? buf(a, mask) : 0;
  const pack = packed ? nan(Math.max(I + H, Math.min(B * T, 256)) * H) : 0;
  k.rnn_forward(ph, px, pW, pU, pb, B, T, I, H, rev, d.act, pmask, pack, 0, 0, 0, 0);
  const hseq = read(a, ph, B * T * H), hseqBits = bits(a, ph, B * T * H);
  const pdx = buf(a, init.dx), pdW = buf(a, init.dW), pdU = buf(a, init.dU), pdb = buf(a, init.dbias);
  k.rnn_backward(pdx, pdW, pdU, pdb, buf(a, dh), nan(B * T * H), nan(B * H), nan(B * T * H), nan(H * H), nan(H * I),
    px, ph, pW, pU, B, T, I, H, rev, d.act, pmask, pack, 0, 0, 0);
  return { hseq, hseqBits, dx: read(a, pdx, B * T * I), dW: read(a, pdW, I * H), dU: read(a, pdU, H * H), dbias: read(a, pdb, H) };
}

function check(d: RnnDims, seed: number, mask?: number[]): void {
  scoped(a, () => {
    const { B, T, I, H } = d;
    const ws = 1 / Math.sqrt(I + H);
    const x = f32rand(B * T * I, seed), W = f32rand(I * H, seed + 1, -ws, ws), U = f32rand(H * H, seed + 2, -ws, ws);
    const b = f32rand(H, seed + 3, -0.5, 0.5), dh = f32rand(B * T * H, seed + 4);
    const init = { dx: f32rand(B * T * I, seed + 5), dW: f32rand(I * H, seed + 6), dU: f32rand(H * H, seed + 7), dbias: f32rand(H, seed + 8) };
    const got = runKernels(x, W, U, b, dh, d, init, mask);
    const ref = rnnForward(x, W, U, b, d, mask);
    const g = rnnBackward(dh, x, W, U, ref, d, mask);
    const tag = `B=${B} T=${T} I=${I} H=${H} rev=${d.reverse} act=${d.act}${mask ? ` mask=${mask.join('')}` : ''}`;
    expectClose(got.hseq, ref, 1e-5, 1e-4, `hseq ${tag}`);
    expectClose(got.dx, plus(init.dx, g.dx), 5e-5, 5e-4, `dx ${tag}`);
    expectClose(got.dW, plus(init.dW, g.dW), 5e-5, 5e-4, `dW ${tag}`);
    expectClose(got.dU, plus(init.dU, g.dU), 5e-5, 5e-4, `dU ${tag}`);
    expectClose(got.dbias, plus(init.dbias, g.dbias), 5e-5, 5e-4, `dbias ${tag}`);
  });
}

describe('simple rnn kernels', () => {
  it('match the reference for H in {1, 3, 4, 5, 17, 33}, I in {1, 5, 19}, both directions', () => {
    let seed = 1;
    for (const H of [1, 3, 4, 5, 17, 33]) for (const I of [1, 5, 19]) for (const reverse of [false, true]) {
      check({ B: 3, T: 4, I, H, reverse, act: TANH }, seed += 10);
    }
  });

  it('match the reference for relu, sigmoid, linear and hard sigmoid', () => {
    let seed = 1000;
    for (const act of [RELU, SIGMOID, LINEAR, HARD_SIGMOID]) check({ B: 2, T: 5, I: 3, H: 6, reverse: false, act }, seed += 10);
  });

  it('carry the state through masked steps (start, middle, end, all masked) in both directions', () => {
    const mask = [0, 0, 1, 1, 1, /**/ 1, 0, 1, 0, 1, /**/ 1, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 0];
    check({ B: 4, T: 5, I: 3, H: 5, reverse: false, act: TANH }, 2000, mask);
    check({ B: 4, T: 5, I: 3, H: 5, reverse: true, act: RELU }, 2010, mask);
  });

  it('give the same bits with W, U, U^T and W^T in panels as without, and a batch of one the bits of its row', () => {
    scoped(a, () => {
      const B = 5, T = 6, I = 19, H = 21;
      const d: RnnDims = { B, T, I, H, reverse: true, act: TANH };
      const x = f32rand(B * T * I, 41), W = f32rand(I * H, 42, -0.3, 0.3), U = f32rand(H * H, 43, -0.3, 0.3), b = f32rand(H, 44), dh = f32rand(B * T * H, 45);
      const init = () => ({ dx: f32rand(B * T * I, 46), dW: f32rand(I * H, 47), dU: f32rand(H * H, 48), dbias: f32rand(H, 49) });
      const p = runKernels(x, W, U, b, dh, d, init(), undefined, true), q = runKernels(x, W, U, b, dh, d, init(), undefined, false);
      expectSameBits(p.hseqBits, q.hseqBits, 'hseq');
      for (const key of ['dx', 'dW', 'dU', 'dbias'] as const) expect(Array.from(p[key]), key).toEqual(Array.from(q[key]));
      const zero = (n: number) => new Float64Array(n);
      for (const row of [0, 3]) {
        const one = runKernels(x.subarray(row * T * I, (row + 1) * T * I), W, U, b, zero(T * H), { ...d, B: 1 },
          { dx: zero(T * I), dW: zero(I * H), dU: zero(H * H), dbias: zero(H) });
        expectSameBits(one.hseqBits, p.hseqBits.slice(row * T * H, (row + 1) * T * H), `row ${row}`);
      }
    });
  });
});

const FIXTURE = new URL('../fixtures/simple_rnn.json', import.meta.url);
const cases = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: RecurrentCase[] }).cases : [];
const ACT: Record<string, number> = { tanh: TANH, relu: RELU };

describe('simple rnn kernels against PyTorch (test/fixtures/simple_rnn.json, float64 nn.RNN and autograd)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(3));
  for (const c of cases) {
    it(c.name, () => {
      scoped(a, () => {
        const { B, T, I, H } = c.dims;
        const d: RnnDims = { B, T, I, H, reverse: c.goBackwards, act: ACT[c.act] };
        const mask = c.mask ? c.mask.data : undefined;
        const { dh, ys } = caseLoss(c);
        const ref = rnnForward(c.x.data, c.kernel.data, c.recurrent_kernel.data, c.bias.data, d, mask);
        const rg = rnnBackward(dh, c.x.data, c.kernel.data, c.recurrent_kernel.data, ref, d, mask);
        expectCaseValues({ ...rg, y: ys(ref) }, c, [1e-12, 1e-10], [1e-12, 1e-10], 'ref ');
        const zero = (n: number) => new Float64Array(n);
        const got = runKernels(f32of(c.x.data), f32of(c.kernel.data), f32of(c.recurrent_kernel.data), f32of(c.bias.data), f32of(dh), d,
          { dx: zero(B * T * I), dW: zero(I * H), dU: zero(H * H), dbias: zero(H) }, mask);
        expectCaseValues({ ...got, y: ys(got.hseq) }, c, [1e-5, 1e-4], [5e-5, 5e-4]);
      });
    });
  }
});
