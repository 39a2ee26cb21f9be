// Inline SIMD helpers: deterministic exp / sigmoid / tanh (vector and scalar give identical bits), activation codes.
// Scalar versions run the vector code on a splat and read lane 0, so a tail element equals a vector lane exactly.

// Activation codes shared by every kernel (the TS layer maps names to these).
export const ACT_LINEAR: i32 = 0;
export const ACT_SIGMOID: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_HARD_SIGMOID: i32 = 4; // Keras 2 / TF.js: clip(0.2 x + 0.5, 0, 1)
export const ACT_HARD_SIGMOID_K3: i32 = 5; // Keras 3 / PyTorch Hardsigmoid: relu6(x + 3) / 6

// The constants of exp, sigmoid and tanh, each as an f32x4 in static memory, read with one load where they are used.
// A v128.const in a loop costs V8 (Node 20) three instructions each time round (a 64-bit immediate, a move, a
// shuffle): for exp's fifteen constants more instructions than the arithmetic itself. The same values, so the same
// bits as the splats they replace.
const KF: usize = memory.data<f32>([
  -87.33654, -87.33654, -87.33654, -87.33654,
  88.02969, 88.02969, 88.02969, 88.02969,
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
  0.5, 0.5, 0.5, 0.5,
  0.693359375, 0.693359375, 0.693359375, 0.693359375,
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0,
  12582912.0, 12582912.0, 12582912.0, 12582912.0,
  0.625, 0.625, 0.625, 0.625,
  -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3,
  2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2,
  -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2,
  1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1,
  -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1,
  2.0, 2.0, 2.0, 2.0
], 16);
// KI: 127 (exp's exponent bias), the sign bit, all but the sign bit (abs), 0.625's bits (tanh's small range).
const KI: usize = memory.data<i32>([127, 127, 127, 127, -2147483648, -2147483648, -2147483648, -2147483648,
  2147483647, 2147483647, 2147483647, 2147483647, 0x3F200000, 0x3F200000, 0x3F200000, 0x3F200000], 16);
const UNDER: usize = 0;
const OVER: usize = 16;
const LOG2E: usize = 32;
const HALF: usize = 48;
const LN2HI: usize = 64;
const LN2LO: usize = 80;
const P0: usize = 96;
const P1: usize = 112;
const P2: usize = 128;
const P3: usize = 144;
const P4: usize = 160;
const P5: usize = 176;
const ONE: usize = 192;
const MAGIC: usize = 208;
const TSMALL: usize = 224;
const T0: usize = 240;
const T1: usize = 256;
const T2: usize = 272;
const T3: usize = 288;
const T4: usize = 304;
const TWO: usize = 320;
@inline function kf(off: usize): v128 { return v128.load(KF + off); }

// Cephes-style expf: x = n ln2 + r, exp(r) by a degree-6 polynomial, 2^n built from the exponent bits.
// Clamped so 2^n stays normal; below -87.33 the result is exactly 0. NaN propagates.
@inline export function vexp(x: v128): v128 {
  const under = f32x4.lt(x, kf(UNDER));
  // pmin / pmax (one instruction each; f32x4.min / max cost V8 about eight for their NaN and signed-zero rules): for
  // every number the same result, and a NaN x still passes through as a NaN.
  let xc = f32x4.pmin(x, kf(OVER));
  xc = f32x4.pmax(xc, kf(UNDER));
  let fx = f32x4.add(f32x4.mul(xc, kf(LOG2E)), kf(HALF));
  fx = f32x4.floor(fx);
  let r = f32x4.sub(xc, f32x4.mul(fx, kf(LN2HI)));
  r = f32x4.sub(r, f32x4.mul(fx, kf(LN2LO)));
  const z = f32x4.mul(r, r);
  let y = kf(P0);
  y = f32x4.add(f32x4.mul(y, r), kf(P1));
  y = f32x4.add(f32x4.mul(y, r), kf(P2));
  y = f32x4.add(f32x4.mul(y, r), kf(P3));
  y = f32x4.add(f32x4.mul(y, r), kf(P4));
  y = f32x4.add(f32x4.mul(y, r), kf(P5));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), kf(ONE));
  // 2^n from the exponent bits. fx is an integer in [-126, 127], so fx + 1.5 * 2^23 holds it exactly in the low
  // mantissa bits, and (those bits + 127) << 23 = (fx + 127) << 23 (the constant's own bits shift out): the same
  // integer as trunc_sat(fx) + 127 shifted, in two instructions instead of V8's six for trunc_sat.
  const pow2n = i32x4.shl(i32x4.add(f32x4.add(fx, kf(MAGIC)), v128.load(KI)), 23);
  y = f32x4.mul(y, pow2n);
  return v128.bitselect(f32x4.splat(0.0), y, under);
}

