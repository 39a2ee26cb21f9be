// Class and sample weights (src/model/weights.ts and their use in fit, trainOnBatch, evaluate): Keras 2's loss
// sum_i w_i l_i / N, sample-weighted weightedMetrics and unweighted metrics, the weighted update against per-sample gradients, classWeight
// mapping, sequence outputs, validation weights, unweighted runs unchanged, and every documented error.
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers, metrics, ConfigError, ShapeError, ValueError, type Sequential } from '../../src/index.js';
import { smallModel, smallData, weightBytes } from '../helpers/models.js';

/** A small float-input classifier with U outputs (softmax for U > 1, sigmoid for 1). */
function dense(U: number, seed = 3): Sequential {
  return sequential({ seed, layers: [
    layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }),
    layers.dense({ units: U, activation: U > 1 ? 'softmax' : 'sigmoid' }),
  ] });
}

const X = [[1, 2, -1], [0.5, -1, 2], [2, 0, 1], [-1, -2, 0.5], [0.3, 0.7, -0.2], [1.5, -0.5, -1]];
const Y3 = [2, 0, 1, 1, 0, 2];
const SW = [0.5, 2, 0, 1.25, 3, 1];

/** Each sample's own loss and accuracy (evaluate on that sample alone). */
function perSample(m: Sequential, x: number[][], y: unknown[]): { loss: number[]; acc: number[] } {
  const r = x.map((xi, i) => m.evaluate([xi], [y[i]] as never));
  return { loss: r.map((v) => v[0]), acc: r.map((v) => v[1]) };
}

/** Relative closeness: |a - e| <= rtol * max(|e|, scale). */
function near(a: number, e: number, scale: number, rtol = 1e-6): void {
  expect(Math.abs(a - e), `${a} vs ${e}`).toBeLessThanOrEqual(rtol * Math.max(Math.abs(e), scale));
}

