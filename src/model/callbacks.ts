// Training callbacks as TF.js/Keras hook them (train, epoch and batch begin/end, with logs), the History fit returns,
// and Keras 2's built-in callbacks: earlyStopping, modelCheckpoint, reduceLROnPlateau, learningRateScheduler.
import { pyExp, pyFixed, pyGeneral, pyRepr } from './pyformat.js';
import { makeParentFolder } from '../io/sinks.js';
import { ConfigError, StateError, ValueError, describeValue, isPlainObject, didYouMean } from '../errors.js';

export type Logs = Record<string, number>;

/** What a callback may use of the model fit trains (a Sequential): Keras's `self.model`. */
export interface CallbackModel {
  stopTraining: boolean;
  optimizer: { learningRate: number; readonly lastRate?: number } | null;
  getWeights(): { data: Float32Array; shape: number[] }[];
  setWeights(weights: { data: Float32Array; shape: number[] }[]): void;
  save(path: string, options?: { includeOptimizer?: boolean }): Promise<unknown>;
}

/** fit's params, given to setParams before training (Keras `self.params`). */
/** What fit passes to setParams and keeps in history.params: Keras 2's { verbose, epochs, steps }, and TF.js's
 *  batchSize and samples. */
/** fit's params (Keras's callback.params); fitDataset gives null for what its data decides (batch size, samples) or
 *  does not say ahead (steps, without batchesPerEpoch or a dataset size). */
export interface CallbackParams { verbose: 0 | 1 | 2; epochs: number; batchSize: number | null; samples: number | null; steps: number | null }

export interface Callbacks {
  /** Called by fit before training with the model it trains (Keras `set_model`). */
  setModel?: (model: CallbackModel) => void;
  setParams?: (params: CallbackParams) => void;
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

/** What fit() resolves to: the epochs run and each logged value per epoch (loss, metrics, val_*). */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  params: CallbackParams;
}

/** Base class of the built-in callbacks (Keras `keras.callbacks.Callback`): fit sets model and params. */
export class Callback implements Callbacks {
  model: CallbackModel | null = null;
  params: CallbackParams | null = null;
  setModel(model: CallbackModel): void { this.model = model; }
  setParams(params: CallbackParams): void { this.params = params; }
  /** The model fit gave, or a StateError for a callback used outside fit. */
  protected get m(): CallbackModel {
    if (!this.model) throw new StateError(`${this.constructor.name}: expected fit to have given the callback its model, got none. Pass the callback to model.fit({ callbacks }).`);
    return this.model;
  }
}

type Mode = 'auto' | 'min' | 'max';

function checkOptions(o: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (o === undefined) return {};
  if (!isPlainObject(o)) throw new ConfigError(`${where}: expected options { ${keys.join(', ')} }, got ${describeValue(o)}.`);
  const extra = Object.keys(o).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new ConfigError(`${where}: expected options among ${keys.join(', ')}, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, keys)}`);
  return o;
}

function numOpt(v: unknown, d: number, where: string, what: string, ok: (x: number) => boolean): number {
  if (v === undefined) return d;
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new ConfigError(`${where}: expected ${what}, got ${describeValue(v)}.`);
  return v;
}

function boolOpt(v: unknown, d: boolean, where: string, what: string): boolean {
  if (v === undefined) return d;
  if (typeof v !== 'boolean') throw new ConfigError(`${where}: expected ${what} to be true or false, got ${describeValue(v)}.`);
  return v;
}

function strOpt(v: unknown, d: string, where: string, what: string): string {
  if (v === undefined) return d;
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(`${where}: expected ${what} to be a non-empty string, got ${describeValue(v)}.`);
  return v;
}

/** Keras warns on an unknown mode and falls back to auto. */
function modeOpt(v: unknown, where: string): Mode {
  if (v === undefined || v === 'auto' || v === 'min' || v === 'max') return v ?? 'auto';
  console.warn(`${where}: mode ${describeValue(v)} is unknown, fallback to auto mode.`);
  return 'auto';
}

const isInt = (x: number) => Number.isInteger(x) && x >= 0;
const available = (logs: Logs | undefined) => Object.keys(logs ?? {}).join(',');

/** Keras's names for this library's camelCase metric names, which mode 'auto' reads as Keras 2 reads its own. */
const KERAS_NAMES: Record<string, string> = { binaryAccuracy: 'binary_accuracy', categoricalAccuracy: 'categorical_accuracy',
  sparseCategoricalAccuracy: 'sparse_categorical_accuracy', aucApprox: 'auc', meanSquaredError: 'mean_squared_error', meanAbsoluteError: 'mean_absolute_error' };
