// GRU over a whole sequence, forward and backward through time, batched over B and all T timesteps.
// Dimensions: B batch, T time, I input features, H hidden units. Keras layout: W [I,3H], U [H,3H], gate blocks z, r, h;
// bias [2,3H] (resetAfter: input bias, then recurrent bias) or [3H]. h_t = z * h_{t-1} + (1 - z) * hh, with
//   resetAfter 1 (Keras 3 / tf.keras 2 default, PyTorch, cuDNN):  hh = act(x.W_h + bi_h + r * (h_{t-1}.U_h + br_h))
//   resetAfter 0 (Keras 2.3.1's default):                          hh = act(x.W_h + b_h + (r * h_{t-1}).U_h)
// and z, r = recAct(x.W + b_in + h_{t-1}.U + b_rec) on their blocks. Buffers are aligned to INPUT positions as in
// lstm.ts: hseq[b, t] is the state after reading x[b, t], whichever direction (reverse = go_backwards).
import { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, transpose } from './gemm';
import { vactGrad } from './simd';
import { fill_hprev, mul_rows } from './recurrent';
import { colsum_add, activation_forward } from './dense';

@inline function pos(s: i32, T: i32, reverse: i32): i32 { return reverse != 0 ? T - 1 - s : s; }
// A vector of 4 lanes (full) or the lane at p in lane 0 (a scalar tail: the same operations, so the same bits).
@inline function ld(p: usize, full: bool): v128 { return full ? v128.load(p) : f32x4.splat(load<f32>(p)); }
@inline function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v); else store<f32>(p, f32x4.extract_lane(v, 0));
}
@inline function one(): v128 { return f32x4.splat(1.0); }
// (out of line: one copy of the activations' derivatives for the whole file, not one per use; 64 KB cores)
function dact(y: v128, kind: i32): v128 { return vactGrad(y, kind); }

