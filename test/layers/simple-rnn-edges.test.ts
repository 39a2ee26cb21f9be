// SimpleRNN layer edge cases against the float64 reference (B=1, T=1, odd H, I > 256, fully masked rows, relu,
// goBackwards, returnSequences, zeroOutputForMask), through runLayer (the layer's planned buffers).
import { describe, it } from 'vitest';
import { layers } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { expectClose, rand } from '../helpers/kernels.js';
import { rnnForward, rnnBackward } from '../ref/rnn.js';
import { TANH, RELU } from '../ref/dense.js';

const f32 = (v: ArrayLike<number>) => Float64Array.from(Float32Array.from(v as number[]));

function check(B: number, T: number, I: number, H: number, act: 'tanh' | 'relu', goBackwards: boolean, returnSequences: boolean, zero: boolean, mask?: number[]) {
  const x = f32(rand(B * T * I, B * 7 + T * 3 + I + H));
  const s = 1 / Math.sqrt(I + H);
  const w = [f32(rand(I * H, 11, -s, s)), f32(rand(H * H, 12, -s, s)), f32(rand(H, 13, -0.3, 0.3))];
  const R = B * (returnSequences ? T : 1);
  const dy = f32(rand(R * H, 14));
  const r = runLayer(layers.simpleRNN({ units: H, activation: act, goBackwards, returnSequences, zeroOutputForMask: zero }), [T, I], B, x, dy, { weights: w, ...(mask ? { mask } : {}) });
  const d = { B, T, I, H, reverse: goBackwards, act: act === 'tanh' ? TANH : RELU };
  const h = rnnForward(x, w[0], w[1], w[2], d, mask);
  const y = new Float64Array(R * H), dh = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) {
    if (returnSequences) {
      for (let s2 = 0; s2 < T; s2++) {
        const t = goBackwards ? T - 1 - s2 : s2; // output s2 is processing step s2
        const on = zero && mask ? mask[b * T + t] : 1;
        for (let j = 0; j < H; j++) { y[(b * T + s2) * H + j] = on * h[(b * T + t) * H + j]; dh[(b * T + t) * H + j] = on * dy[(b * T + s2) * H + j]; }
      }
    } else {
      const t = goBackwards ? 0 : T - 1;
      const on = zero && mask ? mask[b * T + t] : 1;
      for (let j = 0; j < H; j++) { y[b * H + j] = on * h[(b * T + t) * H + j]; dh[(b * T + t) * H + j] = on * dy[b * H + j]; }
    }
  }
  const g = rnnBackward(dh, x, w[0], w[1], h, d, mask);
  const tag = `B=${B} T=${T} I=${I} H=${H} ${act} back=${goBackwards} seq=${returnSequences} zero=${zero} mask=${!!mask}`;
  expectClose(r.y, y, 1e-5, 1e-4, `y ${tag}`);
  expectClose(r.dx!, g.dx, 5e-5, 5e-4, `dx ${tag}`);
  expectClose(r.grads[0], g.dW, 5e-5, 5e-4, `dW ${tag}`);
  expectClose(r.grads[1], g.dU, 5e-5, 5e-4, `dU ${tag}`);
  expectClose(r.grads[2], g.dbias, 5e-5, 5e-4, `db ${tag}`);
}

describe('simpleRNN layer edges', () => {
  it('B=1, T=1, odd H, I > 256, B*T > 256', () => {
    for (const act of ['tanh', 'relu'] as const) for (const gb of [false, true]) for (const rs of [false, true]) {
      check(1, 1, 3, 5, act, gb, rs, false);
      check(1, 6, 3, 1, act, gb, rs, false);
      check(2, 3, 300, 17, act, gb, rs, false);
      check(3, 100, 5, 33, act, gb, rs, false);
      check(5, 4, 16, 16, act, gb, rs, false);
    }
  });
  it('masks: fully masked rows, leading/trailing pads, zeroOutputForMask on and off', () => {
    const B = 4, T = 5;
    const mask = [0, 0, 0, 0, 0, /**/ 1, 1, 0, 0, 0, /**/ 0, 0, 1, 1, 1, /**/ 1, 0, 1, 0, 1];
    for (const act of ['tanh', 'relu'] as const) for (const gb of [false, true]) for (const rs of [false, true]) for (const z of [false, true]) {
      check(B, T, 7, 9, act, gb, rs, z, mask);
      check(B, T, 20, 18, act, gb, rs, z, mask);
    }
  });
});
