// Every documented error: its class and a message that says what was expected and what was found; model unchanged.
import { describe, it, expect } from 'vitest';
import { sequential, layers, ShapeError, ValueError, ConfigError, StateError, MemoryError } from '../../src/index.js';
import { smallModel, smallData, weightBytes } from '../helpers/models.js';

function compiled() {
  const m = smallModel(1);
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('input errors', () => {
  it('wrong rank names both shapes and the first layer', () => {
    const m = compiled();
    const x = { data: new Float32Array(2 * 7 * 1), shape: [2, 7, 1] };
    expect(() => m.predict(x)).toThrow(ShapeError);
    expect(() => m.predict(x)).toThrow("predict: x has 3 dimensions [2, 7, 1] but the model's first layer is embedding, which expects token ids [batch, 7].");
  });

  it('wrong sequence length', () => {
    const m = compiled();
    expect(() => m.predict({ data: new Int32Array(2 * 8), shape: [2, 8] })).toThrow(/x has 2 dimensions \[2, 8\] but .* \[batch, 7\]/);
  });

  it('data and shape disagree', () => {
    const m = compiled();
    expect(() => m.predict({ data: new Int32Array(13), shape: [2, 7] })).toThrow('predict: x: expected shape [2, 7] to have 14 values, got 13.');
  });

  it('ragged nested arrays', () => {
    const m = compiled();
    expect(() => m.predict([[1, 2, 3, 4, 5, 6, 7], [1, 2]])).toThrow(ShapeError);
  });

  it('ids out of range, negative or non-integer', () => {
    const m = compiled();
    const x = new Int32Array(14).fill(1);
    x[3] = 11;
    expect(() => m.predict({ data: x, shape: [2, 7] })).toThrow(ValueError);
    expect(() => m.predict({ data: x, shape: [2, 7] })).toThrow('predict: x: expected integer token ids in [0, 10] (embedding inputDim 11), got an id out of range 11 at flat index 3.');
    expect(() => m.predict([[0, 1, 2, -1, 0, 0, 0]])).toThrow(/a negative id -1 at flat index 3/);
    // Int32Array ids take a range-only fast path: a negative one past the first row, and the last element
    const neg = new Int32Array(14).fill(1);
    neg[9] = -5;
    expect(() => m.predict({ data: neg, shape: [2, 7] })).toThrow(/a negative id -5 at flat index 9/);
    neg[9] = 1; neg[13] = 11;
    expect(() => m.predict({ data: neg, shape: [2, 7] })).toThrow(/an id out of range 11 at flat index 13/);
    expect(() => m.predict([[0, 1, 2, 1.5, 0, 0, 0]])).toThrow(/a non-integer 1.5 at flat index 3/);
    expect(() => m.predict([[0, 1, 2, NaN, 0, 0, 0]])).toThrow(/a non-finite value NaN/);
  });

  it('non-finite float inputs and labels', () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => m.predict([[1, Infinity]])).toThrow(ValueError);
    expect(() => m.predict([[1, Infinity]])).toThrow('predict: x: expected finite numbers, got Infinity at flat index 1 (shape [1, 2]).');
    expect(() => m.evaluate([[1, 2]], [NaN])).toThrow(/y: expected finite numbers, got NaN/);
  });

  it('labels with the wrong number of rows or shape', () => {
    const m = compiled();
    const { x } = smallData(4);
    expect(() => m.evaluate(x, [1, 0, 1])).toThrow('evaluate: expected y to have 4 rows like x, got 3 (shape [3]).');
    expect(() => m.evaluate(x, [[1, 0], [1, 0], [1, 0], [1, 0]])).toThrow(/expected y of shape \[4, 1\] or \[4\], got \[4, 2\]/);
  });

  it('bad input changes nothing: a failed fit leaves weights and streams as they were', async () => {
    const m = compiled();
    const before = weightBytes(m);
    const state = JSON.stringify(m.state);
    const x = new Int32Array(14).fill(1); x[13] = 99;
    await expect(m.fit({ data: x, shape: [2, 7] }, [1, 0], { verbose: 0 })).rejects.toThrow(ValueError);
    expect(weightBytes(m)).toEqual(before);
    expect(JSON.stringify(m.state)).toBe(state);
  });
});

