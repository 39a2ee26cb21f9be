// Float64 reference for the attention layer of assembly/attention.ts: e_t = tanh(x_t . W + b_t), a = softmax_t(e),
// y = x * a (returnSequences, y [B,T,F]) or y = sum_t a_t x_t (y [B,F]); x [B,T,F], W [F], b [T], caches a, e [B,T].
// An optional mask [B,T] restricts the softmax to real steps (max over real steps; masked a_t = 0, and a sample with no
// real step has a = 0, y = 0); masked steps are skipped entirely, so their contents never matter.

export function attentionForward(x: ArrayLike<number>, W: ArrayLike<number>, bias: ArrayLike<number>,
                                 B: number, T: number, F: number, returnSequences: boolean, mask?: ArrayLike<number>):
  { y: Float64Array; a: Float64Array; e: Float64Array } {
  const real = (b: number, t: number) => !mask || mask[b * T + t] !== 0;
  const a = new Float64Array(B * T), e = new Float64Array(B * T);
  const y = new Float64Array(returnSequences ? B * T * F : B * F);
  for (let b = 0; b < B; b++) {
    let m = -Infinity;
    for (let t = 0; t < T; t++) {
      let u = bias[t];
      for (let f = 0; f < F; f++) u += x[(b * T + t) * F + f] * W[f];
      e[b * T + t] = Math.tanh(u);
      const v = e[b * T + t];
      if (real(b, t)) m = Number.isNaN(v) || Number.isNaN(m) ? NaN : Math.max(m, v);
    }
    let s = 0;
    for (let t = 0; t < T; t++) { a[b * T + t] = real(b, t) ? Math.exp(e[b * T + t] - m) : 0; s += a[b * T + t]; }
    if (s > 0 || Number.isNaN(s)) for (let t = 0; t < T; t++) a[b * T + t] /= s;
    for (let t = 0; t < T; t++) {
      if (!real(b, t)) continue;
      for (let f = 0; f < F; f++) {
        const v = a[b * T + t] * x[(b * T + t) * F + f];
        if (returnSequences) y[(b * T + t) * F + f] = v; else y[b * F + f] += v;
      }
    }
  }
  return { y, a, e };
}

/** Fresh gradients dx [B,T,F], dW [F], db [T] from dy (shaped like y). */
export function attentionBackward(dy: ArrayLike<number>, x: ArrayLike<number>, a: ArrayLike<number>, e: ArrayLike<number>,
                                  W: ArrayLike<number>, B: number, T: number, F: number, returnSequences: boolean,
                                  mask?: ArrayLike<number>): { dx: Float64Array; dW: Float64Array; db: Float64Array } {
  const real = (b: number, t: number) => !mask || mask[b * T + t] !== 0;
  const dx = new Float64Array(B * T * F), dW = new Float64Array(F), db = new Float64Array(T);
  const da = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const dyAt = (t: number, f: number) => (returnSequences ? dy[(b * T + t) * F + f] : dy[b * F + f]);
    // y_t = a_t x_t  =>  da_t = <dy_t, x_t>
    let sad = 0;
    for (let t = 0; t < T; t++) {
      if (!real(b, t)) continue;
      let s = 0;
      for (let f = 0; f < F; f++) s += dyAt(t, f) * x[(b * T + t) * F + f];
      da[t] = s;
      sad += a[b * T + t] * s;
    }
    for (let t = 0; t < T; t++) {
      if (!real(b, t)) continue;   // a_t = 0 and a_t does not depend on e_t: nothing flows into a masked step
      const at = a[b * T + t], et = e[b * T + t];
      // a = softmax(e)  =>  de_t = a_t (da_t - sum_s a_s da_s); e = tanh(u)  =>  du = de (1 - e^2)
      const du = at * (da[t] - sad) * (1 - et * et);
      db[t] += du;
      for (let f = 0; f < F; f++) {
        const xi = (b * T + t) * F + f;
        dx[xi] += at * dyAt(t, f) + du * W[f];
        dW[f] += du * x[xi];
      }
    }
  }
  return { dx, dW, db };
}
