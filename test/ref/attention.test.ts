// Reference attention: weights sum to 1, T = 1 is the identity, and gradients by central differences in both modes.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { attentionForward, attentionBackward } from './attention.js';
import { gradCheck, weights } from './check.js';

describe('ref attention', () => {
  it('a is a softmax over time of tanh scores; T = 1 gives y = x', () => {
    const B = 2, T = 5, F = 3;
    const x = rand(B * T * F, 1), W = rand(F, 2), b = rand(T, 3);
    const { a, e, y } = attentionForward(x, W, b, B, T, F, false);
    for (let s = 0; s < B; s++) {
      let sum = 0;
      for (let t = 0; t < T; t++) sum += a[s * T + t];
      expect(sum).toBeCloseTo(1, 14);
    }
    let u = b[0];
    for (let f = 0; f < F; f++) u += x[f] * W[f];
    expect(e[0]).toBeCloseTo(Math.tanh(u), 15);
    let y0 = 0;
    for (let t = 0; t < T; t++) y0 += a[t] * x[t * F];
    expect(y[0]).toBeCloseTo(y0, 15);
    const one = attentionForward(x.subarray(0, F), W, b, 1, 1, F, true);
    expectClose(one.y, x.subarray(0, F), 0, 1e-15);
  });

  for (const rs of [true, false]) {
    it(`gradients match central differences (returnSequences ${rs})`, () => {
      const B = 2, T = 4, F = 3;
      const x = rand(B * T * F, 11), W = rand(F, 12), b = rand(T, 13);
      const r = weights(rs ? B * T * F : B * F, 14);
      const fw = attentionForward(x, W, b, B, T, F, rs);
      const g = attentionBackward(r, x, fw.a, fw.e, W, B, T, F, rs);
      const f = () => attentionForward(x, W, b, B, T, F, rs).y;
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, W, g.dW, r, 'dW');
      gradCheck(f, b, g.db, r, 'db');
    });
  }

  for (const rs of [true, false]) {
    it(`masked gradients match central differences (returnSequences ${rs})`, () => {
      const B = 3, T = 4, F = 3;
      const mask = [1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0];
      const x = rand(B * T * F, 21), W = rand(F, 22), b = rand(T, 23), r = weights(rs ? B * T * F : B * F, 24);
      const fw = attentionForward(x, W, b, B, T, F, rs, mask);
      const g = attentionBackward(r, x, fw.a, fw.e, W, B, T, F, rs, mask);
      const f = () => attentionForward(x, W, b, B, T, F, rs, mask).y;
      gradCheck(f, x, g.dx, r, 'dx');
      gradCheck(f, W, g.dW, r, 'dW');
      gradCheck(f, b, g.db, r, 'db');
    });
  }

  it('masked: weights are the softmax over real steps only; a sample with no real step gives a = 0, y = 0', () => {
    const B = 2, T = 4, F = 2, mask = [1, 0, 1, 1, 0, 0, 0, 0];
    const x = rand(B * T * F, 31), W = rand(F, 32), b = rand(T, 33);
    const { a, e, y } = attentionForward(x, W, b, B, T, F, false, mask);
    const real = [0, 2, 3], z = real.reduce((s, t) => s + Math.exp(e[t]), 0);
    for (const t of real) expect(a[t]).toBeCloseTo(Math.exp(e[t]) / z, 15);
    expect(a[1]).toBe(0);
    expect(Array.from(a.subarray(T))).toEqual([0, 0, 0, 0]);
    expect(Array.from(y.subarray(F))).toEqual([0, 0]);
  });
});
