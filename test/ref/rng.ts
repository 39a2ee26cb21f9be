// Reference Philox4x32-10 (Salmon et al. 2011, as Random123 defines it) and the fillers of assembly/rng.ts built on it:
// raw words, f32 uniforms (emulated with Math.fround), Box-Muller normals, and the dropout keep mask.

const M0 = 0xd2511f53n, M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/** One Philox4x32-10 block: 4 counter words, 2 key words -> 4 output words. */
export function philox4x32(ctr: readonly number[], key: readonly number[]): number[] {
  let [x0, x1, x2, x3] = ctr.map((v) => v >>> 0);
  let k0 = key[0] >>> 0, k1 = key[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    const p0 = M0 * BigInt(x0), p1 = M1 * BigInt(x2);
    const hi0 = Number(p0 >> 32n), lo0 = Number(p0 & 0xffffffffn);
    const hi1 = Number(p1 >> 32n), lo1 = Number(p1 & 0xffffffffn);
    [x0, x1, x2, x3] = [(hi1 ^ x1 ^ k0) >>> 0, lo1, (hi0 ^ x3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** Block i of stream (k0, k1) at 64-bit position (lo, hi): counter = (c mod 2^32, c >> 32, 0, 0) with c = hi:lo + i. */
export function block(k0: number, k1: number, lo: number, hi: number, i: number): number[] {
  const c = ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) + BigInt(i);
  return philox4x32([Number(c & 0xffffffffn), Number((c >> 32n) & 0xffffffffn), 0, 0], [k0, k1]);
}

/** n raw words: word i is word i % 4 of block i / 4. */
export function u32Words(n: number, k0: number, k1: number, lo: number, hi: number): Uint32Array {
  const out = new Uint32Array(n);
  let w: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) w = block(k0, k1, lo, hi, i / 4);
    out[i] = w[i % 4];
  }
  return out;
}

/** 24-bit uniform in [0, 1): (w >> 8) 2^-24. */
export const unit = (w: number): number => (w >>> 8) * 5.9604644775390625e-8;

/** The kernel's f32 arithmetic: low + (high - low) * unit(w), each operation rounded to f32. */
export function uniformF32(n: number, k0: number, k1: number, lo: number, hi: number, low: number, high: number): Float32Array {
  const f = Math.fround, w = u32Words(n, k0, k1, lo, hi), out = new Float32Array(n);
  const span = f(f(high) - f(low));
  for (let i = 0; i < n; i++) out[i] = f(f(low) + f(span * unit(w[i])));
  return out;
}

/** Standard normals (f64), one block per value: u1 = ((w0 >> 8) + 1) 2^-24 in (0,1], u2 = (w1 >> 8) 2^-24. */
export function normalF64(n: number, k0: number, k1: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [w0, w1] = block(k0, k1, lo, hi, i);
    const u1 = ((w0 >>> 8) + 1) * 5.9604644775390625e-8, u2 = (w1 >>> 8) * 5.9604644775390625e-8;
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

/** Dropout keep mask: element i kept iff its uniform u >= rate; kept elements scale by 1 / (1 - rate). */
export function dropoutMask(n: number, rate: number, k0: number, k1: number, lo: number, hi: number): Float64Array {
  const u = uniformF32(n, k0, k1, lo, hi, 0, 1), f = Math.fround;
  const scale = rate < 1 ? f(1 / f(1 - f(rate))) : 0;
  const mask = new Float64Array(n);
  for (let i = 0; i < n; i++) mask[i] = u[i] >= f(rate) ? scale : 0;
  return mask;
}
