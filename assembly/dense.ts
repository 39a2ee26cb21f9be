// Dense and activation kernels: y = act(x . K + b) pieces, elementwise activations, row softmax, column sums, and
// the small copies layers need (broadcast rows, time flip, Bidirectional merges). Dimensions: M rows, N columns.
import { vact, vactGrad, sact, sactGrad, vsigmoid2, vsigmoid4, vtanh2, vtanh4, ACT_SIGMOID, ACT_TANH } from './simd';
import { softmax_row } from './attention';

// y[M,N] = rows of v[N] (bias broadcast before a gemm accumulates onto it).
export function rows_set(y: usize, v: usize, M: i32, N: i32): void {
  const rb = <usize>N * 4;
  for (let r = 0; r < M; r++) memory.copy(y + <usize>r * rb, v, rb);
}

// db[N] += sum over rows of dz[M, N], rows in order.
export function colsum_add(db: usize, dz: usize, M: i32, N: i32): void {
  for (let r = 0; r < M; r++) {
    const row = dz + <usize>r * <usize>N * 4;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const jo = <usize>j * 4;
      v128.store(db + jo, f32x4.add(v128.load(db + jo), v128.load(row + jo)));
    }
    for (; j < N; j++) {
      const jo = <usize>j * 4;
      store<f32>(db + jo, load<f32>(db + jo) + load<f32>(row + jo));
    }
  }
}

// y[n] = act(x[n]); y may alias x.
export function activation_forward(y: usize, x: usize, n: i32, kind: i32): void {
  let i = 0;
  if (kind == ACT_SIGMOID) {
    for (; i + 16 <= n; i += 16) { const o = <usize>i * 4; vsigmoid4(y + o, x + o); }
    for (; i + 8 <= n; i += 8) { const o = <usize>i * 4; vsigmoid2(y + o, x + o); }
  }
  else if (kind == ACT_TANH) {
    for (; i + 16 <= n; i += 16) { const o = <usize>i * 4; vtanh4(y + o, x + o); }
    for (; i + 8 <= n; i += 8) { const o = <usize>i * 4; vtanh2(y + o, x + o); }
  }
  for (; i + 4 <= n; i += 4) { const o = <usize>i * 4; v128.store(y + o, vact(v128.load(x + o), kind)); }
  for (; i < n; i++) { const o = <usize>i * 4; store<f32>(y + o, sact(load<f32>(x + o), kind)); }
}

// forward: y = act(x)  =>  dx += dy * act'(y)
export function activation_backward(dx: usize, dy: usize, y: usize, n: i32, kind: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(v128.load(dy + o), vactGrad(v128.load(y + o), kind))));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * sactGrad(load<f32>(y + o), kind));
  }
}

// Row-wise softmax over the last axis, y may alias x.
export function softmax_forward(y: usize, x: usize, M: i32, N: i32): void {
  const rb = <usize>N * 4;
  for (let r = 0; r < M; r++) {
    if (y != x) memory.copy(y + <usize>r * rb, x + <usize>r * rb, rb);
    softmax_row(y + <usize>r * rb, N);
  }
}

// forward: y = softmax(x)  =>  dx += y * (dy - sum_j y_j dy_j)
export function softmax_backward(dx: usize, dy: usize, y: usize, M: i32, N: i32): void {
  for (let r = 0; r < M; r++) {
    const o = <usize>r * <usize>N * 4;
    let s: f32 = 0;
    for (let j = 0; j < N; j++) s = s + load<f32>(y + o + <usize>j * 4) * load<f32>(dy + o + <usize>j * 4);
    for (let j = 0; j < N; j++) {
      const p = o + <usize>j * 4;
      store<f32>(dx + p, load<f32>(dx + p) + load<f32>(y + p) * (load<f32>(dy + p) - s));
    }
  }
}

// y[b, t] = x[b, T-1-t] for rows of F features; y must not alias x. Its own inverse, so backward uses it too
// (with accumulate = 1: y += flip(x)).
export function flip_time(y: usize, x: usize, B: i32, T: i32, F: i32, accumulate: i32): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const dst = y + (<usize>b * <usize>T + <usize>t) * fb;
      const src = x + (<usize>b * <usize>T + <usize>(T - 1 - t)) * fb;
      if (accumulate != 0) add_into(dst, src, F);
      else memory.copy(dst, src, fb);
    }
  }
}

// y[n] += x[n]
export function add_into(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { const o = <usize>i * 4; v128.store(y + o, f32x4.add(v128.load(y + o), v128.load(x + o))); }
  for (; i < n; i++) { const o = <usize>i * 4; store<f32>(y + o, load<f32>(y + o) + load<f32>(x + o)); }
}

// Bidirectional merges over R rows of H features from forward f and backward g.
// mode 0 concat -> y [R, 2H]; 1 sum; 2 mul; 3 ave -> y [R, H].
export function merge_forward(y: usize, f: usize, g: usize, R: i32, H: i32, mode: i32): void {
  const hb = <usize>H * 4;
  for (let r = 0; r < R; r++) {
    const fo = f + <usize>r * hb, go = g + <usize>r * hb;
    if (mode == 0) {
      memory.copy(y + <usize>r * 2 * hb, fo, hb);
      memory.copy(y + <usize>r * 2 * hb + hb, go, hb);
      continue;
    }
    const yo = y + <usize>r * hb;
    for (let j = 0; j < H; j++) {
      const a = load<f32>(fo + <usize>j * 4), b = load<f32>(go + <usize>j * 4);
      let v: f32 = 0;
      if (mode == 1) v = a + b; else if (mode == 2) v = a * b; else v = (a + b) * 0.5;
      store<f32>(yo + <usize>j * 4, v);
    }
  }
}