// Two vectors at once, statement by statement interleaved: vexp's operations on each, as two independent chains the
// CPU overlaps (one chain alone leaves it waiting on each result in turn). mode 1: stores sigmoid's 1 / (1 + exp(a))
// at y and that of b at y + 16; mode 2: tanh's 1 - 2 / (exp(a) + 1) or'ed into what y holds (vtanh2). Straight from
// the registers: a store of exp and its reload (as before) put store forwarding on every chain, 1.14x for sigmoid.
// For sigmoid and tanh only, which give vexp's bits without its zero below -87.33: there exp(x) is at most 2^-125
// here instead of 0, and sigmoid's 1 + exp(-x) rounds to 1 either way; tanh takes exp of 2|x| >= 0, never below. A
// NaN passes through both. (Two comparisons and two selects fewer per pair of vectors.)
@inline function vexp2(y: usize, a: v128, b: v128, mode: i32): void {
  let xa = f32x4.pmin(a, kf(OVER)), xb = f32x4.pmin(b, kf(OVER));
  xa = f32x4.pmax(xa, kf(UNDER)); xb = f32x4.pmax(xb, kf(UNDER));
  let fa = f32x4.add(f32x4.mul(xa, kf(LOG2E)), kf(HALF)), fb = f32x4.add(f32x4.mul(xb, kf(LOG2E)), kf(HALF));
  fa = f32x4.floor(fa); fb = f32x4.floor(fb);
  let ra = f32x4.sub(xa, f32x4.mul(fa, kf(LN2HI))), rb = f32x4.sub(xb, f32x4.mul(fb, kf(LN2HI)));
  ra = f32x4.sub(ra, f32x4.mul(fa, kf(LN2LO))); rb = f32x4.sub(rb, f32x4.mul(fb, kf(LN2LO)));
  const za = f32x4.mul(ra, ra), zb = f32x4.mul(rb, rb);
  let ya = kf(P0), yb = kf(P0);
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P1)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P1));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P2)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P2));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P3)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P3));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P4)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P4));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P5)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P5));
  ya = f32x4.add(f32x4.add(f32x4.mul(ya, za), ra), kf(ONE)); yb = f32x4.add(f32x4.add(f32x4.mul(yb, zb), rb), kf(ONE));
  const pa = i32x4.shl(i32x4.add(f32x4.add(fa, kf(MAGIC)), v128.load(KI)), 23);
  const pb = i32x4.shl(i32x4.add(f32x4.add(fb, kf(MAGIC)), v128.load(KI)), 23);
  ya = f32x4.mul(ya, pa); yb = f32x4.mul(yb, pb);
  if (mode == 1) {
    const one = kf(ONE);
    v128.store(y, f32x4.div(one, f32x4.add(one, ya)));
    v128.store(y, f32x4.div(one, f32x4.add(one, yb)), 16);
  } else {
    const ga = f32x4.sub(kf(ONE), f32x4.div(kf(TWO), f32x4.add(ya, kf(ONE))));
    const gb = f32x4.sub(kf(ONE), f32x4.div(kf(TWO), f32x4.add(yb, kf(ONE))));
    v128.store(y, v128.or(v128.load(y), ga));
    v128.store(y, v128.or(v128.load(y, 16), gb), 16);
  }
}

// y[0..8) = sigmoid(x[0..8)), two vectors at once (vexp2); the same bits as vsigmoid. y may be x.
@inline export function vsigmoid2(y: usize, x: usize): void {
  // -x as x ^ sign bit: the same bits as f32x4.neg (a sign flip), one instruction with the mask in memory where V8
  // builds neg's mask in two more each time
  const sign = v128.load(KI, 16);
  vexp2(y, v128.xor(v128.load(x), sign), v128.xor(v128.load(x, 16), sign), 1);
}

