// Compile metrics by name: the accumulator against hand-computed cases and scikit-learn / float64-Keras fixtures
// (test/fixtures/generate_metrics.py), whole-epoch values rather than batch means, weights, confusionMatrix, errors,
// and the model path: evaluate / fit / trainOnBatch report what the metric functions give on predict's output;
// weightedMetrics beside metrics (Keras 2 names: 'weighted_' + a name a plain metric already has).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { sequential, layers, optimizers, metrics, ConfigError, ShapeError, ValueError, type MetricName } from '../../src/index.js';
import { MetricAccumulator, metricLogNames } from '../../src/model/metrics.js';
import { smallModel, smallData, ids } from '../helpers/models.js';

interface Case { name: string; y: number[]; p: { shape: number[]; data: number[] }; w: number[] | null;
  expected: Record<'accuracy' | 'precision' | 'recall' | 'f1' | 'auc' | 'aucApprox', number> & { confusion: number[][] } }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/metrics.json', import.meta.url), 'utf8')) as { cases: Case[] };
const NAMES = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'aucApprox'] as const;

const F = Math.fround;

/** |a - e| <= rtol * max(|e|, 1e-3): relative to the value's scale (metrics lie in [0, 1]). */
function close(a: number, e: number, what: string, rtol = 1e-12): void {
  if (!(Math.abs(a - e) <= rtol * Math.max(Math.abs(e), 1e-3))) throw new Error(`${what}: got ${a}, expected ${e} (diff ${a - e})`);
}