/** A monitored key ('val_binaryAccuracy') as Keras would name it ('val_binary_accuracy'), for mode 'auto'. */
const kerasKey = (monitor: string) => monitor.replace(/(binaryAccuracy|sparseCategoricalAccuracy|categoricalAccuracy|aucApprox|meanSquaredError|meanAbsoluteError)$/, (m) => KERAS_NAMES[m]);

// ---------------------------------------------------------------------------------------------------- earlyStopping

export interface EarlyStoppingArgs {
  monitor?: string; minDelta?: number; patience?: number; verbose?: 0 | 1; mode?: Mode; baseline?: number;
  restoreBestWeights?: boolean; startFromEpoch?: number;
}

/**
 * Stops fit when the monitored value has stopped improving (Keras 2 EarlyStopping). mode 'auto' maximizes names that
 * end in acc, accuracy or auc and minimizes the rest; an improvement beats the best by more than minDelta. With
 * restoreBestWeights the weights of the best epoch come back when it stops, and (as Keras 3 does) at the end of a fit
 * that ran all its epochs.
 */
export class EarlyStopping extends Callback {
  readonly monitor: string; readonly patience: number; readonly verbose: number; readonly baseline: number | null;
  readonly restoreBestWeights: boolean; readonly startFromEpoch: number;
  /** Signed as Keras keeps it: positive when maximizing, negative when minimizing. */
  readonly minDelta: number;
  readonly maximize: boolean;
  wait = 0; stoppedEpoch = 0; best = Infinity; bestEpoch = 0;
  private bestWeights: { data: Float32Array; shape: number[] }[] | null = null;