// y[0..8) = tanh(x[0..8)), two vectors at once: the polynomial alone when all eight are small, else both of vtanh's
// branches for every lane and the lane's own taken (one branch, and a predictable one, where vtanh's two mispredict
// on mixed inputs); the same bits as vtanh. y may be x.
@inline export function vtanh2(y: usize, x: usize): void {
  const a = v128.load(x), b = v128.load(x, 16);
  // |x| as x & 0x7fffffff: the same bits as f32x4.abs, one instruction where V8 builds abs's mask in two more
  const absm = v128.load(KI, 32);
  const aa = v128.and(a, absm), ab = v128.and(b, absm);
  const sa = f32x4.lt(aa, kf(TSMALL)), sb = f32x4.lt(ab, kf(TSMALL));
  const za = f32x4.mul(a, a), zb = f32x4.mul(b, b);
  let pa = kf(T0), pb = kf(T0);
  pa = f32x4.add(f32x4.mul(pa, za), kf(T1)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T1));
  pa = f32x4.add(f32x4.mul(pa, za), kf(T2)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T2));
  pa = f32x4.add(f32x4.mul(pa, za), kf(T3)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T3));
  pa = f32x4.add(f32x4.mul(pa, za), kf(T4)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T4));
  pa = f32x4.add(f32x4.mul(f32x4.mul(pa, za), a), a); pb = f32x4.add(f32x4.mul(f32x4.mul(pb, zb), b), b);
  if (v128.all_true<i32>(v128.and(sa, sb))) { v128.store(y, pa); v128.store(y, pb, 16); return; }
  // vtanh's select bitselect(p, g | (x & sign), s), without p, x and s live across the exponential (two of them went
  // to the stack): k = bitselect(p, x & sign, s) stored at y first, then exp of 2|x| in the lanes not small and of
  // 0 in the small ones, where exp gives exactly 1 and g exactly +0, and y = k | g. The same bits.
  const sign = v128.load(KI, 16);
  v128.store(y, v128.bitselect(pa, v128.and(a, sign), sa));
  v128.store(y, v128.bitselect(pb, v128.and(b, sign), sb), 16);
  vexp2(y, v128.andnot(f32x4.add(aa, aa), sa), v128.andnot(f32x4.add(ab, ab), sb), 2);
}

