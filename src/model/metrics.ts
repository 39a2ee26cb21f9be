// Metrics by name (compile's `metrics` and `weightedMetrics`): accuracy/acc (and Keras's explicit binary, categorical and
// sparse categorical accuracies), precision, recall, f1, auc (exact ROC AUC), aucApprox (Keras's 200-threshold AUC),
// mse and mae, accumulated over a whole epoch (reset, update per batch, result at the end); the same
// metrics on plain arrays, and confusionMatrix (the public `metrics` namespace).
import { ConfigError, ShapeError, ValueError, describeValue, fmtShape, didYouMean } from '../errors.js';
import { toFlat, type Input } from '../tensor.js';

export const METRIC_NAMES = ['accuracy', 'acc', 'binaryAccuracy', 'binary_accuracy', 'categoricalAccuracy', 'categorical_accuracy',
  'sparseCategoricalAccuracy', 'sparse_categorical_accuracy', 'precision', 'recall', 'f1', 'auc', 'aucApprox',
  'mse', 'meanSquaredError', 'mean_squared_error', 'mae', 'meanAbsoluteError', 'mean_absolute_error'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Keras's AUC default: 200 thresholds, the first just below 0 and the last just above 1 (epsilon 1e-7). */
const AUC_THRESHOLDS = 200;

/**
 * The most classes (numClasses, or the largest class id + 1) the per-class metrics count from class ids: three
 * Float64Array(K) of counts, 384 MiB at 2^24 = 16,777,216 classes (past the largest extreme-classification label sets).
 */
const MAX_CLASSES = 2 ** 24;
/**
 * The most classes of confusionMatrix: its K x K counts are a number[][] (8 bytes a cell), so 2^26 cells (512 MiB) at
 * most, K <= 8192. tf.math.confusion_matrix (and scikit-learn's) allocate the same dense K x K matrix; 5000 classes
 * (25M cells, 200 MB) still fit.
 */
const MAX_MATRIX_CLASSES = 2 ** 13;

/** Checks compile's `metrics` (or `weightedMetrics`, named by `what` in errors): known names, each once. */
export function checkMetrics(metrics: unknown, what = 'metric'): MetricName[] {
  if (metrics === undefined) return [];
  const list = Array.isArray(metrics) ? metrics : [metrics];
  const valid = METRIC_NAMES.map((n) => `'${n}'`).join(', ');
  const each = what === 'metric' ? 'each metric' : `each of ${what}`;
  list.forEach((m, i) => {
    if (!(METRIC_NAMES as readonly unknown[]).includes(m)) throw new ConfigError(`compile: expected ${each} to be one of ${valid}, got ${describeValue(m)}.${didYouMean(m, METRIC_NAMES)}`);
    if (list.indexOf(m) !== i) throw new ConfigError(`compile: expected ${each} once (they are history keys), got ${JSON.stringify(m)} twice.`);
  });
  return list.slice() as MetricName[];
}

/**
 * Whole-epoch metric state. Each output row is one prediction: with one unit (sigmoid) a binary decision p > 0.5
 * (strict, as Keras) against label != 0 (accuracy compares with the label as Keras's binary_accuracy does); with K > 1
 * units the argmax against the argmax of the one-hot label, and precision/recall/f1 are macro-averaged over all K
 * classes (a class never predicted or never present scores 0, Keras's divide_no_nan). AUC with K > 1 units flattens
 * the one-hot labels and the probabilities into K binary decisions per row, as Keras's AUC(multi_label=False) does.
 * Counting metrics allocate nothing per batch; 'auc' keeps every score of the epoch (it sorts them in result()).
 */
export class MetricAccumulator {
  readonly names: readonly MetricName[];
  private readonly needAuc: boolean;
  private readonly needApprox: boolean;
  private readonly needErr: boolean;
  private units = 0;
  private correct = 0; private total = 0;
  /**
   * Keras's explicit accuracies where they differ from 'accuracy' (which picks by the output's units, as Keras):
   * binary_accuracy on K > 1 units counts each unit ((p > 0.5) == y, the row's mean); categorical_accuracy on one
   * unit compares two argmaxes of one value (always equal); sparse_categorical_accuracy on one unit counts label 0.
   */
  private binCorrect = 0; private catCorrect = 0; private sparseCorrect = 0;
  /** Keras's MeanSquaredError / MeanAbsoluteError metrics: each row's mean over its units, weighted. */
  private sqErr = 0; private absErr = 0;
  /** Binary (one unit) confusion counts, weighted. */
  private tp = 0; private fp = 0; private fn = 0;
  /** Per-class counts for K > 1 units. */
  private ctp = new Float64Array(0); private cfp = new Float64Array(0); private cfn = new Float64Array(0);
  /** aucApprox: weight of positives / negatives per Keras bucket ceil(p * (T - 1)) - 1 (clamped at 0), T thresholds. */
  private readonly thresholds: number;
  private readonly posBucket: Float64Array;
  private readonly negBucket: Float64Array;
  /** auc: every score, whether it is a positive, and its weight (null while all weights are 1). */
  private scores = new Float64Array(0); private positive = new Uint8Array(0); private weights: Float64Array | null = null;
  private count = 0;
  private sawNaN = false;

  /** aucThresholds: Keras's num_thresholds for aucApprox (200, its default; other values serve tests). */
  constructor(names: readonly MetricName[], { aucThresholds = AUC_THRESHOLDS }: { aucThresholds?: number } = {}) {
    this.names = names.slice();
    this.thresholds = aucThresholds;
    this.posBucket = new Float64Array(aucThresholds);
    this.negBucket = new Float64Array(aucThresholds);
    this.needAuc = names.includes('auc');
    this.needApprox = names.includes('aucApprox');
    this.needErr = names.some((n) => /squared|absolute|^ms?e$|^mae$/i.test(n));
  }

  reset(): void {
    this.units = 0;
    this.correct = 0; this.total = 0;
    this.binCorrect = 0; this.catCorrect = 0; this.sparseCorrect = 0;
    this.sqErr = 0; this.absErr = 0;
    this.tp = 0; this.fp = 0; this.fn = 0;
    this.ctp.fill(0); this.cfp.fill(0); this.cfn.fill(0);
    this.posBucket.fill(0); this.negBucket.fill(0);
    this.count = 0; this.weights = null; this.sawNaN = false;
  }

  /**
   * Adds `rows` predictions of `units` values each. pred and labels: [rows * units] (labels one-hot for K > 1).
   * weights: null (each row weighs 1) or one weight per sample, each sample owning rows / weights.length rows.
   */
  update(pred: ArrayLike<number>, labels: ArrayLike<number>, rows: number, units: number, weights: ArrayLike<number> | null = null): void {
    if (this.names.length === 0 || rows === 0) return;
    if (this.units === 0) this.setUnits(units);
    else if (units !== this.units) throw new ShapeError(`metrics: expected ${this.units} output units as in the earlier batches, got ${units}.`);
    let per = 0;
    if (weights) {
      per = rows / weights.length;
      if (!Number.isInteger(per)) throw new ShapeError(`metrics: expected a weight per sample (${rows} rows is a multiple of the weight count), got ${weights.length} weights.`);
    }
    const U = units;
    let s = 0, left = per;
    for (let m = 0; m < rows; m++) {
      const w = weights ? +weights[s] : 1;
      if (weights && --left === 0) { s++; left = per; }
      const o = m * U;
      this.total += w;
      if (this.needErr) {
        let sq = 0, ab = 0;
        for (let j = 0; j < U; j++) { const e = +pred[o + j] - +labels[o + j]; sq += e * e; ab += Math.abs(e); }
        this.sqErr += w * (sq / U); this.absErr += w * (ab / U);
      }
      if (U === 1) {
        const p = +pred[o], y = +labels[o];
        const predPos = p > 0.5, yPos = y !== 0;
        if ((predPos ? 1 : 0) === y) { this.correct += w; this.binCorrect += w; }
        this.catCorrect += w;
        if (y === 0) this.sparseCorrect += w;
        if (predPos && yPos) this.tp += w;
        else if (predPos) this.fp += w;
        else if (yPos) this.fn += w;
        this.addScore(p, yPos, w);
        continue;
      }
      let best = 0, lb = 0;
      for (let j = 1; j < U; j++) {
        if (pred[o + j] > pred[o + best]) best = j;
        if (labels[o + j] > labels[o + lb]) lb = j;
      }
      if (best === lb) { this.correct += w; this.catCorrect += w; this.sparseCorrect += w; this.ctp[best] += w; } else { this.cfp[best] += w; this.cfn[lb] += w; }
      let hits = 0;
      for (let j = 0; j < U; j++) if ((pred[o + j] > 0.5 ? 1 : 0) === +labels[o + j]) hits++;
      this.binCorrect += w * (hits / U);
      if (this.needAuc || this.needApprox) for (let j = 0; j < U; j++) this.addScore(+pred[o + j], labels[o + j] !== 0, w);
    }
  }

  /**
   * As update() with K units and one-hot labels, from class ids (no [rows, K] one-hot arrays): pred[i] and labels[i]
   * in [0, K), checked by the caller; weights: null or one per sample (rows / weights.length rows each, as update()).
   * Counts in the same order, so the same results.
   */
  updateIds(pred: Int32Array, labels: Int32Array, rows: number, K: number, weights: ArrayLike<number> | null = null): void {
    if (this.names.length === 0 || rows === 0) return;
    if (this.units === 0) this.setUnits(K);
    else if (K !== this.units) throw new ShapeError(`metrics: expected ${this.units} classes as in the earlier batches, got ${K}.`);
    // a weight per sample, each over rows / weights.length rows (a sequence's steps), as update()
    const per = weights ? rows / weights.length : 0;
    if (weights && !Number.isInteger(per)) throw new ShapeError(`metrics: expected a weight per sample (${rows} rows is a multiple of the weight count), got ${weights.length} weights.`);
    for (let m = 0; m < rows; m++) {
      const w = weights ? +weights[Math.floor(m / per)] : 1;
      this.total += w;
      const best = pred[m], lb = labels[m];
      if (best === lb) { this.correct += w; this.ctp[best] += w; } else { this.cfp[best] += w; this.cfn[lb] += w; }
    }
  }

  /** The value of one metric over everything added since reset. */
  result(name: MetricName): number {
    switch (name) {
      case 'accuracy': case 'acc': return divNoNan(this.correct, this.total);
      case 'binaryAccuracy': case 'binary_accuracy': return divNoNan(this.binCorrect, this.total);
      case 'categoricalAccuracy': case 'categorical_accuracy': return divNoNan(this.catCorrect, this.total);
      case 'sparseCategoricalAccuracy': case 'sparse_categorical_accuracy': return divNoNan(this.sparseCorrect, this.total);
      case 'mse': case 'meanSquaredError': case 'mean_squared_error': return divNoNan(this.sqErr, this.total);
      case 'mae': case 'meanAbsoluteError': case 'mean_absolute_error': return divNoNan(this.absErr, this.total);
      case 'auc': return this.exactAuc();
      case 'aucApprox': return this.approxAuc();
      default: break;
    }
    if (this.units <= 1) return prf(name, this.tp, this.fp, this.fn);
    let sum = 0;
    for (let k = 0; k < this.units; k++) sum += prf(name, this.ctp[k], this.cfp[k], this.cfn[k]);
    return sum / this.units;
  }

  /** Every metric by name (with `prefix`, e.g. 'val_'); `running` leaves out 'auc', whose result sorts the epoch. */
  writeLogs(logs: Record<string, number>, prefix = '', running = false): void {
    for (const n of this.names) if (!(running && n === 'auc')) logs[prefix + n] = this.result(n);
  }

  private setUnits(units: number): void {
    this.units = units;
    if (units > 1 && this.ctp.length !== units) {
      this.ctp = new Float64Array(units); this.cfp = new Float64Array(units); this.cfn = new Float64Array(units);
    }
  }

  private addScore(p: number, pos: boolean, w: number): void {
    if (p !== p) { this.sawNaN = true; return; }
    if (this.needApprox) {
      // Keras metrics_utils._update_confusion_matrix_variables_optimized: clip to [0, 1], bucket ceil(p * (T - 1)) - 1
      // in float32, relu (thresholds_with_epsilon: every p in [0, 1] is above the first threshold -1e-7)
      const c = p < 0 ? 0 : p > 1 ? 1 : p;
      let b = Math.ceil(Math.fround(c * (this.thresholds - 1))) - 1;
      if (b < 0) b = 0;
      if (pos) this.posBucket[b] += w; else this.negBucket[b] += w;
    }
    if (!this.needAuc) return;
    if (this.count === this.scores.length) this.grow();
    this.scores[this.count] = p;
    this.positive[this.count] = pos ? 1 : 0;
    if (w !== 1 && !this.weights) { this.weights = new Float64Array(this.scores.length); this.weights.fill(1, 0, this.count); }
    if (this.weights) this.weights[this.count] = w;
    this.count++;
  }

  private grow(): void {
    const n = Math.max(1024, this.scores.length * 2);
    const s = new Float64Array(n); s.set(this.scores); this.scores = s;
    const q = new Uint8Array(n); q.set(this.positive); this.positive = q;
    if (this.weights) { const w = new Float64Array(n); w.set(this.weights); this.weights = w; }
  }

  /** Exact ROC AUC: P(score of a positive > score of a negative) + half the tied pairs, weighted; NaN if undefined. */
  private exactAuc(): number {
    if (this.sawNaN) return NaN;
    const n = this.count, s = this.scores, pos = this.positive, w = this.weights;
    const order = sortedOrder(s, n);
    let negBelow = 0, area = 0, posTotal = 0;
    for (let i = 0; i < n;) {
      let gp = 0, gn = 0;
      const v = s[order[i]];
      for (; i < n && s[order[i]] === v; i++) {
        const k = order[i], wk = w ? w[k] : 1;
        if (pos[k]) gp += wk; else gn += wk;
      }
      area += gp * (negBelow + 0.5 * gn);
      negBelow += gn; posTotal += gp;
    }
    if (posTotal === 0 || negBelow === 0) return NaN;
    return area / (posTotal * negBelow);
  }

  /** Keras AUC() default: ROC, 200 thresholds, interpolation (trapezoids), divide_no_nan; float64 here. */
  private approxAuc(): number {
    if (this.sawNaN) return NaN;
    const T = this.thresholds;
    let posTotal = 0, negTotal = 0;
    for (let b = 0; b < T; b++) { posTotal += this.posBucket[b]; negTotal += this.negBucket[b]; }
    // tp[i], fp[i] = weight in buckets >= i (Keras's reverse cumsum); bucket T-1 stays empty (p <= 1)
    let tp = 0, fp = 0, auc = 0, yNext = 0, xNext = 0; // y (recall), x (fp rate) at threshold i + 1
    for (let i = T - 1; i >= 0; i--) {
      tp += this.posBucket[i]; fp += this.negBucket[i];
      const y = divNoNan(tp, posTotal), x = divNoNan(fp, negTotal);
      if (i < T - 1) auc += (x - xNext) * ((y + yNext) / 2);
      yNext = y; xNext = x;
    }
    return auc;
  }
}

/** A logged metric name: a metric's own, or 'weighted_' + a weighted metric's when the plain one has that name. */
export type MetricLogName = MetricName | `weighted_${MetricName}`;

/**
 * The logged names of compile's metrics then weightedMetrics, as Keras 2's MetricsContainer._set_metric_names for one
 * output: a weighted metric keeps its name unless a metric already has it, then it becomes 'weighted_' + name.
 */
export function metricLogNames(metrics: readonly MetricName[], weightedMetrics: readonly MetricName[]): MetricLogName[] {
  const names: MetricLogName[] = metrics.slice();
  for (const m of weightedMetrics) names.push(names.includes(m) ? `weighted_${m}` : m);
  return names;
}

/**
 * Compile's metrics as Keras 2's MetricsContainer.update_state: `metrics` ignore the batch's row weights (each row
 * weighs 1), `weightedMetrics` take them (sampleWeight times the class weight). Values in `names` order.
 */
export class CompiledMetrics {
  readonly names: readonly MetricLogName[];
  private readonly plain: MetricAccumulator;
  private readonly weighted: MetricAccumulator;

  constructor(metrics: readonly MetricName[], weightedMetrics: readonly MetricName[]) {
    this.names = metricLogNames(metrics, weightedMetrics);
    this.plain = new MetricAccumulator(metrics);
    this.weighted = new MetricAccumulator(weightedMetrics);
  }

  get size(): number { return this.names.length; }

  reset(): void { this.plain.reset(); this.weighted.reset(); }

  /** As MetricAccumulator.update; `weights` reach the weighted metrics only. */
  /** `weights`: the weighted metrics' row weights; `mask`: the plain metrics' (an output mask: unmasked rows only). */
  update(pred: ArrayLike<number>, labels: ArrayLike<number>, rows: number, units: number, weights: ArrayLike<number> | null, mask: ArrayLike<number> | null = null): void {
    this.plain.update(pred, labels, rows, units, mask);
    this.weighted.update(pred, labels, rows, units, weights);
  }

  /** Every value in `names` order, each a float32 as Keras 2 reports its metrics. */
  results(): number[] {
    return [...this.plain.names.map((n) => Math.fround(this.plain.result(n))), ...this.weighted.names.map((n) => Math.fround(this.weighted.result(n)))];
  }

  /** Every metric by its logged name (with `prefix`, e.g. 'val_'); `running` leaves out 'auc' (a sort of the epoch). */
  writeLogs(logs: Record<string, number>, prefix = '', running = false): void {
    const k = this.plain.names.length;
    this.plain.names.forEach((n, i) => { if (!(running && n === 'auc')) logs[prefix + this.names[i]] = Math.fround(this.plain.result(n)); });
    this.weighted.names.forEach((n, i) => { if (!(running && n === 'auc')) logs[prefix + this.names[k + i]] = Math.fround(this.weighted.result(n)); });
  }
}

function divNoNan(a: number, b: number): number { return b === 0 ? 0 : a / b; }

/**
 * Indices of s[0, n) by ascending value, ties in index order (so the summation order never depends on the engine): a
 * comparison sort over a total order (value, then index) gives one result whatever the algorithm. Float64 scores: a
 * caller's float64 values stay distinct (float32 made 0.1 and 0.1 + 1e-10 a tie); no NaN here.
 */
function sortedOrder(s: Float64Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => (s[a] < s[b] ? -1 : s[a] > s[b] ? 1 : a - b));
}