describe('metric functions against hand-computed values', () => {
  it('binary: precision, recall, f1, accuracy at p > 0.5 and the exact AUC', () => {
    const y = [1, 0, 1, 1, 0], p = [0.9, 0.6, 0.4, 0.7, 0.2]; // tp 2 (0, 3), fp 1 (1), fn 1 (2), tn 1
    expect(metrics.precision(y, p)).toBeCloseTo(2 / 3, 15);
    expect(metrics.recall(y, p)).toBeCloseTo(2 / 3, 15);
    expect(metrics.f1(y, p)).toBeCloseTo(2 / 3, 15);
    expect(metrics.accuracy(y, p)).toBeCloseTo(3 / 5, 15);
    expect(metrics.auc(y, p)).toBeCloseTo(5 / 6, 15); // pairs (pos > neg): 0.9 > both, 0.7 > both, 0.4 > 0.2
    expect(metrics.accuracy([1, 0], [0.5, 0.5])).toBe(0.5); // 0.5 is not > 0.5: predicted 0
    expect(metrics.auc([1, 0, 1, 0], [0.3, 0.3, 0.8, 0.1])).toBeCloseTo((0.5 + 1 + 1 + 1) / 4, 15); // a tie counts half
  });

  it('weights: each sample counts its weight in the confusion counts and in the AUC pairs', () => {
    const y = [1, 0, 1], p = [0.8, 0.3, 0.1], w = [2, 1, 0.5]; // tp 2, fn 0.5, tn 1
    expect(metrics.precision(y, p, { sampleWeight: w })).toBe(1);
    expect(metrics.recall(y, p, { sampleWeight: w })).toBeCloseTo(0.8, 15);
    expect(metrics.f1(y, p, { sampleWeight: w })).toBeCloseTo(2 * 0.8 / 1.8, 15);
    expect(metrics.accuracy(y, p, { sampleWeight: w })).toBeCloseTo(3 / 3.5, 15);
    expect(metrics.auc(y, p, { sampleWeight: w })).toBeCloseTo(2 / 2.5, 15);
  });

  it('multi-class: argmax decisions, precision/recall/f1 macro-averaged over every class', () => {
    const y = [0, 1, 2, 2];
    const p = [[0.8, 0.1, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.1, 0.5, 0.4]]; // predicted 0, 2, 2, 1
    // class 0: p 1 r 1; class 1: tp 0 (p 0, r 0); class 2: tp 1 fp 1 fn 1 (p 0.5 r 0.5)
    expect(metrics.precision(y, p)).toBeCloseTo(1.5 / 3, 15);
    expect(metrics.recall(y, p)).toBeCloseTo(1.5 / 3, 15);
    expect(metrics.f1(y, p)).toBeCloseTo(1.5 / 3, 15);
    expect(metrics.accuracy(y, p)).toBe(0.5);
    // one-hot labels give the same; class ids as yPred are one-hot predictions
    const oh = y.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    expect(metrics.precision(oh, p)).toBeCloseTo(0.5, 15);
    expect(metrics.f1(y, [0, 2, 2, 1])).toBeCloseTo(0.5, 15);
    // a class neither present nor predicted still counts (as 0), as Keras's macro F1Score and sklearn labels=range(K)
    const p2 = [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.3, 0.6, 0.1], [0.5, 0.4, 0.1]]; // predicted 0, 1, 1, 0
    expect(metrics.precision([0, 1, 0, 1], p2)).toBeCloseTo(1 / 3, 15);
    expect(metrics.f1([0, 1, 0, 1], p2)).toBeCloseTo(1 / 3, 15);
  });

  it('aucApprox is Keras\'s 200-bucket AUC: equal scores within a bucket tie, exact auc does not', () => {
    expect(metrics.aucApprox([1, 0], [0.9, 0.1])).toBe(1);
    expect(metrics.aucApprox([1, 0], [0.502, 0.501])).toBe(0.5); // both in bucket ceil(p * 199) - 1 = 99
    expect(metrics.auc([1, 0], [0.502, 0.501])).toBe(1);
    expect(metrics.aucApprox([1, 0], [0.504, 0.501])).toBe(1); // 0.504 * 199 = 100.3: next bucket
    // one class absent: Keras's divide_no_nan gives 0; the exact AUC is undefined (NaN)
    expect(metrics.aucApprox([1, 1], [0.2, 0.9])).toBe(0);
    expect(metrics.auc([1, 1], [0.2, 0.9])).toBeNaN();
    expect(metrics.auc([1, 0], [NaN, 0.9])).toBeNaN(); // a NaN score stays visible
  });

  it('exact auc ranks any real scores (logits too): negative, mixed signs, -0 tied with 0', () => {
    expect(metrics.auc([1, 0, 1, 0], [-0.5, -2, 3, 0])).toBeCloseTo(3 / 4, 15);
    expect(metrics.auc([1, 0, 1, 0], [-0, 0, 1e-30, -1e-30])).toBeCloseTo((0.5 + 1 + 1 + 1) / 4, 15);
    const c = fixture.cases.find((k) => k.name === 'binary_ties')!;
    // swapping the classes and negating every score keeps the AUC
    close(metrics.auc(c.y.map((v) => 1 - v), c.p.data.map((v) => -v)), c.expected.auc, 'negated scores');
  });

  it('aucApprox reproduces Keras\'s own AUC tests (confusion_metrics_test.py AUCTest, num_thresholds=3)', () => {
    // y_pred [0, 0.5, 0.3, 0.9], y_true [0, 0, 1, 1], sample_weight [1, 2, 3, 4]; thresholds [-1e-7, 0.5, 1 + 1e-7]
    const run = (w: number[] | null): number => {
      const a = new MetricAccumulator(['aucApprox'], { aucThresholds: 3 });
      a.update([0, 0.5, 0.3, 0.9], [0, 0, 1, 1], 4, 1, w);
      return a.result('aucApprox');
    };
    expect(run(null)).toBeCloseTo(0.75, 15); // test_unweighted: tp [2, 1, 0], fp [2, 0, 0]
    expect(run([1, 2, 3, 4])).toBeCloseTo(11 / 14, 15); // test_weighted_roc_interpolation: 0.7855 (their 1e-3)
  });
});

