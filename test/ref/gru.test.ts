// Reference GRU: a hand-computed step for each reset placement, go_backwards alignment, masks, and every gradient by
// central differences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { gruForward, gruBackward, type GruDims } from './gru.js';
import { flipTime, LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID } from './dense.js';
import { gradCheck, weights } from './check.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

describe('ref gru', () => {
  it('matches hand-computed two-step sequences (H = I = 1, Keras blocks z, r, h; both reset placements)', () => {
    const x = [0.5, -1], W = [0.1, 0.2, 0.3], U = [-0.5, 0.6, -0.7], bi = [0.01, -0.02, 0.03], br = [0.04, 0.05, -0.06];
    for (const resetAfter of [true, false]) {
      let h = 0;
      const hs: number[] = [];
      for (const xt of x) {
        const z = sig(xt * W[0] + bi[0] + h * U[0] + (resetAfter ? br[0] : 0));
        const r = sig(xt * W[1] + bi[1] + h * U[1] + (resetAfter ? br[1] : 0));
        const hh = Math.tanh(xt * W[2] + bi[2] + (resetAfter ? r * (h * U[2] + br[2]) : (r * h) * U[2]));
        h = z * h + (1 - z) * hh;
        hs.push(h);
      }
      const d: GruDims = { B: 1, T: 2, I: 1, H: 1, reverse: false, act: TANH, recAct: SIGMOID, resetAfter };
      expectClose(gruForward(x, W, U, resetAfter ? [...bi, ...br] : bi, d).hseq, hs, 1e-15, 1e-14, `resetAfter ${resetAfter}`);
    }
  });

  it('reverse = go_backwards with outputs aligned to input positions', () => {
    const B = 2, T = 4, I = 3, H = 2;
    const x = rand(B * T * I, 1), W = rand(I * 3 * H, 2), U = rand(H * 3 * H, 3), b = rand(6 * H, 4);
    const base = { B, T, I, H, act: TANH, recAct: SIGMOID, resetAfter: true };
    const rev = gruForward(x, W, U, b, { ...base, reverse: true });
    const fwd = gruForward(flipTime(x, B, T, I), W, U, b, { ...base, reverse: false });
    expectClose(rev.hseq, flipTime(fwd.hseq, B, T, H), 1e-15, 1e-14);
    expect(rev.hseq[0]).toBe(fwd.hseq[(T - 1) * H]);
  });

  it('a masked step carries h (zeros before the first real step)', () => {
    const B = 1, T = 4, I = 2, H = 3, mask = [0, 1, 0, 1];
    const x = rand(T * I, 5), W = rand(I * 3 * H, 6), U = rand(H * 3 * H, 7), b = rand(3 * H, 8);
    const out = gruForward(x, W, U, b, { B, T, I, H, reverse: false, act: TANH, recAct: SIGMOID, resetAfter: false }, mask);
    expect(Array.from(out.hseq.subarray(0, H))).toEqual([0, 0, 0]);
    expect(Array.from(out.hseq.subarray(2 * H, 3 * H))).toEqual(Array.from(out.hseq.subarray(H, 2 * H)));
    expect(out.hseq[3 * H]).not.toBe(out.hseq[2 * H]);
  });

  const combos: Array<[number, number]> = [[TANH, SIGMOID], [TANH, HARD_SIGMOID], [RELU, SIGMOID], [LINEAR, TANH]];
  for (const resetAfter of [true, false]) for (const [a, ra] of combos) for (const reverse of [false, true]) {
    it(`gradients match central differences (resetAfter ${resetAfter}, act ${a}, recurrent ${ra}, reverse ${reverse})`, () => {
      const d: GruDims = { B: 2, T: 3, I: 3, H: 2, reverse, act: a, recAct: ra, resetAfter };
      const G = 3 * d.H;
      const seed = 100 * a + 10 * ra + (reverse ? 1 : 0) + (resetAfter ? 5 : 0);
      const x = rand(d.B * d.T * d.I, seed + 1), W = rand(d.I * G, seed + 2, -0.8, 0.8);
      const U = rand(d.H * G, seed + 3, -0.8, 0.8), b = rand(resetAfter ? 2 * G : G, seed + 4, -0.5, 0.5);
      const r = weights(d.B * d.T * d.H, seed + 5);
      const mask = reverse ? [1, 0, 1, 0, 1, 1] : undefined;
      const g = gruBackward(r, x, W, U, b, d, mask);
      const f = () => gruForward(x, W, U, b, d, mask).hseq;
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, W, g.dW, r, 'dW');
      gradCheck(f, U, g.dU, r, 'dU');
      gradCheck(f, b, g.dbias, r, 'dbias');
    });
  }
});