// exp of four vectors on four interleaved chains (vexp2's operations, the same bits), finished in registers: mode 1
// stores sigmoid's 1 / (1 + exp) at y .. y + 48; mode 2 or's tanh's 1 - 2 / (exp + 1) into what y holds (vtanh4).
@inline function vexp4(y: usize, xa: v128, xb: v128, xc: v128, xd: v128, mode: i32): void {
  xa = f32x4.pmin(xa, kf(OVER)); xb = f32x4.pmin(xb, kf(OVER)); xc = f32x4.pmin(xc, kf(OVER)); xd = f32x4.pmin(xd, kf(OVER));
  xa = f32x4.pmax(xa, kf(UNDER)); xb = f32x4.pmax(xb, kf(UNDER)); xc = f32x4.pmax(xc, kf(UNDER)); xd = f32x4.pmax(xd, kf(UNDER));
  const fa = f32x4.floor(f32x4.add(f32x4.mul(xa, kf(LOG2E)), kf(HALF))); const fb = f32x4.floor(f32x4.add(f32x4.mul(xb, kf(LOG2E)), kf(HALF))); const fc = f32x4.floor(f32x4.add(f32x4.mul(xc, kf(LOG2E)), kf(HALF))); const fd = f32x4.floor(f32x4.add(f32x4.mul(xd, kf(LOG2E)), kf(HALF)));
  let ra = f32x4.sub(xa, f32x4.mul(fa, kf(LN2HI))); let rb = f32x4.sub(xb, f32x4.mul(fb, kf(LN2HI))); let rc = f32x4.sub(xc, f32x4.mul(fc, kf(LN2HI))); let rd = f32x4.sub(xd, f32x4.mul(fd, kf(LN2HI)));
  ra = f32x4.sub(ra, f32x4.mul(fa, kf(LN2LO))); rb = f32x4.sub(rb, f32x4.mul(fb, kf(LN2LO))); rc = f32x4.sub(rc, f32x4.mul(fc, kf(LN2LO))); rd = f32x4.sub(rd, f32x4.mul(fd, kf(LN2LO)));
  const pa = i32x4.shl(i32x4.add(f32x4.add(fa, kf(MAGIC)), v128.load(KI)), 23); const pb = i32x4.shl(i32x4.add(f32x4.add(fb, kf(MAGIC)), v128.load(KI)), 23); const pc = i32x4.shl(i32x4.add(f32x4.add(fc, kf(MAGIC)), v128.load(KI)), 23); const pd = i32x4.shl(i32x4.add(f32x4.add(fd, kf(MAGIC)), v128.load(KI)), 23);
  let ya = f32x4.add(f32x4.mul(kf(P0), ra), kf(P1)); let yb = f32x4.add(f32x4.mul(kf(P0), rb), kf(P1)); let yc = f32x4.add(f32x4.mul(kf(P0), rc), kf(P1)); let yd = f32x4.add(f32x4.mul(kf(P0), rd), kf(P1));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P2)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P2)); yc = f32x4.add(f32x4.mul(yc, rc), kf(P2)); yd = f32x4.add(f32x4.mul(yd, rd), kf(P2));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P3)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P3)); yc = f32x4.add(f32x4.mul(yc, rc), kf(P3)); yd = f32x4.add(f32x4.mul(yd, rd), kf(P3));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P4)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P4)); yc = f32x4.add(f32x4.mul(yc, rc), kf(P4)); yd = f32x4.add(f32x4.mul(yd, rd), kf(P4));
  ya = f32x4.add(f32x4.mul(ya, ra), kf(P5)); yb = f32x4.add(f32x4.mul(yb, rb), kf(P5)); yc = f32x4.add(f32x4.mul(yc, rc), kf(P5)); yd = f32x4.add(f32x4.mul(yd, rd), kf(P5));
  ya = f32x4.add(f32x4.add(f32x4.mul(ya, f32x4.mul(ra, ra)), ra), kf(ONE)); yb = f32x4.add(f32x4.add(f32x4.mul(yb, f32x4.mul(rb, rb)), rb), kf(ONE)); yc = f32x4.add(f32x4.add(f32x4.mul(yc, f32x4.mul(rc, rc)), rc), kf(ONE)); yd = f32x4.add(f32x4.add(f32x4.mul(yd, f32x4.mul(rd, rd)), rd), kf(ONE));
  ya = f32x4.mul(ya, pa); yb = f32x4.mul(yb, pb); yc = f32x4.mul(yc, pc); yd = f32x4.mul(yd, pd);
  const one = kf(ONE);
  if (mode == 1) {
    v128.store(y, f32x4.div(one, f32x4.add(one, ya)), 0);
    v128.store(y, f32x4.div(one, f32x4.add(one, yb)), 16);
    v128.store(y, f32x4.div(one, f32x4.add(one, yc)), 32);
    v128.store(y, f32x4.div(one, f32x4.add(one, yd)), 48);
  } else {
    const ga = f32x4.sub(one, f32x4.div(kf(TWO), f32x4.add(ya, one))); const gb = f32x4.sub(one, f32x4.div(kf(TWO), f32x4.add(yb, one))); const gc = f32x4.sub(one, f32x4.div(kf(TWO), f32x4.add(yc, one))); const gd = f32x4.sub(one, f32x4.div(kf(TWO), f32x4.add(yd, one)));
    v128.store(y, v128.or(v128.load(y, 0), ga), 0);
    v128.store(y, v128.or(v128.load(y, 16), gb), 16);
    v128.store(y, v128.or(v128.load(y, 32), gc), 32);
    v128.store(y, v128.or(v128.load(y, 48), gd), 48);
  }
}

// y[0..16) = sigmoid(x[0..16)), four vectors at once: vsigmoid2's operations on four interleaved chains (the same
// bits). Exp is bound by its chains' latency, not the CPU's throughput: four chains 1.6x over two (activation_forward
// on 4096 floats; 1.5x on rows of 64 or 128), though TurboFan keeps three values on the stack here. y may be x.
@inline export function vsigmoid4(y: usize, x: usize): void {
  const sign = v128.load(KI, 16);
  vexp4(y, v128.xor(v128.load(x, 0), sign), v128.xor(v128.load(x, 16), sign), v128.xor(v128.load(x, 32), sign), v128.xor(v128.load(x, 48), sign), 1);
}