function prf(name: MetricName, tp: number, fp: number, fn: number): number {
  const p = divNoNan(tp, tp + fp), r = divNoNan(tp, tp + fn);
  if (name === 'precision') return p;
  if (name === 'recall') return r;
  return 2 * divNoNan(p * r, p + r); // Keras FBetaScore: (1 + beta^2) p r / (beta^2 p + r)
}

// ------------------------------------------------------------------ the same metrics on arrays

export interface MetricOptions {
  /** The number of classes when yPred holds class ids (default: the largest id + 1, at least 2). */
  numClasses?: number;
  /** One weight per sample (default 1 each). */
  sampleWeight?: ArrayLike<number>;
}

interface Prepared {
  pred: ArrayLike<number>; labels: ArrayLike<number>; rows: number; units: number; weights: ArrayLike<number> | null;
  /** pred and labels are class ids [rows] in [0, units) (for updateIds), not [rows * units] values. */
  ids?: boolean;
}

/** Class of a 1-unit prediction: an integer is a class id, any other value a probability of class 1 (p > 0.5). */
function idOrThreshold(v: number, where: string, i: number): number {
  if (Number.isInteger(v) && v >= 0) return v;
  if (v >= 0 && v <= 1) return v > 0.5 ? 1 : 0;
  throw new ValueError(`${where}: expected yPred to hold probabilities in [0, 1] or class ids (non-negative integers), got ${v} at row ${i}.`);
}

