// A call refused after the model laid out its carried weights (a MemoryError while planning a too-large batch)
// drops that memory (Sequential.refusable: "fresh" model) but carried was already set to null in ensureAllocated:
// the trained weights are gone and the next call starts from the initializers.
import { describe, it, expect } from 'vitest';
import { initSync, sequential, layers, MemoryError, type Layer } from '../src/index.js';

initSync();

const T = 6, V = 14, N = 12;
const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 5 + (i >> 2)) % (V - 1))), shape: [N, T] };
const yBin = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const weightsOf = (l: Layer) => l.getWeights().map((w) => bits(w.data));
// enough rows that a single batch's activations exceed 4 GiB (a MemoryError from the dry-run plan)
const HUGE = 3_000_000;
const big = { data: new Int32Array(HUGE * T).fill(1), shape: [HUGE, T] };

function base() {
  const m = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' }),
    layers.attention({ returnSequences: false, name: 'att' }),
    layers.dense({ units: 1, activation: 'sigmoid', name: 'head' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  for (let s = 0; s < 5; s++) m.trainOnBatch(x, yBin);
  return m;
}

describe('refused first call after a transfer', () => {
  it('transfer idiom: a MemoryError on the new model\'s first call keeps the carried weights', () => {
    const a = base();
    const trained = weightsOf(a.getLayer('bi'));
    const b = sequential({ seed: 9, layers: [...a.layers.slice(0, 3), layers.dense({ units: 3, activation: 'softmax', name: 'nh' })] });
    expect(() => b.predictOnBatch(big)).toThrow(MemoryError);
    expect(weightsOf(b.getLayer('bi'))).toEqual(trained);
  });

  it('pop()/add(): a MemoryError on the next call keeps the weights the layers had', () => {
    const a = base();
    const trained = weightsOf(a.getLayer('bi'));
    a.pop();
    a.add(layers.dense({ units: 3, activation: 'softmax', name: 'nh' }));
    expect(() => a.predictOnBatch(big)).toThrow(MemoryError);
    expect(weightsOf(a.getLayer('bi'))).toEqual(trained);
  });

  it('fit with a batch too large to plan, then a smaller one, trains from the carried weights', async () => {
    const a = base();
    const trained = weightsOf(a.getLayer('emb'));
    a.pop();
    a.add(layers.dense({ units: 1, activation: 'sigmoid', name: 'nh' }));
    a.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const yBig = new Float32Array(HUGE);
    await expect(a.fit(big, yBig, { epochs: 1, batchSize: HUGE, verbose: 0 })).rejects.toThrow(MemoryError);
    expect(weightsOf(a.getLayer('emb'))).toEqual(trained);
  });
});
