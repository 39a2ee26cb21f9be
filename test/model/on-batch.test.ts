// predictOnBatch and testOnBatch (Keras's predict_on_batch / test_on_batch, TF.js's predictOnBatch): x's rows as one
// batch, the values of predict and evaluate with that batch size; errors name the call; nothing of the model changes.
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync, ConfigError, ShapeError, StateError } from '../../src/index.js';

initSync();

const T = 5, V = 9, N = 37;
const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 5 + (i >> 2)) % (V - 1))), shape: [N, T] };
const y = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
const sw = Float32Array.from({ length: N }, (_, i) => 0.5 + (i % 4));

function model() {
  const m = sequential({ seed: 5, layers: [
    layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'], weightedMetrics: ['accuracy'] });
  m.trainOnBatch(x, y);
  return m;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('predictOnBatch and testOnBatch', () => {
  it('predictOnBatch gives the bits of predict with all rows in one batch, in inference mode', () => {
    const m = model();
    const p = m.predictOnBatch(x);
    expect(p.shape).toEqual([N, 1]);
    expect(bits(p.data)).toEqual(bits(m.predict(x, { batchSize: N }).data));
    expect(bits(m.predictOnBatch(x).data)).toEqual(bits(p.data)); // (no dropout: the same twice)
  });

  it('testOnBatch gives evaluate(x, y, { batchSize: rows }): [loss, ...metrics], by name with returnDict, with sampleWeight', () => {
    const m = model();
    const before = m.getWeights().map((w) => bits(w.data));
    const r = m.testOnBatch(x, y);
    expect(r).toEqual(m.evaluate(x, y, { batchSize: N }));
    expect(r).toHaveLength(4);
    expect(m.testOnBatch(x, y, { returnDict: true })).toEqual(m.evaluate(x, y, { batchSize: N, returnDict: true }));
    const flag: boolean = r.length > 0; // (a boolean returnDict types as evaluate's does)
    expect(m.testOnBatch(x, y, { returnDict: flag })).toEqual(m.evaluate(x, y, { batchSize: N, returnDict: true }));
    const weighted = m.testOnBatch(x, y, { sampleWeight: sw });
    expect(weighted).toEqual(m.evaluate(x, y, { batchSize: N, sampleWeight: sw }));
    expect(weighted[0]).not.toBe(r[0]);
    // no weight moved
    expect(m.getWeights().map((w) => bits(w.data))).toEqual(before);
  });

  it('errors name the call', () => {
    const m = model();
    expect(() => m.predictOnBatch({ data: x.data, shape: [N * T] })).toThrow(ShapeError);
    expect(() => m.predictOnBatch({ data: x.data, shape: [N * T] })).toThrow(/^predictOnBatch: /);
    expect(() => m.testOnBatch(x, y.subarray(1))).toThrow(/^testOnBatch: expected y to have 37 rows like x/);
    expect(() => m.testOnBatch(x, y, { batchSize: 4 } as never)).toThrow(ConfigError);
    expect(() => m.testOnBatch(x, y, { batchSize: 4 } as never)).toThrow(/^testOnBatch: /);
    expect(() => m.testOnBatch({ data: new Int32Array(0), shape: [0, T] }, new Float32Array(0))).toThrow(/^testOnBatch: expected at least one sample, got 0/);
    const bare = sequential({ layers: [layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }), layers.dense({ units: 1 })] });
    expect(() => bare.testOnBatch(x, y)).toThrow(StateError);
    expect(() => bare.testOnBatch(x, y)).toThrow(/^testOnBatch: expected a compiled model, got none/);
  });
});
