// Inverted dropout: keep with probability 1 - rate and scale by 1 / (1 - rate). The mask comes from the Philox stream
// (k0, k1) at block (lo, hi): element i uses word i % 4 of block i / 4, kept iff u >= rate (as TF does).
// Spatial dropout (Keras SpatialDropout1D) draws one such mask [B, F] and shares it over time.
// Dimensions: B batch, T time, F features (channels).
import { rng_uniform } from './rng';

// mask [n] = kept ? 1 / (1 - rate) : 0, n elements of the stream; rate in [0, 1), rate 1 gives all zeros.
function dropout_mask(mask: usize, n: i32, rate: f32, k0: u32, k1: u32, lo: u32, hi: u32): void {
  rng_uniform(mask, n, k0, k1, lo, hi, 0.0, 1.0);
  const scale: f32 = rate < 1.0 ? <f32>1.0 / (<f32>1.0 - rate) : 0.0;
  // four at a time: u >= rate selects scale's bits, else +0 (as the scalar tail)
  const rv = f32x4.splat(rate), sv = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    v128.store(mask + o, v128.and(f32x4.ge(v128.load(mask + o), rv), sv));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(mask + o, load<f32>(mask + o) >= rate ? scale : 0.0);
  }
}

// y[n] = x[n] * m[n]
@inline function mul_into(y: usize, x: usize, m: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { const o = <usize>i * 4; v128.store(y + o, f32x4.mul(v128.load(x + o), v128.load(m + o))); }
  for (; i < n; i++) { const o = <usize>i * 4; store<f32>(y + o, load<f32>(x + o) * load<f32>(m + o)); }
}

// mask [n] as dropout_mask; y [n] = x * mask.
export function dropout_forward(y: usize, mask: usize, x: usize, n: i32, rate: f32,
                                k0: u32, k1: u32, lo: u32, hi: u32): void {
  dropout_mask(mask, n, rate, k0, k1, lo, hi);
  mul_into(y, x, mask, n);
}

// forward: y = x * mask  =>  dx += dy * mask
export function dropout_backward(dx: usize, dy: usize, mask: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(v128.load(dy + o), v128.load(mask + o))));
  }
  for (; i < n; i++) { const o = <usize>i * 4; store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * load<f32>(mask + o)); }
}

// Spatial dropout on x [B, T, F]: mask [B, F] as dropout_mask draws B * F elements (so the stream moves by
// ceil(B * F / 4) blocks, as dropout's over B * F); y[b, t, f] = x[b, t, f] * mask[b, f].
export function dropout_spatial_forward(y: usize, mask: usize, x: usize, B: i32, T: i32, F: i32, rate: f32,
                                        k0: u32, k1: u32, lo: u32, hi: u32): void {
  dropout_mask(mask, B * F, rate, k0, k1, lo, hi);
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (<usize>b * <usize>T + <usize>t) * fb;
      mul_into(y + o, x + o, mask + <usize>b * fb, F);
    }
  }
}

// forward: y[b, t, :] = x[b, t, :] * mask[b, :]  =>  dx[b, t, :] += dy[b, t, :] * mask[b, :]
export function dropout_spatial_backward(dx: usize, dy: usize, mask: usize, B: i32, T: i32, F: i32): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (<usize>b * <usize>T + <usize>t) * fb;
      dropout_backward(dx + o, dy + o, mask + <usize>b * fb, F);
    }
  }
}
