// What the recurrent kernels (lstm.ts, gru.ts, rnn.ts) share: h_{t-1} per position for the weight gradients, and
// Keras's recurrent_dropout, a keep mask rmask [B,H] (0 or 1 / (1 - rate)) on h_{t-1} where it enters the recurrent
// product (the carried state itself is not masked). Dimensions: B batch, T time, H hidden units.

@inline function pos(s: i32, T: i32, reverse: i32): i32 { return reverse != 0 ? T - 1 - s : s; }

// hprev[b, t] = the state before reading x[b, t] (zero at the first processed step), from hseq [B,T,H]; with rmask
// (0 = none) times the row's mask, the operand the recurrent product read.
export function fill_hprev(hprev: usize, hseq: usize, B: i32, T: i32, H: i32, reverse: i32, rmask: usize): void {
  const Hb = <usize>H * 4;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const dst = hprev + (<usize>b * <usize>T + <usize>pos(s, T, reverse)) * Hb;
      if (s == 0) memory.fill(dst, 0, Hb);
      else if (rmask != 0) mul_rows(dst, hseq + (<usize>b * <usize>T + <usize>pos(s - 1, T, reverse)) * Hb, rmask + <usize>b * Hb, 1, H, H, 0);
      else memory.copy(dst, hseq + (<usize>b * <usize>T + <usize>pos(s - 1, T, reverse)) * Hb, Hb);
    }
  }
}

// y[b] (+)= x[b] * m[b] for B rows of H floats (x's rows ldx floats apart, y's and m's H): the recurrent product's
// operand h_{t-1} * rmask (accumulate 0), or its gradient back through the mask into dh_{t-1} (accumulate 1).
export function mul_rows(y: usize, x: usize, m: usize, B: i32, H: i32, ldx: i32, accumulate: i32): void {
  for (let b = 0; b < B; b++) {
    const yo = y + <usize>b * <usize>H * 4, xo = x + <usize>b * <usize>ldx * 4, mo = m + <usize>b * <usize>H * 4;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j * 4;
      const v = f32x4.mul(v128.load(xo + o), v128.load(mo + o));
      v128.store(yo + o, accumulate != 0 ? f32x4.add(v128.load(yo + o), v) : v);
    }
    for (; j < H; j++) {
      const o = <usize>j * 4;
      const v = load<f32>(xo + o) * load<f32>(mo + o);
      store<f32>(yo + o, accumulate != 0 ? load<f32>(yo + o) + v : v);
    }
  }
}
