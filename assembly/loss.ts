// Losses: each returns the weighted SUM of per-sample losses, sum_m w_m l_m (f64), and accumulates
// scale * w_m * dl_m/dinput into d. w points at M f32 row weights; w = 0 means every weight is 1, computed exactly as
// the unweighted loss (a factor of exactly 1 changes no bit). Keras's sum_over_batch_size is then scale = 1 / M.
// Dimensions: M samples, N outputs per sample (the per-sample value is the mean over N, as Keras does).
// Math is f64 with AssemblyScript's own exp/log, so the value is the same in every engine. Keras epsilon 1e-7.
import { ssigmoid } from './simd';

const EPS: f64 = 1e-7;

/** Row m's weight: 1 when there are no weights (w = 0). */
@inline function rowWeight(w: usize, m: i32): f32 { return w == 0 ? <f32>1 : load<f32>(w + (<usize>m << 2)); }

@inline function clip(p: f64, lo: f64, hi: f64): f64 { return p < lo ? lo : p > hi ? hi : p; }

// Keras 2 label smoothing ls, in float32 as its tensors: y (1 - ls) + add, with add = 0.5 ls (binary) or ls / K
// (categorical, K classes); ls = 0 leaves the label as it is (Keras skips it then).
@inline function smoothed(y: f32, ls: f32, add: f32): f32 { return ls == 0 ? y : y * (<f32>1 - ls) + add; }

// Binary cross-entropy from logits z (stable): l = max(z, 0) - z y + log(1 + exp(-|z|)); dl/dz = sigmoid(z) - y.
// The label is smoothed by ls first (every cross-entropy here but scce_probs; ls = 0: none).
export function bce_logits(d: usize, z: usize, y: usize, w: usize, M: i32, N: i32, scale: f32, ls: f32): f64 {
  let total: f64 = 0;
  const invN: f64 = 1.0 / <f64>N;
  const add: f32 = <f32>0.5 * ls;
  for (let m = 0; m < M; m++) {
    const wm = rowWeight(w, m), sw = scale * wm;
    let row: f64 = 0;
    for (let j = 0; j < N; j++) {
      const o = (<usize>m * <usize>N + <usize>j) * 4;
      const zz = <f64>load<f32>(z + o), yy = <f64>smoothed(load<f32>(y + o), ls, add);
      row += (zz > 0 ? zz : 0) - zz * yy + Math.log1p(Math.exp(-Math.abs(zz)));
      // d/dz uses the same sigmoid as the model's output, in f32
      store<f32>(d + o, load<f32>(d + o) + sw * <f32>invN * (ssigmoid(<f32>zz) - <f32>yy));
    }
    total += <f64>wm * (row * invN);
  }
  return total;
}

// Keras 2 binary cross-entropy on probabilities: p' = clip(p, eps, 1 - eps);
// l = -[y ln(p' + eps) + (1 - y) ln(1 - p' + eps)]; zero gradient where the clip is active.
export function bce_probs(d: usize, p: usize, y: usize, w: usize, M: i32, N: i32, scale: f32, ls: f32): f64 {
  let total: f64 = 0;
  const invN: f64 = 1.0 / <f64>N;
  const add: f32 = <f32>0.5 * ls;
  for (let m = 0; m < M; m++) {
    const wm = rowWeight(w, m), sw = scale * wm;
    let row: f64 = 0;
    for (let j = 0; j < N; j++) {
      const o = (<usize>m * <usize>N + <usize>j) * 4;
      const pp = <f64>load<f32>(p + o), yy = <f64>smoothed(load<f32>(y + o), ls, add);
      const pc = clip(pp, EPS, 1.0 - EPS);
      row += -(yy * Math.log(pc + EPS) + (1.0 - yy) * Math.log(1.0 - pc + EPS));
      const inside = pp >= EPS && pp <= 1.0 - EPS;
      // zero gradient where the clip is active; NaN stays visible
      const g: f64 = inside ? -(yy / (pc + EPS) - (1.0 - yy) / (1.0 - pc + EPS)) : pp != pp ? NaN : 0.0;
      store<f32>(d + o, load<f32>(d + o) + sw * <f32>(g * invN));
    }
    total += <f64>wm * (row * invN);
  }
  return total;
}

