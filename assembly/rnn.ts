// SimpleRNN over a whole sequence, forward and backward through time, batched over B and all T timesteps.
// Dimensions: B batch, T time, I input features, H hidden units. Keras layout: W [I,H], U [H,H], bias [H];
// h_t = act(x_t.W + b + h_{t-1}.U). Buffers are aligned to INPUT positions as in lstm.ts: hseq[b, t] is the state
// after reading x[b, t], whichever direction (reverse = go_backwards).
import { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, transpose } from './gemm';
import { activation_forward, colsum_add } from './dense';
import { vactGrad } from './simd';
import { fill_hprev, mul_rows } from './recurrent';

@inline function pos(s: i32, T: i32, reverse: i32): i32 { return reverse != 0 ? T - 1 - s : s; }

// Forward. Writes hseq [B,T,H] (the cache backward reads: act' is taken from the output). The sums b + x.W for
// every position first (in hseq itself), then per step + h_{t-1}.U and the activation in place.
// mask [B,T] (1 real, 0 masked; 0 = none): a masked step carries h unchanged (zeros before the first real step).
// pack: scratch of (I + H) * H floats for W and U in 16-column panels (the same bits, faster), or 0.
// ztab, zidx (0 = unused): the input product per vocabulary id, ztab [V, H] = b + E[id].W (summed as below), zidx
// [B*T] (i32) each position's id; x is then not read.
// rmask [B,H] (0 = none): recurrent dropout, h_{t-1} * rmask in the recurrent product (recurrent.ts), hm its scratch [B,H].
export function rnn_forward(hseq: usize, x: usize, W: usize, U: usize, bias: usize,
                            B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, mask: usize,
                            pack: usize, ztab: usize, zidx: usize, rmask: usize, hm: usize): void {
  const Hb = <usize>H * 4;
  const Up = pack + <usize>I * <usize>(H & ~15) * 4;
  if (pack != 0) {
    if (ztab == 0) pack_b(pack, W, I, H, H);
    pack_b(Up, U, H, H, H);
  }
  const rows = B * T;
  if (ztab != 0) {
    for (let r = 0; r < rows; r++) memory.copy(hseq + <usize>r * Hb, ztab + <usize>load<i32>(zidx + <usize>r * 4) * Hb, Hb);
  } else {
    for (let r = 0; r < rows; r++) memory.copy(hseq + <usize>r * Hb, bias, Hb);
    if (pack != 0) gemm_nn_packed(hseq, x, W, pack, rows, H, I, I, H, H, 1);
    else gemm_nn(hseq, x, W, rows, H, I, I, H, H, 1);
  }
  for (let s = 0; s < T; s++) {
    const t = pos(s, T, reverse);
    const tp = s > 0 ? pos(s - 1, T, reverse) : 0;
    // z_t += h_{t-1}.U for all rows (a masked row's sum is overwritten below)
    if (s > 0) {
      // (with recurrent dropout the operand is h_{t-1} * rmask, rows H apart)
      let hp = hseq + <usize>tp * Hb, ldh = T * H;
      if (rmask != 0) { mul_rows(hm, hp, rmask, B, H, ldh, 0); hp = hm; ldh = H; }
      if (pack != 0) gemm_nn_packed(hseq + <usize>t * Hb, hp, U, Up, B, H, H, ldh, H, T * H, 1);
      else gemm_nn(hseq + <usize>t * Hb, hp, U, B, H, H, ldh, H, T * H, 1);
    }
    for (let b = 0; b < B; b++) {
      const row = <usize>b * <usize>T + <usize>t;
      const h = hseq + row * Hb;
      if (mask != 0 && load<f32>(mask + row * 4) == 0) {
        // masked step: h carried; zeros before the first processed step
        if (s > 0) memory.copy(h, hseq + (<usize>b * <usize>T + <usize>tp) * Hb, Hb);
        else memory.fill(h, 0, Hb);
        continue;
      }
      activation_forward(h, h, H, act);
    }
  }
}