function classId(v: number, where: string, what: string, i: number): number {
  if (!(Number.isInteger(v) && v >= 0)) throw new ValueError(`${where}: expected ${what} to hold class ids (non-negative integers), got ${v} at row ${i}.`);
  return v;
}

function argmaxRow(d: ArrayLike<number>, o: number, U: number): number {
  let best = 0;
  for (let j = 1; j < U; j++) if (d[o + j] > d[o + best]) best = j;
  return best;
}

/** Rows and units of a prediction: [N] or [N, 1] is one unit; otherwise the last axis is the units. */
function layout(shape: number[], size: number): { rows: number; units: number } {
  const units = shape.length >= 2 ? shape[shape.length - 1] : 1;
  return { rows: units === 0 ? 0 : size / units, units };
}

function checkWeights(w: ArrayLike<number> | undefined, n: number, where: string): ArrayLike<number> | null {
  if (w === undefined) return null;
  if (typeof w !== 'object' || w === null || typeof w.length !== 'number') throw new ValueError(`${where}: expected sampleWeight to be an array of numbers, got ${describeValue(w)}.`);
  if (w.length !== n) throw new ShapeError(`${where}: expected one sampleWeight per sample (${n}), got ${w.length}.`);
  for (let i = 0; i < w.length; i++) if (!(w[i] >= 0 && Number.isFinite(w[i]))) throw new ValueError(`${where}: expected sampleWeight values >= 0 and finite, got ${w[i]} at ${i}.`);
  return w;
}

