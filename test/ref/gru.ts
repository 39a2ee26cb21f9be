// Float64 reference GRU (Keras layout, gate blocks z, r, h; resetAfter true or false), forward and backward through
// time, with go_backwards. Buffers follow assembly/gru.ts: x [B,T,I], W [I,3H], U [H,3H], bias [2,3H] (resetAfter) or
// [3H]; hseq [B,T,H] and gates [B,T,3H] (post-activation z, r, hh) aligned to INPUT positions. A mask [B,T] (1 real, 0
// masked) carries h through masked steps (zeros before the first real step); gates there are 0 here. An optional
// rmask [B,H] is Keras's recurrent dropout: h_{t-1} * rmask where h_{t-1} enters the recurrent products only.
import { act, actGrad } from './dense.js';

export interface GruDims { B: number; T: number; I: number; H: number; reverse: boolean; act: number; recAct: number; resetAfter: boolean }
export interface GruCache { hseq: Float64Array; gates: Float64Array }
export interface GruGrads { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }

const pos = (s: number, T: number, reverse: boolean) => (reverse ? T - 1 - s : s);

/** One step for one row: the sums of the input product xs [3H] and recurrent product hs [3H] as Keras's cell takes them. */
function cell(x: ArrayLike<number>, xo: number, h0: Float64Array, W: ArrayLike<number>, U: ArrayLike<number>, bias: ArrayLike<number>, d: GruDims, m?: ArrayLike<number>) {
  // the recurrent products' operand (h_{t-1} * m with recurrent dropout)
  const h = m ? h0.map((v, k) => v * m[k]) : h0;
  const { I, H } = d, G = 3 * H;
  const xs = new Float64Array(G), hs = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    let v = bias[g];
    for (let i = 0; i < I; i++) v += x[xo + i] * W[i * G + g];
    xs[g] = v;
    let u = d.resetAfter ? bias[G + g] : 0;
    if (g < 2 * H || d.resetAfter) for (let k = 0; k < H; k++) u += h[k] * U[k * G + g];
    hs[g] = u;
  }
  const z = new Float64Array(H), r = new Float64Array(H), hh = new Float64Array(H);
  for (let j = 0; j < H; j++) { z[j] = act(xs[j] + hs[j], d.recAct); r[j] = act(xs[H + j] + hs[H + j], d.recAct); }
  for (let j = 0; j < H; j++) {
    let inner: number;
    if (d.resetAfter) inner = r[j] * hs[2 * H + j];
    else { inner = 0; for (let k = 0; k < H; k++) inner += r[k] * h[k] * U[k * G + 2 * H + j]; }
    hh[j] = act(xs[2 * H + j] + inner, d.act);
  }
  return { z, r, hh, hs };
}

export function gruForward(x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>, bias: ArrayLike<number>,
                           d: GruDims, mask?: ArrayLike<number>, rmask?: ArrayLike<number>): GruCache {
  const { B, T, I, H } = d, G = 3 * H;
  const hseq = new Float64Array(B * T * H), gates = new Float64Array(B * T * G);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    for (let s = 0; s < T; s++) {
      const row = b * T + pos(s, T, d.reverse);
      if (!(mask && mask[row] === 0)) {
        const { z, r, hh } = cell(x, row * I, h, W, U, bias, d, rmask ? Array.from({ length: H }, (_, k) => rmask[b * H + k]) : undefined);
        // h = z * h_prev + (1 - z) * hh
        const next = new Float64Array(H);
        for (let j = 0; j < H; j++) next[j] = z[j] * h[j] + (1 - z[j]) * hh[j];
        h = next;
        gates.set(z, row * G); gates.set(r, row * G + H); gates.set(hh, row * G + 2 * H);
      }
      hseq.set(h, row * H);
    }
  }
  return { hseq, gates };
}

