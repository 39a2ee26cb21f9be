// Batch normalization over the last axis. Dimensions: N rows (every axis but the last, e.g. B*T), C channels.
// Training uses batch statistics (biased variance); inference uses the moving statistics. Caches: mean, vr, invstd [C].

// mean[c] = sum_n x / N, vr[c] = sum_n (x - mean)^2 / N, invstd = 1 / sqrt(vr + eps); y = (x - mean) * invstd * gamma + beta.
// With a mask [N] (0 pointer = none), as Keras 3: sums over real rows only and N becomes sum(mask) + 1e-7; every row
// is still normalized. The denominator is kept in den[0] for the backward pass.
export function batchnorm_forward_train(y: usize, mean: usize, vr: usize, invstd: usize,
                                        x: usize, gamma: usize, beta: usize, N: i32, C: i32, eps: f32, mask: usize): void {
  const cb = <usize>C * 4;
  memory.fill(mean, 0, cb);
  memory.fill(vr, 0, cb);
  let fn = <f32>N;
  if (mask != 0) {
    let cnt: f32 = 0;
    for (let n = 0; n < N; n++) cnt = cnt + load<f32>(mask + <usize>n * 4);
    fn = cnt + <f32>1e-7;
  }
  // Every loop over channels runs four at a time with the scalar loop's operations per element (each lane one
  // channel, summed over rows in order), then the scalar tail: the same bits.
  const C4 = C & ~3;
  const fv = f32x4.splat(fn), ev = f32x4.splat(eps), one = f32x4.splat(1.0);
  for (let n = 0; n < N; n++) {
    if (mask != 0 && load<f32>(mask + <usize>n * 4) == 0) continue;
    const row = x + <usize>n * cb;
    let c = 0;
    for (; c < C4; c += 4) { const o = <usize>c * 4; v128.store(mean + o, f32x4.add(v128.load(mean + o), v128.load(row + o))); }
    for (; c < C; c++) { const o = <usize>c * 4; store<f32>(mean + o, load<f32>(mean + o) + load<f32>(row + o)); }
  }
  let c = 0;
  for (; c < C4; c += 4) { const o = <usize>c * 4; v128.store(mean + o, f32x4.div(v128.load(mean + o), fv)); }
  for (; c < C; c++) { const o = <usize>c * 4; store<f32>(mean + o, load<f32>(mean + o) / fn); }
  for (let n = 0; n < N; n++) {
    if (mask != 0 && load<f32>(mask + <usize>n * 4) == 0) continue;
    const row = x + <usize>n * cb;
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c * 4;
      const d = f32x4.sub(v128.load(row + o), v128.load(mean + o));
      v128.store(vr + o, f32x4.add(v128.load(vr + o), f32x4.mul(d, d)));
    }
    for (; c < C; c++) {
      const o = <usize>c * 4;
      const d = load<f32>(row + o) - load<f32>(mean + o);
      store<f32>(vr + o, load<f32>(vr + o) + d * d);
    }
  }
  for (c = 0; c < C4; c += 4) {
    const o = <usize>c * 4;
    const v = f32x4.div(v128.load(vr + o), fv);
    v128.store(vr + o, v);
    v128.store(invstd + o, f32x4.div(one, f32x4.sqrt(f32x4.add(v, ev))));
  }
  for (; c < C; c++) {
    const o = <usize>c * 4;
    const v = load<f32>(vr + o) / fn;
    store<f32>(vr + o, v);
    store<f32>(invstd + o, <f32>1.0 / sqrt<f32>(v + eps));
  }
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, yr = y + <usize>n * cb;
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c * 4;
      const t = f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), v128.load(invstd + o)), v128.load(gamma + o));
      v128.store(yr + o, f32x4.add(t, v128.load(beta + o)));
    }
    for (; c < C; c++) {
      const o = <usize>c * 4;
      store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(mean + o)) * load<f32>(invstd + o) * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

// Keras: moving -= (moving - batch) * (1 - momentum)
export function batchnorm_update_moving(mm: usize, mv: usize, mean: usize, vr: usize, C: i32, momentum: f32): void {
  const d: f32 = <f32>1.0 - momentum;
  for (let c = 0; c < C; c++) {
    const o = <usize>c * 4;
    store<f32>(mm + o, load<f32>(mm + o) - (load<f32>(mm + o) - load<f32>(mean + o)) * d);
    store<f32>(mv + o, load<f32>(mv + o) - (load<f32>(mv + o) - load<f32>(vr + o)) * d);
  }
}

// y = (x - mm) / sqrt(mv + eps) * gamma + beta
export function batchnorm_forward_infer(y: usize, x: usize, gamma: usize, beta: usize, mm: usize, mv: usize,
                                        N: i32, C: i32, eps: f32): void {
  const cb = <usize>C * 4;
  const C4 = C & ~3;
  const ev = f32x4.splat(eps), one = f32x4.splat(1.0);
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, yr = y + <usize>n * cb;
    // four channels at a time, the scalar loop's operations per element (same bits), then the tail
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c * 4;
      const inv = f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(mv + o), ev)));
      const t = f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mm + o)), inv), v128.load(gamma + o));
      v128.store(yr + o, f32x4.add(t, v128.load(beta + o)));
    }
    for (; c < C; c++) {
      const o = <usize>c * 4;
      const inv: f32 = <f32>1.0 / sqrt<f32>(load<f32>(mv + o) + eps);
      store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(mm + o)) * inv * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

