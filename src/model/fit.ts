// The fit loop: validation split (last fraction, before shuffling, as Keras), per-epoch shuffling from the model's
// stream, class and sample weights, batches, callbacks, stopping (stopTraining, an AbortSignal, a non-finite loss)
// and the History object. It drives any model through the Trainable interface below.
import { checkBatchSize, identity, type Batchable } from './batches.js';
import type { CallbackModel, Callbacks, History, Logs } from './callbacks.js';
import type { ClassWeight } from './weights.js';
import type { Input } from '../tensor.js';
import type { StreamSnapshot } from '../core/rng.js';
import { ConfigError, ShapeError, StateError, ValueError, describeValue, checkOptionKeys } from '../errors.js';
import { Progress, type ProgressOutput } from './progress.js';

/** What the loop needs of a model (Sequential implements it); the loop knows no more of the model than this. Callbacks
 *  get it as their model (CallbackModel: stopTraining, optimizer, getWeights, setWeights, save). */
export interface Trainable extends CallbackModel {
  loss: string | null;
  /** 'loss' then each compiled metric's logged name (metrics, then weightedMetrics), as Keras's metrics_names. */
  metricsNames: readonly string[];
  checkData(x: Input, y: Input | null, where: string): Batchable;
  /** Runs checks that may build the model from the data: a refused call leaves it unbuilt, as it was. */
  refusable<T>(checks: () => T): T;
  weigh(d: Batchable, classWeight: unknown, sampleWeight: unknown, where: string, classRows?: number): Batchable;
  ready(): Promise<void>;
  permutation(n: number): Int32Array;
  snapshotStreams(): StreamSnapshot;
  rewindStreams(s: StreamSnapshot): void;
  trainStep(d: Batchable, rows: ArrayLike<number>, start: number, B: number): { loss: number; applied: boolean };
  /** Starts the epoch's training metrics; trainStep adds each batch to them. */
  resetMetrics(): void;
  /** Writes the training metrics of the epoch so far into logs by name (running: batch logs, without 'auc'). */
  metricLogs(logs: Logs, running?: boolean): void;
  evaluateData(d: Batchable, rows: ArrayLike<number>, batchSize: number): number[];
  /** A streaming evaluation in inference mode: add each batch (all of its rows), then the results over all of them. */
  evaluator(): { add(d: Batchable): void; results(): number[] };
  /** Lays out the memory of training batches of B samples and validation batches of valB (a MemoryError if not). */
  planFit(d: Batchable, B: number, val: Batchable | null, valB: number): void;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  /** The last fraction of the samples (taken before shuffling) held out for validation; ignored with validationData. */
  validationSplit?: number;
  /** [xVal, yVal] or [xVal, yVal, sampleWeightVal]; takes the place of validationSplit, as in Keras. */
  validationData?: [Input, Input] | [Input, Input, Input];
  /** The batch size of validation (Keras's validation_batch_size; default batchSize). */
  validationBatchSize?: number;
  /**
   * Keras's validation_freq: validate every n-th epoch (an integer: epochs n, 2n, ... counted from 1), or on the
   * epochs listed (counted from 1); default 1, every epoch. Epochs without validation log no val_ values.
   */
  validationFreq?: number | number[];
  shuffle?: boolean;
  /** 0 silent, 1 (default; or 'auto', as Keras) a live per-batch progress bar (plain lines when not on a terminal), 2 one line per epoch. */
  verbose?: 0 | 1 | 2 | 'auto';
  /** @internal Tests only: where the progress goes and the clock it reads. */
  progressOutput?: ProgressOutput;
  initialEpoch?: number;
  callbacks?: Callbacks | Callbacks[];
  /**
   * Keras 2's class_weight: { classId: weight } with keys exactly 0..K-1 (or an array), mapped through each training
   * sample's class (argmax of one-hot labels, the id of sparse labels, round(y) for one unit); for a sequence output
   * through each step's class.
   */
  classWeight?: ClassWeight;
  /** One weight >= 0 per training sample ([N]), multiplied with the class weight. Split with validationSplit. */
  sampleWeight?: Input;
  /** Stops training after the current batch once aborted (as stopTraining); fit resolves with the History so far. */
  signal?: AbortSignal;
}

