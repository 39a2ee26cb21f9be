// Small models and data shared by the model-level tests, and the whole-model finite-difference gradient check.
import { expect } from 'vitest';
import { sequential, layers, initSync, type Sequential } from '../../src/index.js';

initSync();

/** Seeded integer ids in [lo, hi], for test data (not the library's generator). */
export function ids(n: number, seed: number, lo: number, hi: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = lo + ((s >>> 8) % (hi - lo + 1)); }
  return out;
}

/** The small model: embedding(11, 5, T 7) -> Bi-LSTM(4, seq) -> attention(pooled) -> dense(1, sigmoid). */
export function smallModel(seed = 42, extra: { dropout?: boolean; batchNorm?: boolean } = {}): Sequential {
  return sequential({ seed, layers: [
    layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
    ...(extra.batchNorm ? [layers.batchNormalization(), layers.activation({ activation: 'tanh' as const })] : []),
    ...(extra.dropout ? [layers.dropout({ rate: 0.5 })] : []),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), mergeMode: 'concat' }),
    layers.attention({ returnSequences: false }),
    ...(extra.dropout ? [layers.dropout({ rate: 0.5 })] : []),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}

export function smallData(n: number, seed = 7): { x: { data: Int32Array; shape: number[] }; y: Float32Array } {
  const x = ids(n * 7, seed, 0, 10);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i * 7] + x[i * 7 + 1] > 10 ? 1 : 0;
  return { x: { data: x, shape: [n, 7] }, y };
}

export function weightBytes(m: Sequential): Uint32Array[] {
  return m.getWeights().map((w) => new Uint32Array(w.data.buffer.slice(0)));
}

export interface FdOptions {
  /** Stratified picks per tensor: one in each of `picks` equal slices (plus the entry of largest |analytic|). */
  picks?: number;
  /** Relative tolerance on each tensor's gradient scale. */
  rtol?: number;
  /** Step of the central difference (the step actually applied in f32 is used). 2^-5 keeps the truncation error
   *  below 0.5% of each tensor's scale in these models at weights of scale 1, with a noise floor of |L| * 3.8e-6. */
  h?: number;
  /** Before checking, set every trainable weight to uniform +-amplitude (the model's weights are restored after);
   *  0 checks at the current weights. Initial weights give gradients (recurrent kernels, attention W) too small to
   *  rise above the float32 noise of the loss, and a gradient is a gradient at any point. */
  amplitude?: number;
  /** Seed of the integer generator for the weights and the picks. */
  seed?: number;
}

/** How far above the float32 noise floor a tensor's gradient scale must be for the check to mean anything. */
export const FD_MIN_SIGNAL = 20;

/** Uniform +-amplitude values for every trainable weight (non-trainable ones, e.g. moving variances, unchanged). */
export function seededWeights(m: Sequential, seed: number, amplitude: number): { data: Float32Array; shape: number[] }[] {
  const trainable = new Set(m.trainableWeights.map((w) => w.name));
  const names = m.weightNames;
  let s = seed >>> 0;
  return m.getWeights().map((w, i) => {
    if (!trainable.has(names[i])) return w;
    const d = new Float32Array(w.data.length);
    for (let j = 0; j < d.length; j++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; d[j] = ((s >>> 8) / 8388608 - 1) * amplitude; }
    return { data: d, shape: w.shape };
  });
}

/**
 * Checks computeGradients against central differences of its own loss on entries spread over every trainable weight.
 * Per tensor: scale = max |g| over the whole analytic tensor and the sampled numeric values; the float32 loss makes
 * central differences noisy by about floor = |L| * 2^-23 / h, so a tensor with scale < FD_MIN_SIGNAL * floor fails
 * (its check could not tell a zeroed or sign-flipped gradient from a right one); each pick must satisfy
 * |analytic - numeric| <= rtol * scale + floor. All failures of all tensors are reported together.
 */