describe('sample and class weights', () => {
  it('evaluate: loss = sum w_i l_i / N (never / sum w), weighted accuracy = sum w_i c_i / sum w_i, plain accuracy unweighted', () => {
    const m = dense(3);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const { loss, acc } = perSample(m, X, Y3);
    const [l, a, wa] = m.evaluate(X, Y3, { sampleWeight: SW, batchSize: 4 });
    const want = loss.reduce((s, li, i) => s + SW[i] * li, 0) / X.length;
    near(l, want, want);
    const sw = SW.reduce((s, w) => s + w, 0);
    const weighted = acc.reduce((s, c, i) => s + SW[i] * c, 0) / sw, plain = acc.reduce((s, c) => s + c, 0) / X.length;
    near(wa, weighted, 1);
    near(a, plain, 1);
    expect(Math.abs(weighted - plain)).toBeGreaterThan(0.05); // the data tell the two apart
    // the unweighted mean differs, so the check above can tell weighted from unweighted
    expect(Math.abs(m.evaluate(X, Y3)[0] - l)).toBeGreaterThan(1e-3 * l);
  });

  it('evaluate and fit weigh weightedMetrics (f1, auc) by the sample weights and not metrics, as the array metrics do', async () => {
    const m = dense(3, 8);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['f1', 'auc'], weightedMetrics: ['f1', 'auc'] });
    const p = m.predict(X);
    const [, f1, auc, wf1, wauc] = m.evaluate(X, Y3, { sampleWeight: SW, batchSize: 4 });
    near(wf1, metrics.f1(Y3, p, { sampleWeight: SW }), 1);
    near(wauc, metrics.auc(Y3, p, { sampleWeight: SW }), 1);
    near(f1, metrics.f1(Y3, p), 1);
    near(auc, metrics.auc(Y3, p), 1);
    expect(Math.abs(auc - wauc)).toBeGreaterThan(1e-3);
    expect(Math.abs(f1 - wf1)).toBeGreaterThan(1e-3);
    // one full batch, no shuffle: the epoch's metrics are those of the predictions before the step
    const h = await m.fit(X, Y3, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0, sampleWeight: SW });
    near(h.history.auc[0], auc, 1);
    near(h.history.weighted_auc[0], wauc, 1);
    near(h.history.weighted_f1[0], wf1, 1);
  });

  it('classWeight reaches weightedMetrics only (it is a sample weight), in trainOnBatch and fit', async () => {
    const cw = [0.25, 4, 1.5];
    const m = dense(3, 8);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'], weightedMetrics: ['acc', 'recall'] });
    const p = m.predict(X);
    const w = Y3.map((k) => cw[k]);
    const [, acc, wacc, wrec] = m.trainOnBatch(X, Y3, { classWeight: cw });
    near(acc, metrics.accuracy(Y3, p), 1);
    near(wacc, metrics.accuracy(Y3, p, { sampleWeight: w }), 1);
    near(wrec, metrics.recall(Y3, p, { sampleWeight: w }), 1);
    expect(Math.abs(acc - wacc)).toBeGreaterThan(1e-3);
    const p2 = m.predict(X);
    const h = await m.fit(X, Y3, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0, classWeight: cw });
    near(h.history.acc[0], metrics.accuracy(Y3, p2), 1);
    near(h.history.weighted_acc[0], metrics.accuracy(Y3, p2, { sampleWeight: w }), 1);
  });

  it('a training step moves the weights by -lr/N sum_i w_i g_i (SGD), per-sample gradients from computeGradients', () => {
    for (const [U, loss, y] of [[1, 'binaryCrossentropy', [1, 0, 1, 1, 0, 0]], [3, 'categoricalCrossentropy', Y3.map((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0)))]] as const) {
      const m = dense(U, 11);
      m.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss });
      const w0 = m.getWeights();
      const g = X.map((xi, i) => m.computeGradients([xi], [y[i]] as never).grads);
      m.trainOnBatch(X, y as never, { sampleWeight: SW });
      const w1 = m.getWeights();
      w0.forEach((w, t) => {
        const want = w.data.map((v, j) => v - g.reduce((s, gi, i) => s + SW[i] * gi[t].data[j], 0) / X.length);
        let scale = 0;
        for (let j = 0; j < want.length; j++) scale = Math.max(scale, Math.abs(want[j] - w.data[j]));
        expect(scale, `${loss} weight ${t} moves`).toBeGreaterThan(1e-4);
        for (let j = 0; j < want.length; j++) near(w1[t].data[j] - w.data[j], want[j] - w.data[j], scale, 1e-4);
      });
    }
  });

  it('classWeight is sampleWeight of cw[class]: argmax of one-hot, the id of sparse labels, round(y) for one unit; times sampleWeight', () => {
    const cw = { 0: 0.25, 1: 4, 2: 1.5 };
    const fromClass = Y3.map((k) => cw[k as 0 | 1 | 2]);
    const run = (loss: string, y: unknown, opts: object) => {
      const m = dense(3, 5);
      m.compile({ optimizer: 'adam', loss, metrics: ['acc'] });
      const r = m.trainOnBatch(X, y as never, opts);
      return { r, w: weightBytes(m) };
    };
    const oneHot = Y3.map((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0)));
    const a = run('sparseCategoricalCrossentropy', Y3, { classWeight: cw });
    const b = run('sparseCategoricalCrossentropy', Y3, { sampleWeight: fromClass });
    expect(a).toEqual(b);
    expect(run('categoricalCrossentropy', oneHot, { classWeight: [0.25, 4, 1.5] })).toEqual(run('categoricalCrossentropy', oneHot, { sampleWeight: fromClass }));
    // both: the product
    expect(run('sparseCategoricalCrossentropy', Y3, { classWeight: cw, sampleWeight: SW }))
      .toEqual(run('sparseCategoricalCrossentropy', Y3, { sampleWeight: fromClass.map((w, i) => Math.fround(w) * Math.fround(SW[i])) }));
    expect(a.w).not.toEqual(run('sparseCategoricalCrossentropy', Y3, {}).w);
    // one sigmoid unit: round(y), so soft labels 0.2 / 0.8 are classes 0 / 1
    const bin = (opts: object) => { const m = dense(1, 5); m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' }); m.trainOnBatch(X, [0.2, 0.8, 1, 0, 0.4, 0.9], opts); return weightBytes(m); };
    expect(bin({ classWeight: { 0: 3, 1: 0.5 } })).toEqual(bin({ sampleWeight: [3, 0.5, 0.5, 3, 3, 0.5] }));
  });

  it('weights of 1 give the bits of no weights; fit epoch logs are the weighted means (weightedMetrics)', async () => {
    const { x, y } = smallData(24);
    const go = async (opts: object) => {
      const m = smallModel(9, { dropout: true });
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, ...opts });
      return { h: h.history, w: weightBytes(m) };
    };
    expect(await go({ sampleWeight: new Float32Array(24).fill(1), classWeight: [1, 1] })).toEqual(await go({}));
    // one full batch, no shuffle: the epoch accuracy is the (weighted) accuracy of the predictions before the step
    const m = smallModel(9);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const sw = Array.from({ length: 24 }, (_, i) => (i % 3) * 0.75);
    const p = m.predict(x).data;
    let c = 0, s = 0, c1 = 0;
    sw.forEach((w, i) => { const ok = ((p[i] > 0.5 ? 1 : 0) === y[i]) ? 1 : 0; c += w * ok; s += w; c1 += ok; });
    const [l0] = m.evaluate(x, y, { sampleWeight: sw });
    const h = await m.fit(x, y, { epochs: 1, batchSize: 24, shuffle: false, verbose: 0, sampleWeight: sw });
    near(h.history.weighted_accuracy[0], c / s, 1);
    near(h.history.accuracy[0], c1 / 24, 1);
    expect(Math.abs(c / s - c1 / 24)).toBeGreaterThan(1e-3);
    near(h.history.loss[0], l0, l0, 1e-6);
  });

  it('a sequence output ([N, T, U]) weighs each time row with its sample weight', () => {
    const m = sequential({ seed: 4, layers: [layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 2] }), layers.dense({ units: 2, activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
    const x = Array.from({ length: 5 }, (_, i) => Array.from({ length: 4 }, (_, t) => [Math.sin(i + t), Math.cos(2 * i - t)]));
    const y = x.map((s) => s.map((r) => (r[0] > 0 ? 1 : 0)));
    const sw = [1, 0, 2.5, 0.5, 3];
    const { loss } = perSample(m, x as never, y);
    const [l] = m.evaluate(x, y, { sampleWeight: sw });
    const want = loss.reduce((s, li, i) => s + sw[i] * li, 0) / 5;
    near(l, want, want);
  });

  // tf_keras 2.15 data_adapter._make_class_weight_map_fn: for labels of rank >= 2, y_classes = argmax(y, -1) (or
  // round(squeeze(y, -1)) for a last axis of 1), and cw = gather(class_weight, y_classes): a weight per step, times the
  // sample's weight; the loss is then sum_r w_r l_r over all N * T steps / (N * T)
  it('a sequence output weighs each step by its own class (sparse [N, T, 1] and one-hot [N, T, U] labels), times its sample weight', () => {
    const x = Array.from({ length: 5 }, (_, i) => Array.from({ length: 4 }, (_, t) => [Math.sin(i + t), Math.cos(2 * i - t)]));
    const cls = x.map((s) => s.map((r) => (r[0] > 0.3 ? 2 : r[0] > -0.3 ? 1 : 0)));
    const cw = [0.5, 3, 1.25], sw = [1, 0, 2.5, 0.5, 3];
    for (const sparse of [true, false]) {
      const m = sequential({ seed: 4, layers: [layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 2] }), layers.dense({ units: 3, activation: 'softmax' })] });
      m.compile({ optimizer: 'sgd', loss: sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy' });
      const y = cls.map((s) => s.map((k) => (sparse ? [k] : [0, 1, 2].map((j) => (j === k ? 1 : 0)))));
      const p = m.predict(x).data;
      let want = 0;
      cls.forEach((s, i) => s.forEach((k, t) => { want += cw[k] * sw[i] * -Math.log(p[(i * 4 + t) * 3 + k]); }));
      want /= 5 * 4;
      const [got] = m.trainOnBatch(x, y, { classWeight: cw, sampleWeight: sw });
      near(got, want, want, 2e-6);
      // not the weight of one class per sample: the steps' classes differ within a sample
      const sampleClass = cls.map((s) => s[0]);
      let perSampleWant = 0;
      cls.forEach((s, i) => s.forEach((k, t) => { perSampleWant += cw[sampleClass[i]] * sw[i] * -Math.log(p[(i * 4 + t) * 3 + k]); }));
      expect(Math.abs(perSampleWant / 20 - want)).toBeGreaterThan(1e-3 * want);
    }
  });

  it('validation: validationSplit splits sampleWeight (class weights are for training rows only); validationData takes a third entry', async () => {
    const { x, y } = smallData(20);
    const sw = Array.from({ length: 20 }, (_, i) => 0.5 + (i % 4));
    const m = smallModel(3);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['acc'], weightedMetrics: ['acc'] });
    const h = await m.fit(x, y, { epochs: 1, batchSize: 5, validationSplit: 0.25, verbose: 0, shuffle: false, sampleWeight: sw, classWeight: { 0: 2, 1: 0.5 } });
    const xv = { data: x.data.slice(15 * 7), shape: [5, 7] };
    const [vl, va, vwa] = m.evaluate(xv, y.slice(15), { sampleWeight: sw.slice(15) });
    expect(h.history.val_loss[0]).toBeCloseTo(vl, 6);
    expect(h.history.val_acc[0]).toBeCloseTo(va, 6);
    expect(h.history.val_weighted_acc[0]).toBeCloseTo(vwa, 6);
    expect(Math.abs(m.evaluate(xv, y.slice(15))[0] - vl)).toBeGreaterThan(1e-3 * vl);
    const h2 = await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0, validationData: [xv, y.slice(15), sw.slice(15)] });
    const [vl2] = m.evaluate(xv, y.slice(15), { sampleWeight: sw.slice(15) });
    expect(h2.history.val_loss[0]).toBeCloseTo(vl2, 6);
  });

  // Keras 2 (training.py fit: `if validation_split and validation_data is None`), Keras 3 and TF.js take validationData
  // and ignore the split; and split first, then map class_weight over the training rows only
  // (data_adapter.train_validation_split, then dataset.map(_make_class_weight_map_fn))
  it('validationData with validationSplit: validates on validationData, trains on every row; a class only in held-out rows needs no class weight', async () => {
    const Y1 = [1, 0, 1, 0, 0, 1];
    const m = dense(1);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const h = await m.fit(X, Y1, { epochs: 1, batchSize: 6, verbose: 0, validationSplit: 0.5, validationData: [X.slice(0, 2), Y1.slice(0, 2)] });
    expect(h.params.samples).toBe(6);
    expect(h.history.val_loss[0]).toBeCloseTo(m.evaluate(X.slice(0, 2), Y1.slice(0, 2))[0], 6);
    const m3 = dense(3);
    m3.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const h3 = await m3.fit(X, [0, 1, 0, 1, 1, 2], { epochs: 1, batchSize: 5, verbose: 0, shuffle: false, validationSplit: 1 / 6, classWeight: [1, 2] });
    expect(h3.params.samples).toBe(5);
    expect(h3.history.val_loss).toHaveLength(1);
    // a class missing from classWeight among the training rows is still refused
    await expect(m3.fit(X, [0, 1, 2, 1, 1, 0], { epochs: 1, verbose: 0, validationSplit: 1 / 6, classWeight: [1, 2] })).rejects.toThrow(/got class 2 for sample 2/);
  });

  it('refuses bad weights before any step, with the documented classes and messages', () => {
    const m = dense(3);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const before = weightBytes(m);
    const bad: [object, unknown, RegExp][] = [
      [{ classWeight: { 0: 1, 2: 1 } }, ConfigError, /trainOnBatch: expected classWeight keys to be the class ids 0 to 1 \(one less than the number of classes, as Keras 2\), got keys 0, 2\./],
      [{ classWeight: { 1: 1, 2: 1, 3: 1 } }, ConfigError, /got keys 1, 2, 3/],
      [{ classWeight: { '0.0': 1 } }, ConfigError, /got keys 0\.0/],
      [{ classWeight: {} }, ConfigError, /expected classWeight to have a weight for each class 0\.\.K-1, got none/],
      [{ classWeight: [1, -1, 1] }, ConfigError, /expected classWeight\[1\] to be a finite number >= 0 \(as a float32\), got -1/],
      [{ classWeight: [1, 1e39, 1] }, ConfigError, /expected classWeight\[1\] to be a finite number >= 0 \(as a float32\), got 1e\+39/],
      [{ classWeight: [1, 1e20, 1], sampleWeight: [1, 1, 1, 1e20, 1, 1] }, ValueError, /expected classWeight\[1\] \* sampleWeight\[3\] to be finite as a float32, got 100000002004087730000 \* 100000002004087730000 = Infinity/],
      [{ classWeight: [1, NaN, 1] }, ConfigError, /got NaN/],
      [{ classWeight: 'balanced' }, ConfigError, /expected classWeight to be an object keyed by class id/],
      [{ classWeight: [1, 1] }, ValueError, /expected every label's class to have a classWeight \(classes 0 to 1\), got class 2 for sample 0/],
      [{ sampleWeight: [1, 2] }, ShapeError, /expected sampleWeight of shape \[6\] \(one weight per sample\), got \[2\]/],
      [{ sampleWeight: [[1, 2, 3, 4, 5, 6]] }, ShapeError, /got \[1, 6\]/],
      [{ sampleWeight: [1, 1, 1, -0.5, 1, 1] }, ValueError, /expected sampleWeight to be finite and >= 0 \(as a float32\), got -0.5 at index 3/],
      [{ sampleWeight: [1, 1, 1, 1, 1e39, 1] }, ValueError, /got 1e\+39 at index 4/],
      [{ sampleWeight: [1, 1, 1, 1, Infinity, 1] }, ValueError, /got Infinity at index 4/],
    ];
    for (const [opts, cls, msg] of bad) {
      expect(() => m.trainOnBatch(X, Y3, opts), JSON.stringify(opts)).toThrow(cls as never);
      expect(() => m.trainOnBatch(X, Y3, opts), JSON.stringify(opts)).toThrow(msg);
    }
    expect(() => m.evaluate(X, Y3, { sampleWeight: [1] })).toThrow(/^evaluate: expected sampleWeight of shape \[6\]/);
    expect(weightBytes(m)).toEqual(before);
    // [N, 1] is one weight per sample too
    expect(m.evaluate(X, Y3, { sampleWeight: SW.map((w) => [w]) })).toEqual(m.evaluate(X, Y3, { sampleWeight: SW }));
  });
});
