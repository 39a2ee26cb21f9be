// Float64 reference for assembly/dropout.ts given a mask (rng.ts makes the kernel's mask): y = x * mask, dx = dy * mask.

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
