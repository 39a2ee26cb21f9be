// fit(): history keys, callbacks, validation split (last fraction, before shuffling), frozen layers, batch-norm
// statistics, sparse labels; and weight order/layout as Keras lists them.
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers } from '../../src/index.js';
import { smallModel, smallData, weightBytes } from '../helpers/models.js';

describe('fit', () => {
  it('returns Keras-style history and calls the callbacks per batch and epoch', async () => {
    const m = smallModel(2);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const { x, y } = smallData(50);
    const batches: number[] = [], epochs: number[] = [];
    const h = await m.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0,
      callbacks: { onBatchEnd: (b) => { batches.push(b); }, onEpochEnd: (e, logs) => { epochs.push(e); expect(logs.val_loss).toBeGreaterThan(0); } } });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.history.loss).toHaveLength(3);
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(epochs).toEqual([0, 1, 2]);
    // 40 training samples in batches of 16: 3 steps per epoch, the last one partial
    expect(batches).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(h.history.loss[2]).toBeLessThan(h.history.loss[0]);
    for (const v of h.history.accuracy) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('validationSplit holds out the last rows before shuffling (as Keras)', async () => {
    const { x, y } = smallData(20);
    const m = smallModel(3);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, validationSplit: 0.25, verbose: 0, shuffle: false });
    // the same figure computed by evaluate on rows 15..19, with the weights after the epoch
    const xv = { data: x.data.slice(15 * 7), shape: [5, 7] };
    const [vl, va] = m.evaluate(xv, y.slice(15));
    expect(h.history.val_loss[0]).toBeCloseTo(vl, 6);
    expect(h.history.val_acc[0]).toBeCloseTo(va, 6);
    expect(h.params.samples).toBe(15);
  });

  it('stops when a callback sets model.stopTraining', async () => {
    const m = smallModel(4);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(16);
    const h = await m.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: { onEpochEnd: (e) => { if (e === 1) m.stopTraining = true; } } });
    expect(h.epoch).toEqual([0, 1]);
  });

  it('a frozen layer keeps its weights; trainableWeights leaves it out', async () => {
    const emb = layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7, trainable: false });
    const m = sequential({ seed: 1, layers: [emb, layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    expect(m.trainableWeights.map((w) => w.name.split('/').pop())).toEqual(['kernel', 'recurrent_kernel', 'bias', 'kernel', 'bias']);
    const before = weightBytes(m);
    const { x, y } = smallData(16);
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const after = weightBytes(m);
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).not.toEqual(before[1]);
    expect(m.computeGradients(x, y).grads).toHaveLength(5);
  });

  it('batch norm updates moving statistics in fit (Keras momentum), not in computeGradients or predict', async () => {
    const m = sequential({ seed: 1, layers: [layers.dense({ units: 3, inputShape: [2] }), layers.batchNormalization({ momentum: 0.5 }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = [[1, 2], [3, 4], [-1, 0], [2, -2]];
    const y = [1, 0, 1, 0];
    const mm0 = m.getWeights()[4].data.slice();
    m.computeGradients(x, y);
    m.predict(x);
    expect(Array.from(m.getWeights()[4].data)).toEqual(Array.from(mm0));
    // moving_mean after one full-batch step = 0.5 * 0 + 0.5 * batch mean of the first dense output
    const h = m.predict(x); void h;
    const w = m.getWeights();
    const K = w[0].data, b = w[1].data;
    const mean = [0, 1, 2].map((c) => x.reduce((s, r) => s + r[0] * K[c] + r[1] * K[3 + c] + b[c], 0) / 4);
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    const mm1 = m.getWeights()[4].data;
    mean.forEach((v, c) => expect(mm1[c]).toBeCloseTo(0.5 * v, 5));
  });

  it('sparseCategoricalCrossentropy takes class ids ([N] or [N, 1]) and equals categorical on one-hot labels', () => {
    const make = () => sequential({ seed: 5, layers: [layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })] });
    const x = [[1, 2], [0.5, -1], [2, 0]];
    const a = make(); a.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const b = make(); b.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const ea = a.evaluate(x, [2, 0, 1]);
    const ea1 = a.evaluate(x, [[2], [0], [1]]);
    const eb = b.evaluate(x, [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(ea).toEqual(eb);
    expect(ea1).toEqual(eb);
    expect(() => a.evaluate(x, [3, 0, 1])).toThrow(/expected class ids in \[0, 2\]/);
  });

  it('getWeights lists Keras order and shapes: embedding, forward then backward LSTM, attention, dense', () => {
    const m = smallModel(1);
    expect(m.getWeights().map((w) => w.shape)).toEqual([[11, 5], [5, 16], [4, 16], [16], [5, 16], [4, 16], [16], [8, 1], [7, 1], [8, 1], [1]]);
    expect(m.weightNames.map((n) => n.replace(/_\d+/g, ''))).toEqual([
      'embedding/embeddings',
      'bidirectional/forward_lstm/kernel', 'bidirectional/forward_lstm/recurrent_kernel', 'bidirectional/forward_lstm/bias',
      'bidirectional/backward_lstm/kernel', 'bidirectional/backward_lstm/recurrent_kernel', 'bidirectional/backward_lstm/bias',
      'attention/W', 'attention/b', 'dense/kernel', 'dense/bias']);
  });

  it('initializes as Keras: forget bias 1, zero other biases, orthogonal recurrent rows, embedding within ±0.05', () => {
    const w = smallModel(1).getWeights();
    const bias = Array.from(w[3].data);
    expect(bias).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const v of w[0].data) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    const lim = Math.sqrt(6 / (5 + 16));
    for (const v of w[1].data) expect(Math.abs(v)).toBeLessThanOrEqual(lim);
    // U [4, 16]: rows orthonormal
    const U = w[2].data;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let d = 0;
      for (let k = 0; k < 16; k++) d += U[i * 16 + k] * U[j * 16 + k];
      expect(d).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    expect(Array.from(w[8].data)).toEqual(new Array(7).fill(0));
  });
});
