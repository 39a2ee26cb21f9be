// fitDataset and evaluateDataset (TF.js's model.fitDataset / evaluateDataset, Keras's fit on a generator): training and
// evaluation on the batches a dataset yields, one at a time, so data larger than memory streams through. A dataset is
// a TF.js tf.data.Dataset (anything with iterator()), a function returning an iterable or iterator (called each
// epoch), or an iterable (arrays, async generators); a batch is { xs, ys } (TF.js), [x, y] or [x, y, sampleWeight]
// (Keras), each part an Input of this package or a TF.js tensor.
import { checkOptionKeys, ConfigError, StateError, ValueError, describeValue, isPlainObject } from '../errors.js';
import type { Input } from '../tensor.js';
import type { Batchable } from './batches.js';
import { identity } from './batches.js';
import type { History } from './callbacks.js';
import type { ClassWeight } from './weights.js';
import { checkEpochs, checkLoopArgs, checkValidationArrays, trainEpochs, type FitArgs, type Trainable, type TrainBatch } from './fit.js';

/** What a dataset yields: { xs, ys } as TF.js's datasets, or [x, y] / [x, y, sampleWeight] as Keras's generators (an
 *  array, so that `yield [x, y]` type-checks; its length is checked when it comes). */
export type DatasetBatch = { xs: Input | TfjsTensor; ys: Input | TfjsTensor } | readonly (Input | TfjsTensor)[];

/** A TF.js tensor, read through dataSync(). */
export interface TfjsTensor { shape: number[]; dataSync(): ArrayLike<number> }

/** A tf.data.Dataset (iterator() gives a fresh iterator), a function returning an iterable or iterator of batches
 *  (called each epoch), or an iterable of batches (an array of batches, an async generator). */
export type Dataset =
  | { iterator(): Promise<{ next(): Promise<IteratorResult<unknown>> }>; size?: number }
  | (() => Iterable<DatasetBatch> | AsyncIterable<DatasetBatch> | Iterator<DatasetBatch> | AsyncIterator<DatasetBatch>)
  | Iterable<DatasetBatch> | AsyncIterable<DatasetBatch>;

export interface FitDatasetArgs extends Pick<FitArgs, 'epochs' | 'initialEpoch' | 'callbacks' | 'verbose' | 'signal' | 'validationFreq' | 'progressOutput'> {
  /**
   * Batches per epoch (TF.js's batchesPerEpoch, Keras's steps_per_epoch): one iterator then runs on across epochs.
   * Without it each epoch takes a fresh iterator to its end.
   */
  batchesPerEpoch?: number;
  /**
   * A dataset of validation batches, or [xVal, yVal] / [xVal, yVal, sampleWeightVal] (as fit's; TF.js tensors too).
   * An array is always the latter: pass an array of batches as a function returning it (() => batches).
   */
  validationData?: Dataset | [Input | TfjsTensor, Input | TfjsTensor] | [Input | TfjsTensor, Input | TfjsTensor, Input | TfjsTensor];
  /** Batches of a validation dataset per evaluation (default: all it yields). */
  validationBatches?: number;
  /** The batch size for validation arrays (default 32). */
  validationBatchSize?: number;
  /** Keras 2's class_weight, as fit's, applied to every batch. */
  classWeight?: ClassWeight;
}

const FIT_DATASET_KEYS = ['epochs', 'initialEpoch', 'callbacks', 'verbose', 'signal', 'validationFreq', 'progressOutput', 'batchesPerEpoch',
  'validationData', 'validationBatches', 'validationBatchSize', 'classWeight'];

type Next = () => Promise<IteratorResult<unknown>>;

function isDataset(d: unknown): boolean {
  if (typeof d === 'function') return true;
  if (d === null || typeof d !== 'object') return false;
  return typeof (d as { iterator?: unknown }).iterator === 'function' || Symbol.asyncIterator in d || Symbol.iterator in d;
}

