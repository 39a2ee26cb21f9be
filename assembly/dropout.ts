// Inverted dropout: keep with probability 1 - rate and scale by 1 / (1 - rate). The mask comes from the Philox stream
// (k0, k1) at block (lo, hi): element i uses word i % 4 of block i / 4, kept iff u >= rate (as TF does).
import { rng_uniform } from './rng';

// mask [n] = kept ? 1 / (1 - rate) : 0 ; y = x * mask. rate in [0, 1); rate 1 gives all zeros.
export function dropout_forward(y: usize, mask: usize, x: usize, n: i32, rate: f32,
                                k0: u32, k1: u32, lo: u32, hi: u32): void {
  rng_uniform(mask, n, k0, k1, lo, hi, 0.0, 1.0);
  const scale: f32 = rate < 1.0 ? <f32>1.0 / (<f32>1.0 - rate) : 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    const m: f32 = load<f32>(mask + o) >= rate ? scale : 0.0;
    store<f32>(mask + o, m);
    store<f32>(y + o, load<f32>(x + o) * m);
  }
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
