// LSTM over a whole sequence, forward and backward through time, batched over B and all T timesteps.
// Dimensions: B batch, T time, I input features, H hidden units. Keras layout: W [I,4H], U [H,4H], bias [4H],
// gate blocks i, f, c, o. Buffers are aligned to INPUT positions: hseq[b, t] is the state after reading x[b, t],
// whichever direction (reverse = go_backwards processes t = T-1 .. 0). The layer reorders outputs as Keras returns them.
import { gemm_nn, gemm_nn_packed, gemm_rows_packed, pack_b, pack_panels, row_panels, gemm_tn, transpose } from './gemm';
import { vactGrad, sactGrad } from './simd';
import { colsum_add, activation_forward } from './dense';
import { fill_hprev, mul_rows } from './recurrent';

// Batches up to this many rows take the forward's input product for all timesteps in one call. Measured on B's
// shapes (T 200, I 64, H 64): 1.2x at one row, even at 2-4, 0.95-0.97x at 8 and at 32 in training (the product
// per timestep then runs at the peak already, and z_t is still in cache when the gates read it).
const WHOLE_B: i32 = 4;

@inline function pos(s: i32, T: i32, reverse: i32): i32 { return reverse != 0 ? T - 1 - s : s; }

// Caches written for backward: gates [B,T,4H] post-activation (i, f, g, o), cseq [B,T,H] cell states,
// phic [B,T,H] = act(c), or 0: not cached (backward recomputes it from cseq, the same bits, and a [B,T,H] buffer
// fewer is touched). hseq [B,T,H] is the output.
// mask [B,T] (1 real, 0 masked; 0 pointer = no mask), aligned to input positions: at a masked step the state (h, c)
// is carried unchanged, so hseq[b, t] holds the carried h (Keras's output there when zero_output_for_mask is off).
// infer = 1: the gate activations and act(c) are not written back, as no backward pass will read them.
// ztab, zidx (0 = unused): the input product is already done, once per distinct input row: ztab [n, 4H] holds
// bias + x_r . W for each distinct row r (summed as below), and zidx [B*T] (i32) gives each position's row in it.
// ztab must not overlap the rows of `gates` this call writes (in inference its first B rows, where z_t lives; in
// training all of it, the cache backward reads).
// xidx (inference only; 0 = unused; needs pack): x is an embedding's table [V, I] and xidx [B*T] (i32) its ids,
// each position's input row then read from the table (gemm_rows_packed: the same bits as on the gathered rows), 16
// rows at a time copied into xrows (scratch of 16 * min(I, 256) floats, this call's own: not shared with another
// thread's call).
// rmask [B,H] (0 = none): recurrent dropout, h_{t-1} * rmask in the recurrent product (recurrent.ts), hm its scratch [B,H].
export function lstm_forward(hseq: usize, cseq: usize, gates: usize, phic: usize,
                             x: usize, W: usize, U: usize, bias: usize,
                             B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                             infer: i32, pack: usize, ztab: usize, zidx: usize, xidx: usize, xrows: usize, rmask: usize, hm: usize): void {
  lstmForward(hseq, cseq, gates, phic, x, W, U, bias, B, T, I, H, reverse, act, recAct, mask, infer, pack, ztab, zidx, xidx, xrows, 0, 0, 0, rmask, hm);
}

// lstm_forward that also writes each h_t, as its step makes it, to out (rows ldo floats apart, aligned to input
// positions like hseq): a Bidirectional's half of its concat output [B,T,2H] (ldo 2H) in inference, where a copy at
// the end would go over every line again (with two threads, lines the other core has read: their stores then wait,
// where a step's stores drain while the next step computes). The same bits.
export function lstm_forward_out(out: usize, ldo: i32, hseq: usize, cseq: usize, gates: usize, phic: usize,
                                 x: usize, W: usize, U: usize, bias: usize,
                                 B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                                 infer: i32, pack: usize, ztab: usize, zidx: usize, xidx: usize, xrows: usize): void {
  lstmForward(hseq, cseq, gates, phic, x, W, U, bias, B, T, I, H, reverse, act, recAct, mask, infer, pack, ztab, zidx, xidx, xrows, 0, out, ldo, 0, 0);
}