describe('metric functions against scikit-learn and a float64 Keras AUC (fixture)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const yPred = { data: new Float32Array(c.p.data), shape: c.p.shape };
      const opts = c.w ? { sampleWeight: c.w } : undefined;
      for (const n of NAMES) close(metrics[n](c.y, yPred, opts), c.expected[n], `${c.name} ${n}`);
      if (!c.w) expect(metrics.confusionMatrix(c.y, yPred)).toEqual(c.expected.confusion);
    });
  }

  it('the fixture cases are not degenerate (the values spread over [0, 1])', () => {
    const vals = fixture.cases.flatMap((c) => NAMES.map((n) => c.expected[n]));
    expect(Math.min(...vals)).toBeLessThan(0.5);
    expect(Math.max(...vals)).toBeGreaterThan(0.8);
    expect(new Set(vals.map((v) => v.toFixed(6))).size).toBeGreaterThan(vals.length * 0.8);
  });
});

describe('MetricAccumulator', () => {
  it('accumulates whole-epoch counts: batches of 7 give the whole-set values, not the mean of batch values', () => {
    for (const c of fixture.cases) {
      const U = c.p.shape.length > 1 ? c.p.shape[1] : 1;
      const N = c.y.length;
      const labels = new Float32Array(N * U);
      c.y.forEach((v, i) => { if (U === 1) labels[i] = v; else labels[i * U + v] = 1; });
      const p = new Float32Array(c.p.data);
      const acc = new MetricAccumulator([...NAMES]);
      acc.update(new Float32Array(3), new Float32Array(3), 3, U === 1 ? 1 : 3); // then reset: nothing of it remains
      acc.reset();
      const batchValues: number[] = [];
      for (let s = 0; s < N; s += 7) {
        const B = Math.min(7, N - s);
        acc.update(p.subarray(s * U, (s + B) * U), labels.subarray(s * U, (s + B) * U), B, U, c.w ? c.w.slice(s, s + B) : null);
        const one = new MetricAccumulator(['precision']);
        one.update(p.subarray(s * U, (s + B) * U), labels.subarray(s * U, (s + B) * U), B, U, null);
        batchValues.push(one.result('precision'));
      }
      for (const n of NAMES) close(acc.result(n), c.expected[n], `${c.name} ${n} in batches`, 1e-12);
      if (!c.w) expect(Math.abs(batchValues.reduce((a, b) => a + b, 0) / batchValues.length - c.expected.precision)).toBeGreaterThan(1e-4);
    }
  });

  it('a weight per sample covers that sample\'s rows (sequence outputs: several rows per sample)', () => {
    // 2 samples x 2 rows, one unit: weights [3, 1] -> rows weigh 3, 3, 1, 1
    const acc = new MetricAccumulator(['precision', 'recall', 'accuracy', 'auc']);
    acc.update([0.9, 0.8, 0.7, 0.1], [1, 0, 0, 1], 4, 1, [3, 1]);
    expect(acc.result('precision')).toBeCloseTo(3 / 7, 15); // tp 3, fp 3 + 1
    expect(acc.result('recall')).toBeCloseTo(3 / 4, 15); // tp 3, fn 1
    expect(acc.result('accuracy')).toBeCloseTo(3 / 8, 15);
    // positives (0.9, w3), (0.1, w1); negatives (0.8, w3), (0.7, w1): pairs won 3 * (3 + 1)
    expect(acc.result('auc')).toBeCloseTo(12 / 16, 15);
    expect(() => acc.update([0.5, 0.5, 0.5], [1, 0, 1], 3, 1, [1, 1])).toThrow(ShapeError);
    expect(() => acc.update([0.5, 0.5], [1, 0], 1, 2, null)).toThrow(/expected 1 output units as in the earlier batches, got 2/);
  });
});

