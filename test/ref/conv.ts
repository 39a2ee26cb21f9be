// Float64 references for Conv1D and MaxPooling1D (channels_last), written from TF's definitions: the output step t
// reads input steps t * s + k * d - left (zeros outside) for k < K, with TF's padding ('valid': none; 'same': total
// max((out - 1) s + span - T, 0), the smaller half on the left; 'causal': span - 1 on the left).
export type Padding = 'valid' | 'same' | 'causal';

export function layout(T: number, span: number, s: number, padding: Padding): { out: number; left: number } {
  if (padding === 'valid') return { out: Math.floor((T - span) / s) + 1, left: 0 };
  const out = Math.ceil(T / s);
  if (padding === 'causal') return { out, left: span - 1 };
  return { out, left: Math.floor(Math.max((out - 1) * s + span - T, 0) / 2) };
}

/** z [B, out, F] = bias + sum_k x[., src] . W[k] (W [K, C, F]), and the backward: dW, db, dx from dz. */
export function conv1dRef(x: ArrayLike<number>, W: ArrayLike<number>, bias: ArrayLike<number> | null, B: number, T: number, C: number,
  K: number, F: number, s: number, d: number, padding: Padding): { z: Float64Array; out: number; backward(dz: ArrayLike<number>): { dW: Float64Array; db: Float64Array; dx: Float64Array } } {
  const { out, left } = layout(T, (K - 1) * d + 1, s, padding);
  const at = (t: number, k: number) => t * s + k * d - left;
  const z = new Float64Array(B * out * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < out; t++) for (let f = 0; f < F; f++) {
    let acc = bias ? bias[f] : 0;
    for (let k = 0; k < K; k++) { const u = at(t, k); if (u < 0 || u >= T) continue; for (let c = 0; c < C; c++) acc += x[(b * T + u) * C + c] * W[(k * C + c) * F + f]; }
    z[(b * out + t) * F + f] = acc;
  }
  return { z, out, backward(dz) {
    const dW = new Float64Array(K * C * F), db = new Float64Array(F), dx = new Float64Array(B * T * C);
    for (let b = 0; b < B; b++) for (let t = 0; t < out; t++) for (let f = 0; f < F; f++) {
      const g = dz[(b * out + t) * F + f];
      db[f] += g;
      for (let k = 0; k < K; k++) { const u = at(t, k); if (u < 0 || u >= T) continue; for (let c = 0; c < C; c++) { dW[(k * C + c) * F + f] += x[(b * T + u) * C + c] * g; dx[(b * T + u) * C + c] += W[(k * C + c) * F + f] * g; } }
    }
    return { dW, db, dx };
  } };
}

/** Max over each window (padded places never win), and the index of its first maximum. */
export function maxPool1dRef(x: ArrayLike<number>, B: number, T: number, C: number, p: number, s: number, padding: 'valid' | 'same'): { y: Float64Array; arg: Int32Array; out: number } {
  const { out, left } = layout(T, p, s, padding);
  const y = new Float64Array(B * out * C), arg = new Int32Array(B * out * C);
  for (let b = 0; b < B; b++) for (let t = 0; t < out; t++) for (let c = 0; c < C; c++) {
    let best = -1, v = -Infinity;
    for (let u = Math.max(t * s - left, 0); u < Math.min(t * s - left + p, T); u++) { const w = x[(b * T + u) * C + c]; if (best < 0 || w > v) { v = w; best = u; } }
    y[(b * out + t) * C + c] = v; arg[(b * out + t) * C + c] = best;
  }
  return { y, arg, out };
}

/** Mean over each window's real steps (TF's SAME average pooling leaves the padded places out of the count). */
export function avgPool1dRef(x: ArrayLike<number>, B: number, T: number, C: number, p: number, s: number, padding: 'valid' | 'same'): { y: Float64Array; out: number; backward(dy: ArrayLike<number>): Float64Array } {
  const { out, left } = layout(T, p, s, padding);
  const win = (t: number) => [Math.max(t * s - left, 0), Math.min(t * s - left + p, T)];
  const y = new Float64Array(B * out * C);
  for (let b = 0; b < B; b++) for (let t = 0; t < out; t++) for (let c = 0; c < C; c++) {
    const [lo, hi] = win(t);
    let sum = 0;
    for (let u = lo; u < hi; u++) sum += x[(b * T + u) * C + c];
    y[(b * out + t) * C + c] = sum / (hi - lo);
  }
  return { y, out, backward(dy) {
    const dx = new Float64Array(B * T * C);
    for (let b = 0; b < B; b++) for (let t = 0; t < out; t++) for (let c = 0; c < C; c++) {
      const [lo, hi] = win(t);
      for (let u = lo; u < hi; u++) dx[(b * T + u) * C + c] += dy[(b * out + t) * C + c] / (hi - lo);
    }
    return dx;
  } };
}