/** Gradients of L given dL/dhseq (aligned like hseq). Fresh buffers (the kernels add these to theirs). */
export function gruBackward(dhseq: ArrayLike<number>, x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>,
                            bias: ArrayLike<number>, d: GruDims, mask?: ArrayLike<number>, rmask?: ArrayLike<number>): GruGrads {
  const { B, T, I, H } = d, G = 3 * H;
  const dx = new Float64Array(B * T * I), dW = new Float64Array(I * G), dU = new Float64Array(H * G);
  const dbias = new Float64Array(d.resetAfter ? 2 * G : G);
  const mrow = (b: number): ArrayLike<number> | undefined => (rmask ? Array.from({ length: H }, (_, k) => rmask[b * H + k]) : undefined);
  for (let b = 0; b < B; b++) {
    const mb = mrow(b), mk = (k: number) => (mb ? mb[k] : 1);
    // the states before each step, recomputed forwards
    const hs: Float64Array[] = [];
    let h = new Float64Array(H);
    for (let s = 0; s < T; s++) {
      hs.push(h);
      const row = b * T + pos(s, T, d.reverse);
      if (mask && mask[row] === 0) continue;
      const c = cell(x, row * I, h, W, U, bias, d, mrow(b));
      h = Float64Array.from(c.z, (z, j) => z * h[j] + (1 - z) * c.hh[j]);
    }
    let dh = new Float64Array(H);
    for (let s = T - 1; s >= 0; s--) {
      const row = b * T + pos(s, T, d.reverse);
      for (let j = 0; j < H; j++) dh[j] += dhseq[row * H + j];
      if (mask && mask[row] === 0) continue; // h carried: dh passes on unchanged
      const hp = hs[s];
      const { z, r, hh, hs: rec } = cell(x, row * I, hp, W, U, bias, d, mb);
      const dxs = new Float64Array(G), dhs = new Float64Array(G), dprev = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        // h = z * h_prev + (1 - z) * hh
        const dz = dh[j] * (hp[j] - hh[j]) * actGrad(z[j], d.recAct);
        const dhh = dh[j] * (1 - z[j]) * actGrad(hh[j], d.act);
        dprev[j] += dh[j] * z[j];
        dxs[j] = dz; dhs[j] = dz;
        dxs[2 * H + j] = dhh;
        if (d.resetAfter) {
          // hh = act(xs_h + r * rec_h)
          dxs[H + j] = dhh * rec[2 * H + j] * actGrad(r[j], d.recAct);
          dhs[H + j] = dxs[H + j];
          dhs[2 * H + j] = dhh * r[j];
        }
      }
      if (!d.resetAfter) {
        // hh = act(xs_h + (r * h_prev) . U_h): dq = dhh . U_h^T; dr = dq * h_prev; dh_prev += dq * r
        for (let k = 0; k < H; k++) {
          let dq = 0;
          for (let j = 0; j < H; j++) {
            dq += dxs[2 * H + j] * U[k * G + 2 * H + j];
            dU[k * G + 2 * H + j] += r[k] * hp[k] * mk(k) * dxs[2 * H + j];
          }
          dxs[H + k] = dq * hp[k] * mk(k) * actGrad(r[k], d.recAct);
          dhs[H + k] = dxs[H + k];
          dprev[k] += dq * r[k] * mk(k);
        }
      }
      for (let g = 0; g < G; g++) {
        dbias[g] += dxs[g];
        if (d.resetAfter) dbias[G + g] += dhs[g];
        for (let i = 0; i < I; i++) { dW[i * G + g] += x[row * I + i] * dxs[g]; dx[row * I + i] += dxs[g] * W[i * G + g]; }
        if (g < 2 * H || d.resetAfter) for (let k = 0; k < H; k++) { dU[k * G + g] += hp[k] * mk(k) * dhs[g]; dprev[k] += dhs[g] * U[k * G + g] * mk(k); }
      }
      dh = dprev;
    }
  }
  return { dx, dW, dU, dbias };
}