  constructor(args?: EarlyStoppingArgs) {
    const w = 'callbacks.earlyStopping';
    const o = checkOptions(args, w, ['monitor', 'minDelta', 'patience', 'verbose', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch']);
    super();
    this.monitor = strOpt(o.monitor, 'val_loss', w, 'monitor');
    this.patience = numOpt(o.patience, 0, w, 'patience, an integer >= 0', isInt);
    this.verbose = numOpt(o.verbose, 0, w, 'verbose 0 or 1', (x) => x === 0 || x === 1);
    this.baseline = o.baseline === undefined || o.baseline === null ? null : numOpt(o.baseline, 0, w, 'baseline, a finite number', Number.isFinite);
    this.restoreBestWeights = boolOpt(o.restoreBestWeights, false, w, 'restoreBestWeights');
    this.startFromEpoch = numOpt(o.startFromEpoch, 0, w, 'startFromEpoch, an integer >= 0', isInt);
    const minDelta = Math.abs(numOpt(o.minDelta, 0, w, 'minDelta, a finite number', Number.isFinite));
    const mode = modeOpt(o.mode, w);
    this.maximize = mode === 'max' || (mode === 'auto' && /(acc|accuracy|auc)$/.test(kerasKey(this.monitor)));
    this.minDelta = this.maximize ? minDelta : -minDelta;
  }

  private improves(current: number, reference: number): boolean {
    return this.maximize ? current - this.minDelta > reference : current - this.minDelta < reference;
  }

  onTrainBegin(): void {
    this.wait = 0; this.stoppedEpoch = 0; this.bestEpoch = 0; this.bestWeights = null;
    this.best = this.maximize ? -Infinity : Infinity;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs?.[this.monitor];
    if (current === undefined) {
      console.warn(`Early stopping conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${available(logs)}`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    // restore the first epoch's weights if no progress is ever made
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.m.getWeights();
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.m.getWeights();
      // only restart the wait if we beat both the baseline and our previous best
      if (this.baseline === null || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    // only check after the first epoch
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.m.stopTraining = true;
      this.restore();
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.stoppedEpoch === 0) this.restore();
  }

  private restore(): void {
    if (!this.restoreBestWeights || this.bestWeights === null) return;
    if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
    this.m.setWeights(this.bestWeights);
  }
}

// ---------------------------------------------------------------------------------------------------- modelCheckpoint

export interface ModelCheckpointArgs {
  path: string; monitor?: string; verbose?: 0 | 1; saveBestOnly?: boolean; saveWeightsOnly?: boolean; mode?: Mode;
  initialValueThreshold?: number;
}

/** Python's str.format for one placeholder value: {epoch:02d}, {val_loss:.2f}, {loss:.3e}, {acc:.3g}, {lr}, {epoch}
 *  (an int: the epoch; the logs are floats, whose plain form is Python's repr: 1e-05), correctly rounded as Python. */
function formatValue(v: number, spec: string, path: string, int: boolean): string {
  const m = /^(0?)(\d*)(?:\.(\d+))?([dfeg]?)$/.exec(spec);
  if (!m) throw new ConfigError(`callbacks.modelCheckpoint: expected placeholders like {epoch:02d} or {val_loss:.2f} in path, got the format ${JSON.stringify(spec)} in ${JSON.stringify(path)}.`);
  const [, zero, width, prec, type] = m;
  const p = prec === undefined ? undefined : Number(prec);
  let s: string;
  if (type === 'd') s = String(Math.trunc(v));
  else if (type === 'f') s = pyFixed(v, p ?? 6);
  else if (type === 'e') s = pyExp(v, p ?? 6);
  else if (type === 'g') s = pyGeneral(v, p ?? 6);
  else if (int) s = String(v);
  else s = p === undefined ? pyRepr(v) : pyGeneral(v, p, true);
  const n = width ? Number(width) : 0;
  if (s.length < n) s = zero ? (s.startsWith('-') ? '-' + s.slice(1).padStart(n - 1, '0') : s.padStart(n, '0')) : s.padStart(n, ' ');
  return s;
}

/** The path with {name} / {name:spec} filled from epoch (1-based, as Keras) and the epoch's logs. */
export function formatCheckpointPath(path: string, epoch: number, logs: Logs): string {
  const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
  return path.replace(/\{(\w+)(?::([^}]*))?\}/g, (_all, key: string, spec: string | undefined) => {
    if (!Object.hasOwn(values, key)) {
      throw new ConfigError(`callbacks.modelCheckpoint: expected path placeholders among ${Object.keys(values).join(', ')}, got {${key}} in ${JSON.stringify(path)}.`);
    }
    return formatValue(values[key], spec ?? '', path, key === 'epoch');
  });
}

/**
 * Saves the model (model.save) at the end of each epoch to path, which may hold {epoch:02d} and {logname:.2f}
 * placeholders (Keras 2 ModelCheckpoint). saveBestOnly saves only when the monitored value improves; mode 'auto'
 * maximizes names containing acc. saveWeightsOnly saves without the optimizer state (the file still holds the
 * architecture).
 */
export class ModelCheckpoint extends Callback {
  readonly path: string; readonly monitor: string; readonly verbose: number; readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean; readonly maximize: boolean;
  best: number;

  constructor(args: ModelCheckpointArgs) {
    const w = 'callbacks.modelCheckpoint';
    if (!isPlainObject(args)) throw new ConfigError(`${w}: expected options { path, monitor, saveBestOnly, mode, saveWeightsOnly }, got ${describeValue(args)}.`);
    const o = checkOptions(args, w, ['path', 'monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'initialValueThreshold']);
    super();
    this.path = strOpt(o.path, '', w, 'path');
    if (o.path === undefined) throw new ConfigError(`${w}: expected a path to save to, got none.`);
    // a bad placeholder format fails here rather than after the first epoch
    this.path.replace(/\{(\w+)(?::([^}]*))?\}/g, (_a, _k, spec: string | undefined) => formatValue(0, spec ?? '', this.path, false));
    this.monitor = strOpt(o.monitor, 'val_loss', w, 'monitor');
    this.verbose = numOpt(o.verbose, 0, w, 'verbose 0 or 1', (x) => x === 0 || x === 1);
    this.saveBestOnly = boolOpt(o.saveBestOnly, false, w, 'saveBestOnly');
    this.saveWeightsOnly = boolOpt(o.saveWeightsOnly, false, w, 'saveWeightsOnly');
    const mode = modeOpt(o.mode, w);
    this.maximize = mode === 'max' || (mode === 'auto' && (kerasKey(this.monitor).includes('acc') || this.monitor.startsWith('fmeasure')));
    const t = o.initialValueThreshold === undefined ? null : numOpt(o.initialValueThreshold, 0, w, 'initialValueThreshold, a finite number', Number.isFinite);
    // kept across fits, as Keras's (which sets best once, in __init__): a second fit saves only on a new best
    this.best = t ?? (this.maximize ? -Infinity : Infinity);
  }


  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const path = formatCheckpointPath(this.path, epoch, logs ?? {});
    if (this.saveBestOnly) {
      const current = logs?.[this.monitor];
      if (current === undefined) {
        console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      if (!(this.maximize ? current > this.best : current < this.best)) {
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${pyFixed(this.best, 5)}`);
        return;
      }
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${pyFixed(this.best, 5)} to ${pyFixed(current, 5)}, saving model to ${path}`);
      this.best = current;
    } else if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    // its folder first, as Keras's ModelCheckpoint makes it ('ckpt/model.{epoch:02d}.bilstm' with no ckpt/ yet)
    await makeParentFolder(path, 'callbacks.modelCheckpoint');
    await this.m.save(path, { includeOptimizer: !this.saveWeightsOnly });
  }
}

// ---------------------------------------------------------------------------------------------------- learning rate

/** The optimizer's rate as Keras 2 reads it (optimizer.lr: with a schedule, the last step's): a float32 variable. */
function currentLr(m: CallbackModel, where: string): number {
  if (!m.optimizer) throw new StateError(`${where}: expected a compiled model (an optimizer with a learning rate), got none.`);
  return Math.fround(m.optimizer.lastRate ?? m.optimizer.learningRate);
}

export interface ReduceLROnPlateauArgs {
  monitor?: string; factor?: number; patience?: number; verbose?: 0 | 1; mode?: Mode; minDelta?: number;
  cooldown?: number; minLr?: number;
}

/**
 * Multiplies the learning rate by factor when the monitored value has not improved for patience epochs (Keras 2
 * ReduceLROnPlateau), then waits cooldown epochs; never below minLr. mode 'auto' maximizes names containing acc.
 * Adds lr to each epoch's logs. The optimizer needs a number learningRate (a schedule cannot be set).
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string; readonly factor: number; readonly patience: number; readonly verbose: number;
  readonly minDelta: number; readonly cooldown: number; readonly minLr: number; readonly maximize: boolean;
  wait = 0; cooldownCounter = 0; best = Infinity;

  constructor(args?: ReduceLROnPlateauArgs) {
    const w = 'callbacks.reduceLROnPlateau';
    const o = checkOptions(args, w, ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr']);
    super();
    this.monitor = strOpt(o.monitor, 'val_loss', w, 'monitor');
    this.factor = numOpt(o.factor, 0.1, w, 'factor in (0, 1) (ReduceLROnPlateau does not support a factor >= 1.0)', (x) => x > 0 && x < 1);
    this.patience = numOpt(o.patience, 10, w, 'patience, an integer >= 0', isInt);
    this.verbose = numOpt(o.verbose, 0, w, 'verbose 0 or 1', (x) => x === 0 || x === 1);
    this.minDelta = numOpt(o.minDelta, 1e-4, w, 'minDelta, a finite number', Number.isFinite);
    this.cooldown = numOpt(o.cooldown, 0, w, 'cooldown, an integer >= 0', isInt);
    this.minLr = numOpt(o.minLr, 0, w, 'minLr >= 0', (x) => x >= 0 && Number.isFinite(x));
    const mode = modeOpt(o.mode, w);
    this.maximize = mode === 'max' || (mode === 'auto' && kerasKey(this.monitor).includes('acc'));
    this.reset();
  }

  private reset(): void {
    this.best = this.maximize ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  private improves(current: number): boolean {
    return this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
  }

  onTrainBegin(): void { this.reset(); }

  onEpochEnd(epoch: number, logs: Logs): void {
    const where = 'callbacks.reduceLROnPlateau';
    if (logs) logs.lr = currentLr(this.m, where);
    const current = logs?.[this.monitor];
    if (current === undefined) {
      console.warn(`Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${available(logs)}`);
      return;
    }
    if (this.cooldownCounter > 0) { this.cooldownCounter--; this.wait = 0; }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
    } else if (!(this.cooldownCounter > 0)) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = currentLr(this.m, where);
        if (old > Math.fround(this.minLr)) {
          // Keras: a float32 variable set to max(old * factor, min_lr), and that double printed (its repr)
          const next = Math.max(old * this.factor, this.minLr);
          this.m.optimizer!.learningRate = Math.fround(next);
          if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pyRepr(next)}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/**
 * Sets the learning rate at the start of each epoch to fn(epoch, lr) (Keras 2 LearningRateScheduler; epoch from 0,
 * lr the current rate as float32). Adds lr to each epoch's logs.
 */
export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number, readonly verbose: 0 | 1 = 0) {
    super();
    if (typeof schedule !== 'function') throw new ConfigError(`callbacks.learningRateScheduler: expected a function (epoch, lr) => number, got ${describeValue(schedule)}.`);
  }

  onEpochBegin(epoch: number): void {
    const where = 'callbacks.learningRateScheduler';
    const lr = this.schedule(epoch, currentLr(this.m, where));
    if (typeof lr !== 'number' || !Number.isFinite(lr) || !(Math.fround(lr) >= 0)) {
      throw new ValueError(`${where}: expected the schedule function to return a finite number >= 0, got ${describeValue(lr)} for epoch ${epoch}.`);
    }
    this.m.optimizer!.learningRate = Math.fround(lr);
    // the rate as the function returned it, as Keras 2 prints it (the optimizer holds its float32)
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${pyRepr(lr)}.`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    if (logs) logs.lr = currentLr(this.m, 'callbacks.learningRateScheduler');
  }
}

/** Factories in the TF.js spirit: callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 }). */
export const callbacks = {
  earlyStopping: (args?: EarlyStoppingArgs) => new EarlyStopping(args),
  modelCheckpoint: (args: ModelCheckpointArgs) => new ModelCheckpoint(args),
  reduceLROnPlateau: (args?: ReduceLROnPlateauArgs) => new ReduceLROnPlateau(args),
  learningRateScheduler: (fn: (epoch: number, lr: number) => number, verbose: 0 | 1 = 0) => new LearningRateScheduler(fn, verbose),
};
