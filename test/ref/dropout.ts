// Float64 reference for assembly/dropout.ts given a mask (rng.ts makes the kernel's mask): y = x * mask, dx = dy * mask;
// spatial dropout broadcasts a mask [B,F] over time.

export function dropoutForward(x: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * mask[i];
  return y;
}

/** forward: y = x * mask  =>  dx = dy * mask. */
export function dropoutBackward(dy: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * mask[i];
  return dx;
}

/** Spatial dropout (Keras SpatialDropout1D) on x [B,T,F] with a mask [B,F] shared over time: y[b,t,f] = x[b,t,f] * mask[b,f]. */
export function spatialDropoutForward(x: ArrayLike<number>, mask: ArrayLike<number>, B: number, T: number, F: number): Float64Array {
  const y = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) y[(b * T + t) * F + f] = x[(b * T + t) * F + f] * mask[b * F + f];
  return y;
}

/** forward: y[b,t,f] = x[b,t,f] * mask[b,f]  =>  dx[b,t,f] = dy[b,t,f] * mask[b,f]. */
export function spatialDropoutBackward(dy: ArrayLike<number>, mask: ArrayLike<number>, B: number, T: number, F: number): Float64Array {
  return spatialDropoutForward(dy, mask, B, T, F);
}
