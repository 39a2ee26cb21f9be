// Keras's explicit accuracies as compile metrics (binary_accuracy, categorical_accuracy, sparse_categorical_accuracy
// and TF.js's camelCase names): where each differs from 'accuracy' (which picks by the output's units, as Keras), each
// against values computed by hand from predict's output; logged under the name given; carried over by Keras import.
// And the regression metrics mse and mae (Keras's mean_squared_error / mean_absolute_error metrics).
import { describe, it, expect } from 'vitest';
import { importEditedConfig } from '../helpers/keras-files.js';
import { sequential, layers, initSync, type MetricName } from '../../src/index.js';

initSync();

const T = 5, V = 11, N = 23, K = 3;
const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 7 + (i >> 2)) % (V - 1))), shape: [N, T] };
const yBin = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
const yHot = new Float32Array(N * K);
for (let i = 0; i < N; i++) yHot[i * K + ((i * 2) % K)] = 1;
const ALL: MetricName[] = ['accuracy', 'binaryAccuracy', 'categorical_accuracy', 'sparseCategoricalAccuracy'];

function model(units: number, activation: 'sigmoid' | 'softmax', loss: string) {
  const m = sequential({ seed: 4, layers: [
    layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }),
    layers.lstm({ units: 3 }),
    layers.dense({ units, activation }),
  ]});
  m.compile({ optimizer: 'adam', loss, metrics: ALL });
  for (let s = 0; s < 4; s++) m.trainOnBatch(x, units === 1 ? yBin : { data: yHot, shape: [N, K] });
  return m;
}