// Training-mode backward. Scratch s [3C]. With den = N (no mask) or sum(mask) + 1e-7, m_n the row's mask (1 without),
// A = sum_n dxhat_n, Bv = sum_n dxhat_n xhat_n over ALL rows (every row is normalized with the batch statistics) and
// S = sum_n m_n (x_n - mean) (0 without a mask):
// forward: xhat = (x - mean) * invstd, y = gamma * xhat + beta  =>
//   dgamma += sum dy*xhat, dbeta += sum dy, dx_n += invstd * dxhat_n - m_n invstd / den * (A + Bv (xhat_n - S invstd / den))
export function batchnorm_backward(dx: usize, dgamma: usize, dbeta: usize, dy: usize, s: usize,
                                   x: usize, mean: usize, invstd: usize, gamma: usize, N: i32, C: i32, mask: usize): void {
  const cb = <usize>C * 4;
  const s1 = s, s2 = s + cb, s3 = s + 2 * cb;
  memory.fill(s, 0, 3 * cb);
  let den = <f32>N;
  if (mask != 0) {
    let cnt: f32 = 0;
    for (let n = 0; n < N; n++) cnt = cnt + load<f32>(mask + <usize>n * 4);
    den = cnt + <f32>1e-7;
  }
  // Every loop over channels runs four at a time with the scalar loop's operations per element, then the scalar tail:
  // the same bits.
  const C4 = C & ~3;
  const dv = f32x4.splat(den);
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, dr = dy + <usize>n * cb;
    const real = mask == 0 || load<f32>(mask + <usize>n * 4) != 0;
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c * 4;
      const xm = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
      const xh = f32x4.mul(xm, v128.load(invstd + o));
      const d = v128.load(dr + o);
      const dxh = f32x4.mul(d, v128.load(gamma + o));
      v128.store(s1 + o, f32x4.add(v128.load(s1 + o), dxh));
      v128.store(s2 + o, f32x4.add(v128.load(s2 + o), f32x4.mul(dxh, xh)));
      if (mask != 0 && real) v128.store(s3 + o, f32x4.add(v128.load(s3 + o), xm));
      v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(d, xh)));
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), d));
    }
    for (; c < C; c++) {
      const o = <usize>c * 4;
      const xm = load<f32>(xr + o) - load<f32>(mean + o);
      const xh = xm * load<f32>(invstd + o);
      const d = load<f32>(dr + o);
      const dxh = d * load<f32>(gamma + o);
      store<f32>(s1 + o, load<f32>(s1 + o) + dxh);
      store<f32>(s2 + o, load<f32>(s2 + o) + dxh * xh);
      if (mask != 0 && real) store<f32>(s3 + o, load<f32>(s3 + o) + xm);
      store<f32>(dgamma + o, load<f32>(dgamma + o) + d * xh);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + d);
    }
  }
  let c = 0;
  for (; c < C4; c += 4) {
    const o = <usize>c * 4;
    v128.store(s1 + o, f32x4.div(v128.load(s1 + o), dv));
    v128.store(s2 + o, f32x4.div(v128.load(s2 + o), dv));
    v128.store(s3 + o, f32x4.div(f32x4.mul(v128.load(s3 + o), v128.load(invstd + o)), dv));
  }
  for (; c < C; c++) {
    const o = <usize>c * 4;
    store<f32>(s1 + o, load<f32>(s1 + o) / den);
    store<f32>(s2 + o, load<f32>(s2 + o) / den);
    store<f32>(s3 + o, load<f32>(s3 + o) * load<f32>(invstd + o) / den);
  }
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, dr = dy + <usize>n * cb, gr = dx + <usize>n * cb;
    const real = mask == 0 || load<f32>(mask + <usize>n * 4) != 0;
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c * 4;
      const is = v128.load(invstd + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), is);
      const dxh = f32x4.mul(v128.load(dr + o), v128.load(gamma + o));
      const g = real
        ? f32x4.mul(is, f32x4.sub(f32x4.sub(dxh, v128.load(s1 + o)), f32x4.mul(f32x4.sub(xh, v128.load(s3 + o)), v128.load(s2 + o))))
        : f32x4.mul(is, dxh);
      v128.store(gr + o, f32x4.add(v128.load(gr + o), g));
    }
    for (; c < C; c++) {
      const o = <usize>c * 4;
      const is = load<f32>(invstd + o);
      const xh = (load<f32>(xr + o) - load<f32>(mean + o)) * is;
      const dxh = load<f32>(dr + o) * load<f32>(gamma + o);
      const g: f32 = real ? is * (dxh - load<f32>(s1 + o) - (xh - load<f32>(s3 + o)) * load<f32>(s2 + o)) : is * dxh;
      store<f32>(gr + o, load<f32>(gr + o) + g);
    }
  }
}

// Inference-mode backward (frozen layer / trainable false): dx += dy * gamma / sqrt(mv + eps).
export function batchnorm_backward_infer(dx: usize, dy: usize, gamma: usize, mv: usize, N: i32, C: i32, eps: f32): void {
  const cb = <usize>C * 4;
  const C4 = C & ~3;
  const ev = f32x4.splat(eps);
  for (let n = 0; n < N; n++) {
    // four channels at a time, the scalar loop's operations per element (same bits), then the tail
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c * 4;
      const p = <usize>n * cb + o;
      const t = f32x4.div(f32x4.mul(v128.load(dy + p), v128.load(gamma + o)), f32x4.sqrt(f32x4.add(v128.load(mv + o), ev)));
      v128.store(dx + p, f32x4.add(v128.load(dx + p), t));
    }
    for (; c < C; c++) {
      const o = <usize>c * 4;
      const p = <usize>n * cb + o;
      store<f32>(dx + p, load<f32>(dx + p) + load<f32>(dy + p) * load<f32>(gamma + o) / sqrt<f32>(load<f32>(mv + o) + eps));
    }
  }
}