/**
 * yTrue, yPred -> the accumulator's layout. `scores`: yPred is always scores (auc); otherwise a one-unit yPred of
 * class ids above 1 (or numClasses > 2) becomes one-hot over the classes, as a softmax model's output would.
 */
function prepare(yTrue: Input, yPred: Input, where: string, opts: MetricOptions = {}, scores = false): Prepared {
  const ft = toFlat(yTrue, `${where}: yTrue`), fp = toFlat(yPred, `${where}: yPred`);
  const pd = fp.data, td = ft.data;
  if (fp.shape.length === 0 || ft.shape.length === 0) throw new ShapeError(`${where}: expected yTrue and yPred with a batch axis, got ${fmtShape(ft.shape)} and ${fmtShape(fp.shape)}.`);
  const { rows, units } = layout(fp.shape, pd.length);
  const N = fp.shape[0];
  const K0 = opts.numClasses;
  if (K0 !== undefined && !(Number.isInteger(K0) && K0 >= 2 && K0 <= MAX_CLASSES)) {
    throw new ValueError(`${where}: expected numClasses to be an integer in [2, ${MAX_CLASSES}] (2^24, the most classes counted), got ${describeValue(K0)}.`);
  }
  if (K0 !== undefined && units > 1 && K0 !== units) throw new ShapeError(`${where}: expected numClasses to equal yPred's last axis ${units}, got ${K0}.`);
  const weights = checkWeights(opts.sampleWeight, N, where);
  const sparse = td.length === rows;
  if (!sparse && td.length !== rows * units) {
    throw new ShapeError(`${where}: expected yTrue to hold ${rows} class ids or ${rows * units} values (one-hot, like yPred ${fmtShape(fp.shape)}), got ${fmtShape(ft.shape)}.`);
  }
  if (units > 1) {
    if (!sparse) return { pred: pd, labels: td, rows, units, weights };
    const labels = new Float32Array(rows * units);
    for (let i = 0; i < rows; i++) {
      const c = classId(+td[i], where, 'yTrue', i);
      if (c >= units) throw new ValueError(`${where}: expected class ids in [0, ${units}) (yPred has ${units} units), got ${c} at row ${i}.`);
      labels[i * units + c] = 1;
    }
    return { pred: pd, labels, rows, units, weights };
  }
  let ids = !scores && K0 !== undefined && K0 > 2;
  if (!scores && !ids) {
    for (let i = 0; i < rows && !ids; i++) {
      const v = pd[i];
      if (Number.isInteger(v) && v > 1) ids = true;
      else if (v < 0 || v > 1) idOrThreshold(v, where, i); // throws: neither a probability nor a class id
    }
  }
  // class ids above 1 in yTrue with integer predictions: ids too (precision([0, 1, 2], [0, 1, 1]) is 3 classes)
  if (!scores && !ids && Array.prototype.some.call(td, (v: number) => Number.isInteger(+v) && +v > 1) && Array.prototype.every.call(pd, (v: number) => Number.isInteger(+v))) ids = true;
  if (!ids) return { pred: pd, labels: td, rows, units: 1, weights };
  // class ids over K classes, each checked before it is stored
  let K = K0 ?? 2;
  const pc = new Int32Array(rows), tc = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const p = checkClass(idOrThreshold(+pd[i], where, i), K0, MAX_CLASSES, '2^24, the most classes counted', where, 'yPred', i);
    const t = checkClass(classId(+td[i], where, 'yTrue', i), K0, MAX_CLASSES, '2^24, the most classes counted', where, 'yTrue', i);
    pc[i] = p; tc[i] = t;
    if (p >= K) K = p + 1;
    if (t >= K) K = t + 1;
  }
  return { pred: pc, labels: tc, rows, units: K, weights, ids: true };
}

