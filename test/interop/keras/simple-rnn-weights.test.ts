// exportKeras -> loadKerasWeights into a fresh model with two SimpleRNNs and a Bidirectional(SimpleRNN).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync, exportKeras, loadKerasWeights, loadKerasModel } from '../../../src/index.js';
import { ids } from '../../helpers/models.js';

describe('keras weights of SimpleRNNs', () => {
  it('round trip', async () => {
    initSync();
    const build = (seed: number) => sequential({ seed, layers: [
      layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true }), mergeMode: 'concat' }),
      layers.simpleRNN({ units: 4, returnSequences: true, useBias: false }),
      layers.simpleRNN({ units: 3, activation: 'relu' }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    const a = build(1), b = build(2);
    const x = { data: ids(5 * 7, 3, 0, 29), shape: [5, 7] };
    const file = await exportKeras(a);
    await loadKerasWeights(b, file);
    expect(Buffer.from(b.predict(x).data.buffer).equals(Buffer.from(a.predict(x).data.buffer))).toBe(true);
    const c = await loadKerasModel(file);
    expect(Buffer.from(c.predict(x).data.buffer).equals(Buffer.from(a.predict(x).data.buffer))).toBe(true);
  });
});
