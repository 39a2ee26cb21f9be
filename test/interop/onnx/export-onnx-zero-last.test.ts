// exportOnnx refuses an LSTM / GRU / SimpleRNN with zeroOutputForMask on its last output under a mask: Keras returns 0
// for a sample whose final processed step is masked, ONNX's recurrent ops their last real state (sequence_lens); the
// export matched predict before the last output followed Keras (a review found rows up to 0.97 off). Without the mask
// the same model exports and agrees with predict.
import { describe, it, expect } from 'vitest';
import { sequential, layers, exportOnnx, ConfigError } from '../../../src/index.js';
import { randomized, compare, V, T } from './ort-compare.js';

describe('exportOnnx: zeroOutputForMask on a last output', () => {
  for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
    it(`${cell}: refused after a masked embedding, naming the option; exported and equal to predict without the mask`, async () => {
      const make = (maskZero: boolean) => randomized(sequential({ seed: 1, layers: [
        layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, maskZero }),
        layers[cell]({ units: 4, zeroOutputForMask: true }),
      ] }), 5);
      const m = make(true);
      await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
      await expect(exportOnnx(m)).rejects.toThrow(/has zeroOutputForMask under a mask: Keras returns 0 for a sample whose last processed step is masked/);
      await compare(make(false), 16, false);
    });
  }
});
