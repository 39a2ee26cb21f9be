// Review of f235e05: exportTorchWeights now refuses LSTMs nn.LSTM cannot compute (a non-tanh activation, a
// Bidirectional around a goBackwards LSTM: nn.LSTM's first direction reads forwards, so its weights would sit in the
// layer Keras runs backwards). loadTorchWeights, the same mapping the other way, still takes such a model silently:
// an nn.LSTM state_dict then lands in a layer that computes something else (TF.js's importer refuses "both ways").
import { describe, it, expect, beforeAll } from 'vitest';
import { init, sequential, layers, exportTorchWeights, loadTorchWeights, ConfigError } from '../../../src/index.js';

beforeAll(async () => { await init(); });

const model = (lstm: Record<string, unknown>) => sequential({ seed: 1, layers: [
  layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
  layers.bidirectional({ layer: layers.lstm({ units: 3, ...lstm }) }),
  layers.dense({ units: 1, activation: 'sigmoid' }),
] });

describe('loadTorchWeights into an LSTM nn.LSTM does not compute', () => {
  for (const [what, lstm] of [['goBackwards inside a Bidirectional', { goBackwards: true }], ["activation 'relu'", { activation: 'relu' }]] as const) {
    it(`${what}: refused as exportTorchWeights refuses it`, async () => {
      const bytes = await exportTorchWeights(model({})); // a plain nn.LSTM(bidirectional=True) state_dict
      const m = model(lstm);
      await expect(exportTorchWeights(m)).rejects.toThrow(ConfigError);
      await expect(loadTorchWeights(m, bytes)).rejects.toThrow(ConfigError);
    });
  }
});