/**
 * A class id (an integer >= 0) below numClasses `K0` when given, else below `max` (`why` says why): past it a
 * ValueError naming the id, the array and the row, before the id reaches an Int32Array (2^32 + 1 would wrap to 1).
 */
function checkClass(c: number, K0: number | undefined, max: number, why: string, where: string, what: string, i: number): number {
  if (K0 !== undefined && c >= K0) throw new ValueError(`${where}: expected class ids in [0, ${K0}) (numClasses), got ${c} at row ${i} of ${what}.`);
  if (c >= max) throw new ValueError(`${where}: expected class ids below ${max} (${why}), got ${c} at row ${i} of ${what}.`);
  return c;
}

function compute(name: MetricName, yTrue: Input, yPred: Input, opts: MetricOptions | undefined): number {
  const p = prepare(yTrue, yPred, `metrics.${name}`, opts, name === 'auc' || name === 'aucApprox');
  if (p.rows === 0) throw new ShapeError(`metrics.${name}: expected at least one sample, got 0.`);
  const acc = new MetricAccumulator([name]);
  if (p.ids) acc.updateIds(p.pred as Int32Array, p.labels as Int32Array, p.rows, p.units, p.weights);
  else acc.update(p.pred, p.labels, p.rows, p.units, p.weights);
  return acc.result(name);
}

