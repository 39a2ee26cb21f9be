// Float64 references for assembly/pool.ts: global average pooling over the real steps of each sample (a sample with no
// real step gives 0) and global max pooling over every step (first maximum, a NaN wins), forward and backward.
// x [B,T,F], y [B,F], mask [B,T] (1 real, 0 masked) or null.

const real = (mask: ArrayLike<number> | null, b: number, T: number, t: number): boolean => mask === null || mask[b * T + t] !== 0;

/** y[b,f] = sum over real t of x[b,t,f] (time order) / number of real steps; 0 when there is none. */
export function poolAvgForward(x: ArrayLike<number>, B: number, T: number, F: number, mask: ArrayLike<number> | null): Float64Array {
  const y = new Float64Array(B * F);
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) {
      if (!real(mask, b, T, t)) continue;
      n++;
      for (let f = 0; f < F; f++) y[b * F + f] += x[(b * T + t) * F + f];
    }
    if (n > 0) for (let f = 0; f < F; f++) y[b * F + f] /= n;
  }
  return y;
}

/** forward: y[b] = sum_{real t} x[b,t] / n_b  =>  dx[b,t,f] = dy[b,f] / n_b at real steps, 0 at masked ones. */
export function poolAvgBackward(dy: ArrayLike<number>, B: number, T: number, F: number, mask: ArrayLike<number> | null): Float64Array {
  const dx = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) if (real(mask, b, T, t)) n++;
    for (let t = 0; t < T; t++) if (real(mask, b, T, t)) for (let f = 0; f < F; f++) dx[(b * T + t) * F + f] = dy[b * F + f] / n;
  }
  return dx;
}

/** y[b,f] = max over every t of x[b,t,f]; arg[b,f] = the first t holding it (a NaN wins: the first NaN). */
export function poolMaxForward(x: ArrayLike<number>, B: number, T: number, F: number): { y: Float64Array; arg: Int32Array } {
  const y = new Float64Array(B * F), arg = new Int32Array(B * F);
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      let best = x[b * T * F + f], at = 0;
      for (let t = 1; t < T; t++) {
        const v = x[(b * T + t) * F + f];
        if (Number.isNaN(best)) break;
        if (Number.isNaN(v) || v > best) { best = v; at = t; }
      }
      y[b * F + f] = best; arg[b * F + f] = at;
    }
  }
  return { y, arg };
}

/** forward: y[b,f] = x[b,arg[b,f],f]  =>  dx[b,arg[b,f],f] = dy[b,f], 0 elsewhere. */
export function poolMaxBackward(dy: ArrayLike<number>, arg: ArrayLike<number>, B: number, T: number, F: number): Float64Array {
  const dx = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) dx[(b * T + arg[b * F + f]) * F + f] += dy[b * F + f];
  return dx;
}
