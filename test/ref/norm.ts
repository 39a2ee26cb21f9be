// Float64 reference for assembly/norm.ts: batch normalization over the last axis (x [N,C]), training forward with biased
// batch variance, its backward, inference forward/backward on moving statistics, and Keras's moving-average update.

export interface BnCache { y: Float64Array; mean: Float64Array; vr: Float64Array; invstd: Float64Array }

export function bnForwardTrain(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>,
                               N: number, C: number, eps: number): BnCache {
  const mean = new Float64Array(C), vr = new Float64Array(C), invstd = new Float64Array(C), y = new Float64Array(N * C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) mean[c] += x[n * C + c];
  for (let c = 0; c < C; c++) mean[c] /= N;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) { const d = x[n * C + c] - mean[c]; vr[c] += d * d; }
  for (let c = 0; c < C; c++) { vr[c] /= N; invstd[c] = 1 / Math.sqrt(vr[c] + eps); }
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) y[n * C + c] = (x[n * C + c] - mean[c]) * invstd[c] * gamma[c] + beta[c];
  return { y, mean, vr, invstd };
}

/** forward: xhat = (x - mean) invstd, y = gamma xhat + beta, with mean and var depending on x. */
export function bnBackwardTrain(dy: ArrayLike<number>, x: ArrayLike<number>, gamma: ArrayLike<number>, mean: ArrayLike<number>,
                                invstd: ArrayLike<number>, N: number, C: number):
  { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const dx = new Float64Array(N * C), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  const m1 = new Float64Array(C), m2 = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xh = (x[n * C + c] - mean[c]) * invstd[c], g = dy[n * C + c], dxh = g * gamma[c];
      dgamma[c] += g * xh; dbeta[c] += g; m1[c] += dxh / N; m2[c] += dxh * xh / N;
    }
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xh = (x[n * C + c] - mean[c]) * invstd[c], dxh = dy[n * C + c] * gamma[c];
      dx[n * C + c] = invstd[c] * (dxh - m1[c] - xh * m2[c]);
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
