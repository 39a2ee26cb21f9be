// A Bidirectional around a layer built with trainable false is frozen; unfrozen (trainable = true) it trains, and its
// config and file keep it unfrozen (the wrapped layer's trainable is written as the wrapper's).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync, loadModel } from '../../src/index.js';
import { ids } from '../helpers/models.js';

describe('Bidirectional trainable from the wrapped layer', () => {
  it('unfreezing the wrapper survives save/load', async () => {
    initSync();
    const m = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, trainable: false }) }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(m.layers[1].trainable).toBe(false);
    m.layers[1].trainable = true; // fine-tune it now
    const x = { data: ids(20, 2, 0, 19), shape: [4, 5] }, y = [0, 1, 1, 0];
    const before = m.getWeights()[1].data.slice();
    m.trainOnBatch(x, y);
    expect(m.getWeights()[1].data).not.toEqual(before); // it trains
    expect(m.trainableWeights.length).toBe(1 + 6 + 2);
    const back = await loadModel(await m.save());
    expect(back.layers[1].trainable).toBe(true);
    expect(back.trainableWeights.length).toBe(1 + 6 + 2);
  });
});
