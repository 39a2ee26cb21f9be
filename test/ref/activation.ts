// Float64 references for assembly/activation.ts: elu, selu, relu6, softplus, softsign, swish, gelu (exact, with erf),
// mish and their derivatives at the pre-activation x, written from their definitions (Keras 3, TF.js, PyTorch).
export const ELU = 6, SELU = 7, RELU6 = 8, SOFTPLUS = 9, SOFTSIGN = 10, SWISH = 11, GELU = 12, MISH = 13;
export const EXT_KINDS = [ELU, SELU, RELU6, SOFTPLUS, SOFTSIGN, SWISH, GELU, MISH] as const;
export const EXT_NAMES = { [ELU]: 'elu', [SELU]: 'selu', [RELU6]: 'relu6', [SOFTPLUS]: 'softplus', [SOFTSIGN]: 'softsign', [SWISH]: 'swish', [GELU]: 'gelu', [MISH]: 'mish' } as const;

const SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805;

/** erfc in float64: its Taylor series (erf) for |x| <= 2, the continued fraction (Lentz) beyond; ~1e-12 relative. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 2) {
    let term = x, sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x * x / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x < 0) return 2 - erfc(-x);
  // erfc(x) = exp(-x^2) / sqrt(pi) * 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))
  let f = x, C = x, D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = x + an * D; D = 1 / D;
    C = x + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

export function actExt(x: number, kind: number): number {
  switch (kind) {
    case ELU: return x > 0 ? x : Math.expm1(x);
    case SELU: return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case RELU6: return Number.isNaN(x) ? NaN : Math.min(Math.max(x, 0), 6);
    case SOFTPLUS: return softplus(x);
    case SOFTSIGN: return x / (1 + Math.abs(x));
    case SWISH: return x * sigmoid(x);
    case GELU: return 0.5 * x * erfc(-x / Math.SQRT2);
    case MISH: return x * Math.tanh(softplus(x));
    default: throw new Error(`no extended activation ${kind}`);
  }
}

/** d act / dx at x (relu6: 1 strictly inside (0, 6), 0 at the kinks, as TF's Relu6Grad). */
export function actExtGrad(x: number, kind: number): number {
  switch (kind) {
    case ELU: return x > 0 ? 1 : Math.exp(x);
    case SELU: return x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x);
    case RELU6: return x > 0 && x < 6 ? 1 : 0;
    case SOFTPLUS: return sigmoid(x);
    case SOFTSIGN: return 1 / ((1 + Math.abs(x)) ** 2);
    case SWISH: { const s = sigmoid(x); return s + x * s * (1 - s); }
    case GELU: return 0.5 * erfc(-x / Math.SQRT2) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    case MISH: { const t = Math.tanh(softplus(x)); return t + x * (1 - t * t) * sigmoid(x); }
    default: throw new Error(`no extended activation ${kind}`);
  }
}
