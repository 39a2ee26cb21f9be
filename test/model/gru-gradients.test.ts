// Whole-model gradients through GRU layers (masks, zeroOutputForMask, goBackwards, merge modes) against central differences.
import { describe, it } from 'vitest';
import { sequential, layers } from '../../src/index.js';
import { smallData, fdCheck } from '../helpers/models.js';

describe('computeGradients through GRUs', () => {
  for (const resetAfter of [true, false]) {
    it(`masked embedding -> Bi-GRU(seq, ave) -> GRU(seq, zeroOutputForMask, goBackwards) -> attention -> dense, resetAfter ${resetAfter}`, () => {
      const m = sequential({ seed: 9, layers: [
        layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
        layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true, resetAfter }), mergeMode: 'ave' }),
        layers.gru({ units: 4, returnSequences: true, zeroOutputForMask: true, goBackwards: true, resetAfter }),
        layers.attention({ returnSequences: false }),
        layers.dense({ units: 1, activation: 'sigmoid' }),
      ] });
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const { x, y } = smallData(6, 13);
      fdCheck(m, x, y);
    });
    it(`float input -> Bi-GRU(mul, last) -> dense, resetAfter ${resetAfter}, no bias`, () => {
      const m = sequential({ seed: 8, layers: [
        layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter, useBias: false }), mergeMode: 'mul', inputShape: [5, 2] }),
        layers.dense({ units: 3, activation: 'softmax' }),
      ] });
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const x = { data: Float32Array.from({ length: 4 * 5 * 2 }, (_, i) => 2 * Math.sin(i * 1.7)), shape: [4, 5, 2] };
      fdCheck(m, x, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]);
    });
  }
});