// Categorical cross-entropy from softmax logits z: l = -sum y ln softmax(z); dl/dz = softmax(z) * sum(y) - y.
// sm is the softmax output the model computed (a model ending in softmax), or 0: then softmax(z) = exp(z - lse) here
// (a loss from_logits on a model's raw output).
export function cce_logits(d: usize, z: usize, sm: usize, y: usize, w: usize, M: i32, N: i32, scale: f32, ls: f32): f64 {
  let total: f64 = 0;
  const add: f32 = ls / <f32>N;
  for (let m = 0; m < M; m++) {
    const wm = rowWeight(w, m), sw = scale * wm;
    const row = <usize>m * <usize>N * 4;
    let mx: f64 = -Infinity;
    for (let j = 0; j < N; j++) { const v = <f64>load<f32>(z + row + <usize>j * 4); if (v > mx || v != v) mx = v; }
    let se: f64 = 0;
    for (let j = 0; j < N; j++) se += Math.exp(<f64>load<f32>(z + row + <usize>j * 4) - mx);
    const lse = mx + Math.log(se);
    let sy: f32 = 0;
    for (let j = 0; j < N; j++) {
      const yy = smoothed(load<f32>(y + row + <usize>j * 4), ls, add);
      sy += yy;
      total += <f64>wm * (-(<f64>yy) * (<f64>load<f32>(z + row + <usize>j * 4) - lse));
    }
    for (let j = 0; j < N; j++) {
      const o = row + <usize>j * 4;
      const p: f32 = sm != 0 ? load<f32>(sm + o) : <f32>Math.exp(<f64>load<f32>(z + o) - lse);
      store<f32>(d + o, load<f32>(d + o) + sw * (p * sy - smoothed(load<f32>(y + o), ls, add)));
    }
  }
  return total;
}

// Categorical cross-entropy on probabilities (Keras): p <- p / sum p, clip to [eps, 1 - eps], l = -sum y ln p.
export function cce_probs(d: usize, p: usize, y: usize, w: usize, M: i32, N: i32, scale: f32, ls: f32): f64 {
  let total: f64 = 0;
  const add: f32 = ls / <f32>N;
  for (let m = 0; m < M; m++) {
    const wm = rowWeight(w, m), sw = scale * wm;
    const row = <usize>m * <usize>N * 4;
    let s: f64 = 0;
    for (let j = 0; j < N; j++) s += <f64>load<f32>(p + row + <usize>j * 4);
    // l = -sum_j y_j ln(clip(p_j / s)); dl/dp_k = -y_k / (q_k s) [if unclipped] + sum_j y_j [unclipped] / s
    let corr: f64 = 0;
    for (let j = 0; j < N; j++) {
      const q = <f64>load<f32>(p + row + <usize>j * 4) / s;
      const yy = <f64>smoothed(load<f32>(y + row + <usize>j * 4), ls, add);
      const qc = clip(q, EPS, 1.0 - EPS);
      total += <f64>wm * (-yy * Math.log(qc));
      if (q >= EPS && q <= 1.0 - EPS) corr += yy / s;
    }
    for (let j = 0; j < N; j++) {
      const o = row + <usize>j * 4;
      const q = <f64>load<f32>(p + o) / s;
      const yy = <f64>smoothed(load<f32>(y + o), ls, add);
      const g = (q >= EPS && q <= 1.0 - EPS ? -yy / (q * s) : q != q ? NaN : 0.0) + corr;
      store<f32>(d + o, load<f32>(d + o) + sw * <f32>g);
    }
  }
  return total;
}

// Mean squared error: l = mean_j (p - y)^2; dl/dp = 2 (p - y) / N.
export function mse(d: usize, p: usize, y: usize, w: usize, M: i32, N: i32, scale: f32): f64 {
  let total: f64 = 0;
  const invN: f64 = 1.0 / <f64>N;
  for (let m = 0; m < M; m++) {
    const wm = rowWeight(w, m), sw = scale * wm;
    let row: f64 = 0;
    for (let j = 0; j < N; j++) {
      const o = (<usize>m * <usize>N + <usize>j) * 4;
      const diff = <f64>load<f32>(p + o) - <f64>load<f32>(y + o);
      row += diff * diff;
      store<f32>(d + o, load<f32>(d + o) + sw * <f32>(2.0 * diff * invN));
    }
    total += <f64>wm * (row * invN);
  }
  return total;
}

// Sparse categorical cross-entropy on probabilities (Keras on TF): q = clip(p, eps, 1 - eps), then a softmax
// cross-entropy on ln q, so l = -sum y ln(q / sum q) (clip first, then renormalize; y one-hot here).
// dl/dp_k = [p_k unclipped] * (-y_k / q_k + sum(y) / sum(q)).
export function scce_probs(d: usize, p: usize, y: usize, w: usize, M: i32, N: i32, scale: f32): f64 {
  let total: f64 = 0;
  for (let m = 0; m < M; m++) {
    const wm = rowWeight(w, m), sw = scale * wm;
    const row = <usize>m * <usize>N * 4;
    let s: f64 = 0, sy: f64 = 0;
    for (let j = 0; j < N; j++) {
      s += clip(<f64>load<f32>(p + row + <usize>j * 4), EPS, 1.0 - EPS);
      sy += <f64>load<f32>(y + row + <usize>j * 4);
    }
    const ls = Math.log(s);
    for (let j = 0; j < N; j++) {
      const o = row + <usize>j * 4;
      const pp = <f64>load<f32>(p + o);
      const q = clip(pp, EPS, 1.0 - EPS);
      const yy = <f64>load<f32>(y + o);
      total += <f64>wm * (-yy * (Math.log(q) - ls));
      const g = pp >= EPS && pp <= 1.0 - EPS ? -yy / q + sy / s : pp != pp ? NaN : 0.0;
      store<f32>(d + o, load<f32>(d + o) + sw * <f32>g);
    }
  }
  return total;
}
