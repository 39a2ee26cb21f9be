// Float64 references for assembly/dense.ts: activations (codes 0-5) and their output-based derivatives, row softmax,
// a whole Dense layer y = act(x . K + b), column sums, time flip, Bidirectional merges, take_step, and the mask helpers
// (rows times their mask, Keras Masking's mask).
import { gemmNN } from './gemm.js';

export const LINEAR = 0, SIGMOID = 1, TANH = 2, RELU = 3, HARD_SIGMOID = 4, HARD_SIGMOID_K3 = 5;
export const ACT_KINDS = [LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID, HARD_SIGMOID_K3] as const;
/** The dense reference's code for softmax over the last axis (not an elementwise kind). */
export const SOFTMAX = -1;

export function act(x: number, kind: number): number {
  switch (kind) {
    case SIGMOID: return 1 / (1 + Math.exp(-x));
    case TANH: return Math.tanh(x);
    case RELU: return Number.isNaN(x) ? NaN : Math.max(x, 0);
    case HARD_SIGMOID: return Number.isNaN(x) ? NaN : Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    // Keras 3 (relu6(x + 3) / 6), PyTorch's Hardsigmoid
    case HARD_SIGMOID_K3: return Number.isNaN(x) ? NaN : Math.min(Math.max(x + 3, 0), 6) / 6;
    default: return x;
  }
}

/**
 * act'(x) written through y = act(x), the form the kernels use (hard sigmoids and relu: 0 on the flat parts and at the
 * kinks; for hardSigmoidKeras3 that is TF's Relu6Grad and PyTorch's hardsigmoid_backward, which give 0 at x = +-3).
 */
export function actGrad(y: number, kind: number): number {
  switch (kind) {
    case SIGMOID: return y * (1 - y);
    case TANH: return 1 - y * y;
    case RELU: return y > 0 ? 1 : 0;
    case HARD_SIGMOID: return y > 0 && y < 1 ? 0.2 : 0;
    case HARD_SIGMOID_K3: return y > 0 && y < 1 ? 1 / 6 : 0;
    default: return 1;
  }
}

export function activationForward(x: ArrayLike<number>, kind: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = act(x[i], kind);
  return y;
}

/** forward: y = act(x)  =>  dx = dy * act'(y). */
export function activationBackward(dy: ArrayLike<number>, y: ArrayLike<number>, kind: number): Float64Array {
  const dx = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) dx[i] = dy[i] * actGrad(y[i], kind);
  return dx;
}

/** Row-wise softmax of x [M,N], max subtracted (a NaN anywhere in a row makes the row NaN). */
export function softmaxForward(x: ArrayLike<number>, M: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let r = 0; r < M; r++) {
    let m = -Infinity;
    for (let j = 0; j < N; j++) { const v = x[r * N + j]; m = Number.isNaN(v) || Number.isNaN(m) ? NaN : Math.max(m, v); }
    let s = 0;
    for (let j = 0; j < N; j++) { y[r * N + j] = Math.exp(x[r * N + j] - m); s += y[r * N + j]; }
    for (let j = 0; j < N; j++) y[r * N + j] /= s;
  }
  return y;
}

/** forward: y = softmax(x)  =>  dx = y * (dy - sum_j y_j dy_j). */
export function softmaxBackward(dy: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number): Float64Array {
  const dx = new Float64Array(M * N);
  for (let r = 0; r < M; r++) {
    let s = 0;
    for (let j = 0; j < N; j++) s += y[r * N + j] * dy[r * N + j];
    for (let j = 0; j < N; j++) dx[r * N + j] = y[r * N + j] * (dy[r * N + j] - s);
  }
  return dx;
}

/** Dense layer: z = x[M,I] . K[I,U] + b[U], y = act(z) (kind SOFTMAX = softmax over U). */
export function denseForward(x: ArrayLike<number>, K: ArrayLike<number>, b: ArrayLike<number>, M: number, I: number, U: number,
                             kind: number): Float64Array {
  const z = new Float64Array(M * U);
  for (let r = 0; r < M; r++) for (let j = 0; j < U; j++) z[r * U + j] = b[j];
  gemmNN(z, x, K, M, U, I, I, U, U, true);
  return kind === SOFTMAX ? softmaxForward(z, M, U) : activationForward(z, kind);
}

