// fit(): history keys, callbacks, validation split (last fraction, before shuffling), frozen layers, batch-norm
// statistics, sparse labels, stopping by AbortSignal, a non-finite loss refused before its update; and weight
// order/layout as Keras lists them.
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers, ConfigError, ValueError, type Sequential } from '../../src/index.js';
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
  });

  it('accuracy (fit history and evaluate) equals an independent count of round(p) == y', async () => {
    const m = smallModel(11);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const { x, y } = smallData(30, 5);
    const count = () => { const p = m.predict(x).data; let k = 0; for (let i = 0; i < 30; i++) if ((p[i] > 0.5 ? 1 : 0) === y[i]) k++; return k; };
    // one batch of all rows, no dropout: the epoch's accuracy is that of the predictions before its single update
    const k0 = count();
    const h = await m.fit(x, y, { epochs: 1, batchSize: 30, shuffle: false, verbose: 0 });
    expect(h.history.accuracy[0]).toBeCloseTo(k0 / 30, 6);
    await m.fit(x, y, { epochs: 5, batchSize: 30, verbose: 0 });
    const k1 = count();
    // counts strictly between 0 and 30 that changed with training: a constant or inverted metric cannot pass
    expect(k0).toBeGreaterThan(0); expect(k0).toBeLessThan(30); expect(k1).not.toBe(k0);
    expect(m.evaluate(x, y)[1]).toBeCloseTo(k1 / 30, 6);
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

  describe('signal (AbortSignal)', () => {
    it('an already aborted signal runs no step; History is empty', async () => {
      const m = smallModel(4);
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const before = weightBytes(m);
      const { x, y } = smallData(16);
      let batches = 0;
      const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, signal: AbortSignal.abort(), callbacks: { onBatchBegin: () => { batches++; } } });
      expect(batches).toBe(0);
      expect(h.epoch).toEqual([]);
      expect(weightBytes(m)).toEqual(before);
      expect(m.state.iterations).toBe(0);
      expect(Object.keys(m.state.streams).filter((k) => !k.includes('/init/'))).toEqual([]);
    });

    it('aborting during a batch stops after it; the partial epoch is logged over the batches run (Keras 2)', async () => {
      const m = smallModel(4);
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['acc'] });
      const { x, y } = smallData(20);
      const ac = new AbortController();
      const seen: { loss: number; size: number }[] = [];
      const ends: number[] = [];
      const h = await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, signal: ac.signal, validationSplit: 0.2, callbacks: {
        onBatchEnd: (b, logs) => { seen.push({ loss: logs.loss, size: logs.size }); if (b === 1) ac.abort(); },
        onEpochEnd: (e) => { ends.push(e); },
      } });
      expect(seen).toHaveLength(2);
      expect(m.state.iterations).toBe(2);
      expect(h.epoch).toEqual([0]);
      expect(ends).toEqual([0]);
      // batch logs carry the epoch's running loss (Keras), so the partial epoch's loss is its last batch's
      expect(h.history.loss[0]).toBe(seen[1].loss);
      expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    });

    it('an abort from a timer stops fit within an epoch (fit lets timers run between batches)', async () => {
      const m = smallModel(4);
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = smallData(400);
      const ac = new AbortController();
      let batches = 0;
      const h = await m.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, signal: ac.signal, callbacks: {
        onBatchEnd: (b) => { batches++; if (b === 0) setTimeout(() => ac.abort(), 0); },
      } });
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThan(400);
      expect(h.epoch).toEqual([0]);
    });

    it('refuses a signal that is not an AbortSignal', async () => {
      const m = smallModel(4);
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = smallData(8);
      for (const bad of [{}, 'stop', true, { aborted: 'yes' }]) {
        await expect(m.fit(x, y, { verbose: 0, signal: bad as never })).rejects.toThrow(ConfigError);
        await expect(m.fit(x, y, { verbose: 0, signal: bad as never })).rejects.toThrow(/^fit: expected signal to be an AbortSignal \(from new AbortController\(\)\.signal\), got /);
      }
      expect(m.state.iterations).toBe(0);
    });
  });

  describe('a non-finite loss', () => {
    // dense with kernel ones: a row [3e38, 3e38] sums to Infinity in float32, batch norm turns it into NaN. The model
    // has everything a step changes: Adam slots and iterations, batch-norm moving statistics, a dropout stream.
    const model = (): Sequential => {
      // fixed names: two such models then save the same bytes when their state is the same
      const m = sequential({ seed: 8, name: 'nonfinite', layers: [
        layers.dense({ name: 'd1', units: 3, inputShape: [2], kernelInitializer: 'ones' }), layers.batchNormalization({ name: 'bn', momentum: 0.5 }),
        layers.dropout({ name: 'drop', rate: 0.5 }), layers.dense({ name: 'd2', units: 1 }),
      ] });
      m.compile({ optimizer: 'adam', loss: 'mse' });
      return m;
    };
    const good = [[1, 2], [0.5, -1], [2, 0], [-1, 1]], yGood = [1, 0, 1, 0];
    const bad = [[0.1, 0.2], [3e38, 3e38], [1, 1], [0, 1]];

    it('stops fit before that batch\'s update with a ValueError naming epoch and batch; the model is as after the last good step', async () => {
      const a = model();
      await a.fit(good, yGood, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const b = model();
      const p = b.fit([...good, ...bad], [...yGood, ...yGood], { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
      await expect(p).rejects.toThrow(ValueError);
      await expect(p).rejects.toThrow(/^fit: expected a finite loss, got NaN at epoch 1, batch 1\. The batch was not applied: weights, optimizer state and random streams are those after the last good step\.$/);
      expect(b.state).toEqual(a.state);
      expect(b.state.iterations).toBe(1);
      // weights, batch-norm moving statistics, Adam slots, iterations and stream positions: the saved bytes
      expect(await b.save()).toEqual(await a.save());
    });

    it('failing on the first batch of an epoch also takes back that epoch\'s shuffle', async () => {
      const a = model();
      await a.fit(good, yGood, { epochs: 1, batchSize: 2, verbose: 0 });
      const b = model();
      await b.fit(good, yGood, { epochs: 1, batchSize: 2, verbose: 0 });
      await expect(b.fit(bad, yGood, { epochs: 1, batchSize: 4, verbose: 0 })).rejects.toThrow(/got NaN at epoch 1, batch 0\./);
      expect(b.state).toEqual(a.state);
      expect(await b.save()).toEqual(await a.save());
    });

    it('trainOnBatch throws a ValueError and changes nothing', async () => {
      const m = model();
      m.trainOnBatch(good, yGood);
      const before = await m.save();
      expect(() => m.trainOnBatch(bad, yGood)).toThrow(ValueError);
      expect(() => m.trainOnBatch(bad, yGood)).toThrow(/^trainOnBatch: expected a finite loss, got NaN\. The step was not applied/);
      expect(await m.save()).toEqual(before);
      // and training goes on from there
      expect(Number.isFinite(m.trainOnBatch(good, yGood)[0])).toBe(true);
    });

    it('an embedding model trains after a refused step exactly as one that never took it', () => {
      const { x, y } = smallData(8);
      const make = () => {
        const m = sequential({ seed: 6, name: 'emb', layers: [layers.embedding({ name: 'e', inputDim: 11, outputDim: 2, inputLength: 7 }),
          layers.globalAveragePooling1D({ name: 'p' }), layers.dense({ name: 'd', units: 1, kernelInitializer: 'ones' })] });
        m.compile({ optimizer: 'adam', loss: 'mse' });
        return m;
      };
      const a = make(), b = make();
      const w0 = b.getWeights();
      // embeddings of 3e38: the dense sum of two of them is Infinity, the loss non-finite
      b.setWeights([{ data: new Float32Array(22).fill(3e38), shape: [11, 2] }, ...w0.slice(1)]);
      expect(() => b.trainOnBatch(x, y)).toThrow(/^trainOnBatch: expected a finite loss, got (NaN|Infinity)/);
      b.setWeights(w0);
      a.trainOnBatch(x, y); b.trainOnBatch(x, y);
      expect(weightBytes(b)).toEqual(weightBytes(a));
      expect(b.state).toEqual(a.state);
    });
  });
});