const HOOKS = ['setModel', 'setParams', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** The callbacks option: a callback object or an array of them, each hook it has a function (checked before training). */
function checkCallbacks(v: unknown, fn: string): Callbacks[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  list.forEach((cb, i) => {
    const where = Array.isArray(v) ? `callbacks[${i}]` : 'callbacks';
    if (typeof cb !== 'object' || cb === null) throw new ConfigError(`${fn}: expected ${where} to be a callback (callbacks.earlyStopping(...), or an object with onEpochEnd and the other hooks), got ${describeValue(cb)}.`);
    for (const h of HOOKS) {
      const f = (cb as Record<string, unknown>)[h];
      if (f !== undefined && typeof f !== 'function') throw new ConfigError(`${fn}: expected ${where}.${h} to be a function, got ${describeValue(f)}.`);
    }
  });
  return list as Callbacks[];
}

/** An AbortSignal or anything shaped like one (aborted flag). */
function checkSignal(v: unknown, where: string): { readonly aborted: boolean } | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || typeof (v as { aborted?: unknown }).aborted !== 'boolean') {
    throw new ConfigError(`${where}: expected signal to be an AbortSignal (from new AbortController().signal), got ${describeValue(v)}.`);
  }
  return v as { readonly aborted: boolean };
}

const FIT_KEYS = ['epochs', 'batchSize', 'validationSplit', 'validationData', 'validationBatchSize', 'validationFreq', 'shuffle',
  'verbose', 'progressOutput', 'initialEpoch', 'callbacks', 'classWeight', 'sampleWeight', 'signal'];

/** validationFreq as a test of a 0-based epoch (Keras's _should_eval: epoch + 1 % n == 0, or epoch + 1 in the list). */
function checkValidationFreq(v: unknown, where: string): (epoch: number) => boolean {
  if (v === undefined) return () => true;
  const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  if (positive(v)) return (epoch) => (epoch + 1) % (v as number) === 0;
  if (Array.isArray(v) && v.every(positive)) { const set = new Set(v as number[]); return (epoch) => set.has(epoch + 1); }
  throw new ConfigError(`${where}: expected validationFreq to be a positive integer (validate every n-th epoch) or an array of epochs counted from 1, got ${describeValue(v)}.`);
}

