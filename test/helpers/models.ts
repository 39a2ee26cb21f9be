// Small models and data shared by the model-level tests.
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