// Forward. Writes hseq [B,T,H] and the caches backward reads: gates [B,T,3H] post-activation z, r, hh, and rcache
// [B,T,H]: resetAfter 1: h_{t-1}.U_h + br_h (the reset gate's operand); resetAfter 0: r * h_{t-1} (the operand of U_h).
// infer = 1: rcache is scratch of [B,H] only (resetAfter 0; unused with 1). rec: scratch [B,3H].
// mask [B,T] (1 real, 0 masked; 0 = none): a masked step carries h unchanged (zeros before the first real step).
// pack: scratch of (I + H) * 3H floats for W and U in 16-column panels (the same bits, faster), or 0.
// ztab, zidx (0 = unused): the input product is done already, once per vocabulary id: ztab [V, 3H] holds
// b_in + E[id].W (summed as below) and zidx [B*T] (i32) each position's id; x is then not read.
export function gru_forward(hseq: usize, gates: usize, rcache: usize, rec: usize,
                            x: usize, W: usize, U: usize, bias: usize,
                            B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                            resetAfter: i32, infer: i32, pack: usize, ztab: usize, zidx: usize, rmask: usize, hm: usize): void {
  const G = 3 * H;
  const Hb = <usize>H * 4, Gb = <usize>G * 4;
  const brec = bias + Gb; // resetAfter: the recurrent bias row
  // panels: W [I, 3H]; U's [H, 3H] (resetAfter) or U_zr [H, 2H] and U_h [H, H] apart
  const Up = pack + <usize>I * <usize>(G & ~15) * 4, Uhp = Up + <usize>H * <usize>((2 * H) & ~15) * 4;
  if (pack != 0) {
    if (ztab == 0) pack_b(pack, W, I, G, G);
    if (resetAfter != 0) pack_b(Up, U, H, G, G);
    else { pack_b(Up, U, H, 2 * H, G); pack_b(Uhp, U + 2 * Hb, H, H, G); }
  }
  // x.W + b_in for every position at once (cache layout, row stride 3H): each element sums the bias, then x.W over k
  const rows = B * T;
  if (ztab != 0) {
    for (let r = 0; r < rows; r++) memory.copy(gates + <usize>r * Gb, ztab + <usize>load<i32>(zidx + <usize>r * 4) * Gb, Gb);
  } else {
    for (let r = 0; r < rows; r++) memory.copy(gates + <usize>r * Gb, bias, Gb);
    if (pack != 0) gemm_nn_packed(gates, x, W, pack, rows, G, I, I, G, G, 1);
    else gemm_nn(gates, x, W, rows, G, I, I, G, G, 1);
  }
  // rcache row of (b, t): per position in training, per row in inference
  const ldq = infer != 0 ? H : T * H;
  for (let s = 0; s < T; s++) {
    const t = pos(s, T, reverse);
    const tp = s > 0 ? pos(s - 1, T, reverse) : 0;
    const qt = rcache + (infer != 0 ? 0 : <usize>t * Hb);
    // the recurrent products of the z and r blocks (and h's, resetAfter): rec = [b_rec] + h_{t-1}.U
    const N = resetAfter != 0 ? G : 2 * H;
    for (let b = 0; b < B; b++) {
      if (resetAfter != 0) memory.copy(rec + <usize>b * Gb, brec, Gb);
      else memory.fill(rec + <usize>b * Gb, 0, <usize>N * 4);
    }
    // the recurrent products' operand h_{t-1}: with recurrent dropout h_{t-1} * rmask in hm (rows H apart)
    let hp0 = hseq + <usize>tp * Hb, ldh = T * H;
    if (s > 0 && rmask != 0) { mul_rows(hm, hp0, rmask, B, H, ldh, 0); hp0 = hm; ldh = H; }
    if (s > 0) {
      if (pack != 0) gemm_nn_packed(rec, hp0, U, Up, B, N, H, ldh, G, G, 1);
      else gemm_nn(rec, hp0, U, B, N, H, ldh, G, G, 1);
    }
    for (let b = 0; b < B; b++) {
      const row = <usize>b * <usize>T + <usize>t;
      const z = gates + row * Gb, rb = rec + <usize>b * Gb, q = qt + <usize>b * <usize>ldq * 4;
      const hp = s > 0 ? hseq + (<usize>b * <usize>T + <usize>tp) * Hb : 0;
      if (mask != 0 && load<f32>(mask + row * 4) == 0) {
        // masked step: h carried; zeros before the first processed step (and a zero operand for U_h below)
        if (hp != 0) memory.copy(hseq + row * Hb, hp, Hb); else memory.fill(hseq + row * Hb, 0, Hb);
        if (resetAfter == 0) memory.fill(q, 0, Hb);
        continue;
      }
      // z, r = recAct(x.W + b + h_{t-1}.U) on both blocks at once
      let j = 0;
      for (; j < 2 * H; j += j + 4 <= 2 * H ? 4 : 1) addInto(z, rb, j, j + 4 <= 2 * H);
      activation_forward(z, z, 2 * H, recAct);
      if (resetAfter != 0) {
        // hh's operand x.W_h + bi_h + r * (h_{t-1}.U_h + br_h); the bracket cached for backward
        for (j = 0; j < H; j += j + 4 <= H ? 4 : 1) resetAfterOperand(z, rb, rcache + row * Hb, j, H, infer == 0, j + 4 <= H);
      } else {
        // q = r * h_{t-1}, the operand of U_h (zero at the first step)
        const hq = s > 0 && rmask != 0 ? hm + <usize>b * Hb : hp;
        for (j = 0; j < H; j += j + 4 <= H ? 4 : 1) resetProduct(q, z, hq, j, H, j + 4 <= H);
      }
    }
    if (resetAfter == 0) {
      // (r * h_{t-1}).U_h for all rows; then hh's operand x.W_h + b_h + that
      for (let b = 0; b < B; b++) memory.fill(rec + <usize>b * Gb + 2 * Hb, 0, Hb);
      if (s > 0) {
        if (pack != 0) gemm_nn_packed(rec + 2 * Hb, qt, U + 2 * Hb, Uhp, B, H, H, ldq, G, G, 1);
        else gemm_nn(rec + 2 * Hb, qt, U + 2 * Hb, B, H, H, ldq, G, G, 1);
      }
    }
    for (let b = 0; b < B; b++) {
      const row = <usize>b * <usize>T + <usize>t;
      if (mask != 0 && load<f32>(mask + row * 4) == 0) continue;
      const z = gates + row * Gb;
      const hp = s > 0 ? hseq + (<usize>b * <usize>T + <usize>tp) * Hb : 0;
      let j = 0;
      if (resetAfter == 0) {
        const rb = rec + <usize>b * Gb;
        for (; j < H; j += j + 4 <= H ? 4 : 1) addInto(z + 2 * Hb, rb + 2 * Hb, j, j + 4 <= H);
      }
      activation_forward(z + 2 * Hb, z + 2 * Hb, H, act);
      // h = z * h_{t-1} + (1 - z) * hh
      for (j = 0; j < H; j += j + 4 <= H ? 4 : 1) newState(hseq + row * Hb, z, hp, j, H, j + 4 <= H);
    }
  }
}

