// Counter-based random numbers: Philox4x32-10 (Salmon et al. 2011), integer arithmetic only, the same bits everywhere.
// A stream is a key (k0, k1); its position is a 64-bit block counter (lo, hi). Block c yields 4 u32 words. Fillers
// consume whole blocks: n values take ceil(n / 4) blocks (normals take one block each) and the caller advances.

const M0: u64 = 0xD2511F53;
const M1: u64 = 0xCD9E8D57;
const W0: u32 = 0x9E3779B9;
const W1: u32 = 0xBB67AE85;

// Output of the last philox() call, one word per lane.
let r0: u32 = 0, r1: u32 = 0, r2: u32 = 0, r3: u32 = 0;

@inline function philox(k0: u32, k1: u32, c0: u32, c1: u32): void {
  let x0 = c0, x1 = c1, x2: u32 = 0, x3: u32 = 0;
  for (let i = 0; i < 10; i++) {
    const p0 = M0 * <u64>x0;
    const p1 = M1 * <u64>x2;
    const y0 = <u32>(p1 >> 32) ^ x1 ^ k0;
    const y1 = <u32>p1;
    const y2 = <u32>(p0 >> 32) ^ x3 ^ k1;
    const y3 = <u32>p0;
    x0 = y0; x1 = y1; x2 = y2; x3 = y3;
    k0 += W0; k1 += W1;
  }
  r0 = x0; r1 = x1; r2 = x2; r3 = x3;
}

@inline function block(k0: u32, k1: u32, lo: u32, hi: u32, i: u32): void {
  const c = ((<u64>hi << 32) | <u64>lo) + <u64>i;
  philox(k0, k1, <u32>c, <u32>(c >> 32));
}

@inline function word(j: i32): u32 { return j == 0 ? r0 : j == 1 ? r1 : j == 2 ? r2 : r3; }

// 24-bit uniform in [0, 1): (w >> 8) * 2^-24, exact in f32.
@inline export function unit(w: u32): f32 { return <f32>(w >> 8) * <f32>5.9604644775390625e-8; }

// out[i] = raw u32 words, i in [0, n).
export function rng_u32(out: usize, n: i32, k0: u32, k1: u32, lo: u32, hi: u32): void {
  for (let i = 0; i < n; i++) {
    if ((i & 3) == 0) block(k0, k1, lo, hi, <u32>(i >> 2));
    store<u32>(out + <usize>i * 4, word(i & 3));
  }
}

// out[i] = low + (high - low) * u, u uniform in [0, 1).
export function rng_uniform(out: usize, n: i32, k0: u32, k1: u32, lo: u32, hi: u32, low: f32, high: f32): void {
  for (let i = 0; i < n; i++) {
    if ((i & 3) == 0) block(k0, k1, lo, hi, <u32>(i >> 2));
    store<f32>(out + <usize>i * 4, low + (high - low) * unit(word(i & 3)));
  }
}

// out[i] = mean + std * z, z standard normal by Box-Muller from block i (f64 math, AssemblyScript's own log/cos).
export function rng_normal(out: usize, n: i32, k0: u32, k1: u32, lo: u32, hi: u32, mean: f32, std: f32): void {
  for (let i = 0; i < n; i++) {
    block(k0, k1, lo, hi, <u32>i);
    const u1 = (<f64>(r0 >>> 8) + 1.0) * 5.9604644775390625e-8;   // (0, 1]
    const u2 = <f64>(r1 >>> 8) * 5.9604644775390625e-8;           // [0, 1)
    const z = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(6.283185307179586 * u2);
    store<f32>(out + <usize>i * 4, mean + std * <f32>z);
  }
}

// Same normals in f64 (for the orthogonal initializer, which orthonormalizes in f64).
export function rng_normal_f64(out: usize, n: i32, k0: u32, k1: u32, lo: u32, hi: u32): void {
  for (let i = 0; i < n; i++) {
    block(k0, k1, lo, hi, <u32>i);
    const u1 = (<f64>(r0 >>> 8) + 1.0) * 5.9604644775390625e-8;
    const u2 = <f64>(r1 >>> 8) * 5.9604644775390625e-8;
    store<f64>(out + <usize>i * 8, Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(6.283185307179586 * u2));
  }
}
