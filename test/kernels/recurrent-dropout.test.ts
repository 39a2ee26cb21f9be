// The recurrent kernels' rmask (Keras's recurrent_dropout: h_{t-1} * rmask in the recurrent products only) against the
// float64 references (whose gradients test/ref/rnn.test.ts checks by central differences): rnn, gru (both reset
// placements) and lstm, forward and backward, both directions, with a sequence mask; panels or not.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { rnnForward, rnnBackward } from '../ref/rnn.js';
import { gruForward, gruBackward } from '../ref/gru.js';
import { lstmForward, lstmBackward } from '../ref/lstm.js';
import { TANH, SIGMOID } from '../ref/dense.js';
import { f32rand, scoped } from './common.js';

const a = kernelArena();
const k = a.k;
const B = 4, T = 5, I = 6, H = 17;
const seqMask = [1, 1, 0, 1, 1, /**/ 0, 1, 1, 1, 0, /**/ 1, 1, 1, 1, 1, /**/ 0, 0, 1, 1, 1];
// a keep mask [B, H]: 0 or 1 / (1 - 0.25), as dropout draws it
const rmask = Float64Array.from({ length: B * H }, (_, i) => (((i * 7) % 5) === 0 ? 0 : Math.fround(1 / 0.75)));

describe('recurrent dropout in the kernels', () => {
  for (const reverse of [false, true]) for (const packed of [true, false]) {
    it(`rnn, gru (reset after / before), lstm: outputs and gradients of the reference with rmask (reverse ${reverse}, panels ${packed})`, () => {
      scoped(a, () => {
        const nan = (n: number) => buf(a, new Float64Array(n).fill(NaN)), zero = (n: number) => buf(a, new Float64Array(n));
        const x = f32rand(B * T * I, 1), dh = f32rand(B * T * H, 2);
        const px = buf(a, x), pdh = buf(a, dh), pm = buf(a, seqMask), pr = buf(a, rmask), rev = reverse ? 1 : 0;
        const check = (what: string, got: { h: number; dx: number; dW: number; dU: number; db: number }, nW: number, nU: number, nb: number,
                       ref: { h: Float64Array; dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }) => {
          expectClose(read(a, got.h, B * T * H), ref.h, 1e-5, 1e-4, `${what} h`);
          expectClose(read(a, got.dx, B * T * I), ref.dx, 5e-5, 5e-4, `${what} dx`);
          expectClose(read(a, got.dW, nW), ref.dW, 5e-5, 5e-4, `${what} dW`);
          expectClose(read(a, got.dU, nU), ref.dU, 5e-5, 5e-4, `${what} dU`);
          expectClose(read(a, got.db, nb), ref.dbias, 5e-5, 5e-4, `${what} dbias`);
        };
        { // SimpleRNN
          const W = f32rand(I * H, 3, -0.4, 0.4), U = f32rand(H * H, 4, -0.4, 0.4), b = f32rand(H, 5);
          const pack = packed ? nan(Math.max(I + H, Math.min(B * T, 256)) * H) : 0;
          const h = nan(B * T * H), pW = buf(a, W), pU = buf(a, U), hm = nan(B * H);
          k.rnn_forward(h, px, pW, pU, buf(a, b), B, T, I, H, rev, TANH, pm, pack, 0, 0, pr, hm);
          const dx = zero(B * T * I), dW = zero(I * H), dU = zero(H * H), db = zero(H);
          k.rnn_backward(dx, dW, dU, db, pdh, nan(B * T * H), nan(B * H), nan(B * T * H), nan(H * H), nan(H * I), px, h, pW, pU, B, T, I, H, rev, TANH, pm, pack, 0, pr, hm);
          const d = { B, T, I, H, reverse, act: TANH };
          const ref = rnnForward(x, W, U, b, d, seqMask, rmask);
          check('rnn', { h, dx, dW, dU, db }, I * H, H * H, H, { h: ref, ...rnnBackward(dh, x, W, U, ref, d, seqMask, rmask) });
        }
        for (const resetAfter of [true, false]) { // GRU
          const G = 3 * H, nb = resetAfter ? 2 * G : G;
          const W = f32rand(I * G, 6, -0.4, 0.4), U = f32rand(H * G, 7, -0.4, 0.4), b = f32rand(nb, 8);
          const pack = packed ? nan(Math.max(I + H, Math.min(B * T, 256)) * G) : 0;
          const h = nan(B * T * H), g = nan(B * T * G), rc = nan(B * T * H), pW = buf(a, W), pU = buf(a, U), hm = nan(B * H), ra = resetAfter ? 1 : 0;
          k.gru_forward(h, g, rc, nan(B * G), px, pW, pU, buf(a, b), B, T, I, H, rev, TANH, SIGMOID, pm, ra, 0, pack, 0, 0, pr, hm);
          const dx = zero(B * T * I), dW = zero(I * G), dU = zero(H * G), db = zero(nb);
          k.gru_backward(dx, dW, dU, db, pdh, nan(B * H), nan(B * H), nan(B * T * H), nan(G * H), nan(G * I), px, h, g, rc, pW, pU, B, T, I, H, rev, TANH, SIGMOID, pm, ra, pack, 0, pr, hm);
          const d = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID, resetAfter };
          check(`gru resetAfter ${resetAfter}`, { h, dx, dW, dU, db }, I * G, H * G, nb,
            { h: gruForward(x, W, U, b, d, seqMask, rmask).hseq, ...gruBackward(dh, x, W, U, b, d, seqMask, rmask) });
        }
        { // LSTM
          const G = 4 * H;
          const W = f32rand(I * G, 9, -0.4, 0.4), U = f32rand(H * G, 10, -0.4, 0.4), b = f32rand(G, 11);
          const h = nan(B * T * H), c = nan(B * T * H), g = nan(B * T * G), pW = buf(a, W), pU = buf(a, U), hm = nan(B * H);
          k.lstm_forward(h, c, g, 0, px, pW, pU, buf(a, b), B, T, I, H, rev, TANH, SIGMOID, pm, 0, packed ? nan(Math.max(256, I + H) * G) : 0, 0, 0, 0, 0, pr, hm);
          const dx = zero(B * T * I), dW = zero(I * G), dU = zero(H * G), db = zero(G);
          k.lstm_backward(dx, dW, dU, db, pdh, g, nan(B * H), nan(B * H), nan(B * T * H), nan(G * H), nan(G * I), px, h, c, g, 0, pW, pU,
            B, T, I, H, rev, TANH, SIGMOID, pm, packed ? nan(Math.min(B * T, 256) * G) : 0, 0, pr, hm);
          const d = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID };
          const cache = lstmForward(x, W, U, b, d, seqMask, rmask);
          check('lstm', { h, dx, dW, dU, db }, I * G, H * G, G, { h: cache.hseq, ...lstmBackward(dh, x, W, U, cache, d, seqMask, rmask) });
        }
        // the mask matters (the reference without it is another sequence)
        expect(Array.from(rnnForward(x, f32rand(I * H, 3, -0.4, 0.4), f32rand(H * H, 4, -0.4, 0.4), f32rand(H, 5), { B, T, I, H, reverse, act: TANH }, seqMask)))
          .not.toEqual(Array.from(rnnForward(x, f32rand(I * H, 3, -0.4, 0.4), f32rand(H * H, 4, -0.4, 0.4), f32rand(H, 5), { B, T, I, H, reverse, act: TANH }, seqMask, rmask)));
      });
    });
  }
});
