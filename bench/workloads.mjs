// The benchmark workloads (shapes) and their model, the reference model C-full, and seeded ids: shared by
// bench/run.ts and the lean children bench/rss.mjs and bench/model-file.mjs.
// Workloads: embedding -> bidirectional(lstm H, returnSequences) -> attention(pooled) -> dense(1, sigmoid), adam, BCE;
// B-gru: B's shapes and model with bidirectional(gru H, returnSequences) (reset after, the default) for the LSTM.

export const SHAPES = {
  A: { V: 30, E: 32, H: 32, T: 16, B: 64 },
  B: { V: 20000, E: 64, H: 64, T: 200, B: 32 },
  'B-gru': { V: 20000, E: 64, H: 64, T: 200, B: 32 },
  C: { V: 20000, E: 1152, H: 32, T: 1152, B: 8 },
};
/** The recurrent cell of each workload. */
export const CELL = { A: 'lstm', B: 'lstm', 'B-gru': 'gru', C: 'lstm' };

/** The compiled workload model for shape w, built with the library passed in (the package or its dist). */
export function workloadModel({ sequential, layers }, w) {
  const { V, E, H, T } = SHAPES[w];
  const model = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: V, outputDim: E, inputLength: T }),
    layers.bidirectional({ layer: layers[CELL[w]]({ units: H, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}

/** C-full, the reference model (278,705,217 parameters; no attention), compiled with adam: vocabulary 241,664, T 1152. */
export const FULL = { V: 241664, E: 1152, T: 1152, B: 8 };
export function referenceModel({ sequential, layers }) {
  const m = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: FULL.V, outputDim: FULL.E, inputLength: FULL.T }),
    layers.batchNormalization(), layers.activation({ activation: 'tanh' }), layers.dropout({ rate: 0.5 }),
    layers.bidirectional({ layer: layers.lstm({ units: 32 }) }),
    layers.batchNormalization(), layers.activation({ activation: 'tanh' }), layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return m;
}

/**
 * n word-like ids in [1, V - 1]: rank r drawn with weight 1/r (Zipf's law with exponent 1, as words in text), by the
 * inverse CDF over lcgIds' generator; division and addition only, so the same ids on every engine. B's shapes at
 * batch 32 x 200: 37% of the positions distinct (B's uniform ids: 85%).
 */
export function zipfIds(n, V, seed = 1) {
  const cdf = new Float64Array(V - 1);
  let acc = 0;
  for (let r = 0; r < V - 1; r++) { acc += 1 / (r + 1); cdf[r] = acc; }
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = (s / 4294967296) * acc;
    let lo = 0, hi = V - 2;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m] < u) lo = m + 1; else hi = m; }
    out[i] = lo + 1;
  }
  return out;
}

/** n seeded ids in [lo, hi] (an LCG: the same on every engine). */
export function lcgIds(n, lo, hi, seed = 1) {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = lo + ((s >>> 8) % (hi - lo + 1)); }
  return out;
}