// lstm_forward with W (unless ztab is used) and U already packed into `pack` by lstm_pack: for rows of a batch run
// as parts of their own (each part's buffers offset to its first row; `gates` offset by b0 * 4H floats in inference,
// where z_t has row stride 4H, so parts of more than WHOLE_B rows), which then share one packing. The same bits.
export function lstm_forward_packed(hseq: usize, cseq: usize, gates: usize, phic: usize,
                                    x: usize, W: usize, U: usize, bias: usize,
                                    B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                                    infer: i32, pack: usize, ztab: usize, zidx: usize, xidx: usize, xrows: usize): void {
  lstmForward(hseq, cseq, gates, phic, x, W, U, bias, B, T, I, H, reverse, act, recAct, mask, infer, pack, ztab, zidx, xidx, xrows, 1, 0, 0, 0, 0);
}

// W (withW) and U packed into 16-column panels in `pack` as lstm_forward packs them: W's [I, 4H] first, U's after.
export function lstm_pack(pack: usize, W: usize, U: usize, I: i32, H: i32, withW: i32): void {
  const G = 4 * H;
  if (withW != 0) pack_b(pack, W, I, G, G);
  pack_b(pack + <usize>I * <usize>(G & ~15) * 4, U, H, G, G);
}

function lstmForward(hseq: usize, cseq: usize, gates: usize, phic: usize,
                     x: usize, W: usize, U: usize, bias: usize,
                     B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                     infer: i32, pack: usize, ztab: usize, zidx: usize, xidx: usize, xrows: usize, packed: i32, out: usize, ldo: i32,
                     rmask: usize, hm: usize): void {
  const G = 4 * H;
  const keep = infer == 0 && phic != 0; // act(c) cached for backward
  // With scratch (pack, (I + H) * 4H floats), W and U are packed once into 16-column panels for the T products.
  const Wp = pack, Up = pack + <usize>I * <usize>(G & ~15) * 4;
  const tab = ztab != 0;
  // U's 16-column panels serve gemm_nn_packed's 2-row tiles, so only two rows or more. One row (B = 1) takes its
  // recurrent product from U itself, or, for a U of 32 KB or more, which L1 does not keep between steps, from U in
  // panels of 28 and 24 columns (pack_panels), each read by row_panels in one sequential sweep from L2 (the same bits:
  // B batch 1 1.03x; a smaller U, as A's 16 KB, stays in L1 and packing it per call only costs, 0.97x).
  const panels = pack != 0 && B == 1 && H * G >= 8192 && packed == 0;
  if (pack != 0 && packed == 0) {
    if (!tab) pack_b(Wp, W, I, G, G);
    if (B > 1) pack_b(Up, U, H, G, G);
    else if (panels) pack_panels(Up, U, H, G, G);
  }
  // z_t = bias + x_t . W + h_{t-1} . U. Each element sums bias, then x . W over k, then h . U over k, in that order,
  // whether the input product runs one timestep at a time or for all timesteps at once (the same bits).
  // Batches of up to WHOLE_B rows take the input product for the whole sequence in one call (B*T rows: a product
  // at the tiles' full speed instead of T products of one or two rows), in the cache layout (row stride T*G).
  // Larger batches go one timestep at a time so z_t is still in cache when the gates read it; in inference z_t then
  // lives in the first B rows of `gates` (row stride G).
  const whole = B <= WHOLE_B && !tab;
  const stepRows = infer != 0 && !whole;
  const ldz = stepRows ? G : T * G;
  if (whole) {
    const rows = B * T;
    for (let r = 0; r < rows; r++) memory.copy(gates + <usize>r * <usize>G * 4, bias, <usize>G * 4);
    if (xidx != 0) gemm_rows_packed(gates, x, xidx, 1, W, Wp, xrows, rows, G, I, I, G, G, 1);
    else if (pack != 0) gemm_nn_packed(gates, x, W, Wp, rows, G, I, I, G, G, 1);
    else gemm_nn(gates, x, W, rows, G, I, I, G, G, 1);
  }
  for (let s = 0; s < T; s++) {
    const t = pos(s, T, reverse);
    const zt = stepRows ? gates : gates + <usize>t * <usize>G * 4;
    if (tab) {
      for (let b = 0; b < B; b++) {
        const r = load<i32>(zidx + (<usize>b * <usize>T + <usize>t) * 4);
        memory.copy(zt + <usize>b * <usize>ldz * 4, ztab + <usize>r * <usize>G * 4, <usize>G * 4);
      }
    } else if (!whole) {
      for (let b = 0; b < B; b++) memory.copy(zt + <usize>b * <usize>ldz * 4, bias, <usize>G * 4);
      if (xidx != 0) gemm_rows_packed(zt, x, xidx + <usize>t * 4, T, W, Wp, xrows, B, G, I, I, G, ldz, 1);
      else if (pack != 0) gemm_nn_packed(zt, x + <usize>t * <usize>I * 4, W, Wp, B, G, I, T * I, G, ldz, 1);
      else gemm_nn(zt, x + <usize>t * <usize>I * 4, W, B, G, I, T * I, G, ldz, 1);
    }
    if (s > 0) {
      const tp = pos(s - 1, T, reverse);
      // forward: z_t += h_{t-1} . U  (rows b strided by T; with recurrent dropout h_{t-1} * rmask, rows H apart in hm)
      let hp = hseq + <usize>tp * <usize>H * 4, ldh = T * H;
      if (rmask != 0) { mul_rows(hm, hp, rmask, B, H, ldh, 0); hp = hm; ldh = H; }
      if (panels) row_panels(zt, hp, Up, G, H);
      else if (pack != 0) gemm_nn_packed(zt, hp, U, Up, B, G, H, ldh, G, ldz, 1);
      else gemm_nn(zt, hp, U, B, G, H, ldh, G, ldz, 1);
    }
    for (let b = 0; b < B; b++) {
      const z = zt + <usize>b * <usize>ldz * 4;
      const off = (<usize>b * <usize>T + <usize>t) * <usize>H * 4;
      const cprevp = s > 0 ? cseq + (<usize>b * <usize>T + <usize>pos(s - 1, T, reverse)) * <usize>H * 4 : 0;
      const Hb = <usize>H * 4;
      if (mask != 0 && load<f32>(mask + (<usize>b * <usize>T + <usize>t) * 4) == 0) {
        // masked step: carry (h, c); zeros before the first processed step
        if (s > 0) {
          const prev = (<usize>b * <usize>T + <usize>pos(s - 1, T, reverse)) * Hb;
          memory.copy(hseq + off, hseq + prev, Hb);
          memory.copy(cseq + off, cseq + prev, Hb);
        } else {
          memory.fill(hseq + off, 0, Hb);
          memory.fill(cseq + off, 0, Hb);
        }
        if (out != 0) memory.copy(out + (<usize>b * <usize>T + <usize>t) * <usize>ldo * 4, hseq + off, Hb);
        continue;
      }
      // the gates' activations in place, block by block (i and f together): short loops whose iterations the CPU
      // overlaps, where one long body per four units left it waiting on each exp and division in turn
      activation_forward(z, z, 2 * H, recAct);
      activation_forward(z + 2 * Hb, z + 2 * Hb, H, act);
      activation_forward(z + 3 * Hb, z + 3 * Hb, H, recAct);
      // c = f * c_prev + i * g for the row, then act(c) for the row at once (two vectors at a time, as the gates),
      // into the act(c) cache or straight into h; then h = o * act(c)
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const jo = <usize>j * 4;
        const gi = v128.load(z + jo), gf = v128.load(z + Hb + jo), gg = v128.load(z + 2 * Hb + jo);
        const cprev = cprevp != 0 ? v128.load(cprevp + jo) : f32x4.splat(0.0);
        v128.store(cseq + off + jo, f32x4.add(f32x4.mul(gf, cprev), f32x4.mul(gi, gg)));
      }
      for (; j < H; j++) {
        const jo = <usize>j * 4;
        const gi = load<f32>(z + jo), gf = load<f32>(z + Hb + jo), gg = load<f32>(z + 2 * Hb + jo);
        const cprev: f32 = cprevp != 0 ? load<f32>(cprevp + jo) : 0;
        store<f32>(cseq + off + jo, gf * cprev + gi * gg);
      }
      const pcp = keep ? phic + off : hseq + off;
      activation_forward(pcp, cseq + off, H, act);
      // (without out, op is hseq's row itself: the same store twice, cheaper than a branch per vector)
      const op = out != 0 ? out + (<usize>b * <usize>T + <usize>t) * <usize>ldo * 4 : hseq + off;
      for (j = 0; j + 4 <= H; j += 4) {
        const jo = <usize>j * 4;
        const h = f32x4.mul(v128.load(z + 3 * Hb + jo), v128.load(pcp + jo));
        v128.store(hseq + off + jo, h);
        v128.store(op + jo, h);
      }
      for (; j < H; j++) {
        const jo = <usize>j * 4;
        const h = load<f32>(z + 3 * Hb + jo) * load<f32>(pcp + jo);
        store<f32>(hseq + off + jo, h);
        store<f32>(op + jo, h);
      }
    }
  }
}