export function fdCheck(m: Sequential, x: unknown, y: unknown, opts: FdOptions = {}): void {
  const { picks = 8, rtol = 1e-2, h = 2 ** -5, amplitude = 1, seed = 1 } = opts;
  const original = m.getWeights();
  if (amplitude > 0) m.setWeights(seededWeights(m, seed, amplitude));
  const base = m.getWeights();
  const names = m.weightNames;
  const trainable = new Set(m.trainableWeights.map((w) => w.name));
  const lossAt = (wi: number, j: number, d: number): { loss: number; w: number } => {
    const v = base.map((b, i) => (i === wi ? { data: b.data.slice(), shape: b.shape } : b));
    v[wi].data[j] += d;
    m.setWeights(v);
    return { loss: m.computeGradients(x as never, y as never).loss, w: v[wi].data[j] };
  };
  const failures: string[] = [];
  try {
    m.setWeights(base);
    const { loss, grads } = m.computeGradients(x as never, y as never);
    const floor = Math.abs(loss) * 2 ** -23 / h;
    let gi = 0, s = (seed ^ 0x9e3779b9) >>> 0;
    base.forEach((w, wi) => {
      if (!trainable.has(names[wi])) return;
      const g = grads[gi++];
      expect(g.shape).toEqual(w.shape);
      const n = w.data.length, k = Math.min(picks, n);
      const bad = g.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) { failures.push(`d loss / d ${names[wi]}: analytic gradient is ${g.data[bad]} at index ${bad}.`); return; }
      let top = 0;
      for (let j = 1; j < n; j++) if (Math.abs(g.data[j]) > Math.abs(g.data[top])) top = j;
      const at = new Set<number>([top]);
      for (let q = 0; q < k; q++) {
        const lo = Math.floor((q * n) / k), hi = Math.floor(((q + 1) * n) / k);
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        at.add(lo + ((s >>> 8) % (hi - lo)));
      }
      const rows: { j: number; ana: number; num: number }[] = [];
      for (const j of at) {
        const p = lossAt(wi, j, h), mn = lossAt(wi, j, -h);
        rows.push({ j, ana: g.data[j], num: (p.loss - mn.loss) / (p.w - mn.w) });
      }
      let scale = 0;
      for (const v of g.data) scale = Math.max(scale, Math.abs(v));
      for (const r of rows) scale = Math.max(scale, Math.abs(r.num));
      const tol = rtol * scale + floor;
      const where = `d loss / d ${names[wi]} [${w.shape.join(', ')}]`;
      if (process.env.FD_DEBUG) {
        const worst = Math.max(...rows.map((r) => Math.abs(r.ana - r.num)));
        console.log(`${where}: scale ${scale.toExponential(2)} = ${(scale / floor).toFixed(0)} x floor, worst |diff| ${worst.toExponential(2)} = ${(worst / tol).toFixed(3)} x tol, picks ${rows.map((r) => r.j).join(' ')}`);
      }
      if (!(scale >= FD_MIN_SIGNAL * floor)) {
        failures.push(`${where}: gradient scale ${scale.toExponential(3)} is below ${FD_MIN_SIGNAL} x the float32 noise floor ${floor.toExponential(3)} (|L| ${Math.abs(loss).toPrecision(4)} * 2^-23 / h ${h}), so the check cannot bite; use larger weights (amplitude), data with larger gradients, or a larger h.`);
        return;
      }
      for (const r of rows) {
        if (!(Math.abs(r.ana - r.num) <= tol)) {
          failures.push(`${where} at index ${r.j}: analytic ${r.ana.toExponential(4)}, numeric ${r.num.toExponential(4)}, |diff| ${Math.abs(r.ana - r.num).toExponential(2)} > tol ${tol.toExponential(2)} (scale ${scale.toExponential(3)}, rtol ${rtol}, floor ${floor.toExponential(2)}).`);
        }
      }
    });
  } finally {
    m.setWeights(original);
  }
  if (failures.length) throw new Error(`fdCheck: ${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
}