/** forward: y = act(x . K + b)  =>  dz = act-backward(dy), dK = x^T dz, db = colsum(dz), dx = dz K^T. */
export function denseBackward(dy: ArrayLike<number>, y: ArrayLike<number>, x: ArrayLike<number>, K: ArrayLike<number>,
                              M: number, I: number, U: number, kind: number): { dx: Float64Array; dK: Float64Array; db: Float64Array } {
  const dz = kind === SOFTMAX ? softmaxBackward(dy, y, M, U) : activationBackward(dy, y, kind);
  const dx = new Float64Array(M * I), dK = new Float64Array(I * U), db = new Float64Array(U);
  for (let r = 0; r < M; r++) {
    for (let j = 0; j < U; j++) {
      const g = dz[r * U + j];
      db[j] += g;
      for (let i = 0; i < I; i++) { dK[i * U + j] += x[r * I + i] * g; dx[r * I + i] += g * K[i * U + j]; }
    }
  }
  return { dx, dK, db };
}

/** db[N] = sum over the M rows of dz[M,N]. */
export function colsum(dz: ArrayLike<number>, M: number, N: number): Float64Array {
  const db = new Float64Array(N);
  for (let r = 0; r < M; r++) for (let j = 0; j < N; j++) db[j] += dz[r * N + j];
  return db;
}

/** y[b,t,:] = x[b,T-1-t,:]. */
export function flipTime(x: ArrayLike<number>, B: number, T: number, F: number): Float64Array {
  const y = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) y[(b * T + t) * F + f] = x[(b * T + T - 1 - t) * F + f];
  return y;
}

/** Bidirectional merge of f, g [R,H]: mode 0 concat [R,2H], 1 sum, 2 mul, 3 ave. */
export function mergeForward(f: ArrayLike<number>, g: ArrayLike<number>, R: number, H: number, mode: number): Float64Array {
  if (mode === 0) {
    const y = new Float64Array(R * 2 * H);
    for (let r = 0; r < R; r++) for (let j = 0; j < H; j++) { y[r * 2 * H + j] = f[r * H + j]; y[r * 2 * H + H + j] = g[r * H + j]; }
    return y;
  }
  const y = new Float64Array(R * H);
  for (let i = 0; i < R * H; i++) y[i] = mode === 1 ? f[i] + g[i] : mode === 2 ? f[i] * g[i] : (f[i] + g[i]) / 2;
  return y;
}

export function mergeBackward(dy: ArrayLike<number>, f: ArrayLike<number>, g: ArrayLike<number>, R: number, H: number, mode: number):
  { df: Float64Array; dg: Float64Array } {
  const df = new Float64Array(R * H), dg = new Float64Array(R * H);
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < H; j++) {
      const i = r * H + j;
      if (mode === 0) { df[i] = dy[r * 2 * H + j]; dg[i] = dy[r * 2 * H + H + j]; }
      else if (mode === 1) { df[i] = dy[i]; dg[i] = dy[i]; }
      else if (mode === 2) { df[i] = dy[i] * g[i]; dg[i] = dy[i] * f[i]; }
      else { df[i] = dy[i] / 2; dg[i] = dy[i] / 2; }
    }
  }
  return { df, dg };
}

/** y[b,:] = x[b,t,:]. */
export function takeStep(x: ArrayLike<number>, B: number, T: number, F: number, t: number): Float64Array {
  const y = new Float64Array(B * F);
  for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) y[b * F + f] = x[(b * T + t) * F + f];
  return y;
}

/** y[r,:] = x[r,:] * mask[r] (Keras 2 Masking output: x * mask, so NaN stays NaN even when masked). */
export function maskRows(x: ArrayLike<number>, mask: ArrayLike<number>, R: number, F: number): Float64Array {
  const y = new Float64Array(R * F);
  for (let r = 0; r < R; r++) for (let f = 0; f < F; f++) y[r * F + f] = x[r * F + f] * mask[r];
  return y;
}

/** Keras Masking(mask_value): a row is masked (0) iff ALL its features equal the value. */
export function maskingCompute(x: ArrayLike<number>, R: number, F: number, value: number): Float64Array {
  const m = new Float64Array(R);
  for (let r = 0; r < R; r++) for (let f = 0; f < F; f++) if (x[r * F + f] !== value) { m[r] = 1; break; }
  return m;
}