describe('confusionMatrix', () => {
  it('rows are true classes, columns predicted ones (tf.math.confusion_matrix orientation)', () => {
    const y = [0, 1, 1, 2, 2, 2];
    const p = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7]];
    const want = [[1, 0, 0], [1, 1, 0], [0, 1, 2]];
    expect(metrics.confusionMatrix(y, p)).toEqual(want);
    const oh = { data: new Float32Array(y.flatMap((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)))), shape: [6, 3] };
    expect(metrics.confusionMatrix(oh, p)).toEqual(want);
    expect(metrics.confusionMatrix(y, [0, 1, 0, 2, 1, 2])).toEqual(want); // class ids
    // binary probabilities: p > 0.5 is class 1; numClasses pads
    expect(metrics.confusionMatrix([1, 0, 1, 0], [0.9, 0.6, 0.2, 0.5])).toEqual([[1, 1], [1, 1]]);
    expect(metrics.confusionMatrix([0, 0], [0, 0], { numClasses: 3 })).toEqual([[2, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });
});

describe('errors', () => {
  it('compile rejects unknown and repeated metric names, listing the valid ones', () => {
    const m = smallModel(1);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['auroc' as MetricName] }))
      .toThrow(new ConfigError(`compile: expected each metric to be one of 'accuracy', 'acc', 'binaryAccuracy', 'binary_accuracy', 'categoricalAccuracy', 'categorical_accuracy', 'sparseCategoricalAccuracy', 'sparse_categorical_accuracy', 'precision', 'recall', 'f1', 'auc', 'aucApprox', 'mse', 'meanSquaredError', 'mean_squared_error', 'mae', 'meanAbsoluteError', 'mean_absolute_error', got "auroc". Did you mean "auc"?`));
    expect(() => m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['f1', 'f1'] })).toThrow(ConfigError);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['f1'] });
    const { x, y } = smallData(4);
    expect(() => m.evaluate(x, y, { returnDict: 'yes' as unknown as boolean })).toThrow(new ConfigError('evaluate: expected returnDict to be true or false, got "yes".'));
  });

  it('compile rejects unknown and repeated weightedMetrics the same way, naming them', () => {
    const m = smallModel(1);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', weightedMetrics: ['auroc' as MetricName] }))
      .toThrow(new ConfigError(`compile: expected each of weightedMetrics to be one of 'accuracy', 'acc', 'binaryAccuracy', 'binary_accuracy', 'categoricalAccuracy', 'categorical_accuracy', 'sparseCategoricalAccuracy', 'sparse_categorical_accuracy', 'precision', 'recall', 'f1', 'auc', 'aucApprox', 'mse', 'meanSquaredError', 'mean_squared_error', 'mae', 'meanAbsoluteError', 'mean_absolute_error', got "auroc". Did you mean "auc"?`));
    expect(() => m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', weightedMetrics: ['acc', 'acc'] }))
      .toThrow(new ConfigError(`compile: expected each of weightedMetrics once (they are history keys), got "acc" twice.`));
    expect(m.getCompileConfig()).toBeNull();
  });

  it('metric functions check shapes, class ids and weights', () => {
    expect(() => metrics.precision([0, 1, 1], [0.2, 0.7])).toThrow(ShapeError);
    expect(() => metrics.precision([0, 3], [[0.5, 0.5], [0.1, 0.9]])).toThrow(new ValueError('metrics.precision: expected class ids in [0, 2) (yPred has 2 units), got 3 at row 1.'));
    expect(() => metrics.precision([0, 1.5], [[0.5, 0.5], [0.1, 0.9]])).toThrow(ValueError);
    expect(() => metrics.precision([0, 1], [0.2, 1.7])).toThrow(/expected yPred to hold probabilities in \[0, 1\] or class ids/);
    expect(() => metrics.recall([0, 1], [0.2, 0.7], { sampleWeight: [1] })).toThrow(ShapeError);
    expect(() => metrics.recall([0, 1], [0.2, 0.7], { sampleWeight: [1, -1] })).toThrow(ValueError);
    expect(() => metrics.confusionMatrix([0, 2], [0, 1], { numClasses: 2 })).toThrow(ValueError);
  });
});