// Backward through time in one call. Accumulates into dx [B,T,I] (or writes it, dxWrite = 1: then dx may be memory
// whose contents are dead, as long as nothing else this call reads lies there; dx 0: none), dW [I,4H], dU [H,4H], dbias [4H].
// dhseq [B,T,H] is the gradient of the loss w.r.t. hseq (aligned like hseq). Scratch (caller-owned, no init needed):
// dz [B,T,4H], dhrec [B,H], dcrec [B,H], hprev [B,T,H], UT [4H,H], WT [4H,I] (its first row
// also holds act(c) of the step when phic is 0), pack [min(B*T, 256), 4H] (or 0: slower weight gradients and dx,
// same bits). dz may be the gates cache itself (each
// step reads its gates before writing its dz), which then no longer holds the forward's gates; hprev may be dhseq
// itself (dhseq is read only in the recurrence, hprev written only after it).
// With a mask, a masked step passes dh and dc straight to the previous step and its dz row is 0, so nothing flows
// into x or the weights there.
// rmask, hm: the forward's recurrent dropout mask and scratch [B,H] (0 = none).
export function lstm_backward(dx: usize, dW: usize, dU: usize, dbias: usize, dhseq: usize,
                              dz: usize, dhrec: usize, dcrec: usize, hprev: usize, UT: usize, WT: usize,
                              x: usize, hseq: usize, cseq: usize, gates: usize, phic: usize, W: usize, U: usize,
                              B: i32, T: i32, I: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize,
                              pack: usize, dxWrite: i32, rmask: usize, hm: usize): void {
  const G = 4 * H;
  transpose(UT, U, H, G);
  // U^T in panels for the recurrence's products (pack is free until the weight gradients): the same bits
  const UTp = backwardPanels(pack, UT, B, T, G, H);
  // the recurrence, act(c) (when not cached) in WT's first row: WT is transposed only after it
  backwardSteps(dhseq, dz, dhrec, dcrec, hprev, WT, UT, UTp, hseq, cseq, gates, phic, B, T, H, reverse, act, recAct, mask, rmask, hm);
  const rows = B * T;
  // forward: z = x . W + h_prev . U + bias
  gemm_tn(dW, x, dz, I, G, rows, I, G, G, pack);
  gemm_tn(dU, hprev, dz, H, G, rows, H, G, G, pack);
  colsum_add(dbias, dz, rows, G);
  // dx 0: no input gradient (nothing before this layer trains)
  if (dx == 0) return;
  transpose(WT, W, I, G);
  // (written, not accumulated, with dxWrite: the same bits as accumulating into zeros); W^T in panels when pack
  // holds them (the same bits, 1.13-1.15x on B's 6400 x 256 . 256 x 64)
  const I16 = I & ~15;
  if (pack != 0 && I16 > 0 && I16 <= min(rows, 256)) {
    pack_b(pack, WT, G, I, I);
    gemm_nn_packed(dx, dz, WT, pack, rows, I, G, G, I, I, dxWrite != 0 ? 0 : 1);
  } else {
    gemm_nn(dx, dz, WT, rows, I, G, G, I, I, dxWrite != 0 ? 0 : 1);
  }
}