export async function fit(model: Trainable, x: Input, y: Input, args: FitArgs = {}): Promise<History> {
  checkOptionKeys(args, 'fit', FIT_KEYS);
  const epochs = checkEpochs(args.epochs, 'fit');
  const batchSize = checkBatchSize(args.batchSize, 'fit');
  const valBatchSize = args.validationBatchSize === undefined ? batchSize : checkBatchSize(args.validationBatchSize, 'fit', 'validationBatchSize');
  const loop = checkLoopArgs(args, 'fit');
  if (args.shuffle !== undefined && typeof args.shuffle !== 'boolean') throw new ConfigError(`fit: expected shuffle to be true or false, got ${describeValue(args.shuffle)}.`);
  const split = args.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new ConfigError(`fit: expected validationSplit in [0, 1), got ${describeValue(args.validationSplit)}.`);
  if (!model.optimizer || !model.loss) throw new StateError(`fit: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
  // the data last: a model built from it is unbuilt again if it is refused (Trainable.refusable)
  const { data, val, valRows, nTrain } = model.refusable(() => {
    const checked = model.checkData(x, y, 'fit');
    // validationData wins over validationSplit, which is then ignored (Keras 2 and 3, TF.js: the split is taken only
    // when no validation data is given)
    const splitting = split > 0 && !args.validationData;
    const nTrain = splitting ? Math.floor(checked.n * (1 - split)) : checked.n;
    if (splitting && (nTrain === 0 || nTrain === checked.n)) throw new ShapeError(`fit: validationSplit ${split} of ${checked.n} samples leaves ${nTrain} for training and ${checked.n - nTrain} for validation; expected both to be non-empty.`);
    // class weights apply to training rows only (their classes are looked up for those alone); validation rows keep
    // only their sample weights (Keras 2 splits first, then maps class_weight over the training data)
    const data: Batchable = model.weigh(checked, args.classWeight, args.sampleWeight, 'fit', nTrain);
    let val: Batchable | null = null;
    let valRows: Int32Array | null = null;
    if (splitting) {
      val = model.weigh(checked, undefined, args.sampleWeight, 'fit');
      valRows = new Int32Array(data.n - nTrain).map((_, i) => nTrain + i);
    } else if (args.validationData) {
      ({ val, valRows } = checkValidationArrays(model, args.validationData, 'fit'));
    }
    if (nTrain === 0) throw new ShapeError(`fit: expected at least one training sample, got 0.`);
    // the memory of both kinds of batch before any step: a MemoryError then refuses the call with the model as it
    // was (unbuilt again if its data built it), not after an epoch's steps were applied; none for a fit that runs no
    // epoch (epochs 0, or initialEpoch >= epochs: Keras returns at once)
    if (loop.initialEpoch < epochs) model.planFit(data, Math.min(batchSize, nTrain), val, valRows ? Math.min(valBatchSize, valRows.length) : 0);
    return { data, val, valRows, nTrain };
  });
  const shuffle = args.shuffle ?? true;
  const steps = Math.ceil(nTrain / batchSize);
  return trainEpochs(model, {
    params: { epochs, batchSize, samples: nTrain, steps },
    open: () => {
      const order = shuffle ? model.permutation(nTrain) : identity(nTrain);
      let step = 0;
      return async () => {
        if (step >= steps) return null;
        const start = step++ * batchSize;
        return { d: data, rows: order, start, B: Math.min(batchSize, nTrain - start) };
      };
    },
    validate: val && valRows ? async () => model.evaluateData(val, valRows, valBatchSize) : null,
  }, loop);
}

/** One batch to train on: rows[start, start + B) of d. */
export interface TrainBatch { d: Batchable; rows: ArrayLike<number>; start: number; B: number }

/** Where training's batches come from: fit's shuffled rows of arrays, or fitDataset's iterators. */
export interface BatchSource {
  /** For callbacks and the progress bar: steps null while unknown (a dataset without a size or batchesPerEpoch). */
  params: { epochs: number; batchSize: number | null; samples: number | null; steps: number | null };
  /** Opens an epoch (after the random streams' snapshot): the next batch per call, null once the epoch's data ends. */
  open(epoch: number): (() => Promise<TrainBatch | null>) | Promise<() => Promise<TrainBatch | null>>;
  /** Whether the data ran out before the epoch's steps (then training stops after logging it, as Keras and TF.js). */
  ranOut?(): boolean;
  /** [loss, ...metrics] on the validation data, or null for none. */
  validate: (() => Promise<number[]>) | null;
}

/** The checked options fit and fitDataset share. */
export interface LoopArgs {
  initialEpoch: number; verbose: 0 | 1 | 2; validateAt: (epoch: number) => boolean; signal: { readonly aborted: boolean } | null;
  cbs: Callbacks[]; progressOutput?: ProgressOutput;
  /** The call named in errors and warnings ('fit', 'fitDataset'). */
  where: string;
}

export function checkEpochs(v: unknown, where: string): number {
  const epochs = v ?? 1;
  if (!Number.isInteger(epochs) || (epochs as number) < 0) throw new ConfigError(`${where}: expected epochs to be a non-negative integer, got ${describeValue(v)}.`);
  return epochs as number;
}

/** initialEpoch, validationFreq, signal, callbacks and verbose, as fit and fitDataset take them. */
export function checkLoopArgs(args: { initialEpoch?: number; validationFreq?: number | number[]; signal?: AbortSignal; callbacks?: Callbacks | Callbacks[];
  verbose?: 0 | 1 | 2 | 'auto'; progressOutput?: ProgressOutput }, where: string): LoopArgs {
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ConfigError(`${where}: expected initialEpoch to be a non-negative integer, got ${describeValue(args.initialEpoch)}.`);
  const validateAt = checkValidationFreq(args.validationFreq, where);
  const signal = checkSignal(args.signal, where);
  const cbs = checkCallbacks(args.callbacks, where);
  // (Keras's 'auto' is 1 outside a ParameterServerStrategy)
  const verbose = args.verbose === undefined || args.verbose === 'auto' ? 1 : args.verbose;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ConfigError(`${where}: expected verbose to be 0, 1, 2 or 'auto', got ${describeValue(args.verbose)}.`);
  return { initialEpoch, verbose, validateAt, signal, cbs, progressOutput: args.progressOutput, where };
}

/** validationData as arrays: [xVal, yVal] or [xVal, yVal, sampleWeightVal], checked against the model. */
export function checkValidationArrays(model: Trainable, vd: unknown, where: string): { val: Batchable; valRows: Int32Array } {
  if (!Array.isArray(vd) || (vd.length !== 2 && vd.length !== 3)) throw new ConfigError(`${where}: expected validationData to be [xVal, yVal] or [xVal, yVal, sampleWeightVal], got ${describeValue(vd)}.`);
  const val = model.weigh(model.checkData(vd[0] as Input, vd[1] as Input, `${where}: validationData`), undefined, vd[2], `${where}: validationData`);
  if (val.n === 0) throw new ShapeError(`${where}: expected validationData with at least one sample, got 0 (its loss would be 0/0). Leave validationData out to train without validation.`);
  return { val, valRows: identity(val.n) };
}

/**
 * The epochs of fit and fitDataset: callbacks, the progress bar, each batch's step, the epoch's logs (validation
 * included) and the History; stopping on stopTraining, an aborted signal, a refused step or data that ran out.
 */
export async function trainEpochs(model: Trainable, source: BatchSource, o: LoopArgs): Promise<History> {
  const { epochs } = source.params;
  const { initialEpoch, verbose, validateAt, signal, cbs } = o;
  const metricNames = model.metricsNames.slice(1);
  const history: History = { epoch: [], history: {}, params: { verbose, ...source.params } };
  const push = (k: string, v: number) => { (history.history[k] ??= []).push(v); };
  let steps = source.params.steps;
  const progress = new Progress({ ...o.progressOutput, verbose, epochs, steps, names: ['loss', ...metricNames] });
  const running = new Float64Array(1 + metricNames.length); // the bar's running values, reused every batch
  model.stopTraining = false;
  // Keras checks stop_training after each batch (on_train_batch_end) and after each epoch (on_epoch_end) only, so a
  // callback that sets it at train or epoch begin still gets one batch; an aborted signal runs no further batch
  const aborted = () => signal !== null && signal.aborted;
  const stop = () => model.stopTraining || aborted();
  let trainingLogs: Logs | undefined;
  // the workers started before the first step (none for a fit that runs no epoch: its model stays unallocated)
  if (initialEpoch < epochs) await model.ready();
  for (const cb of cbs) { cb.setModel?.(model); cb.setParams?.({ ...history.params }); }
  for (const cb of cbs) await cb.onTrainBegin?.();
  let lastYield = Date.now();
  for (let epoch = initialEpoch; epoch < epochs && !aborted(); epoch++) {
    for (const cb of cbs) await cb.onEpochBegin?.(epoch);
    progress.epochBegin(epoch);
    const before = model.snapshotStreams();
    let lossSum = 0, seen = 0, step = 0;
    model.resetMetrics();
    // an error from a callback (or a refused step) ends fit as stopTraining would at that point: a failing epoch
    // that applied no step also takes back its shuffle, so the model resumes exactly like one stopped there
    try {
      const next = await source.open(epoch);
      while (!aborted()) {
        const b = await next();
        // (a signal aborted while the batch was fetched: no further batch)
        if (b === null || aborted()) break;
        const { B } = b;
        for (const cb of cbs) await cb.onBatchBegin?.(step);
        const r = model.trainStep(b.d, b.rows, b.start, B);
        if (!r.applied) {
          // nothing of this batch was applied (a failing first batch also takes back the epoch's shuffle: see catch)
          throw new ValueError(`${o.where}: expected a finite loss, got ${r.loss} at epoch ${epoch + 1}, batch ${step}. The batch was not applied: weights, optimizer state and random streams are those after the last good step.`);
        }
        lossSum += r.loss * B; seen += B;
        // running values over the epoch so far, as Keras's on_train_batch_end gets its loss tracker's and metrics'
        // results (the last batch's are the epoch's; weightedMetrics sample-weighted)
        const blogs: Logs = { batch: step, size: B, loss: Math.fround(lossSum / seen) };
        if (metricNames.length) model.metricLogs(blogs, true);
        running[0] = lossSum / seen;
        metricNames.forEach((m, i) => { running[i + 1] = blogs[m] ?? NaN; }); // auc has no running value: NaN, not drawn
        progress.update(step + 1, seen, running);
        for (const cb of cbs) await cb.onBatchEnd?.(step, blogs);
        step++;
        // an AbortSignal is aborted from a timer or an event: let them run now and then between batches
        if (signal && Date.now() - lastYield >= 10) { await new Promise((res) => setTimeout(res, 0)); lastYield = Date.now(); }
        if (stop()) break;
      }
    } catch (e) {
      if (seen === 0) model.rewindStreams(before);
      throw e;
    }
    // aborted before this epoch's first batch, or data with no batch for it: no epoch to log (Keras logs only epochs
    // that ran a step), no shuffle
    if (seen === 0) { model.rewindStreams(before); if (step === 0 && !aborted()) warnRanOut(o.where, source, epoch); break; }
    // the first epoch of data of unknown length tells the progress bar the next epochs' steps (Keras's Progbar)
    if (steps === null) { steps = step; progress.setSteps(step); }
    // a partial epoch (stopped mid-way) is logged like a full one, over the batches it ran, as Keras 2 does; every
    // logged value is a float32 (Keras 2 logs its float32 trackers' results as Python floats)
    const logs: Logs = { loss: Math.fround(lossSum / seen) };
    model.metricLogs(logs);
    if (source.validate && validateAt(epoch)) {
      const res = await source.validate();
      logs.val_loss = res[0];
      metricNames.forEach((m, i) => { logs[`val_${m}`] = res[i + 1]; });
    }
    for (const cb of cbs) await cb.onEpochEnd?.(epoch, logs);
    // after the callbacks, as Keras's History: what they add to the logs (lr) is recorded too
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) push(k, v);
    progress.epochEnd(logs); // after the callbacks too, so the epoch line shows an lr they set
    trainingLogs = logs;
    if (stop()) break;
    if (source.ranOut?.()) { warnRanOut(o.where, source, epoch); break; }
    // let timers and I/O run between epochs (training itself is synchronous Wasm)
    await new Promise((r) => setTimeout(r, 0));
  }
  // the last epoch's logs, as Keras's on_train_end(logs=training_logs) (none when no epoch ran)
  for (const cb of cbs) await cb.onTrainEnd?.(trainingLogs);
  return history;
}

/** Data that ran out before the last epoch: training stops there, with Keras's and TF.js's warning. */
function warnRanOut(where: string, source: BatchSource, epoch: number): void {
  console.warn(`${where}: the dataset ran out of data at epoch ${epoch + 1} of ${source.params.epochs}; interrupting training. Give a dataset (or a function) that yields a fresh iterator each epoch, or enough batches for batchesPerEpoch * epochs.`);
}
