// Float64 references for assembly/optim.ts, Keras's update rules applied in place over flat arrays (a zero gradient row
// stands for a missing row of a row-sparse gradient: Keras still decays every row's state).

/** Adam (Keras): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); alpha = lr sqrt(1 - b2^t) / (1 - b1^t);
 *  p -= alpha m / (sqrt(v) + eps), eps added to the root of the UNcorrected v. vhat (amsgrad) = max(vhat, v). */
export function adamStep(p: Float64Array, m: Float64Array, v: Float64Array, vhat: Float64Array | null, g: ArrayLike<number>,
                         lr: number, b1: number, b2: number, eps: number, t: number): void {
  const alpha = lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
  for (let i = 0; i < p.length; i++) {
    m[i] += (g[i] - m[i]) * (1 - b1);
    v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
    let vu = v[i];
    if (vhat) { vhat[i] = Math.max(vhat[i], v[i]); vu = vhat[i]; }
    p[i] -= alpha * m[i] / (Math.sqrt(vu) + eps);
  }
}

/** SGD (Keras): m = null: p -= lr g. Momentum mu: m = mu m - lr g; p += m. Nesterov: p += mu m - lr g (the new m). */
export function sgdStep(p: Float64Array, m: Float64Array | null, g: ArrayLike<number>, lr: number, mu: number, nesterov: boolean): void {
  for (let i = 0; i < p.length; i++) {
    if (!m) { p[i] -= lr * g[i]; continue; }
    m[i] = mu * m[i] - lr * g[i];
    p[i] += nesterov ? mu * m[i] - lr * g[i] : m[i];
  }
}

/** RMSprop (Keras 2.11+ / 3): v = rho v + (1 - rho) g^2; centered (mg given): mg = rho mg + (1 - rho) g, d = v - mg^2 + eps,
 *  else d = v + eps; delta = lr g / sqrt(d) (eps inside the root). Momentum (s given): s = mu s + delta, p -= s; else p -= delta. */
export function rmspropStep(p: Float64Array, v: Float64Array, s: Float64Array | null, mg: Float64Array | null, g: ArrayLike<number>,
                            lr: number, rho: number, eps: number, mu: number): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
    let d = v[i] + eps;
    if (mg) { mg[i] = rho * mg[i] + (1 - rho) * g[i]; d = v[i] - mg[i] * mg[i] + eps; }
    const delta = lr * g[i] / Math.sqrt(d);
    if (s) { s[i] = mu * s[i] + delta; p[i] -= s[i]; } else p[i] -= delta;
  }
}

/** Keras ExponentialDecay in float64: lr0 * rate^(step / decaySteps), the exponent floored when staircase. */
export function exponentialDecay(lr0: number, rate: number, decaySteps: number, step: number, staircase: boolean): number {
  const p = step / decaySteps;
  return lr0 * Math.pow(rate, staircase ? Math.floor(p) : p);
}
