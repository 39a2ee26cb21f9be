// Reference LSTM: a hand-computed step, go_backwards alignment, and every gradient by central differences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { lstmForward, lstmBackward, type LstmDims } from './lstm.js';
import { flipTime, LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID, HARD_SIGMOID_K3 } from './dense.js';
import { gradCheck, weights } from './check.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

describe('ref lstm', () => {
  it('matches a hand-computed two-step sequence (H = I = 1, Keras gate order i, f, c, o)', () => {
    const x = [0.5, -1], W = [0.1, 0.2, 0.3, 0.4], U = [-0.5, 0.6, -0.7, 0.8], b = [0.01, 1, -0.02, 0.03];
    const d: LstmDims = { B: 1, T: 2, I: 1, H: 1, reverse: false, act: TANH, recAct: SIGMOID };
    let h = 0, c = 0;
    const hs: number[] = [];
    for (const xt of x) {
      const z = [0, 1, 2, 3].map((g) => xt * W[g] + h * U[g] + b[g]);
      c = sig(z[1]) * c + sig(z[0]) * Math.tanh(z[2]);
      h = sig(z[3]) * Math.tanh(c);
      hs.push(h);
    }
    const out = lstmForward(x, W, U, b, d);
    expectClose(out.hseq, hs, 1e-15, 1e-14);
    expect(out.gates[1]).toBeCloseTo(sig(0.5 * 0.2 + 1), 15);
  });

  it('reverse = go_backwards with outputs aligned to input positions', () => {
    const B = 2, T = 4, I = 3, H = 2;
    const x = rand(B * T * I, 1), W = rand(I * 4 * H, 2), U = rand(H * 4 * H, 3), b = rand(4 * H, 4);
    const base = { B, T, I, H, act: TANH, recAct: SIGMOID };
    const rev = lstmForward(x, W, U, b, { ...base, reverse: true });
    const fwdOnFlipped = lstmForward(flipTime(x, B, T, I), W, U, b, { ...base, reverse: false });
    expectClose(rev.hseq, flipTime(fwdOnFlipped.hseq, B, T, H), 1e-15, 1e-14);
    expectClose(rev.cseq, flipTime(fwdOnFlipped.cseq, B, T, H), 1e-15, 1e-14);
    // the final state of the backward direction sits at position 0
    expect(rev.hseq[0]).toBe(fwdOnFlipped.hseq[(T - 1) * H]);
  });

  const combos: Array<[number, number]> = [[TANH, SIGMOID], [TANH, HARD_SIGMOID], [RELU, SIGMOID], [LINEAR, TANH], [SIGMOID, RELU],
    [HARD_SIGMOID_K3, HARD_SIGMOID_K3]];
  for (const [a, ra] of combos) {
    for (const reverse of [false, true]) {
      it(`gradients match central differences (act ${a}, recurrent ${ra}, reverse ${reverse})`, () => {
        const d: LstmDims = { B: 2, T: 3, I: 3, H: 2, reverse, act: a, recAct: ra };
        const G = 4 * d.H;
        const seed = 100 * a + 10 * ra + (reverse ? 1 : 0);
        const x = rand(d.B * d.T * d.I, seed + 1), W = rand(d.I * G, seed + 2, -0.8, 0.8);
        const U = rand(d.H * G, seed + 3, -0.8, 0.8), b = rand(G, seed + 4, -0.5, 0.5);
        const r = weights(d.B * d.T * d.H, seed + 5);
        const cache = lstmForward(x, W, U, b, d);
        const g = lstmBackward(r, x, W, U, cache, d);
        const f = () => lstmForward(x, W, U, b, d).hseq;
        gradCheck(f, x, g.dx, r, 'dx');
        gradCheck(f, W, g.dW, r, 'dW');
        gradCheck(f, U, g.dU, r, 'dU');
        gradCheck(f, b, g.dbias, r, 'dbias');
      });
    }
  }

  const masks: Array<[string, number[]]> = [
    ['right padding', [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]],
    ['left padding and a hole', [0, 0, 1, 1, 1, 1, 0, 1, 0, 1]],
    ['a fully masked sample', [0, 0, 0, 0, 0, 1, 0, 1, 1, 0]],
  ];
  for (const [name, mask] of masks) for (const reverse of [false, true]) {
    it(`masked gradients match central differences (${name}, reverse ${reverse})`, () => {
      const d: LstmDims = { B: 2, T: 5, I: 2, H: 3, reverse, act: TANH, recAct: SIGMOID };
      const G = 4 * d.H, seed = mask.reduce((s, v, i) => s + v * (i + 1), 0) + (reverse ? 50 : 0);
      const x = rand(d.B * d.T * d.I, seed + 1), W = rand(d.I * G, seed + 2, -0.8, 0.8);
      const U = rand(d.H * G, seed + 3, -0.8, 0.8), b = rand(G, seed + 4, -0.5, 0.5), r = weights(d.B * d.T * d.H, seed + 5);
      const g = lstmBackward(r, x, W, U, lstmForward(x, W, U, b, d, mask), d, mask);
      const f = () => lstmForward(x, W, U, b, d, mask).hseq;
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, W, g.dW, r, 'dW');
      gradCheck(f, U, g.dU, r, 'dU');
      gradCheck(f, b, g.dbias, r, 'dbias');
    });
  }

  it('masked, right-padded: real steps equal the unpadded run; pads carry the last h (forward) or hold 0 (reverse)', () => {
    const T = 5, L = 3, I = 2, H = 3, G = 4 * H;
    const x = rand(T * I, 7), W = rand(I * G, 8), U = rand(H * G, 9), b = rand(G, 10);
    const mask = [1, 1, 1, 0, 0];
    for (const reverse of [false, true]) {
      const d = { B: 1, I, H, reverse, act: TANH, recAct: SIGMOID };
      const full = lstmForward(x, W, U, b, { ...d, T }, mask).hseq;
      const short = lstmForward(x.subarray(0, L * I), W, U, b, { ...d, T: L }).hseq;
      expectClose(full.subarray(0, L * H), short, 1e-15, 1e-14, `real steps reverse ${reverse}`);
      for (let t = L; t < T; t++) {
        const want = reverse ? new Float64Array(H) : short.subarray((L - 1) * H, L * H);
        expect(Array.from(full.subarray(t * H, (t + 1) * H))).toEqual(Array.from(want));
      }
    }
  });
});