// vtanh4's slow path, two vectors at a time (so that few values stay live): the odd polynomial of a and b, stored at
// y and y + 16 in the small lanes, the sign of x in the others (vexp4 then or's in 1 - 2 / (exp(2|x|) + 1)).
@inline function tanhSmall2(y: usize, a: v128, b: v128, sa: v128, sb: v128, sign: v128): void {
  const za = f32x4.mul(a, a); const zb = f32x4.mul(b, b);
  let pa = f32x4.add(f32x4.mul(kf(T0), za), kf(T1)); let pb = f32x4.add(f32x4.mul(kf(T0), zb), kf(T1));
  pa = f32x4.add(f32x4.mul(pa, za), kf(T2)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T2));
  pa = f32x4.add(f32x4.mul(pa, za), kf(T3)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T3));
  pa = f32x4.add(f32x4.mul(pa, za), kf(T4)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T4));
  pa = f32x4.add(f32x4.mul(f32x4.mul(pa, za), a), a); pb = f32x4.add(f32x4.mul(f32x4.mul(pb, zb), b), b);
  v128.store(y, v128.bitselect(pa, v128.and(a, sign), sa), 0);
  v128.store(y, v128.bitselect(pb, v128.and(b, sign), sb), 16);
}

// y[0..16) = tanh(x[0..16)), four vectors at once: the polynomial alone when all sixteen are small (|x| < 0.625 as
// integer bits, max_s then one comparison: the same test as f32x4.lt for every input, NaN included), else vtanh2's
// slow path on four chains (k stored at y a pair at a time, then exp on four interleaved chains). The same bits as
// vtanh2 (and vtanh): a lane's result does not depend on the path. 1.25x over vtanh2 on mixed inputs. y may be x.
@inline export function vtanh4(y: usize, x: usize): void {
  const absm = v128.load(KI, 32);
  const xa = v128.load(x, 0); const aa = v128.and(xa, absm);
  const xb = v128.load(x, 16); const ab = v128.and(xb, absm);
  const xc = v128.load(x, 32); const ac = v128.and(xc, absm);
  const xd = v128.load(x, 48); const ad = v128.and(xd, absm);
  const m = i32x4.max_s(i32x4.max_s(aa, ab), i32x4.max_s(ac, ad));
  if (v128.all_true<i32>(i32x4.lt_s(m, v128.load(KI, 48)))) {
    const za = f32x4.mul(xa, xa); const zb = f32x4.mul(xb, xb); const zc = f32x4.mul(xc, xc); const zd = f32x4.mul(xd, xd);
    let pa = f32x4.add(f32x4.mul(kf(T0), za), kf(T1)); let pb = f32x4.add(f32x4.mul(kf(T0), zb), kf(T1)); let pc = f32x4.add(f32x4.mul(kf(T0), zc), kf(T1)); let pd = f32x4.add(f32x4.mul(kf(T0), zd), kf(T1));
    pa = f32x4.add(f32x4.mul(pa, za), kf(T2)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T2)); pc = f32x4.add(f32x4.mul(pc, zc), kf(T2)); pd = f32x4.add(f32x4.mul(pd, zd), kf(T2));
    pa = f32x4.add(f32x4.mul(pa, za), kf(T3)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T3)); pc = f32x4.add(f32x4.mul(pc, zc), kf(T3)); pd = f32x4.add(f32x4.mul(pd, zd), kf(T3));
    pa = f32x4.add(f32x4.mul(pa, za), kf(T4)); pb = f32x4.add(f32x4.mul(pb, zb), kf(T4)); pc = f32x4.add(f32x4.mul(pc, zc), kf(T4)); pd = f32x4.add(f32x4.mul(pd, zd), kf(T4));
    v128.store(y, f32x4.add(f32x4.mul(f32x4.mul(pa, za), xa), xa), 0);
    v128.store(y, f32x4.add(f32x4.mul(f32x4.mul(pb, zb), xb), xb), 16);
    v128.store(y, f32x4.add(f32x4.mul(f32x4.mul(pc, zc), xc), xc), 32);
    v128.store(y, f32x4.add(f32x4.mul(f32x4.mul(pd, zd), xd), xd), 48);
    return;
  }
  const sign = v128.load(KI, 16);
  const sa = f32x4.lt(aa, kf(TSMALL)); const sb = f32x4.lt(ab, kf(TSMALL)); const sc = f32x4.lt(ac, kf(TSMALL)); const sd = f32x4.lt(ad, kf(TSMALL));
  tanhSmall2(y, xa, xb, sa, sb, sign);
  tanhSmall2(y + 32, xc, xd, sc, sd, sign);
  vexp4(y, v128.andnot(f32x4.add(aa, aa), sa), v128.andnot(f32x4.add(ab, ab), sb), v128.andnot(f32x4.add(ac, ac), sc), v128.andnot(f32x4.add(ad, ad), sd), 2);
}

