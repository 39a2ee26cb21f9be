// The reference attention layer: e_t = tanh(x_t . W + b_t), a = softmax over time of e, y = x * a or sum_t a_t x_t.
// Dimensions: B batch, T time, F features. W [F] (Keras [F,1]), b [T] (Keras [T,1]). Caches: a [B,T], e [B,T].
import { vexp, sexp, stanh, vtanh2, hsum } from './simd';

// Dot product of two F-vectors in a fixed order: four lane sums, hsum, then the tail in order.
@inline function dot(p: usize, q: usize, F: i32): f32 {
  let acc = f32x4.splat(0.0);
  let f = 0;
  for (; f + 4 <= F; f += 4) {
    const fo = <usize>f * 4;
    acc = f32x4.add(acc, f32x4.mul(v128.load(p + fo), v128.load(q + fo)));
  }
  let s = hsum(acc);
  for (; f < F; f++) s = s + load<f32>(p + <usize>f * 4) * load<f32>(q + <usize>f * 4);
  return s;
}

// dot(p + i * stride, q, F) for i = 0..3, stored at out[i]: four independent chains side by side (one chain alone
// waits on each add in turn), each summed exactly as dot sums it, so the same bits.
@inline function dot4(out: usize, p: usize, stride: usize, q: usize, F: i32): void {
  let a0 = f32x4.splat(0.0), a1 = a0, a2 = a0, a3 = a0;
  const p1 = p + stride, p2 = p1 + stride, p3 = p2 + stride;
  let f = 0;
  for (; f + 4 <= F; f += 4) {
    const fo = <usize>f * 4;
    const w = v128.load(q + fo);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(p + fo), w)); a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + fo), w));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + fo), w)); a3 = f32x4.add(a3, f32x4.mul(v128.load(p3 + fo), w));
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  for (; f < F; f++) {
    const fo = <usize>f * 4;
    const w = load<f32>(q + fo);
    s0 = s0 + load<f32>(p + fo) * w; s1 = s1 + load<f32>(p1 + fo) * w;
    s2 = s2 + load<f32>(p2 + fo) * w; s3 = s3 + load<f32>(p3 + fo) * w;
  }
  store<f32>(out, s0); store<f32>(out, s1, 4); store<f32>(out, s2, 8); store<f32>(out, s3, 12);
}

// y[b] += scale * v  over F elements.
@inline function axpy(y: usize, v: usize, scale: f32, F: i32): void {
  const sv = f32x4.splat(scale);
  let f = 0;
  for (; f + 4 <= F; f += 4) {
    const fo = <usize>f * 4;
    v128.store(y + fo, f32x4.add(v128.load(y + fo), f32x4.mul(sv, v128.load(v + fo))));
  }
  for (; f < F; f++) {
    const fo = <usize>f * 4;
    store<f32>(y + fo, load<f32>(y + fo) + scale * load<f32>(v + fo));
  }
}

// Max-subtracted softmax of n values in place (row of T), exps computed 4 at a time with identical scalar tails.
export function softmax_row(p: usize, n: i32): void {
  let m = load<f32>(p);
  for (let i = 1; i < n; i++) { const v = load<f32>(p + <usize>i * 4); m = v > m ? v : m; if (v != v) m = v; }
  let sum: f32 = 0;
  let i = 0;
  const mv = f32x4.splat(m);
  for (; i + 4 <= n; i += 4) {
    const io = <usize>i * 4;
    v128.store(p + io, vexp(f32x4.sub(v128.load(p + io), mv)));
  }
  for (; i < n; i++) { const io = <usize>i * 4; store<f32>(p + io, sexp(load<f32>(p + io) - m)); }
  for (i = 0; i < n; i++) sum = sum + load<f32>(p + <usize>i * 4);
  const inv: f32 = 1.0 / sum;
  for (i = 0; i < n; i++) { const io = <usize>i * 4; store<f32>(p + io, load<f32>(p + io) * inv); }
}

// Softmax over the real steps of one row: masked steps get exactly 0, the max is taken over real steps, and a row
// with no real step is all zeros. Same exp bits as softmax_row (sexp is a lane of vexp); sums skip masked steps.
function softmax_row_masked(p: usize, m: usize, n: i32): void {
  let mx: f32 = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    if (load<f32>(m + <usize>i * 4) == 0) continue;
    const v = load<f32>(p + <usize>i * 4);
    if (!any || v > mx || v != v) mx = v;
    any = true;
  }
  let sum: f32 = 0;
  for (let i = 0; i < n; i++) {
    const io = <usize>i * 4;
    if (load<f32>(m + io) == 0) { store<f32>(p + io, 0); continue; }
    const v = sexp(load<f32>(p + io) - mx);
    store<f32>(p + io, v);
    sum = sum + v;
  }
  if (!any) return;
  const inv: f32 = 1.0 / sum;
  for (let i = 0; i < n; i++) { const io = <usize>i * 4; store<f32>(p + io, load<f32>(p + io) * inv); }
}

@inline function real(mask: usize, b: i32, t: i32, T: i32): bool {
  return mask == 0 || load<f32>(mask + (<usize>b * <usize>T + <usize>t) * 4) != 0;
}