describe('weightedMetrics names (Keras 2 MetricsContainer._set_metric_names, one output)', () => {
  it('a weighted metric keeps its name unless a plain metric has it, then it is weighted_<name>', () => {
    expect(metricLogNames(['accuracy'], ['accuracy'])).toEqual(['accuracy', 'weighted_accuracy']);
    expect(metricLogNames([], ['accuracy', 'f1'])).toEqual(['accuracy', 'f1']);
    expect(metricLogNames(['acc', 'f1'], ['accuracy', 'f1', 'auc'])).toEqual(['acc', 'f1', 'accuracy', 'weighted_f1', 'auc']);
    expect(metricLogNames(['precision'], [])).toEqual(['precision']);
  });

  it('metricsNames, History keys, evaluate (array and dict), trainOnBatch and batch logs all use them, in that order', async () => {
    const m = smallModel(5);
    expect(m.metricsNames).toEqual([]);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy', 'f1'], weightedMetrics: ['accuracy', 'auc'] });
    const names = ['loss', 'accuracy', 'f1', 'weighted_accuracy', 'auc'];
    expect(m.metricsNames).toEqual(names);
    const { x, y } = smallData(24);
    const sw = Array.from({ length: 24 }, (_, i) => (i % 4) * 0.5);
    const batchKeys: string[][] = [];
    const h = await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationSplit: 0.25, sampleWeight: sw, callbacks: { onBatchEnd: (_b, l) => { batchKeys.push(Object.keys(l)); } } });
    expect(Object.keys(h.history)).toEqual([...names, ...names.map((n) => `val_${n}`)]);
    expect(batchKeys[0]).toEqual(['batch', 'size', 'loss', 'accuracy', 'f1', 'weighted_accuracy']); // auc: epoch end only
    const p = m.predict(x);
    const dict = m.evaluate(x, y, { sampleWeight: sw, returnDict: true });
    expect(Object.keys(dict)).toEqual(names);
    close(dict.accuracy!, F(metrics.accuracy(y, p)), 'accuracy', 1e-12);
    close(dict.weighted_accuracy!, F(metrics.accuracy(y, p, { sampleWeight: sw })), 'weighted_accuracy', 1e-12);
    close(dict.auc!, F(metrics.auc(y, p, { sampleWeight: sw })), 'auc (weighted only)', 1e-12);
    expect(Math.abs(dict.accuracy! - dict.weighted_accuracy!)).toBeGreaterThan(1e-3);
    expect(m.evaluate(x, y, { sampleWeight: sw })).toEqual(names.map((n) => dict[n as keyof typeof dict]));
    expect(m.trainOnBatch(x, y, { sampleWeight: sw })).toHaveLength(names.length);
  });
});