/** A fresh iterator over the dataset, as a next() that always returns a promise. */
async function openDataset(ds: unknown, where: string): Promise<Next> {
  let src: unknown = ds;
  if (typeof ds === 'function') src = (ds as () => unknown)();
  else if (typeof (ds as { iterator?: unknown }).iterator === 'function') src = await (ds as { iterator(): Promise<unknown> }).iterator();
  if (src !== null && typeof src === 'object') {
    const o = src as Record<symbol | string, unknown>;
    const it = typeof o[Symbol.asyncIterator] === 'function' ? (o[Symbol.asyncIterator] as () => unknown)()
      : typeof o[Symbol.iterator] === 'function' ? (o[Symbol.iterator] as () => unknown)() : src;
    if (it !== null && typeof it === 'object' && typeof (it as { next?: unknown }).next === 'function') {
      const i = it as { next(): IteratorResult<unknown> | Promise<IteratorResult<unknown>> };
      return async () => i.next();
    }
  }
  throw new ConfigError(`${where}: expected a dataset (a tf.data.Dataset, a function returning an iterable or iterator, or an iterable of batches), got ${typeof ds === 'function' ? `a function returning ${describeValue(src)}` : describeValue(ds)}.`);
}

function tensorInput(v: unknown): Input {
  if (v !== null && typeof v === 'object' && typeof (v as TfjsTensor).dataSync === 'function' && Array.isArray((v as TfjsTensor).shape)) {
    const t = v as TfjsTensor;
    const data = t.dataSync();
    return { data: data instanceof Int32Array || data instanceof Float32Array ? data : Float32Array.from(data), shape: t.shape.slice() } as Input;
  }
  return v as Input;
}

/** x, y and the sample weight of one yielded batch. */
function batchParts(v: unknown, where: string): { x: Input; y: Input; w: Input | undefined } {
  if (Array.isArray(v) && (v.length === 2 || v.length === 3)) return { x: tensorInput(v[0]), y: tensorInput(v[1]), w: v[2] === undefined ? undefined : tensorInput(v[2]) };
  if (isPlainObject(v) && 'xs' in v && 'ys' in v) {
    if (isPlainObject(v.xs) && !('data' in v.xs) && !('shape' in v.xs)) throw new ConfigError(`${where}: expected xs to be one input (this model has one), got an object of named inputs (${Object.keys(v.xs).join(', ')}).`);
    return { x: tensorInput(v.xs), y: tensorInput(v.ys), w: undefined };
  }
  throw new ConfigError(`${where}: expected a batch { xs, ys } or [x, y] or [x, y, sampleWeight], got ${describeValue(v)}.`);
}

/** The checked batch: the model's data with its weights; `where` names the batch in errors. */
function readBatch(model: Trainable, v: unknown, classWeight: unknown, where: string): Batchable {
  const { x, y, w } = batchParts(v, where);
  const d = model.refusable(() => model.weigh(model.checkData(x, y, where), classWeight, w, where));
  if (d.n === 0) throw new ValueError(`${where}: expected a batch with at least one sample, got 0.`);
  return d;
}

function checkPositiveInt(v: unknown, where: string, name: string): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`${where}: expected ${name} to be a positive integer, got ${describeValue(v)}.`);
  return v;
}

/** [loss, ...metrics] over up to `batches` batches of the dataset (all it yields without). */
async function evaluateBatches(model: Trainable, ds: unknown, batches: number | null, where: string): Promise<number[]> {
  const next = await openDataset(ds, where);
  const ev = model.evaluator();
  let n = 0;
  while (batches === null || n < batches) {
    const r = await next();
    if (r.done) break;
    ev.add(readBatch(model, r.value, undefined, `${where}: batch ${n}`));
    n++;
  }
  if (n === 0) throw new ValueError(`${where}: expected the dataset to yield at least one batch, got none (an iterator already used up? Give a dataset or a function that yields a fresh one each time).`);
  if (batches !== null && n < batches) console.warn(`${where}: the dataset ran out of data after ${n} of ${batches} batches; evaluated on those.`);
  return ev.results();
}

