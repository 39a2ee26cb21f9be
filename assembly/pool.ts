// Global pooling over time (Keras GlobalAveragePooling1D / GlobalMaxPooling1D, channels_last): x [B, T, F] -> y [B, F].
// Dimensions: B batch, T time, F features. mask [B, T]: 1 real step, 0 masked (a 0 pointer: no mask).
// Each sample is pooled on its own, features in lanes of 4 with a scalar tail, steps in time order: a sample's bits do
// not depend on its batch position, its neighbours or the thread count.
import { add_into } from './dense';

@inline function is_real(mask: usize, b: i32, T: i32, t: i32): bool {
  return mask == 0 || load<f32>(mask + (<usize>b * <usize>T + <usize>t) * 4) != 0;
}

// y[n] = y[n] / d (or += dy[n] / d into y when dy != 0)
@inline function div_row(y: usize, dy: usize, d: f32, n: i32): void {
  const dv = f32x4.splat(d);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    v128.store(y + o, dy != 0 ? f32x4.add(v128.load(y + o), f32x4.div(v128.load(dy + o), dv)) : f32x4.div(v128.load(y + o), dv));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(y + o, dy != 0 ? load<f32>(y + o) + load<f32>(dy + o) / d : load<f32>(y + o) / d);
  }
}

// Mean over the real steps: y[b, :] = (sum of x[b, t, :] over real t, added in time order starting from 0) / n_b, with
// n_b the number of real steps (T without a mask). Masked steps are never read (Keras 3.15: where(mask, x, 0)). A sample
// with no real step gives 0 (Keras gives 0 / 0 = NaN there).
export function pool_avg_forward(y: usize, x: usize, B: i32, T: i32, F: i32, mask: usize): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    const yb = y + <usize>b * fb;
    memory.fill(yb, 0, fb);
    let n = 0;
    for (let t = 0; t < T; t++) {
      if (!is_real(mask, b, T, t)) continue;
      n++;
      add_into(yb, x + (<usize>b * <usize>T + <usize>t) * fb, F);
    }
    if (n > 0) div_row(yb, 0, <f32>n, F);
  }
}

// forward: y[b] = sum_{real t} x[b, t] / n_b  =>  dx[b, t, :] += dy[b, :] / n_b at real steps, nothing at masked ones
export function pool_avg_backward(dx: usize, dy: usize, B: i32, T: i32, F: i32, mask: usize): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) if (is_real(mask, b, T, t)) n++;
    for (let t = 0; t < T; t++) {
      if (is_real(mask, b, T, t)) div_row(dx + (<usize>b * <usize>T + <usize>t) * fb, dy + <usize>b * fb, <f32>n, F);
    }
  }
}

// Max over every step (Keras 2.15 and 3.15 both ignore the mask here): y[b, f] = max_t x[b, t, f]; arg[b, f] (i32) = the
// first t that holds it, the step that gets the gradient on ties. A NaN wins over numbers (arg = the first NaN), so
// NaN stays visible.
export function pool_max_forward(y: usize, arg: usize, x: usize, B: i32, T: i32, F: i32): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    const xb = x + <usize>b * <usize>T * fb, o = <usize>b * fb;
    let j = 0;
    for (; j + 4 <= F; j += 4) {
      const jo = <usize>j * 4;
      let best = v128.load(xb + jo);
      let at = i32x4.splat(0);
      for (let t = 1; t < T; t++) {
        const v = v128.load(xb + <usize>t * fb + jo);
        // take v if v > best, or v is NaN and best is not
        const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.splat(t), at, take);
      }
      v128.store(y + o + jo, best);
      v128.store(arg + o + jo, at);
    }
    for (; j < F; j++) {
      const jo = <usize>j * 4;
      let best = load<f32>(xb + jo);
      let at = 0;
      for (let t = 1; t < T; t++) {
        const v = load<f32>(xb + <usize>t * fb + jo);
        if (v > best || (v != v && best == best)) { best = v; at = t; }
      }
      store<f32>(y + o + jo, best);
      store<i32>(arg + o + jo, at);
    }
  }
}

// forward: y[b, f] = x[b, arg[b, f], f]  =>  dx[b, arg[b, f], f] += dy[b, f]
export function pool_max_backward(dx: usize, dy: usize, arg: usize, B: i32, T: i32, F: i32): void {
  const fb = <usize>F * 4;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < F; j++) {
      const o = <usize>b * fb + <usize>j * 4;
      const p = dx + (<usize>b * <usize>T + <usize>load<i32>(arg + o)) * fb + <usize>j * 4;
      store<f32>(p, load<f32>(p) + load<f32>(dy + o));
    }
  }
}
