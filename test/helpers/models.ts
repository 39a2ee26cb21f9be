// Small models and data shared by the model-level tests.
import { expect } from 'vitest';
import { sequential, layers, initSync, type Sequential } from '../../src/index.js';
import { expectClose } from './kernels.js';

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

/** Checks computeGradients against central differences of its own loss on a few entries of every trainable weight. */
export function fdCheck(m: Sequential, x: unknown, y: unknown, per = 5, h = 1e-2): void {
  const base = m.getWeights();
  const names = m.weightNames;
  const trainable = new Set(m.trainableWeights.map((w) => w.name));
  const { grads } = m.computeGradients(x as never, y as never);
  let gi = 0;
  base.forEach((w, wi) => {
    if (!trainable.has(names[wi])) return;
    const g = grads[gi++];
    expect(g.shape).toEqual(w.shape);
    const picks = new Set<number>();
    for (let k = 0; k < Math.min(per, w.data.length); k++) picks.add(Math.floor(((k * 7919 + wi * 104729) % 1000003) / 1000003 * w.data.length));
    const num: number[] = [], ana: number[] = [];
    for (const j of picks) {
      const plus = base.map((v) => ({ data: v.data.slice(), shape: v.shape }));
      const minus = base.map((v) => ({ data: v.data.slice(), shape: v.shape }));
      plus[wi].data[j] += h; minus[wi].data[j] -= h;
      m.setWeights(plus); const lp = m.computeGradients(x as never, y as never).loss;
      m.setWeights(minus); const lm = m.computeGradients(x as never, y as never).loss;
      // the perturbation actually applied in f32
      const dh = plus[wi].data[j] - minus[wi].data[j];
      num.push((lp - lm) / dh); ana.push(g.data[j]);
    }
    m.setWeights(base);
    if (process.env.FD_DEBUG) console.log(names[wi], ana.slice(0, 3), num.slice(0, 3));
    expectClose(ana, num, 2e-3, 3e-2, `d loss / d ${names[wi]}`);
  });
}

