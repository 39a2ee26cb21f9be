// Reference SimpleRNN: a hand-computed step, go_backwards alignment, masks, and every gradient by central differences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { rnnForward, rnnBackward, type RnnDims } from './rnn.js';
import { flipTime, LINEAR, TANH, RELU, SIGMOID } from './dense.js';
import { gradCheck, weights } from './check.js';

describe('ref simple rnn', () => {
  it('matches a hand-computed two-step sequence (H = I = 1)', () => {
    const x = [0.5, -1], W = [0.3], U = [-0.7], b = [0.1];
    let h = 0;
    const hs: number[] = [];
    for (const xt of x) { h = Math.tanh(xt * W[0] + b[0] + h * U[0]); hs.push(h); }
    expectClose(rnnForward(x, W, U, b, { B: 1, T: 2, I: 1, H: 1, reverse: false, act: TANH }), hs, 1e-15, 1e-14);
  });

  it('reverse = go_backwards with outputs aligned to input positions; a masked step carries h', () => {
    const B = 2, T = 4, I = 3, H = 2;
    const x = rand(B * T * I, 1), W = rand(I * H, 2), U = rand(H * H, 3), b = rand(H, 4);
    const rev = rnnForward(x, W, U, b, { B, T, I, H, act: TANH, reverse: true });
    const fwd = rnnForward(flipTime(x, B, T, I), W, U, b, { B, T, I, H, act: TANH, reverse: false });
    expectClose(rev, flipTime(fwd, B, T, H), 1e-15, 1e-14);
    const m = rnnForward(x, W, U, b, { B, T, I, H, act: TANH, reverse: false }, [0, 1, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(m.subarray(0, H))).toEqual([0, 0]);
    expect(Array.from(m.subarray(2 * H, 3 * H))).toEqual(Array.from(m.subarray(H, 2 * H)));
  });

  for (const a of [TANH, RELU, SIGMOID, LINEAR]) for (const reverse of [false, true]) {
    it(`gradients match central differences (act ${a}, reverse ${reverse})`, () => {
      const d: RnnDims = { B: 2, T: 3, I: 3, H: 2, reverse, act: a };
      const seed = 10 * a + (reverse ? 1 : 0);
      const x = rand(d.B * d.T * d.I, seed + 1), W = rand(d.I * d.H, seed + 2, -0.8, 0.8);
      const U = rand(d.H * d.H, seed + 3, -0.8, 0.8), b = rand(d.H, seed + 4, -0.5, 0.5);
      const r = weights(d.B * d.T * d.H, seed + 5);
      const mask = reverse ? [1, 0, 1, 0, 1, 1] : undefined;
      const g = rnnBackward(r, x, W, U, rnnForward(x, W, U, b, d, mask), d, mask);
      const f = () => rnnForward(x, W, U, b, d, mask);
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, W, g.dW, r, 'dW');
      gradCheck(f, U, g.dU, r, 'dU');
      gradCheck(f, b, g.dbias, r, 'dbias');
    });
  }
});

describe('ref recurrent dropout (rmask on h_{t-1} in the recurrent products)', () => {
  // every reference's gradients with a keep mask [B, H] (0 or 1 / (1 - rate)) by central differences, masks and
  // goBackwards too
  const B = 2, T = 3, I = 3, H = 3, mask = [1, 0, 1, 0, 1, 1];
  const rmask = [0, 1.25, 1.25, 1.25, 0, 1.25];
  it('SimpleRNN, GRU (reset after and before) and LSTM', async () => {
    const { gruForward, gruBackward } = await import('./gru.js');
    const { lstmForward, lstmBackward } = await import('./lstm.js');
    for (const reverse of [false, true]) {
      const x = rand(B * T * I, 7), r = weights(B * T * H, 8);
      {
        const d = { B, T, I, H, reverse, act: TANH };
        const W = rand(I * H, 9), U = rand(H * H, 10), b = rand(H, 11);
        const g = rnnBackward(r, x, W, U, rnnForward(x, W, U, b, d, mask, rmask), d, mask, rmask);
        const f = () => rnnForward(x, W, U, b, d, mask, rmask);
        gradCheck(f, x, g.dx, r, 'rnn dx'); gradCheck(f, W, g.dW, r, 'rnn dW'); gradCheck(f, U, g.dU, r, 'rnn dU'); gradCheck(f, b, g.dbias, r, 'rnn dbias');
        // the mask matters: without it the forward differs
        expect(Array.from(rnnForward(x, W, U, b, d, mask))).not.toEqual(Array.from(f()));
      }
      for (const resetAfter of [true, false]) {
        const d = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID, resetAfter };
        const W = rand(I * 3 * H, 12), U = rand(H * 3 * H, 13), b = rand(resetAfter ? 6 * H : 3 * H, 14);
        const g = gruBackward(r, x, W, U, b, d, mask, rmask);
        const f = () => gruForward(x, W, U, b, d, mask, rmask).hseq;
        gradCheck(f, x, g.dx, r, 'gru dx'); gradCheck(f, W, g.dW, r, 'gru dW'); gradCheck(f, U, g.dU, r, 'gru dU'); gradCheck(f, b, g.dbias, r, 'gru dbias');
      }
      {
        const d = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID };
        const W = rand(I * 4 * H, 15), U = rand(H * 4 * H, 16), b = rand(4 * H, 17);
        const g = lstmBackward(r, x, W, U, lstmForward(x, W, U, b, d, mask, rmask), d, mask, rmask);
        const f = () => lstmForward(x, W, U, b, d, mask, rmask).hseq;
        gradCheck(f, x, g.dx, r, 'lstm dx'); gradCheck(f, W, g.dW, r, 'lstm dW'); gradCheck(f, U, g.dU, r, 'lstm dU'); gradCheck(f, b, g.dbias, r, 'lstm dbias');
      }
    }
  });
});
