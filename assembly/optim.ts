// Optimizer steps with Keras's exact update rules over a flat region of R rows x D columns.
// Gradients: slot == 0 means dense (g is [R, D]); otherwise the gradient is row-sparse: slot[r] >= 0 points at row
// slot[r] of g, slot[r] < 0 means a zero gradient row. Keras still decays every row's state on sparse gradients.


@inline function gradRow(g: usize, slot: usize, r: i32, D: i32): usize {
  if (slot == 0) return g + <usize>r * <usize>D * 4;
  const k = load<i32>(slot + <usize>r * 4);
  return k >= 0 ? g + <usize>k * <usize>D * 4 : 0;
}

@inline function gAt(gr: usize, j: i32): f32 { return gr != 0 ? load<f32>(gr + <usize>j * 4) : 0; }

// Adam (Keras): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); alpha = lr sqrt(1 - b2^t) / (1 - b1^t);
// p -= alpha m / (sqrt(v) + eps). t = iterations + 1. vhat != 0 enables amsgrad (vhat = max(vhat, v)).
// lazy != 0 (row-sparse gradients only): rows the batch did not touch are left alone, moments included.
export function adam_step(p: usize, m: usize, v: usize, vhat: usize, g: usize, slot: usize, R: i32, D: i32,
                          lr: f32, b1: f32, b2: f32, eps: f32, t: f64, lazy: i32): void {
  const alpha = <f32>(<f64>lr * Math.sqrt(1.0 - Math.pow(<f64>b2, t)) / (1.0 - Math.pow(<f64>b1, t)));
  const c1: f32 = <f32>1.0 - b1, c2: f32 = <f32>1.0 - b2;
  for (let r = 0; r < R; r++) {
    const gr = gradRow(g, slot, r, D);
    if (lazy != 0 && gr == 0) continue;
    const base = <usize>r * <usize>D * 4;
    let j = 0;
    // four columns at a time: the same operations in the same order per element as the scalar tail (same bits)
    for (; j + 4 <= D; j += 4) {
      const o = base + <usize>j * 4;
      const gg = gr != 0 ? v128.load(gr + <usize>j * 4) : f32x4.splat(0);
      const m0 = v128.load(m + o), v0 = v128.load(v + o);
      const mm = f32x4.add(m0, f32x4.mul(f32x4.sub(gg, m0), f32x4.splat(c1)));
      const vv = f32x4.add(v0, f32x4.mul(f32x4.sub(f32x4.mul(gg, gg), v0), f32x4.splat(c2)));
      v128.store(m + o, mm);
      v128.store(v + o, vv);
      let vu = vv;
      if (vhat != 0) { const h = f32x4.max(v128.load(vhat + o), vv); v128.store(vhat + o, h); vu = h; }
      const step = f32x4.div(f32x4.mul(f32x4.splat(alpha), mm), f32x4.add(f32x4.sqrt(vu), f32x4.splat(eps)));
      v128.store(p + o, f32x4.sub(v128.load(p + o), step));
    }
    for (; j < D; j++) {
      const o = base + <usize>j * 4;
      const gg = gAt(gr, j);
      const mm = load<f32>(m + o) + (gg - load<f32>(m + o)) * c1;
      const vv = load<f32>(v + o) + (gg * gg - load<f32>(v + o)) * c2;
      store<f32>(m + o, mm);
      store<f32>(v + o, vv);
      let vu = vv;
      if (vhat != 0) { const h = max<f32>(load<f32>(vhat + o), vv); store<f32>(vhat + o, h); vu = h; }
      store<f32>(p + o, load<f32>(p + o) - alpha * mm / (sqrt<f32>(vu) + eps));
    }
  }
}

// SGD (Keras): no momentum: p -= lr g. Momentum mu: m = mu m - lr g; p += m. Nesterov: p += mu m - lr g (new m).
export function sgd_step(p: usize, m: usize, g: usize, slot: usize, R: i32, D: i32, lr: f32, mu: f32, nesterov: i32): void {
  for (let r = 0; r < R; r++) {
    const gr = gradRow(g, slot, r, D);
    const base = <usize>r * <usize>D * 4;
    let j = 0;
    const lrv = f32x4.splat(lr), muv = f32x4.splat(mu);
    // four columns at a time, the scalar tail's operations in its order (same bits)
    for (; j + 4 <= D; j += 4) {
      const o = base + <usize>j * 4;
      const gg = gr != 0 ? v128.load(gr + <usize>j * 4) : f32x4.splat(0);
      const pp = v128.load(p + o);
      if (m == 0) { v128.store(p + o, f32x4.sub(pp, f32x4.mul(lrv, gg))); continue; }
      const mm = f32x4.sub(f32x4.mul(muv, v128.load(m + o)), f32x4.mul(lrv, gg));
      v128.store(m + o, mm);
      if (nesterov != 0) v128.store(p + o, f32x4.add(pp, f32x4.sub(f32x4.mul(muv, mm), f32x4.mul(lrv, gg))));
      else v128.store(p + o, f32x4.add(pp, mm));
    }
    for (; j < D; j++) {
      const o = base + <usize>j * 4;
      const gg = gAt(gr, j);
      if (m == 0) { store<f32>(p + o, load<f32>(p + o) - lr * gg); continue; }
      const mm = mu * load<f32>(m + o) - lr * gg;
      store<f32>(m + o, mm);
      if (nesterov != 0) store<f32>(p + o, load<f32>(p + o) + (mu * mm - lr * gg));
      else store<f32>(p + o, load<f32>(p + o) + mm);
    }
  }
}