/**
 * K x K counts, rows = true class, columns = predicted class (tf.math.confusion_matrix's orientation). yTrue: class
 * ids [N] or one-hot [N, K]; yPred: probabilities [N, K] (argmax), or [N] / [N, 1] where an integer is a class id and
 * any other value a probability of class 1 (p > 0.5, as the binary metrics). K: numClasses, else the largest class
 * seen + 1, at least 2 and at least yPred's number of units; at most MAX_MATRIX_CLASSES (8192: 2^26 cells).
 */
function confusionMatrix(yTrue: Input, yPred: Input, opts: { numClasses?: number } = {}): number[][] {
  const where = 'metrics.confusionMatrix';
  const ft = toFlat(yTrue, `${where}: yTrue`), fp = toFlat(yPred, `${where}: yPred`);
  if (fp.shape.length === 0 || ft.shape.length === 0) throw new ShapeError(`${where}: expected yTrue and yPred with a batch axis, got ${fmtShape(ft.shape)} and ${fmtShape(fp.shape)}.`);
  const { rows, units } = layout(fp.shape, fp.data.length);
  const K0 = opts.numClasses;
  const why = `2^26 cells at most in the ${MAX_MATRIX_CLASSES} x ${MAX_MATRIX_CLASSES} matrix`;
  if (K0 !== undefined && !(Number.isInteger(K0) && K0 >= 1 && K0 <= MAX_MATRIX_CLASSES)) {
    throw new ValueError(`${where}: expected numClasses to be an integer in [1, ${MAX_MATRIX_CLASSES}] (${why}), got ${describeValue(K0)}.`);
  }
  if (units > MAX_MATRIX_CLASSES) throw new ValueError(`${where}: expected yPred with at most ${MAX_MATRIX_CLASSES} units (classes; ${why}), got ${fmtShape(fp.shape)}.`);
  const sparse = ft.data.length === rows;
  if (!sparse && ft.data.length !== rows * units) {
    throw new ShapeError(`${where}: expected yTrue to hold ${rows} class ids or ${rows * units} values (one-hot, like yPred ${fmtShape(fp.shape)}), got ${fmtShape(ft.shape)}.`);
  }
  const pc = new Int32Array(rows), tc = new Int32Array(rows);
  let K = Math.max(2, units);
  for (let i = 0; i < rows; i++) {
    const p = units > 1 ? argmaxRow(fp.data, i * units, units) : checkClass(idOrThreshold(+fp.data[i], where, i), K0, MAX_MATRIX_CLASSES, why, where, 'yPred', i);
    const t = sparse ? checkClass(classId(+ft.data[i], where, 'yTrue', i), K0, MAX_MATRIX_CLASSES, why, where, 'yTrue', i) : argmaxRow(ft.data, i * units, units);
    pc[i] = p; tc[i] = t;
    K = Math.max(K, p + 1, t + 1);
  }
  if (K0 !== undefined && K > K0) throw new ValueError(`${where}: expected class ids in [0, ${K0}) (numClasses), got ${K - 1}.`);
  const n = K0 ?? K;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < rows; i++) m[tc[i]][pc[i]]++;
  return m;
}

