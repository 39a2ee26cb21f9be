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
  for (let n = 0; n < N; n++) {
    if (mask != 0 && load<f32>(mask + <usize>n * 4) == 0) continue;
    const row = x + <usize>n * cb;
    for (let c = 0; c < C; c++) { const o = <usize>c * 4; store<f32>(mean + o, load<f32>(mean + o) + load<f32>(row + o)); }
  }
  for (let c = 0; c < C; c++) { const o = <usize>c * 4; store<f32>(mean + o, load<f32>(mean + o) / fn); }
  for (let n = 0; n < N; n++) {
    if (mask != 0 && load<f32>(mask + <usize>n * 4) == 0) continue;
    const row = x + <usize>n * cb;
    for (let c = 0; c < C; c++) {
      const o = <usize>c * 4;
      const d = load<f32>(row + o) - load<f32>(mean + o);
      store<f32>(vr + o, load<f32>(vr + o) + d * d);
    }
  }
  for (let c = 0; c < C; c++) {
    const o = <usize>c * 4;
    const v = load<f32>(vr + o) / fn;
    store<f32>(vr + o, v);
    store<f32>(invstd + o, <f32>1.0 / sqrt<f32>(v + eps));
  }
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, yr = y + <usize>n * cb;
    for (let c = 0; c < C; c++) {
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
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, yr = y + <usize>n * cb;
    for (let c = 0; c < C; c++) {
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
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, dr = dy + <usize>n * cb;
    const real = mask == 0 || load<f32>(mask + <usize>n * 4) != 0;
    for (let c = 0; c < C; c++) {
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
  for (let c = 0; c < C; c++) {
    const o = <usize>c * 4;
    store<f32>(s1 + o, load<f32>(s1 + o) / den);
    store<f32>(s2 + o, load<f32>(s2 + o) / den);
    store<f32>(s3 + o, load<f32>(s3 + o) * load<f32>(invstd + o) / den);
  }
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * cb, dr = dy + <usize>n * cb, gr = dx + <usize>n * cb;
    const real = mask == 0 || load<f32>(mask + <usize>n * 4) != 0;
    for (let c = 0; c < C; c++) {
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
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const o = <usize>c * 4;
      const p = <usize>n * cb + o;
      store<f32>(dx + p, load<f32>(dx + p) + load<f32>(dy + p) * load<f32>(gamma + o) / sqrt<f32>(load<f32>(mv + o) + eps));
    }
  }
}