@inline function addInto(y: usize, x: usize, j: i32, full: bool): void {
  const o = <usize>j * 4;
  st(y + o, f32x4.add(ld(y + o, full), ld(x + o, full)), full);
}

@inline function resetAfterOperand(z: usize, rb: usize, cache: usize, j: i32, H: i32, keep: bool, full: bool): void {
  const o = <usize>j * 4, Hb = <usize>H * 4;
  const inner = ld(rb + 2 * Hb + o, full);
  if (keep) st(cache + o, inner, full);
  st(z + 2 * Hb + o, f32x4.add(ld(z + 2 * Hb + o, full), f32x4.mul(ld(z + Hb + o, full), inner)), full);
}

@inline function resetProduct(q: usize, z: usize, hp: usize, j: i32, H: i32, full: bool): void {
  const o = <usize>j * 4;
  st(q + o, hp != 0 ? f32x4.mul(ld(z + <usize>H * 4 + o, full), ld(hp + o, full)) : f32x4.splat(0.0), full);
}

@inline function newState(h: usize, z: usize, hp: usize, j: i32, H: i32, full: bool): void {
  const o = <usize>j * 4;
  const gz = ld(z + o, full), hh = ld(z + <usize>H * 8 + o, full);
  const prev = hp != 0 ? ld(hp + o, full) : f32x4.splat(0.0);
  st(h + o, f32x4.add(f32x4.mul(gz, prev), f32x4.mul(f32x4.sub(one(), gz), hh)), full);
}

