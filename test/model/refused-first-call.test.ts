// A refused first call leaves a model without a declared input shape unbuilt (README "Errors"), also when it is
// refused for 0 samples, a bad verbose, or a MemoryError while planning (the memory it laid out is dropped): the
// cases a review of the first fix (84f437c) found still built; and fit refused by a MemoryError, which laid out its
// memory outside refusable (a review of absurd sizes).
import { describe, it, expect, beforeAll } from 'vitest';
import { init, ShapeError, MemoryError, sequential, layers, type Sequential } from '../../src/index.js';
beforeAll(async () => { await init(); });

const thrown = async (f: () => unknown) => { try { await f(); } catch (e) { return e; } return undefined; };
const dense = (units = 1) => {
  const m = sequential({ layers: [layers.dense({ units, activation: 'sigmoid' })] });
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  return m;
};
const empty3 = { data: new Float32Array(0), shape: [0, 3] };
const emptyY = { data: new Float32Array(0), shape: [0, 1] };

describe('a refused first call with 0 samples leaves the model unbuilt', () => {
  const refusals: [string, (m: Sequential) => unknown][] = [
    ['evaluate', (m) => m.evaluate(empty3, emptyY)],
    ['trainOnBatch', (m) => m.trainOnBatch(empty3, emptyY)],
    ['computeGradients', (m) => m.computeGradients(empty3, emptyY)],
  ];
  it.each(refusals)('%s of 0 samples of 3 features, then a call of 4 features', async (_n, refuse) => {
    const m = dense();
    expect(await thrown(() => refuse(m))).toBeInstanceOf(ShapeError);
    // fails: the model stays built for 3 features ("x has 2 dimensions [1, 4] but the model expects [batch, 3]")
    expect(() => m.predict([[1, 2, 3, 4]])).not.toThrow();
    m.dispose();
  });
});

describe('a MemoryError of a first predict leaves the model unbuilt', () => {
  it('predict of a batch whose activations exceed 4 GiB, then a call of 2 features', () => {
    const m = sequential({ layers: [layers.dense({ units: 2 ** 20 })] });
    // 4096 x 2^20 floats of activations: 16 GiB, a MemoryError from plan(), after ensureAllocated built the model
    expect(() => m.predict({ data: new Float32Array(4096), shape: [4096, 1] }, { batchSize: 4096 })).toThrow(MemoryError);
    expect(() => m.predict([[1, 2]])).not.toThrow();
    m.dispose();
  });
});

describe('fit refused for an option checked after the data', () => {
  it('verbose 3 (a ConfigError from Progress, after refusable) leaves the model unbuilt', async () => {
    const m = dense();
    expect(await thrown(() => m.fit([[1, 2, 3]], [1], { verbose: 3 as never }))).toBeInstanceOf(Error);
    expect(() => m.predict([[1, 2, 3, 4]])).not.toThrow();
    m.dispose();
  });
});

const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(new Uint32Array(w.data.buffer.slice(0))));

describe('fit refused by a MemoryError on a first call leaves the model unbuilt', () => {
  it('weights that do not fit (dense 2^20 units on 2048 features)', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2 ** 20, activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const e = await thrown(() => m.fit({ data: new Float32Array(2048), shape: [1, 2048] }, [0], { verbose: 0 }));
    expect(e).toBeInstanceOf(MemoryError);
    // (before: "predict: x has 2 dimensions [1, 2] but the model expects [batch, 2048]": fit laid out its memory outside refusable)
    expect(await thrown(() => m.predict([[1, 2]]))).toBeUndefined();
    m.dispose();
  });

  it('activations that do not fit (a batch of 4096 x 2^20 outputs)', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2 ** 20, activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const n = 4096;
    const e = await thrown(() => m.fit({ data: new Float32Array(n), shape: [n, 1] }, new Float32Array(n), { verbose: 0, batchSize: n }));
    expect(e).toBeInstanceOf(MemoryError);
    // (before: the model stayed built for 1 feature: the first trainStep planned outside refusable)
    expect(await thrown(() => m.predict([[1, 2]]))).toBeUndefined();
    m.dispose();
  });

  // Keras's fit with epochs 0 (or initial_epoch >= epochs) returns at once; it laid out the memory of its batches first
  it('a fit that runs no epoch lays out no memory (epochs 0, initialEpoch past epochs), so cannot be refused for it', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2 ** 20, activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const n = 4096;
    for (const args of [{ epochs: 0 }, { epochs: 2, initialEpoch: 2 }]) {
      const h = await m.fit({ data: new Float32Array(n), shape: [n, 1] }, new Float32Array(n), { verbose: 0, batchSize: n, ...args });
      expect(h.epoch).toEqual([]);
    }
    expect(m.memoryBytes).toBe(0);
    // its data is still checked
    expect(await thrown(() => m.fit([[1, 2]], [0, 1], { verbose: 0, epochs: 0 }))).toBeInstanceOf(Error);
    m.dispose();
  });
});

describe('fit whose validation data cannot be planned', () => {
  it('is refused before training, the weights unchanged', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 11, outputDim: 64 }), layers.lstm({ units: 8 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = { data: new Int32Array(20).map((_, i) => i % 11), shape: [4, 5] };
    const y = [0, 1, 0, 1];
    m.trainOnBatch(x, y);
    const before = bits(m);
    const T = 4e6; // 4 x 4e6 steps of validation: 11.6 GiB of activations
    const e = await thrown(() => m.fit(x, y, { verbose: 0, validationData: [{ data: new Int32Array(4 * T), shape: [4, T] }, y] }));
    expect(e).toBeInstanceOf(MemoryError);
    // (before: the MemoryError came from evaluateData after the first epoch's steps were applied)
    expect(bits(m)).toEqual(before);
    m.dispose();
  });
});
