// textClassifier: the CLI's reference model, its head and loss by the number of classes, and its argument check.
import { describe, it, expect, beforeAll } from 'vitest';
import { init, textClassifier, ConfigError } from '../../src/index.js';

beforeAll(async () => { await init(); });

describe('textClassifier', () => {
  it('builds Embedding(maskZero) -> Bi-LSTM -> attention -> Dense with a sigmoid for 2 classes and a softmax for more', () => {
    const b = textClassifier({ vocabSize: 50, maxlen: 7, classes: 2, units: 4, embeddingDim: 5, seed: 3 });
    expect(b.loss).toBe('binaryCrossentropy');
    const cfg = b.model.getConfig().config.layers;
    expect(cfg.map((l) => l.className)).toEqual(['Embedding', 'Bidirectional', 'Attention', 'Dense']);
    expect(cfg[0].config).toMatchObject({ inputDim: 50, outputDim: 5, inputLength: 7, maskZero: true });
    expect(cfg[3].config).toMatchObject({ units: 1, activation: 'sigmoid' });
    expect((cfg[1].config.layer as { config: { units: number; returnSequences: boolean } }).config).toMatchObject({ units: 4, returnSequences: true });
    const m = textClassifier({ vocabSize: 50, maxlen: 7, classes: 4, dropout: 0.25 });
    expect(m.loss).toBe('sparseCategoricalCrossentropy');
    const mc = m.model.getConfig().config.layers;
    expect(mc.map((l) => l.className)).toEqual(['Embedding', 'Bidirectional', 'Attention', 'Dropout', 'Dense']);
    expect(mc[4].config).toMatchObject({ units: 4, activation: 'softmax' });
    expect(m.model.predict({ data: new Int32Array(14).fill(1), shape: [2, 7] }).shape).toEqual([2, 4]);
  });

  it('refuses fewer than 2 classes', () => {
    expect(() => textClassifier({ vocabSize: 5, maxlen: 3, classes: 1 })).toThrow(ConfigError);
    expect(() => textClassifier({ vocabSize: 5, maxlen: 3, classes: 1 })).toThrow('textClassifier: expected classes to be an integer >= 2, got 1.');
  });
});