// Backward through time in one call. Accumulates into dx [B,T,I] (or writes it, dxWrite = 1; dx 0: none), dW [I,3H],
// dU [H,3H], dbias ([2,3H] or [3H]). dhseq [B,T,H]: the loss's gradient w.r.t. hseq. The gates cache is overwritten
// with dX [B,T,3H], the gradient at the input products' sums (each step reads its gates before writing them); with
// resetAfter the rcache with the gradient at the recurrent sums' h block, dhh * r (the z and r blocks' are dX's).
// Scratch (no init needed): dq [B,H] (resetAfter 0: the gradient at r * h_{t-1}), dhrec [B,H], hprev [B,T,H] (may
// be dhseq: read only in the recurrence), UT [3H,H], WT [3H,I], pack (max(I + H, min(B*T, 256)) x 3H floats, or 0:
// the same bits, slower). A masked step passes dh to the previous step and its gradient rows are 0.
export function gru_backward(dx: usize, dW: usize, dU: usize, dbias: usize, dhseq: usize,
                             dq: usize, dhrec: usize, hprev: usize, UT: usize, WT: usize,
                             x: usize, hseq: usize, gates: usize, rcache: usize, W: usize, U: usize,
                             B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                             resetAfter: i32, pack: usize, dxWrite: i32, rmask: usize, hm: usize): void {
  const G = 3 * H;
  const Hb = <usize>H * 4, Gb = <usize>G * 4;
  transpose(UT, U, H, G);
  // U^T in 16-column panels for the recurrence's products: the rows of the z and r blocks, and of the h block, apart
  const H16 = <usize>(H & ~15);
  const UTp = pack, UThp = pack + <usize>(2 * H) * H16 * 4;
  if (pack != 0) { pack_b(UTp, UT, 2 * H, H, H); pack_b(UThp, UT + <usize>(2 * H) * Hb, H, H, H); }
  memory.fill(dhrec, 0, <usize>B * Hb);
  for (let s = T - 1; s >= 0; s--) {
    const t = pos(s, T, reverse);
    const tp = s > 0 ? pos(s - 1, T, reverse) : 0;
    for (let b = 0; b < B; b++) {
      const row = <usize>b * <usize>T + <usize>t;
      const g = gates + row * Gb, dhr = dhrec + <usize>b * Hb;
      const hp = s > 0 ? hseq + (<usize>b * <usize>T + <usize>tp) * Hb : 0;
      if (mask != 0 && load<f32>(mask + row * 4) == 0) {
        // forward: h carried  =>  dh_prev = dh, nothing into x or the weights
        let j = 0;
        for (; j < H; j += j + 4 <= H ? 4 : 1) addInto(dhr, dhseq + row * Hb, j, j + 4 <= H);
        memory.fill(g, 0, Gb);
        if (resetAfter != 0) memory.fill(rcache + row * Hb, 0, Hb);
        continue;
      }
      let j = 0;
      for (; j < H; j += j + 4 <= H ? 4 : 1) stepBackward(g, dhr, dhseq + row * Hb, hp, rcache + row * Hb, j, H, act, recAct, resetAfter, j + 4 <= H);
    }
    // the recurrent products' gradient w.r.t. their operand goes into dhrec, or with recurrent dropout (operand
    // h_{t-1} * m) into hm first, then dh_{t-1} += hm * m
    const gr = rmask != 0 ? hm : dhrec;
    if (rmask != 0) memory.fill(hm, 0, <usize>B * Hb);
    if (resetAfter == 0) {
      // forward: hh = act(... + (r * h_{t-1}).U_h)  =>  dq = dhh_pre . U_h^T, then dr = dq * h_{t-1}, dh_{t-1} += dq * r
      if (pack != 0) gemm_nn_packed(dq, gates + <usize>t * Gb + 2 * Hb, UT + <usize>(2 * H) * Hb, UThp, B, H, H, T * G, H, H, 0);
      else gemm_nn(dq, gates + <usize>t * Gb + 2 * Hb, UT + <usize>(2 * H) * Hb, B, H, H, T * G, H, H, 0);
      for (let b = 0; b < B; b++) {
        const row = <usize>b * <usize>T + <usize>t;
        if (mask != 0 && load<f32>(mask + row * 4) == 0) continue;
        const hp = s > 0 ? hseq + (<usize>b * <usize>T + <usize>tp) * Hb : 0;
        const m = rmask != 0 ? rmask + <usize>b * Hb : 0;
        let j = 0;
        for (; j < H; j += j + 4 <= H ? 4 : 1) resetBackward(gates + row * Gb, dq + <usize>b * Hb, gr + <usize>b * Hb, hp, m, j, H, recAct, j + 4 <= H);
      }
      // forward: z, r = recAct(... + h_{t-1}.U_zr)  =>  dh_{t-1} += dX_zr . U_zr^T
      if (s > 0) {
        if (pack != 0) gemm_nn_packed(gr, gates + <usize>t * Gb, UT, UTp, B, H, 2 * H, T * G, H, H, 1);
        else gemm_nn(gr, gates + <usize>t * Gb, UT, B, H, 2 * H, T * G, H, H, 1);
      }
    } else if (s > 0) {
      // forward: rec = h_{t-1}.U + b_rec  =>  dh_{t-1} += [dX_z, dX_r, dhh * r] . U^T, as the z and r blocks and the h block
      if (pack != 0) {
        gemm_nn_packed(gr, gates + <usize>t * Gb, UT, UTp, B, H, 2 * H, T * G, H, H, 1);
        gemm_nn_packed(gr, rcache + <usize>t * Hb, UT + <usize>(2 * H) * Hb, UThp, B, H, H, T * H, H, H, 1);
      } else {
        gemm_nn(gr, gates + <usize>t * Gb, UT, B, H, 2 * H, T * G, H, H, 1);
        gemm_nn(gr, rcache + <usize>t * Hb, UT + <usize>(2 * H) * Hb, B, H, H, T * H, H, H, 1);
      }
    }
    if (rmask != 0 && s > 0) mul_rows(dhrec, hm, rmask, B, H, H, 1);
  }
  fill_hprev(hprev, hseq, B, T, H, reverse, rmask);
  const rows = B * T;
  // forward: sums = x.W + b_in  =>  dW += x^T . dX, db_in += colsum(dX)
  gemm_tn(dW, x, gates, I, G, rows, I, G, G, pack);
  colsum_add(dbias, gates, rows, G);
  // forward: z, r sums += h_{t-1}.U_zr  =>  dU_zr += h_{t-1}^T . dX_zr
  gemm_tn(dU, hprev, gates, H, 2 * H, rows, H, G, G, pack);
  if (resetAfter != 0) {
    // forward: rec = h_{t-1}.U + b_rec  =>  dU_h += h_{t-1}^T . (dhh * r); db_rec += colsum([dX_z, dX_r, dhh * r])
    gemm_tn(dU + 2 * Hb, hprev, rcache, H, H, rows, H, H, G, pack);
    colsum_rows(dbias + Gb, gates, rows, 2 * H, G);
    colsum_add(dbias + Gb + 2 * Hb, rcache, rows, H);
  } else {
    // forward: hh's sum += q.U_h  =>  dU_h += q^T . dX_h
    gemm_tn(dU + 2 * Hb, rcache, gates + 2 * Hb, H, H, rows, H, G, G, pack);
  }
  if (dx == 0) return;
  // forward: sums = x.W  =>  dx = dX . W^T
  transpose(WT, W, I, G);
  if (pack != 0 && (I & ~15) > 0) {
    pack_b(pack, WT, G, I, I);
    gemm_nn_packed(dx, gates, WT, pack, rows, I, G, G, I, I, dxWrite != 0 ? 0 : 1);
  } else {
    gemm_nn(dx, gates, WT, rows, I, G, G, I, I, dxWrite != 0 ? 0 : 1);
  }
}

