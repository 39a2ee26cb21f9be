// Float64 reference SimpleRNN (Keras layout), forward and backward through time, with go_backwards. Buffers follow
// assembly/rnn.ts: x [B,T,I], W [I,H], U [H,H], bias [H]; hseq [B,T,H] aligned to INPUT positions. A mask [B,T] (1 real,
// 0 masked) carries h through masked steps (zeros before the first real step). An optional rmask [B,H] is Keras's
// recurrent dropout: h_{t-1} * rmask in the recurrent product only.
import { act, actGrad } from './dense.js';

export interface RnnDims { B: number; T: number; I: number; H: number; reverse: boolean; act: number }
export interface RnnGrads { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }

const pos = (s: number, T: number, reverse: boolean) => (reverse ? T - 1 - s : s);

export function rnnForward(x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>, bias: ArrayLike<number>,
                           d: RnnDims, mask?: ArrayLike<number>, rmask?: ArrayLike<number>): Float64Array {
  const { B, T, I, H } = d;
  const hseq = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    for (let s = 0; s < T; s++) {
      const row = b * T + pos(s, T, d.reverse);
      if (!(mask && mask[row] === 0)) {
        // h = act(x.W + b + h_prev.U)
        const next = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          let z = bias[j];
          for (let i = 0; i < I; i++) z += x[row * I + i] * W[i * H + j];
          for (let k = 0; k < H; k++) z += h[k] * (rmask ? rmask[b * H + k] : 1) * U[k * H + j];
          next[j] = act(z, d.act);
        }
        h = next;
      }
      hseq.set(h, row * H);
    }
  }
  return hseq;
}

/** Gradients of L given dL/dhseq (aligned like hseq). Fresh buffers (the kernels add these to theirs). */
export function rnnBackward(dhseq: ArrayLike<number>, x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>,
                            hseq: Float64Array, d: RnnDims, mask?: ArrayLike<number>, rmask?: ArrayLike<number>): RnnGrads {
  const { B, T, I, H } = d;
  const dx = new Float64Array(B * T * I), dW = new Float64Array(I * H), dU = new Float64Array(H * H), dbias = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    let dh = new Float64Array(H);
    for (let s = T - 1; s >= 0; s--) {
      const row = b * T + pos(s, T, d.reverse);
      for (let j = 0; j < H; j++) dh[j] += dhseq[row * H + j];
      if (mask && mask[row] === 0) continue; // h carried: dh passes on
      const prow = s > 0 ? b * T + pos(s - 1, T, d.reverse) : -1;
      const dprev = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const dz = dh[j] * actGrad(hseq[row * H + j], d.act);
        dbias[j] += dz;
        for (let i = 0; i < I; i++) { dW[i * H + j] += x[row * I + i] * dz; dx[row * I + i] += dz * W[i * H + j]; }
        for (let k = 0; k < H; k++) {
          const m = rmask ? rmask[b * H + k] : 1;
          if (prow >= 0) dU[k * H + j] += hseq[prow * H + k] * m * dz;
          dprev[k] += dz * U[k * H + j] * m;
        }
      }
      dh = dprev;
    }
  }
  return { dx, dW, dU, dbias };
}
