// Float64 reference LSTM (Keras layout and gate order i, f, c, o), forward and backward through time, with go_backwards.
// Buffers follow assembly/lstm.ts: x [B,T,I], W [I,4H], U [H,4H], bias [4H]; hseq, cseq, phic [B,T,H] and
// gates [B,T,4H] (post-activation i, f, g, o) are aligned to INPUT positions, so with reverse = 1 (processing
// t = T-1 .. 0) hseq[b,t] is still the state after reading x[b,t]. An optional mask [B,T] (1 real, 0 masked, aligned to
// input positions) carries (h, c) through masked steps: hseq/cseq there hold the carried state (zeros before the first
// real step), gates/phic there are 0 here (the kernel leaves them unwritten).
import { act, actGrad } from './dense.js';

export interface LstmDims { B: number; T: number; I: number; H: number; reverse: boolean; act: number; recAct: number }
export interface LstmCache { hseq: Float64Array; cseq: Float64Array; gates: Float64Array; phic: Float64Array }
export interface LstmGrads { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }

const pos = (s: number, T: number, reverse: boolean) => (reverse ? T - 1 - s : s);

/** rmask [B,H] (optional): Keras's recurrent dropout, h_{t-1} * rmask in the recurrent product only. */
export function lstmForward(x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>, bias: ArrayLike<number>,
                            d: LstmDims, mask?: ArrayLike<number>, rmask?: ArrayLike<number>): LstmCache {
  const { B, T, I, H } = d;
  const G = 4 * H;
  const hseq = new Float64Array(B * T * H), cseq = new Float64Array(B * T * H), phic = new Float64Array(B * T * H);
  const gates = new Float64Array(B * T * G);
  const z = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    const h = new Float64Array(H), c = new Float64Array(H);
    for (let s = 0; s < T; s++) {
      const t = pos(s, T, d.reverse);
      if (mask && mask[b * T + t] === 0) {
        // masked step: (h, c) carried unchanged
        hseq.set(h, (b * T + t) * H); cseq.set(c, (b * T + t) * H);
        continue;
      }
      // z = x_t . W + h_{t-1} . U + bias
      for (let g = 0; g < G; g++) {
        let v = bias[g];
        for (let i = 0; i < I; i++) v += x[(b * T + t) * I + i] * W[i * G + g];
        for (let k = 0; k < H; k++) v += h[k] * (rmask ? rmask[b * H + k] : 1) * U[k * G + g];
        z[g] = v;
      }
      const row = (b * T + t);
      for (let j = 0; j < H; j++) {
        const gi = act(z[j], d.recAct), gf = act(z[H + j], d.recAct), gg = act(z[2 * H + j], d.act), go = act(z[3 * H + j], d.recAct);
        // c = f * c_prev + i * g ; h = o * act(c)
        c[j] = gf * c[j] + gi * gg;
        const pc = act(c[j], d.act);
        h[j] = go * pc;
        gates[row * G + j] = gi; gates[row * G + H + j] = gf; gates[row * G + 2 * H + j] = gg; gates[row * G + 3 * H + j] = go;
        cseq[row * H + j] = c[j]; phic[row * H + j] = pc; hseq[row * H + j] = h[j];
      }
    }
  }
  return { hseq, cseq, gates, phic };
}

/** Gradients of L given dL/dhseq (aligned like hseq). Returns fresh buffers (the kernels add these to theirs). */
export function lstmBackward(dhseq: ArrayLike<number>, x: ArrayLike<number>, W: ArrayLike<number>, U: ArrayLike<number>,
                             cache: LstmCache, d: LstmDims, mask?: ArrayLike<number>, rmask?: ArrayLike<number>): LstmGrads {
  const { B, T, I, H } = d;
  const G = 4 * H;
  const dx = new Float64Array(B * T * I), dW = new Float64Array(I * G), dU = new Float64Array(H * G), dbias = new Float64Array(G);
  const dz = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    let dhNext = new Float64Array(H);
    const dcNext = new Float64Array(H);
    for (let s = T - 1; s >= 0; s--) {
      const t = pos(s, T, d.reverse);
      const row = b * T + t;
      if (mask && mask[row] === 0) {
        // forward: (h, c) carried and output  =>  dh_prev = dh_next + dhseq_t, dc_prev = dc_next, nothing into x or weights
        for (let j = 0; j < H; j++) dhNext[j] += dhseq[row * H + j];
        continue;
      }
      const prow = s > 0 ? b * T + pos(s - 1, T, d.reverse) : -1;
      for (let j = 0; j < H; j++) {
        const gi = cache.gates[row * G + j], gf = cache.gates[row * G + H + j];
        const gg = cache.gates[row * G + 2 * H + j], go = cache.gates[row * G + 3 * H + j];
        const pc = cache.phic[row * H + j];
        const cprev = prow >= 0 ? cache.cseq[prow * H + j] : 0;
        const dh = dhseq[row * H + j] + dhNext[j];
        // h = o * act(c)  =>  do = dh act(c), dc = dc_next + dh o act'(c)
        const dgo = dh * pc;
        const dc = dcNext[j] + dh * go * actGrad(pc, d.act);
        // c = f c_prev + i g
        dcNext[j] = dc * gf;
        dz[j] = dc * gg * actGrad(gi, d.recAct);
        dz[H + j] = dc * cprev * actGrad(gf, d.recAct);
        dz[2 * H + j] = dc * gi * actGrad(gg, d.act);
        dz[3 * H + j] = dgo * actGrad(go, d.recAct);
      }
      // z = x_t W + h_prev U + bias
      const dhPrev = new Float64Array(H);
      for (let g = 0; g < G; g++) {
        const v = dz[g];
        dbias[g] += v;
        for (let i = 0; i < I; i++) {
          dW[i * G + g] += x[row * I + i] * v;
          dx[row * I + i] += v * W[i * G + g];
        }
        for (let k = 0; k < H; k++) {
          const m = rmask ? rmask[b * H + k] : 1;
          if (prow >= 0) dU[k * G + g] += cache.hseq[prow * H + k] * m * v;
          dhPrev[k] += v * U[k * G + g] * m;
        }
      }
      dhNext = dhPrev;
    }
  }
  return { dx, dW, dU, dbias };
}