/**
 * The compile metrics on arrays (yTrue, yPred as for evaluate and predict's output), and confusionMatrix. A one-unit
 * yPred is binary (p > 0.5; labels != 0 are positives); K > 1 units (or one-unit class ids) are macro-averaged over
 * the classes. auc is exact (ties count half; NaN when a class is absent); aucApprox is Keras's AUC().
 */
export const metrics = {
  accuracy: (yTrue: Input, yPred: Input, opts?: MetricOptions): number => compute('accuracy', yTrue, yPred, opts),
  precision: (yTrue: Input, yPred: Input, opts?: MetricOptions): number => compute('precision', yTrue, yPred, opts),
  recall: (yTrue: Input, yPred: Input, opts?: MetricOptions): number => compute('recall', yTrue, yPred, opts),
  f1: (yTrue: Input, yPred: Input, opts?: MetricOptions): number => compute('f1', yTrue, yPred, opts),
  auc: (yTrue: Input, yPred: Input, opts?: Pick<MetricOptions, 'sampleWeight'>): number => compute('auc', yTrue, yPred, opts),
  aucApprox: (yTrue: Input, yPred: Input, opts?: Pick<MetricOptions, 'sampleWeight'>): number => compute('aucApprox', yTrue, yPred, opts),
  confusionMatrix,
};
