// The activations of Dense and Activation layers beyond the LSTM's (simd.ts): elu, selu, relu6, softplus, softsign,
// swish, gelu, mish, as Keras 3 / TF.js / PyTorch define them, forward and backward (the derivative from the
// pre-activation x). Scalar f32 code over our own exp (simd.ts), expm1, log1p and erfc below: the same bits on every
// CPU and runtime. Codes continue simd.ts's (the TS layer maps names to them).
import { sexp, ssigmoid, stanh } from './simd';

export const ACT_ELU: i32 = 6;
export const ACT_SELU: i32 = 7;
export const ACT_RELU6: i32 = 8;
export const ACT_SOFTPLUS: i32 = 9;
export const ACT_SOFTSIGN: i32 = 10;
export const ACT_SWISH: i32 = 11;
export const ACT_GELU: i32 = 12;
export const ACT_MISH: i32 = 13;

// SELU's constants (Klambauer et al., as Keras and PyTorch), rounded to f32
const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;
const INV_SQRT2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

// One out-of-line copy of each: the helpers' polynomials are not inlined at every use.
function expf(x: f32): f32 { return sexp(x); }
function sigmoidf(x: f32): f32 { return ssigmoid(x); }
function tanhf(x: f32): f32 { return stanh(x); }

// e^x - 1 without the cancellation near 0: a Taylor polynomial for |x| < 0.35 (truncation under 2e-8 relative),
// exp(x) - 1 beyond (where e^x - 1 is at least 0.29 in size)
function expm1f(x: f32): f32 {
  if (abs(x) < <f32>0.35) {
    return x * (<f32>1 + x * (<f32>0.5 + x * (<f32>(1.0 / 6) + x * (<f32>(1.0 / 24) + x * (<f32>(1.0 / 120) + x * (<f32>(1.0 / 720) + x * <f32>(1.0 / 5040)))))));
  }
  return expf(x) - <f32>1;
}

// log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, its series to s^15 (truncation under 1e-9)
function log1pf(u: f32): f32 {
  const s = u / (<f32>2 + u);
  const s2 = s * s;
  return <f32>2 * s * (<f32>1 + s2 * (<f32>(1.0 / 3) + s2 * (<f32>(1.0 / 5) + s2 * (<f32>(1.0 / 7) + s2 * (<f32>(1.0 / 9) + s2 * (<f32>(1.0 / 11) + s2 * (<f32>(1.0 / 13) + s2 * <f32>(1.0 / 15))))))));
}

// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), without overflow
function softplusf(x: f32): f32 { return max(x, <f32>0) + log1pf(expf(-abs(x))); }

// erfc(x) with a fractional error under 1.2e-7 over all x (Numerical Recipes' erfcc, Chebyshev-fitted), so the tails
// keep their relative accuracy: gelu uses Phi(x) = erfc(-x / sqrt 2) / 2 directly, not 1 + erf
function erfcf(x: f32): f32 {
  const z = abs(x);
  const t = <f32>1 / (<f32>1 + <f32>0.5 * z);
  const p = <f32>-1.26551223 + t * (<f32>1.00002368 + t * (<f32>0.37409196 + t * (<f32>0.09678418 + t * (<f32>-0.18628806 +
    t * (<f32>0.27886807 + t * (<f32>-1.13520398 + t * (<f32>1.48851587 + t * (<f32>-0.82215223 + t * <f32>0.17087277))))))));
  const r = t * expf(-z * z + p);
  return x >= 0 ? r : <f32>2 - r;
}

function actExt(x: f32, kind: i32): f32 {
  if (kind == ACT_ELU) return x > 0 ? x : expm1f(x);
  if (kind == ACT_SELU) return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * expm1f(x));
  if (kind == ACT_RELU6) return min(max(x, <f32>0), <f32>6);
  if (kind == ACT_SOFTPLUS) return softplusf(x);
  if (kind == ACT_SOFTSIGN) return x / (<f32>1 + abs(x));
  if (kind == ACT_SWISH) return x * sigmoidf(x);
  if (kind == ACT_GELU) return <f32>0.5 * x * erfcf(-x * INV_SQRT2);
  if (kind == ACT_MISH) return x * tanhf(softplusf(x));
  return x;
}

// d act / dx at x
function actExtGrad(x: f32, kind: i32): f32 {
  if (kind == ACT_ELU) return x > 0 ? <f32>1 : expf(x);
  if (kind == ACT_SELU) return x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * expf(x);
  // 1 strictly inside (0, 6), 0 on the flat parts and at the kinks (TF's Relu6Grad, PyTorch's hardtanh_backward)
  if (kind == ACT_RELU6) return x > 0 && x < 6 ? <f32>1 : <f32>0;
  if (kind == ACT_SOFTPLUS) return sigmoidf(x);
  if (kind == ACT_SOFTSIGN) { const d = <f32>1 + abs(x); return <f32>1 / (d * d); }
  if (kind == ACT_SWISH) { const s = sigmoidf(x); return s + x * s * (<f32>1 - s); }
  // Phi(x) + x phi(x)
  if (kind == ACT_GELU) return <f32>0.5 * erfcf(-x * INV_SQRT2) + x * INV_SQRT_2PI * expf(<f32>-0.5 * x * x);
  // tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x), sp = softplus(x)
  if (kind == ACT_MISH) { const t = tanhf(softplusf(x)); return t + x * (<f32>1 - t * t) * sigmoidf(x); }
  return 1;
}

// y[n] = act(x[n]) for the codes above; y may alias x.
export function activation_ext_forward(y: usize, x: usize, n: i32, kind: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(y + o, actExt(load<f32>(x + o), kind));
  }
}

// forward: y = act(x)  =>  dx += dy * act'(x) (from the pre-activation x, which these need)
export function activation_ext_backward(dx: usize, dy: usize, x: usize, n: i32, kind: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * actExtGrad(load<f32>(x + o), kind));
  }
}
