// Float64 reference for assembly/norm.ts: batch normalization over the last axis (x [N,C]), training forward with biased
// batch variance, its backward, inference forward/backward on moving statistics, and Keras's moving-average update.
// An optional mask [N] (Keras 3): statistics over real rows only with den = sum(mask) + 1e-7; every row is normalized.

export interface BnCache { y: Float64Array; mean: Float64Array; vr: Float64Array; invstd: Float64Array }

const MASK_EPS = 1e-7;

/** The statistics' denominator: N, or sum(mask) + 1e-7 with a mask. */
export function bnDen(N: number, mask?: ArrayLike<number>): number {
  if (!mask) return N;
  let s = 0;
  for (let n = 0; n < N; n++) s += mask[n];
  return s + MASK_EPS;
}

export function bnForwardTrain(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>,
                               N: number, C: number, eps: number, mask?: ArrayLike<number>): BnCache {
  const mean = new Float64Array(C), vr = new Float64Array(C), invstd = new Float64Array(C), y = new Float64Array(N * C);
  const den = bnDen(N, mask), m = (n: number) => (mask ? mask[n] : 1);
  for (let n = 0; n < N; n++) if (m(n)) for (let c = 0; c < C; c++) mean[c] += x[n * C + c];
  for (let c = 0; c < C; c++) mean[c] /= den;
  for (let n = 0; n < N; n++) if (m(n)) for (let c = 0; c < C; c++) { const d = x[n * C + c] - mean[c]; vr[c] += d * d; }
  for (let c = 0; c < C; c++) { vr[c] /= den; invstd[c] = 1 / Math.sqrt(vr[c] + eps); }
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) y[n * C + c] = (x[n * C + c] - mean[c]) * invstd[c] * gamma[c] + beta[c];
  return { y, mean, vr, invstd };
}

/** forward: mean = sum_n m_n x_n / den, var = sum_n m_n (x_n - mean)^2 / den, xhat = (x - mean) invstd,
 *  y = gamma xhat + beta (m_n = 1 and den = N without a mask). With g = dy gamma, A = sum_n g_n, Bv = sum_n g_n xhat_n
 *  (all rows) and S = sum_n m_n (x_n - mean):  dx_k = invstd g_k - m_k invstd / den (A + Bv (xhat_k - S invstd / den)). */
export function bnBackwardTrain(dy: ArrayLike<number>, x: ArrayLike<number>, gamma: ArrayLike<number>, mean: ArrayLike<number>,
                                invstd: ArrayLike<number>, N: number, C: number, mask?: ArrayLike<number>):
  { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const dx = new Float64Array(N * C), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  const A = new Float64Array(C), Bv = new Float64Array(C), S = new Float64Array(C);
  const den = bnDen(N, mask), m = (n: number) => (mask ? mask[n] : 1);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xm = x[n * C + c] - mean[c], xh = xm * invstd[c], g = dy[n * C + c];
      dgamma[c] += g * xh; dbeta[c] += g;
      A[c] += g * gamma[c]; Bv[c] += g * gamma[c] * xh; S[c] += m(n) * xm;
    }
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xh = (x[n * C + c] - mean[c]) * invstd[c], g = dy[n * C + c] * gamma[c];
      dx[n * C + c] = invstd[c] * g - m(n) * invstd[c] / den * (A[c] + Bv[c] * (xh - S[c] * invstd[c] / den));
    }
  }
  return { dx, dgamma, dbeta };
}

export function bnForwardInfer(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, mm: ArrayLike<number>,
                               mv: ArrayLike<number>, N: number, C: number, eps: number): Float64Array {
  const y = new Float64Array(N * C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) y[n * C + c] = (x[n * C + c] - mm[c]) / Math.sqrt(mv[c] + eps) * gamma[c] + beta[c];
  return y;
}

/** forward (inference): y = (x - mm) / sqrt(mv + eps) gamma + beta  =>  dx = dy gamma / sqrt(mv + eps). */
export function bnBackwardInfer(dy: ArrayLike<number>, gamma: ArrayLike<number>, mv: ArrayLike<number>, N: number, C: number,
                                eps: number): Float64Array {
  const dx = new Float64Array(N * C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) dx[n * C + c] = dy[n * C + c] * gamma[c] / Math.sqrt(mv[c] + eps);
  return dx;
}

/** Keras: moving <- momentum moving + (1 - momentum) batch, for mean and (biased) variance; updates in place. */
export function bnUpdateMoving(mm: Float64Array, mv: Float64Array, mean: ArrayLike<number>, vr: ArrayLike<number>, momentum: number): void {
  for (let c = 0; c < mm.length; c++) {
    mm[c] = momentum * mm[c] + (1 - momentum) * mean[c];
    mv[c] = momentum * mv[c] + (1 - momentum) * vr[c];
  }
}
