// model.cacheInputProjections: predictions that look the LSTMs' and GRUs' input projections up in per-vocabulary tables give
// the bytes of the plain path (also through dropouts after the embedding), stay right after every kind of weight
// change, leave training alone, and refuse models without an LSTM or GRU after an embedding.
import { describe, it, expect } from 'vitest';
import { sequential, layers, ConfigError, StateError, type Sequential } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const T = 9, V = 40;
const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer));

function models(): Record<string, () => Sequential> {
  return {
    'Bi-LSTM (sequences, concat) -> attention': () => sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: V, outputDim: 6, inputLength: T }),
      layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]}),
    'masked Bi-LSTM (last step, sum)': () => sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: V, outputDim: 7, inputLength: T, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: 3 }), mergeMode: 'sum' }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]}),
    'dropouts between the embedding and a Bi-LSTM': () => sequential({ seed: 6, layers: [
      layers.embedding({ inputDim: V, outputDim: 6, inputLength: T }),
      layers.spatialDropout1D({ rate: 0.4 }), layers.dropout({ rate: 0.2 }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]}),
    'Bi-GRU (sequences, reset after, masked) -> attention': () => sequential({ seed: 7, layers: [
      layers.embedding({ inputDim: V, outputDim: 6, inputLength: T, maskZero: true }),
      layers.bidirectional({ layer: layers.gru({ units: 5, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]}),
    'GRU (reset before, no bias, goBackwards) after a dropout': () => sequential({ seed: 8, layers: [
      layers.embedding({ inputDim: V, outputDim: 17, inputLength: T }),
      layers.dropout({ rate: 0.3 }),
      layers.gru({ units: 18, resetAfter: false, useBias: false, goBackwards: true }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]}),
    'LSTM without bias, hard-sigmoid gates': () => sequential({ seed: 5, layers: [
      layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }),
      layers.lstm({ units: 6, useBias: false, recurrentActivation: 'hardSigmoid' }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]}),
  };
}

/** n rows of ids in [0, V), every row with a padded (0) tail, so masks have work to do. */
function batch(n: number, seed: number) {
  const x = ids(n * T, seed, 1, V - 1);
  for (let i = 0; i < n; i++) for (let t = T - (i % 4); t < T; t++) x[i * T + t] = 0;
  return { data: x, shape: [n, T] };
}

describe('cacheInputProjections', () => {
  for (const [name, make] of Object.entries(models())) {
    it(`${name}: the bytes of the plain path at batch 1 and 13, and after each kind of weight change`, () => {
      const plain = make(), cached = make();
      cached.cacheInputProjections();
      const check = (seed: number) => {
        for (const n of [1, 13]) {
          const x = batch(n, seed + n);
          expect(bits(cached.predict(x, { batchSize: n }))).toEqual(bits(plain.predict(x, { batchSize: n })));
        }
      };
      check(1);
      // a training step moves the embedding and the kernels: the tables are made again
      for (const m of [plain, cached]) m.compile({ optimizer: 'adam', loss: m.layers[m.layers.length - 1].outputSize() === 2 ? 'sparseCategoricalCrossentropy' : 'binaryCrossentropy' });
      const x = batch(16, 9), y = Float32Array.from({ length: 16 }, (_, i) => i % 2);
      for (const m of [plain, cached]) m.trainOnBatch(x, y);
      check(2);
      // setWeights
      const w = plain.getWeights().map((v) => ({ data: v.data.map((e, i) => e + 0.01 * Math.sin(i)), shape: v.shape }));
      for (const m of [plain, cached]) m.setWeights(w);
      check(3);
    });
  }

  it('training with the tables on gives the weights of training without them', async () => {
    const make = models()['Bi-LSTM (sequences, concat) -> attention'];
    const [a, b] = [make(), make()];
    b.cacheInputProjections();
    const x = batch(24, 11), y = Float32Array.from({ length: 24 }, (_, i) => (i * 7) % 2);
    for (const m of [a, b]) {
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    }
    expect(b.getWeights().map(bits)).toEqual(a.getWeights().map(bits));
    expect(bits(b.predict(x))).toEqual(bits(a.predict(x)));
  });

  it('allocates each table once; false stops using them (the plain path again)', () => {
    const m = models()['Bi-LSTM (sequences, concat) -> attention']();
    const x = batch(3, 5);
    const before = bits(m.predict(x));
    m.cacheInputProjections();
    const bytes = m.memoryBytes;
    expect(bits(m.predict(x))).toEqual(before);
    m.cacheInputProjections(true);
    expect(m.memoryBytes).toBe(bytes);
    m.cacheInputProjections(false);
    expect(bits(m.predict(x))).toEqual(before);
  });

  it('refuses a model without an LSTM right after an embedding, a non-boolean, and a disposed model', () => {
    const dense = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => dense.cacheInputProjections()).toThrow(ConfigError);
    expect(() => dense.cacheInputProjections()).toThrow(/expected an lstm, gru, simpleRNN or bidirectional layer right after an embedding \(or after dropouts following it\), got the layers Dense/);
    const m = models()['LSTM without bias, hard-sigmoid gates']();
    expect(() => m.cacheInputProjections('yes' as unknown as boolean)).toThrow(/expected enabled to be true or false, got "yes"/);
    m.dispose();
    expect(() => m.cacheInputProjections()).toThrow(StateError);
  });
});