// y [B,T,F] if returnSequences else [B,F]. mask [B,T] (0 pointer = none): masked steps get weight 0 and are skipped,
// so the output does not depend on what they hold; a sample with no real step gives y = 0.
export function attention_forward(y: usize, a: usize, e: usize, x: usize, W: usize, bias: usize,
                                  B: i32, T: i32, F: i32, returnSequences: i32, mask: usize): void {
  const Fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    const ab = a + <usize>b * <usize>T * 4;
    const eb = e + <usize>b * <usize>T * 4;
    // forward: e_t = tanh(x_t . W + b_t): the sums first, then tanh over the row eight at a time (vtanh2, the same
    // bits as one at a time; a scalar tanh per step cost more than the dot products)
    let t = 0;
    for (; t + 4 <= T; t += 4) dot4(eb + <usize>t * 4, x + (<usize>b * <usize>T + <usize>t) * Fb, Fb, W, F);
    for (; t < T; t++) store<f32>(eb + <usize>t * 4, dot(x + (<usize>b * <usize>T + <usize>t) * Fb, W, F));
    for (t = 0; t < T; t++) store<f32>(eb + <usize>t * 4, load<f32>(eb + <usize>t * 4) + load<f32>(bias + <usize>t * 4));
    t = 0;
    for (; t + 8 <= T; t += 8) vtanh2(eb + <usize>t * 4, eb + <usize>t * 4);
    for (; t < T; t++) store<f32>(eb + <usize>t * 4, stanh(load<f32>(eb + <usize>t * 4)));
    memory.copy(ab, eb, <usize>T * 4);
    if (mask != 0) softmax_row_masked(ab, mask + <usize>b * <usize>T * 4, T);
    else softmax_row(ab, T);
    if (returnSequences != 0) {
      for (let t = 0; t < T; t++) {
        const off = (<usize>b * <usize>T + <usize>t) * Fb;
        memory.fill(y + off, 0, Fb);
        if (real(mask, b, t, T)) axpy(y + off, x + off, load<f32>(ab + <usize>t * 4), F);
      }
    } else {
      const yb = y + <usize>b * Fb;
      memory.fill(yb, 0, Fb);
      for (let t = 0; t < T; t++) {
        if (real(mask, b, t, T)) axpy(yb, x + (<usize>b * <usize>T + <usize>t) * Fb, load<f32>(ab + <usize>t * 4), F);
      }
    }
  }
}

// Accumulates dx [B,T,F], dW [F], db [T]. dy is [B,T,F] or [B,F]. Scratch du [B,T].
export function attention_backward(dx: usize, dW: usize, db: usize, dy: usize, du: usize,
                                   x: usize, a: usize, e: usize, W: usize,
                                   B: i32, T: i32, F: i32, returnSequences: i32, mask: usize): void {
  attention_backward_rows(dx, dy, du, x, a, e, W, B, T, F, returnSequences, mask);
  attention_backward_weights(dW, db, du, x, B, T, F, mask);
}

// attention_backward's part for each row on its own: dx [B,T,F] and the score gradients du [B,T] of rows [0, B).
// Rows are independent, so a batch can be cut into parts (pointers moved to the part's first row) that run on
// different threads, each row's sums as in the whole batch.
export function attention_backward_rows(dx: usize, dy: usize, du: usize, x: usize, a: usize, e: usize, W: usize,
                                        B: i32, T: i32, F: i32, returnSequences: i32, mask: usize): void {
  const Fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    const ab = a + <usize>b * <usize>T * 4;
    const eb = e + <usize>b * <usize>T * 4;
    const dub = du + <usize>b * <usize>T * 4;
    // forward: y_t = a_t x_t (or y = sum_t a_t x_t)  =>  da_t = <dy_t, x_t>
    let sad: f32 = 0;
    for (let t = 0; t < T; t++) {
      if (!real(mask, b, t, T)) { store<f32>(dub + <usize>t * 4, 0); continue; }
      const xt = x + (<usize>b * <usize>T + <usize>t) * Fb;
      const dyt = returnSequences != 0 ? dy + (<usize>b * <usize>T + <usize>t) * Fb : dy + <usize>b * Fb;
      const da = dot(dyt, xt, F);
      store<f32>(dub + <usize>t * 4, da);
      sad = sad + load<f32>(ab + <usize>t * 4) * da;
    }
    for (let t = 0; t < T; t++) {
      if (!real(mask, b, t, T)) continue; // a_t = 0: nothing flows into a masked step
      const at = load<f32>(ab + <usize>t * 4);
      const et = load<f32>(eb + <usize>t * 4);
      // forward: a = softmax_t(e)  =>  de_t = a_t * (da_t - sum_s a_s da_s)
      const de = at * (load<f32>(dub + <usize>t * 4) - sad);
      // forward: e = tanh(u)  =>  du = de * (1 - e^2)
      const dut = de * (1.0 - et * et);
      store<f32>(dub + <usize>t * 4, dut);
      const off = (<usize>b * <usize>T + <usize>t) * Fb;
      const dyt = returnSequences != 0 ? dy + off : dy + <usize>b * Fb;
      // forward: y_t = a_t x_t and u_t = x_t . W + b_t  =>  dx_t += a_t dy_t + du_t W
      axpy(dx + off, dyt, at, F);
      axpy(dx + off, W, dut, F);
    }
  }
}

// attention_backward's part summed over the batch, from attention_backward_rows' du [B,T]: the whole batch at once.
export function attention_backward_weights(dW: usize, db: usize, du: usize, x: usize, B: i32, T: i32, F: i32, mask: usize): void {
  const Fb = <usize>F * 4;
  // dW += sum_{b,t} du_bt x_bt ; db_t += sum_b du_bt  (b, then t, in order)
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      if (!real(mask, b, t, T)) continue;
      const dut = load<f32>(du + (<usize>b * <usize>T + <usize>t) * 4);
      axpy(dW, x + (<usize>b * <usize>T + <usize>t) * Fb, dut, F);
      store<f32>(db + <usize>t * 4, load<f32>(db + <usize>t * 4) + dut);
    }
  }
}