export async function fitDataset(model: Trainable, dataset: unknown, args: FitDatasetArgs = {}): Promise<History> {
  const where = 'fitDataset';
  checkOptionKeys(args, where, FIT_DATASET_KEYS);
  if (!isDataset(dataset)) throw new ConfigError(`${where}: expected a dataset (a tf.data.Dataset, a function returning an iterable or iterator, or an iterable of batches), got ${describeValue(dataset)}.`);
  const epochs = checkEpochs(args.epochs, where);
  const perEpoch = checkPositiveInt(args.batchesPerEpoch, where, 'batchesPerEpoch');
  const valBatches = checkPositiveInt(args.validationBatches, where, 'validationBatches');
  const valBatchSize = checkPositiveInt(args.validationBatchSize, where, 'validationBatchSize') ?? 32;
  const loop = checkLoopArgs(args, where);
  if (!model.optimizer || !model.loss) throw new StateError(`${where}: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
  const vd = args.validationData;
  let validate: (() => Promise<number[]>) | null = null;
  if (vd !== undefined && vd !== null) {
    if (Array.isArray(vd)) {
      // (an array of batches read as [xVal, yVal] would fail with a message about values: say what an array means)
      if (vd.length > 0 && (isPlainObject(vd[0]) && 'xs' in vd[0] && 'ys' in vd[0] || vd.length > 3)) {
        throw new ConfigError(`${where}: expected validationData to be a dataset or [xVal, yVal] / [xVal, yVal, sampleWeightVal], got an array of ${vd.length} ${isPlainObject(vd[0]) && 'xs' in vd[0] ? 'batches' : 'items'} (an array is read as [xVal, yVal]: pass an array of batches as a function returning it, () => batches).`);
      }
      const { val, valRows } = model.refusable(() => checkValidationArrays(model, (vd as unknown[]).map(tensorInput), where));
      validate = async () => model.evaluateData(val, valRows, Math.min(valBatchSize, valRows.length));
    } else if (isDataset(vd)) {
      validate = () => evaluateBatches(model, vd, valBatches, `${where}: validationData`);
    } else {
      throw new ConfigError(`${where}: expected validationData to be a dataset or [xVal, yVal] / [xVal, yVal, sampleWeightVal], got ${describeValue(vd)}.`);
    }
  }
  const size = (dataset as { size?: unknown }).size;
  const known = perEpoch ?? (typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : null);
  // with batchesPerEpoch one iterator runs on across epochs (TF.js's fitDataset, Keras's steps_per_epoch)
  let shared: Next | null = null;
  let ranOut = false;
  return trainEpochs(model, {
    params: { epochs, batchSize: null, samples: null, steps: known },
    open: async (epoch) => {
      const next = perEpoch !== null ? (shared ??= await openDataset(dataset, where)) : await openDataset(dataset, where);
      let step = 0;
      return async (): Promise<TrainBatch | null> => {
        if (perEpoch !== null && step >= perEpoch) return null;
        const r = await next();
        if (r.done) { if (perEpoch !== null) ranOut = true; return null; }
        const d = readBatch(model, r.value, args.classWeight, `${where}: epoch ${epoch + 1}, batch ${step}`);
        step++;
        return { d, rows: identity(d.n), start: 0, B: d.n };
      };
    },
    ranOut: () => ranOut,
    validate,
  }, loop);
}

export interface EvaluateDatasetArgs {
  /** Batches to evaluate (default: all the dataset yields). */
  batches?: number;
  /** TF.js's option: 0 or false only (evaluateDataset prints no progress). */
  verbose?: 0 | false;
}

/** [loss, ...metrics, ...weightedMetrics] over the batches of a dataset (metricsNames order), as TF.js's evaluateDataset. */
export async function evaluateDataset(model: Trainable, dataset: unknown, args: EvaluateDatasetArgs = {}): Promise<number[]> {
  const where = 'evaluateDataset';
  checkOptionKeys(args, where, ['batches', 'verbose']);
  if (args.verbose !== undefined && args.verbose !== 0 && args.verbose !== false) throw new ConfigError(`${where}: expected verbose 0 or false (${where} prints no progress bar), got ${describeValue(args.verbose)}. Leave verbose out.`);
  if (!isDataset(dataset)) throw new ConfigError(`${where}: expected a dataset (a tf.data.Dataset, a function returning an iterable or iterator, or an iterable of batches), got ${describeValue(dataset)}.`);
  const batches = checkPositiveInt(args.batches, where, 'batches');
  if (!model.loss) throw new StateError(`${where}: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
  return evaluateBatches(model, dataset, batches, where);
}
