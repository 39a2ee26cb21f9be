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

// Four blocks at once, i .. i + 3 from the stream's position (lo, hi), one per lane, the same integer operations as
// philox: u32 x u32 -> u64 products as i32x4.mul (their low words) and i64x2.extmul (their high words). Stores the
// blocks' 16 words in stream order at out (block i's four words, then block i + 1's, ...).
@inline function philox4(out: usize, k0: u32, k1: u32, lo: u32, hi: u32, i: u32): void {
  const c = ((<u64>hi << 32) | <u64>lo) + <u64>i;
  const c1 = c + 1, c2 = c + 2, c3 = c + 3;
  let x0 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>c), 1, <i32>c1), 2, <i32>c2), 3, <i32>c3);
  let x1 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>(c >> 32)), 1, <i32>(c1 >> 32)), 2, <i32>(c2 >> 32)), 3, <i32>(c3 >> 32));
  let x2 = i32x4.splat(0), x3 = i32x4.splat(0);
  const m0 = i32x4.splat(<i32>M0), m1 = i32x4.splat(<i32>M1);
  for (let r = 0; r < 10; r++) {
    // high words of x0 * M0 and x2 * M1 (u64 per lane), from the products of lanes 0-1 and 2-3
    const h0 = i8x16.shuffle(i64x2.extmul_low_i32x4_u(x0, m0), i64x2.extmul_high_i32x4_u(x0, m0), 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    const h1 = i8x16.shuffle(i64x2.extmul_low_i32x4_u(x2, m1), i64x2.extmul_high_i32x4_u(x2, m1), 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    const y0 = v128.xor(v128.xor(h1, x1), i32x4.splat(<i32>k0));
    const y1 = i32x4.mul(x2, m1);
    const y2 = v128.xor(v128.xor(h0, x3), i32x4.splat(<i32>k1));
    const y3 = i32x4.mul(x0, m0);
    x0 = y0; x1 = y1; x2 = y2; x3 = y3;
    k0 += W0; k1 += W1;
  }
  // lanes are blocks, vectors are words: transpose to blocks' words in order
  const a = i8x16.shuffle(x0, x1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);   // w0b0 w1b0 w0b1 w1b1
  const b = i8x16.shuffle(x2, x3, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);   // w2b0 w3b0 w2b1 w3b1
  const e = i8x16.shuffle(x0, x1, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31); // w0b2 w1b2 w0b3 w1b3
  const f = i8x16.shuffle(x2, x3, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31); // w2b2 w3b2 w2b3 w3b3
  v128.store(out, i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  v128.store(out, i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), 16);
  v128.store(out, i8x16.shuffle(e, f, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), 32);
  v128.store(out, i8x16.shuffle(e, f, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), 48);
}

// out[i] = raw u32 words, i in [0, n): sixteen at a time (philox4), the rest block by block.
export function rng_u32(out: usize, n: i32, k0: u32, k1: u32, lo: u32, hi: u32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) philox4(out + <usize>i * 4, k0, k1, lo, hi, <u32>(i >> 2));
  for (; i < n; i++) {
    if ((i & 3) == 0) block(k0, k1, lo, hi, <u32>(i >> 2));
    store<u32>(out + <usize>i * 4, word(i & 3));
  }
}

// out[i] = low + (high - low) * u, u uniform in [0, 1): sixteen at a time (philox4's words, then the same f32
// operations per element as below, so the same bits), the rest block by block.
export function rng_uniform(out: usize, n: i32, k0: u32, k1: u32, lo: u32, hi: u32, low: f32, high: f32): void {
  let i = 0;
  const lowv = f32x4.splat(low), span = f32x4.splat(high - low), ulp = f32x4.splat(<f32>5.9604644775390625e-8);
  for (; i + 16 <= n; i += 16) {
    const o = out + <usize>i * 4;
    philox4(o, k0, k1, lo, hi, <u32>(i >> 2));
    for (let j: usize = 0; j < 64; j += 16) {
      const u = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(v128.load(o + j), 8)), ulp);
      v128.store(o + j, f32x4.add(lowv, f32x4.mul(span, u)));
    }
  }
  for (; i < n; i++) {
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