@inline export function vsigmoid(x: v128): v128 {
  const one = kf(ONE);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

// tanh: odd polynomial for |x| < 0.625 (good relative accuracy near 0), 1 - 2/(exp(2|x|)+1) beyond; sign restored.
// Each branch is computed only when some lane needs it; a lane's result does not depend on its neighbours.
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const small = f32x4.lt(ax, kf(TSMALL));
  let ps = f32x4.splat(0.0);
  let signed = f32x4.splat(0.0);
  if (v128.any_true(small)) {
    const z = f32x4.mul(x, x);
    let p = kf(T0);
    p = f32x4.add(f32x4.mul(p, z), kf(T1));
    p = f32x4.add(f32x4.mul(p, z), kf(T2));
    p = f32x4.add(f32x4.mul(p, z), kf(T3));
    p = f32x4.add(f32x4.mul(p, z), kf(T4));
    ps = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  }
  if (!v128.all_true<i32>(small)) {
    const e = vexp(f32x4.add(ax, ax));
    const big = f32x4.sub(kf(ONE), f32x4.div(kf(TWO), f32x4.add(e, kf(ONE))));
    signed = v128.or(big, v128.and(x, v128.load(KI, 16)));
  }
  return v128.bitselect(ps, signed, small);
}

@inline export function vact(x: v128, kind: i32): v128 {
  if (kind == ACT_SIGMOID) return vsigmoid(x);
  if (kind == ACT_TANH) return vtanh(x);
  if (kind == ACT_RELU) return f32x4.max(x, f32x4.splat(0.0));
  if (kind == ACT_HARD_SIGMOID || kind == ACT_HARD_SIGMOID_K3) {
    // Both as min(max(x * a + b, 0), c) / c: Keras 2 (a, b, c) = (0.2, 0.5, 1), Keras 3 (1, 3, 6). x * 1 and v / 1 are
    // exact, so each gives the bits of its own formula (Keras 3's is PyTorch's min(max(x + 3, 0), 6) / 6).
    const k2 = kind == ACT_HARD_SIGMOID;
    const c = f32x4.splat(k2 ? <f32>1.0 : <f32>6.0);
    const h = f32x4.add(f32x4.mul(x, f32x4.splat(k2 ? <f32>0.2 : <f32>1.0)), f32x4.splat(k2 ? <f32>0.5 : <f32>3.0));
    return f32x4.div(f32x4.min(f32x4.max(h, f32x4.splat(0.0)), c), c);
  }
  return x;
}

// Derivative of the activation expressed through its output y.
@inline export function vactGrad(y: v128, kind: i32): v128 {
  const one = kf(ONE);
  if (kind == ACT_SIGMOID) return f32x4.mul(y, f32x4.sub(one, y));
  if (kind == ACT_TANH) return f32x4.sub(one, f32x4.mul(y, y));
  if (kind == ACT_RELU) return v128.and(f32x4.gt(y, f32x4.splat(0.0)), one);
  // hard sigmoids: the slope strictly inside (0 < y < 1), 0 on the flat parts and at the kinks (TF's Relu6Grad and
  // PyTorch's hardsigmoid_backward give 0 at x = +-3 as well)
  if (kind == ACT_HARD_SIGMOID || kind == ACT_HARD_SIGMOID_K3) {
    const inside = v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.lt(y, one));
    return v128.and(inside, f32x4.splat(kind == ACT_HARD_SIGMOID ? <f32>0.2 : <f32>(1.0 / 6.0)));
  }
  return one;
}

@inline export function sexp(x: f32): f32 { return f32x4.extract_lane(vexp(f32x4.splat(x)), 0); }
@inline export function ssigmoid(x: f32): f32 { return f32x4.extract_lane(vsigmoid(f32x4.splat(x)), 0); }
@inline export function stanh(x: f32): f32 { return f32x4.extract_lane(vtanh(f32x4.splat(x)), 0); }
// Scalar tails run one out-of-line copy of vact (no @inline): the same operations as a vector lane, so the same bits,
// without a further inlined copy of exp and tanh at every tail (five of them in lstm_forward alone).
function vact_lanes(x: v128, kind: i32): v128 { return vact(x, kind); }
@inline export function sact(x: f32, kind: i32): f32 { return f32x4.extract_lane(vact_lanes(f32x4.splat(x), kind), 0); }
@inline export function sactGrad(y: f32, kind: i32): f32 { return f32x4.extract_lane(vactGrad(f32x4.splat(y), kind), 0); }

// Horizontal sum in a fixed order: (l0 + l1) + (l2 + l3).
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