// dst row r [n] = src row r for R rows, dst rows ldDst floats apart, src rows ldSrc apart: one direction's half of
// merge_forward's concat (the same copy), so each direction's thread can write its own half.
export function copy_rows(dst: usize, ldDst: i32, src: usize, ldSrc: i32, R: i32, n: i32): void {
  for (let r = 0; r < R; r++) memory.copy(dst + <usize>r * <usize>ldDst * 4, src + <usize>r * <usize>ldSrc * 4, <usize>n * 4);
}

// y[b, t, :] = x[b, t', :], t' = T-1-t with flip (else t), over B x T rows of F floats, y's rows ldY floats apart and
// x's ldX: one direction's half of a Bidirectional's concat, in and out of time order. plusZero: y = 0 + x (the bits
// of zeroing y and adding x: merge_backward's split, -0 -> +0), else a copy. y must not overlap x.
export function copy_steps(y: usize, ldY: i32, x: usize, ldX: i32, B: i32, T: i32, F: i32, flip: i32, plusZero: i32): void {
  const fb = <usize>F * 4;
  const zero = f32x4.splat(0.0);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const dst = y + (<usize>b * <usize>T + <usize>t) * <usize>ldY * 4;
      const src = x + (<usize>b * <usize>T + <usize>(flip != 0 ? T - 1 - t : t)) * <usize>ldX * 4;
      if (plusZero == 0) { memory.copy(dst, src, fb); continue; }
      let i = 0;
      for (; i + 4 <= F; i += 4) { const o = <usize>i * 4; v128.store(dst + o, f32x4.add(zero, v128.load(src + o))); }
      for (; i < F; i++) { const o = <usize>i * 4; store<f32>(dst + o, <f32>0 + load<f32>(src + o)); }
    }
  }
}

// Accumulates df, dg from dy for the merge above.
export function merge_backward(df: usize, dg: usize, dy: usize, f: usize, g: usize, R: i32, H: i32, mode: i32): void {
  const hb = <usize>H * 4;
  for (let r = 0; r < R; r++) {
    const fo = <usize>r * hb;
    if (mode == 0) {
      add_into(df + fo, dy + <usize>r * 2 * hb, H);
      add_into(dg + fo, dy + <usize>r * 2 * hb + hb, H);
      continue;
    }
    for (let j = 0; j < H; j++) {
      const p = fo + <usize>j * 4;
      const d = load<f32>(dy + p);
      let a: f32 = d, b: f32 = d;
      if (mode == 2) { a = d * load<f32>(g + p); b = d * load<f32>(f + p); }
      else if (mode == 3) { a = d * 0.5; b = d * 0.5; }
      store<f32>(df + p, load<f32>(df + p) + a);
      store<f32>(dg + p, load<f32>(dg + p) + b);
    }
  }
}

// y[b, :] = x[b, t, :]: one timestep of every sample (the last output of an LSTM without returnSequences).
export function take_step(y: usize, x: usize, B: i32, T: i32, F: i32, t: i32, accumulateInto: i32): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    const src = x + (<usize>b * <usize>T + <usize>t) * fb;
    const dst = y + <usize>b * fb;
    // accumulateInto: backward direction, x += y placed at step t
    if (accumulateInto != 0) add_into(src, dst, F);
    else memory.copy(dst, src, fb);
  }
}

// y[r, :] = x[r, :] * mask[r] over R rows of F (y may alias x); accumulate: y += x * mask. Zeroes masked outputs
// (Bidirectional with returnSequences, the masking layer) and their gradients.
export function mask_rows(y: usize, x: usize, mask: usize, R: i32, F: i32, accumulate: i32): void {
  const fb = <usize>F * 4;
  for (let r = 0; r < R; r++) {
    const m = load<f32>(mask + <usize>r * 4);
    const yo = y + <usize>r * fb, xo = x + <usize>r * fb;
    for (let j = 0; j < F; j++) {
      const o = <usize>j * 4;
      const v = load<f32>(xo + o) * m;
      store<f32>(yo + o, accumulate != 0 ? load<f32>(yo + o) + v : v);
    }
  }
}

// Keras Masking: mask[r] = 1 if any feature of row r differs from value, else 0.
export function masking_compute(mask: usize, x: usize, R: i32, F: i32, value: f32): void {
  const fb = <usize>F * 4;
  for (let r = 0; r < R; r++) {
    let any: f32 = 0;
    for (let j = 0; j < F; j++) if (load<f32>(x + <usize>r * fb + <usize>j * 4) != value) { any = 1; break; }
    store<f32>(mask + <usize>r * 4, any);
  }
}

// p[n] = 0 (as a kernel call, so a layer's zeroing can run on the thread that does its work).
export function zero_fill(p: usize, n: i32): void { memory.fill(p, 0, <usize>n * 4); }
