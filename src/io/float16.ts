// IEEE 754 half precision <-> single precision, with integer operations only (the same bits in every engine):
// f32 -> f16 rounds to nearest, ties to even; overflow gives +-Infinity; NaN stays NaN (quiet, sign kept).

/** Writes the float16 bits of each x[i] into out[i] (out.length >= x.length). */
export function f32ToF16(out: Uint16Array, x: Float32Array): void {
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < u.length; i++) out[i] = halfBits(u[i]);
}

/** Writes the float32 value of each float16 h[i] into out[i] (exact: every half is a float). */
export function f16ToF32(out: Float32Array, h: Uint16Array): void {
  const u = new Uint32Array(out.buffer, out.byteOffset, h.length);
  for (let i = 0; i < h.length; i++) u[i] = singleBits(h[i]);
}

export function halfBits(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const man = f & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 | (man >>> 13) : 0); // Inf, or NaN kept quiet
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: signed zero
    // subnormal: shift the mantissa (with its implicit 1) right, rounding to nearest even
    const m = man | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (man >>> 13);
  const rest = man & 0x1fff;
  // a carry out of the mantissa moves into the exponent, and from the largest finite value to Infinity: both correct
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

export function singleBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (man << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp - 15 + 127) << 23) | (man << 13)) >>> 0;
  if (man === 0) return sign >>> 0;
  // subnormal half: normalize
  let e = -14, m = man;
  while ((m & 0x400) === 0) { m <<= 1; e--; }
  return (sign | ((e + 127) << 23) | ((m & 0x3ff) << 13)) >>> 0;
}