// RMSprop (Keras 2.11+): v = rho v + (1 - rho) g^2; centered: mg = rho mg + (1 - rho) g, d = v - mg^2 + eps, else
// d = v + eps; delta = lr g / sqrt(d). Momentum mu: s = mu s + delta; p -= s. Otherwise p -= delta.
export function rmsprop_step(p: usize, v: usize, s: usize, mg: usize, g: usize, slot: usize, R: i32, D: i32,
                             lr: f32, rho: f32, eps: f32, mu: f32): void {
  const c: f32 = <f32>1.0 - rho;
  for (let r = 0; r < R; r++) {
    const gr = gradRow(g, slot, r, D);
    const base = <usize>r * <usize>D * 4;
    let j = 0;
    const rhov = f32x4.splat(rho), cv = f32x4.splat(c), epsv = f32x4.splat(eps), lrv = f32x4.splat(lr), muv = f32x4.splat(mu);
    // four columns at a time, the scalar tail's operations in its order (same bits)
    for (; j + 4 <= D; j += 4) {
      const o = base + <usize>j * 4;
      const gg = gr != 0 ? v128.load(gr + <usize>j * 4) : f32x4.splat(0);
      const vv = f32x4.add(f32x4.mul(rhov, v128.load(v + o)), f32x4.mul(f32x4.mul(cv, gg), gg));
      v128.store(v + o, vv);
      let d = f32x4.add(vv, epsv);
      if (mg != 0) {
        const a = f32x4.add(f32x4.mul(rhov, v128.load(mg + o)), f32x4.mul(cv, gg));
        v128.store(mg + o, a);
        d = f32x4.add(f32x4.sub(vv, f32x4.mul(a, a)), epsv);
      }
      const delta = f32x4.div(f32x4.mul(lrv, gg), f32x4.sqrt(d));
      if (s != 0) {
        const ss = f32x4.add(f32x4.mul(muv, v128.load(s + o)), delta);
        v128.store(s + o, ss);
        v128.store(p + o, f32x4.sub(v128.load(p + o), ss));
      } else {
        v128.store(p + o, f32x4.sub(v128.load(p + o), delta));
      }
    }
    for (; j < D; j++) {
      const o = base + <usize>j * 4;
      const gg = gAt(gr, j);
      const vv = rho * load<f32>(v + o) + c * gg * gg;
      store<f32>(v + o, vv);
      let d = vv + eps;
      if (mg != 0) {
        const a = rho * load<f32>(mg + o) + c * gg;
        store<f32>(mg + o, a);
        d = vv - a * a + eps;
      }
      const delta = lr * gg / sqrt<f32>(d);
      if (s != 0) {
        const ss = mu * load<f32>(s + o) + delta;
        store<f32>(s + o, ss);
        store<f32>(p + o, load<f32>(p + o) - ss);
      } else {
        store<f32>(p + o, load<f32>(p + o) - delta);
      }
    }
  }
}

// Gradient clipping helpers (Keras clipnorm / global_clipnorm / clipvalue), fixed summation order.
// sum of squares of g[n], accumulated in f64 in index order.
export function grad_sumsq(g: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) { const v = <f64>load<f32>(g + <usize>i * 4); s += v * v; }
  return s;
}

// g[n] *= s
export function grad_scale(g: usize, n: i32, s: f32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i * 4; store<f32>(g + o, load<f32>(g + o) * s); }
}

// g[n] = clip(g, -c, c)
export function grad_clip(g: usize, n: i32, c: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    const v = load<f32>(g + o);
    store<f32>(g + o, v > c ? c : v < -c ? -c : v);
  }
}

// Learning-rate schedule (Keras ExponentialDecay, computed in float32 as TF does): p = f32(step) / decaySteps, floored
// when staircase (step decay); lr = lr0 * rate^p. The pow is taken in f64 and rounded once (a correctly rounded powf
// for these magnitudes), here in Wasm so every runtime gets the same bits.
export function schedule_exponential_decay(lr0: f32, rate: f32, decaySteps: f32, step: f64, staircase: i32): f32 {
  let p: f32 = <f32>step / decaySteps;
  if (staircase != 0) p = floor<f32>(p);
  return lr0 * <f32>Math.pow(<f64>rate, <f64>p);
}