describe("Keras's explicit accuracies", () => {
  it('one sigmoid unit: binary is accuracy, categorical is 1 (argmax of one value), sparse counts the labels 0', () => {
    const m = model(1, 'sigmoid', 'binaryCrossentropy');
    const p = m.predict(x).data;
    let hit = 0, zeros = 0;
    for (let i = 0; i < N; i++) { if ((p[i] > 0.5 ? 1 : 0) === yBin[i]) hit++; if (yBin[i] === 0) zeros++; }
    const [, acc, bin, cat, sparse] = m.evaluate(x, yBin);
    expect(acc).toBe(Math.fround(hit / N));
    expect(bin).toBe(acc);
    expect(cat).toBe(1);
    expect(sparse).toBe(Math.fround(zeros / N));
  });

  it('K softmax units: categorical and sparse are accuracy (argmax), binary the mean over every unit of (p > 0.5) == y', () => {
    const m = model(K, 'softmax', 'categoricalCrossentropy');
    const p = m.predict(x).data;
    let hit = 0, units = 0;
    for (let i = 0; i < N; i++) {
      let best = 0, lb = 0;
      for (let j = 1; j < K; j++) { if (p[i * K + j] > p[i * K + best]) best = j; if (yHot[i * K + j] > yHot[i * K + lb]) lb = j; }
      if (best === lb) hit++;
      for (let j = 0; j < K; j++) if ((p[i * K + j] > 0.5 ? 1 : 0) === yHot[i * K + j]) units++;
    }
    const [, acc, bin, cat, sparse] = m.evaluate(x, { data: yHot, shape: [N, K] });
    expect(acc).toBe(Math.fround(hit / N));
    expect(cat).toBe(acc);
    expect(sparse).toBe(acc);
    expect(bin).toBe(Math.fround(units / (N * K)));
    expect(bin).not.toBe(acc);
  });

  it('are logged under the names given (fit history, val_ too)', async () => {
    const m = model(1, 'sigmoid', 'binaryCrossentropy');
    const h = await m.fit(x, yBin, { epochs: 1, verbose: 0, validationSplit: 0.3 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'binaryAccuracy', 'categorical_accuracy', 'loss', 'sparseCategoricalAccuracy',
      'val_accuracy', 'val_binaryAccuracy', 'val_categorical_accuracy', 'val_loss', 'val_sparseCategoricalAccuracy']);
  });

  it('Keras import carries them over (named or serialized with threshold 0.5); another threshold is named in the notes', async () => {
    const OLD = '"metrics": ["accuracy"], "weighted_metrics": null';
    const withMetrics = (json: string) => importEditedConfig((c) => c.replace(OLD, json));
    const metricsJson = '"metrics": ["binary_accuracy", "acc", {"module": "keras.metrics", "class_name": "BinaryAccuracy", "config": {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.5}},' +
      ' {"module": "keras.metrics", "class_name": "BinaryAccuracy", "config": {"name": "ba3", "threshold": 0.3}}], "weighted_metrics": ["categorical_accuracy"]';
    const { m, notes } = await withMetrics(metricsJson);
    const c = m.getCompileConfig()!;
    expect(c.metrics).toEqual(['binary_accuracy', 'accuracy']);
    expect(c.weightedMetrics).toEqual(['categorical_accuracy']);
    expect(notes).toContain('compile metrics "ba3 (BinaryAccuracy, threshold 0.3)" not imported (the accuracies, mse and mae are): pass metrics to compile yourself');
    // a serialized metric is what its class computes (a review: the name alone decided): Keras's exact-match
    // Accuracy() is not 'accuracy', a CategoricalAccuracy named 'acc' not the thresholded accuracy
    for (const [cls, name] of [['Accuracy', 'accuracy'], ['CategoricalAccuracy', 'acc'], ['SparseCategoricalAccuracy', 'binary_accuracy']]) {
      const r = await withMetrics(`"metrics": [{"module": "keras.metrics", "class_name": "${cls}", "config": {"name": "${name}", "dtype": "float32"}, "registered_name": null}], "weighted_metrics": null`);
      expect(r.m.getCompileConfig()!.metrics, cls).toEqual([]);
      expect(r.notes.join('\n'), cls).toContain(`"${name} (${cls})"`);
    }
    // a Keras 3 MeanMetricWrapper's fn is a serialized function: one of another name is not the metric its name says
    const fn = '{"module": "keras.metrics", "class_name": "function", "config": "mean_squared_logarithmic_error", "registered_name": "function"}';
    const mw = await withMetrics(`"metrics": [{"module": "keras.metrics", "class_name": "MeanMetricWrapper", "config": {"name": "mse", "dtype": "float32", "fn": ${fn}}, "registered_name": null}], "weighted_metrics": null`);
    expect(mw.m.getCompileConfig()!.metrics).toEqual([]);
    expect(mw.notes.join('\n')).toContain('"mse (mean_squared_logarithmic_error)"');
  });

  it('mse and mae: each row\'s mean over its units, then the (sample-weighted) mean over rows, from predict\'s output', () => {
    const m = sequential({ seed: 6, layers: [layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }), layers.lstm({ units: 3 }), layers.dense({ units: 2 })] });
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mse', 'mae'], weightedMetrics: ['mean_absolute_error'] });
    const y2 = Float32Array.from({ length: N * 2 }, (_, i) => ((i * 7) % 5) / 2 - 1);
    const sw = Float32Array.from({ length: N }, (_, i) => 0.25 + (i % 4));
    const p = m.predict(x).data;
    let sq = 0, ab = 0, wab = 0, ws = 0;
    for (let i = 0; i < N; i++) {
      let s2 = 0, s1 = 0;
      for (let j = 0; j < 2; j++) { const e = p[i * 2 + j] - y2[i * 2 + j]; s2 += e * e; s1 += Math.abs(e); }
      sq += s2 / 2; ab += s1 / 2; wab += sw[i] * s1 / 2; ws += sw[i];
    }
    const [loss, mse, mae, wmae] = m.evaluate(x, { data: y2, shape: [N, 2] }, { sampleWeight: sw });
    expect(Math.abs(mse - sq / N)).toBeLessThan(1e-6 * (sq / N));
    expect(Math.abs(mae - ab / N)).toBeLessThan(1e-6 * (ab / N));
    expect(Math.abs(wmae - wab / ws)).toBeLessThan(1e-6 * (wab / ws));
    expect(Math.abs(wmae - mae)).toBeGreaterThan(1e-4); // (the weights matter)
    expect(loss).toBeGreaterThan(0);
    // the unweighted mse metric is the unweighted loss (sum_over_batch_size of the same per-row means)
    expect(Math.abs(mse - m.evaluate(x, { data: y2, shape: [N, 2] })[0])).toBeLessThan(1e-6 * mse);
  });
});