// lstm_backward's recurrence and h_{t-1} rows for rows of a batch as a part of their own (every pointer at the
// part's first row: dhseq, dz/gates and hprev, hseq, cseq, phic and mask at row b0 of [B,T,...], dhrec, dcrec and
// cact at row b0 of [B,H]), UT = U transposed already (transpose); cact [H] per part: scratch for act(c) when phic
// is 0. The weight gradients and dx then go over all rows (gemm_tn, colsum_add, gemm_nn, as lstm_backward does them:
// the same sums, so the same bits).
export function lstm_backward_rows(dhseq: usize, dz: usize, dhrec: usize, dcrec: usize, hprev: usize, cact: usize, UT: usize,
                                   UTp: usize, hseq: usize, cseq: usize, gates: usize, phic: usize,
                                   B: i32, T: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize): void {
  backwardSteps(dhseq, dz, dhrec, dcrec, hprev, cact, UT, UTp, hseq, cseq, gates, phic, B, T, H, reverse, act, recAct, mask, 0, 0);
}

// U^T [4H, H] packed into pack for the recurrence's products (pack_b), or 0 (unpacked): without pack, for one row
// (whose product reads U^T itself), for H under 16 (no full panel) or where the panels (4H x (H & ~15) floats) would
// not fit in pack's min(B*T, 256) x 4H.
@inline function backwardPanels(pack: usize, UT: usize, B: i32, T: i32, G: i32, H: i32): usize {
  if (pack == 0 || B < 2 || H < 16 || (H & ~15) > min(B * T, 256)) return 0;
  pack_b(pack, UT, G, H, H);
  return pack;
}