describe('state and config errors', () => {
  it('two layers of one name in a model (their weights would share names)', () => {
    const m = sequential({ layers: [layers.dense({ name: 'd', units: 2, inputShape: [3] })] });
    expect(() => m.add(layers.dense({ name: 'd', units: 1 }))).toThrow(ConfigError);
    expect(() => m.add(layers.dense({ name: 'd', units: 1 }))).toThrow('sequential.add: expected a layer name not yet in the model, got a second layer named "d". Give it another name.');
    expect(m.layers.length).toBe(1);
  });

  // a layer's weights live in its model's memory: a second model laid them out again, and the first then predicted
  // [0, 0] with other weights (Keras shares a layer between models). Now the second takes the layer over and the
  // first refuses its next call; a model refused at construction takes nothing
  it('a layer added to a second model goes to it, and the first model refuses its next call with a StateError', () => {
    const shared = layers.dense({ units: 2, name: 'shared' });
    const m1 = sequential({ seed: 1, layers: [layers.dense({ units: 3, inputShape: [3] }), shared] });
    const p1 = Array.from(m1.predict([[1, 2, 3]]).data);
    expect(p1).not.toEqual([0, 0]);
    // refused at construction (not a layer after it): the layer stays with m1
    expect(() => sequential({ layers: [shared, 'dense' as never] })).toThrow(ConfigError);
    expect(Array.from(m1.predict([[1, 2, 3]]).data)).toEqual(p1);
    const m2 = sequential({ seed: 2, layers: [layers.dense({ units: 50, inputShape: [3] }), layers.dense({ units: 3 }), shared] });
    expect(m2.predict([[1, 2, 3]]).shape).toEqual([1, 2]);
    for (const call of [() => m1.predict([[1, 2, 3]]), () => m1.getWeights(), () => m1.summary(undefined, undefined, () => {})]) {
      expect(call).toThrow(StateError);
      expect(call).toThrow(/^(predict|getWeights|summary): expected a model whose layers are its own, got sequential(_\d+)?, whose layer "shared" went to model "sequential(_\d+)?" \(a layer's weights live in one model's memory: it took them along; Keras would share them\)\./);
    }
    // a loop that builds a model per round around one layer object (dropping the last) works as it did
    const emb = layers.dense({ units: 2, name: 'looped' });
    for (let r = 0; r < 3; r++) {
      const m = sequential({ seed: r, layers: [layers.dense({ units: 3, inputShape: [3] }), emb] });
      expect(m.predict([[1, 2, 3]]).shape).toEqual([1, 2]);
    }
    m2.dispose();
  });

  it('fit, evaluate and computeGradients before compile', async () => {
    const m = smallModel();
    const { x, y } = smallData(2);
    await expect(m.fit(x, y)).rejects.toThrow(StateError);
    await expect(m.fit(x, y)).rejects.toThrow('fit: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.');
    expect(() => m.evaluate(x, y)).toThrow(StateError);
    expect(() => m.computeGradients(x, y)).toThrow(StateError);
  });

  it('unknown optimizer, loss, metric, activation, merge mode', () => {
    const m = smallModel();
    expect(() => m.compile({ optimizer: 'adagrad' as never, loss: 'binaryCrossentropy' })).toThrow(ConfigError);
    expect(() => m.compile({ optimizer: 'adam', loss: 'hinge' })).toThrow(/expected loss to be one of/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['msle' as 'auc'] })).toThrow(/expected each metric to be one of 'accuracy', 'acc', 'binaryAccuracy', 'binary_accuracy', 'categoricalAccuracy', 'categorical_accuracy', 'sparseCategoricalAccuracy', 'sparse_categorical_accuracy', 'precision', 'recall', 'f1', 'auc', 'aucApprox', 'mse', 'meanSquaredError', 'mean_squared_error', 'mae', 'meanAbsoluteError', 'mean_absolute_error', got "msle"/);
    expect(() => layers.dense({ units: 1, activation: 'hardSwish' as never })).toThrow("layers.dense(dense_");
    expect(() => layers.dense({ units: 0 })).toThrow(/expected units to be a positive integer, got 0/);
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(/mergeMode/);
    expect(() => layers.dropout({ rate: 1.5 })).toThrow(/expected rate in \[0, 1\], got 1.5/);
  });

  it('summary of a model without a known input shape', () => {
    const m = sequential({ layers: [layers.dense({ units: 2 })] });
    expect(() => m.summary(undefined, undefined, () => {})).toThrow(StateError);
  });

  it('a model too large for 4 GiB fails before allocating', () => {
    const m = sequential({ layers: [layers.embedding({ inputDim: 2_000_000, outputDim: 1024, inputLength: 4 })] });
    expect(() => m.getWeights()).toThrow(MemoryError);
    expect(() => m.getWeights()).toThrow(/expected weights and gradients to fit in the 4 GiB of Wasm memory, got 7.63 GiB of weights/);
  });
});