// Backward through time in one call. Accumulates into dx [B,T,I] (or writes it, dxWrite = 1; dx 0: none), dW [I,H],
// dU [H,H], dbias [H]. dhseq [B,T,H]: the loss's gradient w.r.t. hseq. Scratch (no init needed): dz [B,T,H] (may be
// dhseq itself: each step reads its dh before writing dz there), dhrec [B,H], hprev [B,T,H], UT [H,H], WT [H,I],
// pack (max(I + H, min(B*T, 256)) x H floats, or 0: the same bits, slower). A masked step passes dh on; its dz is 0.
// rmask, hm: the forward's recurrent dropout mask and scratch [B,H] (0 = none).
export function rnn_backward(dx: usize, dW: usize, dU: usize, dbias: usize, dhseq: usize,
                             dz: usize, dhrec: usize, hprev: usize, UT: usize, WT: usize,
                             x: usize, hseq: usize, W: usize, U: usize,
                             B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, mask: usize,
                             pack: usize, dxWrite: i32, rmask: usize, hm: usize): void {
  const Hb = <usize>H * 4;
  transpose(UT, U, H, H);
  if (pack != 0) pack_b(pack, UT, H, H, H);
  memory.fill(dhrec, 0, <usize>B * Hb);
  for (let s = T - 1; s >= 0; s--) {
    const t = pos(s, T, reverse);
    for (let b = 0; b < B; b++) {
      const row = <usize>b * <usize>T + <usize>t;
      const dzp = dz + row * Hb, dhp = dhseq + row * Hb, hp = hseq + row * Hb, dhr = dhrec + <usize>b * Hb;
      const masked = mask != 0 && load<f32>(mask + row * 4) == 0;
      let j = 0;
      for (; j < H; j += j + 4 <= H ? 4 : 1) {
        const full = j + 4 <= H, o = <usize>j * 4;
        const dh = f32x4.add(full ? v128.load(dhp + o) : f32x4.splat(load<f32>(dhp + o)), full ? v128.load(dhr + o) : f32x4.splat(load<f32>(dhr + o)));
        // forward: h = act(z)  =>  dz = dh * act'(h); a masked step (h carried): dh_{t-1} = dh, dz = 0
        const h = full ? v128.load(hp + o) : f32x4.splat(load<f32>(hp + o));
        const d = masked ? f32x4.splat(0.0) : f32x4.mul(dh, vactGrad(h, act));
        const carry = masked ? dh : f32x4.splat(0.0);
        if (full) { v128.store(dzp + o, d); v128.store(dhr + o, carry); }
        else { store<f32>(dzp + o, f32x4.extract_lane(d, 0)); store<f32>(dhr + o, f32x4.extract_lane(carry, 0)); }
      }
    }
    // forward: z_t += h_{t-1}.U  =>  dh_{t-1} += dz_t . U^T (with recurrent dropout: z_t += (h_{t-1} * m).U  =>
    // dh_{t-1} += (dz_t . U^T) * m)
    if (s > 0) {
      const g = rmask != 0 ? hm : dhrec, acc = rmask != 0 ? 0 : 1;
      if (pack != 0) gemm_nn_packed(g, dz + <usize>t * Hb, UT, pack, B, H, H, T * H, H, H, acc);
      else gemm_nn(g, dz + <usize>t * Hb, UT, B, H, H, T * H, H, H, acc);
      if (rmask != 0) mul_rows(dhrec, hm, rmask, B, H, H, 1);
    }
  }
  fill_hprev(hprev, hseq, B, T, H, reverse, rmask);
  const rows = B * T;
  // forward: z = x.W + b + h_{t-1}.U  =>  dW += x^T . dz, db += colsum(dz), dU += h_{t-1}^T . dz
  gemm_tn(dW, x, dz, I, H, rows, I, H, H, pack);
  colsum_add(dbias, dz, rows, H);
  gemm_tn(dU, hprev, dz, H, H, rows, H, H, H, pack);
  if (dx == 0) return;
  // forward: z = x.W  =>  dx = dz . W^T
  transpose(WT, W, I, H);
  if (pack != 0 && (I & ~15) > 0) {
    pack_b(pack, WT, H, I, I);
    gemm_nn_packed(dx, dz, WT, pack, rows, I, H, H, I, I, dxWrite != 0 ? 0 : 1);
  } else {
    gemm_nn(dx, dz, WT, rows, I, H, H, I, I, dxWrite != 0 ? 0 : 1);
  }
}