describe('through the model', () => {
  const ALL = NAMES;

  it('binary: evaluate (array and returnDict), fit history and trainOnBatch equal the functions on predict', async () => {
    const m = smallModel(5);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: [...ALL] });
    const { x, y } = smallData(60);
    const xv = { data: x.data.slice(40 * 7), shape: [20, 7] }, yv = y.slice(40);
    const xt = { data: x.data.slice(0, 40 * 7), shape: [40, 7] }, yt = y.slice(0, 40);
    const h = await m.fit(xt, yt, { epochs: 3, batchSize: 8, validationData: [xv, yv], verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual([...ALL, 'loss', ...ALL.map((n) => `val_${n}`), 'val_loss'].sort());
    const pv = m.predict(xv);
    const dict = m.evaluate(xv, yv, { batchSize: 6, returnDict: true });
    const arr = m.evaluate(xv, yv);
    expect(Object.keys(dict)).toEqual(['loss', ...ALL]);
    ALL.forEach((n, i) => {
      const want = F(metrics[n](yv, pv)); // the model reports float32 values, as Keras 2
      close(dict[n]!, want, `evaluate ${n}`, 1e-12);
      close(arr[i + 1], want, `evaluate array ${n}`, 1e-12);
      close(h.history[`val_${n}`][2], want, `val_${n}`, 1e-12);
    });
    // not a degenerate model: the values differ from each other and from 0 and 1
    expect(new Set(ALL.map((n) => dict[n]!.toFixed(6))).size).toBeGreaterThanOrEqual(4);
    // trainOnBatch: the metrics of this batch, from the outputs before the update
    const p0 = m.predict(xt);
    const r = m.trainOnBatch(xt, yt);
    ALL.forEach((n, i) => close(r[i + 1], metrics[n](yt, p0), `trainOnBatch ${n}`, 1e-6));
  });

  // Keras 2's fit logs its float32 trackers' results (tf_utils.sync_to_numpy_or_python_type): a val accuracy of 2/3 is
  // 0.6666666865348816 in the History, and so in evaluate's and train_on_batch's results
  it('every logged and returned value is a float32 value (History, batch logs, evaluate, trainOnBatch)', async () => {
    const m = smallModel(5);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'], weightedMetrics: ['accuracy'] });
    const { x, y } = smallData(30);
    const sw = Array.from({ length: 30 }, (_, i) => 0.5 + (i % 3));
    const seen: number[] = [];
    const h = await m.fit(x, y, { epochs: 2, batchSize: 7, verbose: 0, validationSplit: 0.3, sampleWeight: sw, callbacks: { onBatchEnd: (_b, l) => { seen.push(l.loss, l.accuracy); } } });
    const values = [...Object.values(h.history).flat(), ...seen, ...m.evaluate(x, y, { sampleWeight: sw }), ...m.trainOnBatch(x, y)];
    expect(values.length).toBeGreaterThan(20);
    for (const v of values) expect(F(v), String(v)).toBe(v);
    // not all of them float32 by chance: a third of 30 samples is not
    expect(values.some((v) => v !== Math.round(v * 8) / 8)).toBe(true);
  });

  it('fit: epoch values come from the whole epoch; batch logs carry the running values (auc at epoch end only)', async () => {
    const m = smallModel(6);
    // every layer frozen: the weights stay, so the epoch's values equal those of predict on the training data
    for (const l of m.layers) l.trainable = false;
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['precision', 'auc', 'aucApprox'] });
    const { x, y } = smallData(45);
    const batchLogs: Record<string, number>[] = [];
    const h = await m.fit(x, y, { epochs: 1, batchSize: 7, verbose: 0, callbacks: { onBatchEnd: (_b, l) => { batchLogs.push({ ...l }); } } });
    const p = m.predict(x);
    for (const n of ['precision', 'auc', 'aucApprox'] as const) close(h.history[n][0], metrics[n](y, p), `epoch ${n}`, 1e-6);
    expect(batchLogs).toHaveLength(7);
    expect(batchLogs[0].auc).toBeUndefined();
    close(batchLogs[6].precision, h.history.precision[0], 'last running precision', 1e-12);
    close(batchLogs[6].aucApprox, h.history.aucApprox[0], 'last running aucApprox', 1e-12);
    close(batchLogs[0].precision, metrics.precision(y.slice(0, 7), { data: p.data.slice(0, 7), shape: [7, 1] }), 'first batch precision', 1e-6);
  });

  it('multi-class (softmax, sparse labels): macro precision/recall/f1 and flattened auc equal the functions', () => {
    const m = sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['acc', 'precision', 'recall', 'f1', 'auc', 'aucApprox'] });
    const n = 30;
    const x = { data: ids(n * 7, 9, 0, 10), shape: [n, 7] };
    const y = Array.from({ length: n }, (_, i) => x.data[i * 7] % 3);
    const p = m.predict(x);
    const d = m.evaluate(x, y, { returnDict: true });
    for (const k of ['precision', 'recall', 'f1', 'auc', 'aucApprox'] as const) close(d[k]!, F(metrics[k](y, p)), `softmax ${k}`, 1e-12);
    close(d.acc!, F(metrics.accuracy(y, p)), 'softmax acc', 1e-12);
  });
});