describe('setWeights', () => {
  it('checks count and shapes before changing anything', () => {
    const m = compiled();
    const w = m.getWeights();
    const before = weightBytes(m);
    expect(() => m.setWeights(w.slice(1))).toThrow(ShapeError);
    expect(() => m.setWeights(w.slice(1))).toThrow(/setWeights: expected 11 weights \(embedding(_\d+)?\/embeddings \[11, 5\]/);
    const bad = w.map((v) => ({ data: v.data.slice(), shape: v.shape }));
    bad[0].data.fill(7);
    bad[9] = { data: new Float32Array(3), shape: [3, 1] };
    expect(() => m.setWeights(bad)).toThrow(/^setWeights: weight 9 \(dense(_\d+)?\/kernel\) expected shape \[8, 1\], got \[3, 1\]\.$/);
    const nan = w.map((v) => ({ data: v.data.slice(), shape: v.shape }));
    nan[2].data[0] = NaN;
    expect(() => m.setWeights(nan)).toThrow(ValueError);
    expect(weightBytes(m)).toEqual(before);
  });

  it('round-trips getWeights and accepts nested arrays', () => {
    const a = compiled();
    const b = smallModel(99);
    b.setWeights(a.getWeights());
    expect(weightBytes(b)).toEqual(weightBytes(a));
    const nested = a.getWeights().map((w) => {
      if (w.shape.length === 1) return Array.from(w.data);
      const [r, c] = w.shape;
      return Array.from({ length: r }, (_, i) => Array.from(w.data.slice(i * c, (i + 1) * c)));
    });
    const c2 = smallModel(100);
    c2.setWeights(nested);
    expect(weightBytes(c2)).toEqual(weightBytes(a));
  });
});

describe('memory planning', () => {
  it('a batch whose activations cannot fit fails before allocating, saying what it needs; smaller batches still work', () => {
    const m = sequential({ layers: [
      layers.embedding({ inputDim: 5, outputDim: 64, inputLength: 4096 }),
      layers.bidirectional({ layer: layers.lstm({ units: 64, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = { data: new Int32Array(4096), shape: [1, 4096] };
    expect(() => m.predict(x, { batchSize: 1 })).not.toThrow();
    const big = { data: new Int32Array(2048 * 4096), shape: [2048, 4096] };
    expect(() => m.predict(big, { batchSize: 2048 })).toThrow(MemoryError);
    expect(() => m.predict(big, { batchSize: 2048 })).toThrow(/a batch of 2048 needs \d+\.\d+ GiB of activations, but only .* Use a smaller batchSize\./);
    expect(m.predict(x).shape).toEqual([1, 1]);
  });
});
