// The benchmark workloads (shapes) and their model, shared by bench/run.ts and the lean RSS child bench/rss.mjs.
// embedding -> bidirectional(lstm H, returnSequences) -> attention(pooled) -> dense(1, sigmoid), adam, BCE.

export const SHAPES = {
  A: { V: 30, E: 32, H: 32, T: 16, B: 64 },
  B: { V: 20000, E: 64, H: 64, T: 200, B: 32 },
  C: { V: 20000, E: 1152, H: 32, T: 1152, B: 8 },
};

/** The compiled workload model for shape w, built with the library passed in (the package or its dist). */
export function workloadModel({ sequential, layers }, w) {
  const { V, E, H, T } = SHAPES[w];
  const model = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: V, outputDim: E, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
