// Float64 references for assembly/loss.ts. Each returns the weighted SUM over the M rows of the per-row loss,
// sum_m w_m l_m (l_m the mean over the N outputs for bce and mse, the sum over classes for cce, as Keras), and
// d = scale * dloss/dinput. The optional row weights w default to 1. Keras epsilon 1e-7.

export const EPS = 1e-7;
const clip = (p: number, lo: number, hi: number) => (p < lo ? lo : p > hi ? hi : p);
/** TF's clip_by_value gradient passes unless x < lo or x > hi, so a NaN keeps its (NaN) gradient. */
const passes = (p: number, lo: number, hi: number) => !(p < lo || p > hi);

export interface LossOut { loss: number; d: Float64Array }

/**
 * Keras 2's label smoothing s, in float32 as its tensors compute it: binary labels y (1 - s) + 0.5 s, categorical
 * ones (rows of K) y (1 - s) + s / K; the losses then take the smoothed labels as they take any soft label.
 */
export function smoothLabels(y: ArrayLike<number>, s: number, kind: 'binary' | 'categorical', K: number): Float64Array {
  const f = Math.fround, s32 = f(s);
  const add = kind === 'binary' ? f(0.5 * s32) : f(s32 / K);
  return Float64Array.from(y, (v) => (s32 === 0 ? v : f(f(v * f(1 - s32)) + add)));
}

/** From logits: l = max(z, 0) - z y + ln(1 + e^-|z|); dl/dz = sigmoid(z) - y. */
export function bceLogits(z: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>): LossOut {
  const d = new Float64Array(M * N);
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const wm = w ? w[m] : 1, sw = scale * wm;
    let row = 0;
    for (let j = 0; j < N; j++) {
      const i = m * N + j, zz = z[i], yy = y[i];
      row += Math.max(zz, 0) - zz * yy + Math.log1p(Math.exp(-Math.abs(zz)));
      d[i] = sw * (1 / (1 + Math.exp(-zz)) - yy) / N;
    }
    loss += wm * row / N;
  }
  return { loss, d };
}

/** Keras 2 on probabilities: p' = clip(p, eps, 1 - eps), l = -[y ln(p' + eps) + (1 - y) ln(1 - p' + eps)]. */
export function bceProbs(p: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>): LossOut {
  const d = new Float64Array(M * N);
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const wm = w ? w[m] : 1, sw = scale * wm;
    let row = 0;
    for (let j = 0; j < N; j++) {
      const i = m * N + j, yy = y[i], pc = clip(p[i], EPS, 1 - EPS);
      row += -(yy * Math.log(pc + EPS) + (1 - yy) * Math.log(1 - pc + EPS));
      d[i] = passes(p[i], EPS, 1 - EPS) ? sw * -(yy / (pc + EPS) - (1 - yy) / (1 - pc + EPS)) / N : 0;
    }
    loss += wm * row / N;
  }
  return { loss, d };
}

/** From softmax logits: l = -sum_j y_j ln softmax(z)_j; dl/dz = softmax(z) sum(y) - y. */
export function cceLogits(z: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>): LossOut {
  const d = new Float64Array(M * N);
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const wm = w ? w[m] : 1, sw = scale * wm;
    let mx = -Infinity;
    for (let j = 0; j < N; j++) { const v = z[m * N + j]; mx = Number.isNaN(v) || Number.isNaN(mx) ? NaN : Math.max(mx, v); }
    let se = 0, sy = 0;
    for (let j = 0; j < N; j++) { se += Math.exp(z[m * N + j] - mx); sy += y[m * N + j]; }
    const lse = mx + Math.log(se);
    for (let j = 0; j < N; j++) {
      const i = m * N + j;
      loss += wm * -y[i] * (z[i] - lse);
      d[i] = sw * (Math.exp(z[i] - lse) * sy - y[i]);
    }
  }
  return { loss, d };
}

/** On probabilities (Keras): q = p / sum p, clipped to [eps, 1 - eps], l = -sum y ln q. */
export function cceProbs(p: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>): LossOut {
  const d = new Float64Array(M * N);
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const wm = w ? w[m] : 1, sw = scale * wm;
    let s = 0;
    for (let j = 0; j < N; j++) s += p[m * N + j];
    // dl/dp_k = sum_j -y_j / q_j * [j unclipped] * (delta_jk / s - p_j / s^2)
    for (let j = 0; j < N; j++) {
      const i = m * N + j, q = p[i] / s;
      loss += wm * -y[i] * Math.log(clip(q, EPS, 1 - EPS));
    }
    for (let k = 0; k < N; k++) {
      let g = 0;
      for (let j = 0; j < N; j++) {
        const i = m * N + j, q = p[i] / s;
        if (!passes(q, EPS, 1 - EPS)) continue;
        g += -y[i] / q * ((j === k ? 1 / s : 0) - p[i] / (s * s));
      }
      d[m * N + k] = sw * g;
    }
  }
  return { loss, d };
}

/** Sparse CCE on probabilities (Keras on TF): q = clip(p, eps, 1 - eps), l = -sum_j y_j ln(q_j / sum q) (clip first,
 *  then renormalize); dl/dp_k = [p_k unclipped] (-y_k / q_k + sum(y) / sum(q)). */
export function scceProbs(p: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>): LossOut {
  const d = new Float64Array(M * N);
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const wm = w ? w[m] : 1, sw = scale * wm;
    let sq = 0, sy = 0;
    for (let j = 0; j < N; j++) { sq += clip(p[m * N + j], EPS, 1 - EPS); sy += y[m * N + j]; }
    for (let j = 0; j < N; j++) {
      const i = m * N + j, q = clip(p[i], EPS, 1 - EPS);
      loss += wm * -y[i] * Math.log(q / sq);
      d[i] = passes(p[i], EPS, 1 - EPS) ? sw * (-y[i] / q + sy / sq) : 0;
    }
  }
  return { loss, d };
}

/** l = mean_j (p - y)^2; dl/dp = 2 (p - y) / N. */
export function mse(p: ArrayLike<number>, y: ArrayLike<number>, M: number, N: number, scale: number, w?: ArrayLike<number>): LossOut {
  const d = new Float64Array(M * N);
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const wm = w ? w[m] : 1, sw = scale * wm;
    let row = 0;
    for (let j = 0; j < N; j++) {
      const i = m * N + j, diff = p[i] - y[i];
      row += diff * diff;
      d[i] = sw * 2 * diff / N;
    }
    loss += wm * row / N;
  }
  return { loss, d };
}