// db[N] += sum over rows of dz[M, N] (row stride ld floats), rows in order (colsum_add's sums).
function colsum_rows(db: usize, dz: usize, M: i32, N: i32, ld: i32): void {
  for (let r = 0; r < M; r++) {
    const row = dz + <usize>r * <usize>ld * 4;
    for (let j = 0; j < N; j += j + 4 <= N ? 4 : 1) addInto(db, row, j, j + 4 <= N);
  }
}

// One step's gradients at lanes j of a row (see gru_backward): reads z, r, hh (and resetAfter's inner from cache),
// then writes dX over the gates (and dhh * r over the cache).
@inline function stepBackward(g: usize, dhr: usize, dhs: usize, hp: usize, cache: usize, j: i32, H: i32,
                              act: i32, recAct: i32, resetAfter: i32, full: bool): void {
  const o = <usize>j * 4, Hb = <usize>H * 4;
  const gz = ld(g + o, full), gr = ld(g + Hb + o, full), hh = ld(g + 2 * Hb + o, full);
  const prev = hp != 0 ? ld(hp + o, full) : f32x4.splat(0.0);
  const dh = f32x4.add(ld(dhs + o, full), ld(dhr + o, full));
  // forward: h = z * h_{t-1} + (1 - z) * hh  =>  dz = dh * (h_{t-1} - hh), dhh = dh * (1 - z), dh_{t-1} = dh * z
  const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(prev, hh)), dact(gz, recAct));
  const dhh = f32x4.mul(f32x4.mul(dh, f32x4.sub(one(), gz)), dact(hh, act));
  st(dhr + o, f32x4.mul(dh, gz), full);
  st(g + o, dz, full);
  st(g + 2 * Hb + o, dhh, full);
  if (resetAfter != 0) {
    // forward: hh = act(x.W_h + bi_h + r * inner)  =>  dr = dhh * inner, d(inner) = dhh * r
    const dgr = f32x4.mul(f32x4.mul(dhh, ld(cache + o, full)), dact(gr, recAct));
    st(g + Hb + o, dgr, full);
    st(cache + o, f32x4.mul(dhh, gr), full);
  }
}

// resetAfter 0, after dq: dX_r = dq * h_{t-1} * recAct'(r) over r (in the gates row), dh_{t-1} += dq * r.
// With recurrent dropout (m: the row's mask, else 0) the operand is h_{t-1} * m, and dhr is the scratch of gradients
// that go back through the mask.
@inline function resetBackward(g: usize, dq: usize, dhr: usize, hp: usize, m: usize, j: i32, H: i32, recAct: i32, full: bool): void {
  const o = <usize>j * 4, Hb = <usize>H * 4;
  const gr = ld(g + Hb + o, full), d = ld(dq + o, full);
  let prev = hp != 0 ? ld(hp + o, full) : f32x4.splat(0.0);
  if (m != 0) prev = f32x4.mul(prev, ld(m + o, full));
  st(g + Hb + o, f32x4.mul(f32x4.mul(d, prev), dact(gr, recAct)), full);
  st(dhr + o, f32x4.add(ld(dhr + o, full), f32x4.mul(d, gr)), full);
}