// Reads one byte per 64 of row (b, t)'s gates, c, c_prev and dh (see backwardSteps); changes nothing.
@inline function touchRow(gates: usize, cseq: usize, dhseq: usize, b: i32, t: i32, s: i32, T: i32, G: i32, Hb: usize, reverse: i32): void {
  const r = <usize>b * <usize>T + <usize>t;
  const gz = gates + r * <usize>G * 4;
  for (let o: usize = 0; o < <usize>G * 4; o += 64) load<u8>(gz + o);
  for (let o: usize = 0; o < Hb; o += 64) { load<u8>(cseq + r * Hb + o); load<u8>(dhseq + r * Hb + o); }
  if (s > 0) {
    const cp = cseq + (<usize>b * <usize>T + <usize>pos(s - 1, T, reverse)) * Hb;
    for (let o: usize = 0; o < Hb; o += 64) load<u8>(cp + o);
  }
}

// Backward through time for B rows: dz of every step, the state gradients carried in dhrec/dcrec, then hprev (see
// lstm_backward). cact: H floats of scratch for act(c) when phic is 0.
function backwardSteps(dhseq: usize, dz: usize, dhrec: usize, dcrec: usize, hprev: usize, cact: usize, UT: usize, UTp: usize,
                       hseq: usize, cseq: usize, gates: usize, phic: usize,
                       B: i32, T: i32, H: i32, reverse: i32, act: i32, recAct: i32, mask: usize, rmask: usize, hm: usize): void {
  const G = 4 * H;
  const Hb = <usize>H * 4;
  memory.fill(dhrec, 0, <usize>B * Hb);
  memory.fill(dcrec, 0, <usize>B * Hb);
  for (let s = T - 1; s >= 0; s--) {
    const t = pos(s, T, reverse);
    for (let b = 0; b < B; b++) {
      const off = (<usize>b * <usize>T + <usize>t) * Hb;
      const gz = gates + (<usize>b * <usize>T + <usize>t) * <usize>G * 4;
      const dzp = dz + (<usize>b * <usize>T + <usize>t) * <usize>G * 4;
      const cprevp = s > 0 ? cseq + (<usize>b * <usize>T + <usize>pos(s - 1, T, reverse)) * Hb : 0;
      const dhr = dhrec + <usize>b * Hb;
      const dcr = dcrec + <usize>b * Hb;
      if (mask != 0 && load<f32>(mask + (<usize>b * <usize>T + <usize>t) * 4) == 0) {
        // forward: (h, c) carried  =>  dh_prev = dh (the gemm below adds 0 for this row), dc_prev = dc, dz = 0
        for (let j = 0; j < H; j++) {
          const jo = <usize>j * 4;
          store<f32>(dhr + jo, load<f32>(dhseq + off + jo) + load<f32>(dhr + jo));
        }
        memory.fill(dzp, 0, <usize>G * 4);
        continue;
      }
      // the next row's lines requested now (loads whose values go unused; nothing else changes): a row's gates, c,
      // c_prev and dh lie T rows from the last row's, short streams the hardware prefetchers do not pick up in time,
      // and the loop below waited on them one miss after another (out of cache, 5x the in-cache time per unit).
      // lstm_backward_rows on B's shapes with dz on the gates, as the layer runs it: 1.15x at 32 and 16 rows
      if (b + 1 < B) touchRow(gates, cseq, dhseq, b + 1, t, s, T, G, Hb, reverse);
      else if (s > 0) touchRow(gates, cseq, dhseq, 0, pos(s - 1, T, reverse), s - 1, T, G, Hb, reverse);
      // act(c) of this step: the forward's cache, or recomputed from c into one row of WT (free until the end)
      let pcp = phic + off;
      if (phic == 0) { pcp = cact; activation_forward(cact, cseq + off, H, act); }
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const jo = <usize>j * 4;
        const gi = v128.load(gz + jo), gf = v128.load(gz + Hb + jo), gg = v128.load(gz + 2 * Hb + jo), go = v128.load(gz + 3 * Hb + jo);
        const pc = v128.load(pcp + jo);
        const cprev = cprevp != 0 ? v128.load(cprevp + jo) : f32x4.splat(0.0);
        const dh = f32x4.add(v128.load(dhseq + off + jo), v128.load(dhr + jo));
        v128.store(dhr + jo, f32x4.splat(0.0));
        // forward: h = o * act(c)  =>  do = dh * act(c), dc = dc_next + dh * o * act'(c)
        const dgo = f32x4.mul(dh, pc);
        const dc = f32x4.add(v128.load(dcr + jo), f32x4.mul(f32x4.mul(dh, go), vactGrad(pc, act)));
        // forward: c = f * c_prev + i * g
        const dgi = f32x4.mul(dc, gg);
        const dgg = f32x4.mul(dc, gi);
        const dgf = f32x4.mul(dc, cprev);
        v128.store(dcr + jo, f32x4.mul(dc, gf));
        // forward: gate = act(z)  =>  dz = dgate * act'(gate)
        v128.store(dzp + jo, f32x4.mul(dgi, vactGrad(gi, recAct)));
        v128.store(dzp + Hb + jo, f32x4.mul(dgf, vactGrad(gf, recAct)));
        v128.store(dzp + 2 * Hb + jo, f32x4.mul(dgg, vactGrad(gg, act)));
        v128.store(dzp + 3 * Hb + jo, f32x4.mul(dgo, vactGrad(go, recAct)));
      }
      for (; j < H; j++) {
        const jo = <usize>j * 4;
        const gi = load<f32>(gz + jo), gf = load<f32>(gz + Hb + jo), gg = load<f32>(gz + 2 * Hb + jo), go = load<f32>(gz + 3 * Hb + jo);
        const pc = load<f32>(pcp + jo);
        const cprev: f32 = cprevp != 0 ? load<f32>(cprevp + jo) : 0;
        const dh = load<f32>(dhseq + off + jo) + load<f32>(dhr + jo);
        store<f32>(dhr + jo, 0);
        const dgo = dh * pc;
        const dc = load<f32>(dcr + jo) + (dh * go) * sactGrad(pc, act);
        const dgi = dc * gg, dgg = dc * gi, dgf = dc * cprev;
        store<f32>(dcr + jo, dc * gf);
        store<f32>(dzp + jo, dgi * sactGrad(gi, recAct));
        store<f32>(dzp + Hb + jo, dgf * sactGrad(gf, recAct));
        store<f32>(dzp + 2 * Hb + jo, dgg * sactGrad(gg, act));
        store<f32>(dzp + 3 * Hb + jo, dgo * sactGrad(go, recAct));
      }
    }
    // forward: z_t += h_{t-1} . U  =>  dh_{t-1} = dz_t . U^T  (+ the pass-through of masked rows, stored above); with
    // recurrent dropout z_t += (h_{t-1} * m) . U  =>  dh_{t-1} += (dz_t . U^T) * m, the product into hm first
    const g = rmask != 0 ? hm : dhrec, acc = rmask != 0 ? 0 : 1;
    if (UTp != 0) gemm_nn_packed(g, dz + <usize>t * <usize>G * 4, UT, UTp, B, H, G, T * G, H, H, acc);
    else gemm_nn(g, dz + <usize>t * <usize>G * 4, UT, B, H, G, T * G, H, H, acc);
    if (rmask != 0) mul_rows(dhrec, hm, rmask, B, H, H, 1);
  }
  fill_hprev(hprev, hseq, B, T, H, reverse, rmask);
}

