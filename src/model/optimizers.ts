// Optimizers with Keras defaults and update rules (Adam's epsilon outside the bias correction, RMSprop's inside the
// square root). State lives in the model's arena; each step is one kernel call per run of contiguous trainable weights.
import type { Arena } from '../core/arena.js';
import type { Kernels } from '../core/kernels.js';
import type { Weight } from '../layers/layer.js';
import { ConfigError, StateError, describeValue, isPlainObject, didYouMean, checkOptionKeys } from '../errors.js';
import { recorder, type Pool } from '../core/threads.js';
import { LearningRateSchedule, scheduleFromConfig, schedules, type SerializedSchedule } from './schedules.js';

/** Gradient clipping, as Keras: clipnorm per tensor, globalClipnorm over all tensors, clipvalue elementwise. */
export interface ClipConfig { clipnorm?: number; globalClipnorm?: number; clipvalue?: number }
/** A fixed rate, or a schedule evaluated at optimizer.iterations before each step (or its Keras serialization). */
export type LearningRateSpec = number | LearningRateSchedule | SerializedSchedule;
export interface AdamConfig extends ClipConfig {
  learningRate?: LearningRateSpec; beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean;
  /** Row-sparse (embedding) gradients update only the rows a batch touched (default false: Keras decays every row). */
  lazy?: boolean;
}
export interface SGDConfig extends ClipConfig { learningRate?: LearningRateSpec; momentum?: number; nesterov?: boolean }
export interface RMSpropConfig extends ClipConfig { learningRate?: LearningRateSpec; rho?: number; momentum?: number; epsilon?: number; centered?: boolean }
/** What getConfig returns and optimizers.fromConfig takes: the options, plus name to say which optimizer. */
export type OptimizerConfig = ({ name: 'adam' } & AdamConfig) | ({ name: 'sgd' } & SGDConfig) | ({ name: 'rmsprop' } & RMSpropConfig);

/** A trainable weight as the optimizer sees it: values, dense gradient or row-sparse gradient. */
export interface Slot {
  w: Weight;
  /** For sparse weights: the row map and gradient rows (read at step time). */
  sparse?: { slot: () => number; rows: () => number; count: () => number; R: number; D: number };
}

export abstract class Optimizer {
  abstract readonly name: string;
  clipnorm: number | null = null;
  globalClipnorm: number | null = null;
  clipvalue: number | null = null;
  /** The schedule this optimizer was created with, or null for a fixed (settable) rate. */
  schedule: LearningRateSchedule | null = null;
  /** The fixed rate (when there is no schedule). */
  private lr = 0;
  /** The rate of the last step (a schedule's value at that step). */
  private stepLr = 0;

  /** Reads the learningRate option: a number, a schedule or a schedule's { class_name, config }. */
  protected setLearningRate(v: unknown, d: number, where: string): void {
    if (v instanceof LearningRateSchedule) this.schedule = v;
    else if (isPlainObject(v)) this.schedule = scheduleFromConfig(v, `${where}: learningRate`);
    else this.lr = this.stepLr = num(v, d, where, 'learningRate >= 0', (x) => x >= 0);
  }

  /**
   * The current learning rate (Keras `optimizer.learning_rate`): the fixed rate, or for a schedule its value at the
   * next step. Settable (reduceLROnPlateau, learningRateScheduler do) unless the optimizer has a schedule.
   */
  get learningRate(): number {
    return this.schedule ? this.schedule.call(this.iterations) : this.lr;
  }
  set learningRate(v: number) {
    if (this.schedule) {
      throw new StateError(`optimizer.learningRate: expected an optimizer created with a number learningRate to set it, got one with a ${this.schedule.className} schedule. Create the optimizer with learningRate: <number> to change it during training.`);
    }
    // >= 0 as the constructor requires (a saved model must load again); 0 as Keras takes it (a warm-up from 0, a decay
    // to 0): the steps then leave the weights as they are, while the optimizer's moments still move
    if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(Math.fround(v)) || !(Math.fround(v) >= 0)) {
      throw new ConfigError(`optimizer.learningRate: expected a finite number >= 0 (as a float32, which the kernels take), got ${describeValue(v)}.`);
    }
    this.lr = this.stepLr = v + 0;
  }

  /**
   * The rate of the last step taken (Keras 2's `optimizer.lr`, which callbacks log as 'lr'): for a schedule its value
   * at that step, before any step the next one's; the fixed rate otherwise. @internal
   */
  get lastRate(): number { return this.schedule && this.stepped ? this.stepLr : this.learningRate; }
  private stepped = false;

  /** The rate a kernel gets this step. */
  protected get rate(): number { return this.stepLr; }

  /** The learningRate entry of getConfig: the current fixed rate, or the schedule as Keras serializes it. */
  protected lrConfig(): number | SerializedSchedule { return this.schedule ? this.schedule.serialize() : this.lr; }

  /** Reads and checks the clipping options (Keras 2: clipnorm with globalClipnorm is an error; clipvalue is ignored
   *  when a norm is set). */
  protected setClipping(c: ClipConfig, where: string): void {
    const pos = (x: number) => x > 0;
    if (c.clipnorm !== undefined) this.clipnorm = num(c.clipnorm, 0, where, 'clipnorm > 0', pos);
    if (c.globalClipnorm !== undefined) this.globalClipnorm = num(c.globalClipnorm, 0, where, 'globalClipnorm > 0', pos);
    if (c.clipvalue !== undefined) this.clipvalue = num(c.clipvalue, 0, where, 'clipvalue > 0', pos);
    if (this.clipnorm !== null && this.globalClipnorm !== null) {
      throw new ConfigError(`${where}: expected at most one of clipnorm and globalClipnorm, got both (${this.clipnorm}, ${this.globalClipnorm}).`);
    }
    if (this.clipvalue !== null && (this.clipnorm !== null || this.globalClipnorm !== null)) this.clipvalue = null;
  }

  protected clipConfig(): ClipConfig {
    const o: ClipConfig = {};
    if (this.clipnorm !== null) o.clipnorm = this.clipnorm;
    if (this.globalClipnorm !== null) o.globalClipnorm = this.globalClipnorm;
    if (this.clipvalue !== null) o.clipvalue = this.clipvalue;
    return o;
  }

  /** The gradient buffer of a slot and its length in floats (for a sparse slot: the rows the batch touched). */
  private gradOf(s: Slot): [number, number] {
    return s.sparse ? [s.sparse.rows(), s.sparse.count() * s.sparse.D] : [s.w.grad, s.w.size];
  }

  /** Applies clipping in place, before the update. Norms are f64 sums in a fixed order. */
  private clip(k: Kernels, slots: Slot[]): void {
    if (this.clipvalue !== null) for (const s of slots) { const [g, n] = this.gradOf(s); k.grad_clip(g, n, this.clipvalue); }
    if (this.clipnorm !== null) {
      for (const s of slots) {
        const [g, n] = this.gradOf(s);
        const norm = Math.sqrt(k.grad_sumsq(g, n));
        if (norm > this.clipnorm) k.grad_scale(g, n, this.clipnorm / norm);
      }
    }
    if (this.globalClipnorm !== null) {
      let total = 0;
      for (const s of slots) { const [g, n] = this.gradOf(s); total += k.grad_sumsq(g, n); }
      const G = Math.sqrt(total);
      if (G > this.globalClipnorm) for (const s of slots) { const [g, n] = this.gradOf(s); k.grad_scale(g, n, this.globalClipnorm / G); }
    }
  }
  /** Per-weight state buffers, by weight name. */
  protected state = new Map<string, number[]>();
  iterations = 0;
  /** Every option as plain JSON (iterations and moments are state, not config); optimizers.fromConfig inverts it. */
  abstract getConfig(): OptimizerConfig;
  protected abstract stateCount(): number;

  /** Bytes of state for these weights (to plan memory before allocating). */
  stateBytes(weights: Weight[]): number { return weights.reduce((s, w) => s + w.size * 4 * this.stateCount(), 0); }

  /**
   * The model this optimizer was compiled into (Sequential.compile binds it), or null: its state lives in that model's
   * memory, so a second live model cannot share it (Keras 3 refuses variables its optimizer was not built for).
   * @internal
   */
  owner: { readonly name: string; readonly isDisposed: boolean } | null = null;
  /** The memory the state buffers were allocated in (isAllocatedFor), or null. */
  private stateArena: Arena | null = null;

  allocate(a: Arena, weights: Weight[]): void {
    this.state.clear();
    this.stateArena = a;
    for (const w of weights) {
      const bufs: number[] = [];
      for (let i = 0; i < this.stateCount(); i++) bufs.push(a.alloc(w.size * 4, `${this.name} state for ${w.name}`));
      this.state.set(w.name, bufs);
    }
  }

  /** Lets go of the model it was compiled into: its state (in that model's memory) and the model itself. @internal */
  release(): void {
    this.state.clear();
    this.stateArena = null;
    this.owner = null;
  }

  isAllocatedFor(a: Arena, weights: Weight[]): boolean {
    return this.stateArena === a && weights.every((w) => this.state.has(w.name)) && this.state.size === weights.length;
  }

  /** Applies one step to every slot; the caller increments iterations afterwards. */
  /**
   * Applies one step to every slot. The update is elementwise, so each weight is cut into `pool.size` contiguous
   * parts (rows for a row-sparse weight) that run on the pool's threads: the same bytes with any thread count.
   */
  apply(k: Kernels, slots: Slot[], pool?: Pool): void {
    if (this.schedule) this.stepLr = this.schedule.at(k, this.iterations);
    this.stepped = true;
    this.clip(k, slots);
    // small updates are not worth a hand-off to another thread
    const size = slots.reduce((n, s) => n + (s.sparse ? s.sparse.R * s.sparse.D : s.w.size), 0);
    const parts = pool && size >= 65536 ? pool.size : 1;
    const lists = Array.from({ length: parts }, () => recorder());
    for (const s of slots) {
      const st = this.state.get(s.w.name)!;
      // a part: rows [r0, r1) of an R x D region
      const [R, D] = s.sparse ? [s.sparse.R, s.sparse.D] : [1, s.w.size];
      const rowsMode = R > 1;
      const total = rowsMode ? R : D;
      for (let t = 0; t < parts; t++) {
        let a = Math.floor((total * t) / parts), b = Math.floor((total * (t + 1)) / parts);
        if (!rowsMode) { a = a & ~3; b = t === parts - 1 ? total : b & ~3; }
        if (b <= a) continue;
        const off = (rowsMode ? a * D : a) * 4;
        const kk = parts === 1 ? k : lists[t].k;
        const sub = st.map((p) => p + off);
        if (s.sparse) this.step(kk, s.w.ptr + off, sub, s.sparse.rows(), s.sparse.slot() + a * 4, b - a, D);
        else this.step(kk, s.w.ptr + off, sub, s.w.grad + off, 0, 1, b - a);
      }
    }
    if (parts > 1) pool!.run(lists.map((l) => l.calls));
  }

  protected abstract step(k: Kernels, p: number, st: number[], g: number, slot: number, R: number, D: number): void;

  /** Names of the per-weight state buffers, in their order (Keras's variable names: m, v, vhat; momentum; ...). */
  abstract slotNames(): string[];

  /** Each weight's state buffers (byte offsets in the arena, one per slot name), or null when not allocated. */
  stateOf(weightName: string): number[] | null { return this.state.get(weightName) ?? null; }
}

// An option as the kernels take it, a float32: checked after rounding (beta1 0.99999999 is 1 there, a learning rate
// of 1e39 Infinity: either wrote NaN into every weight at the first step). The double is kept for the config.
function num(v: unknown, d: number, where: string, what: string, check: (x: number) => boolean): number {
  if (v === undefined) return d;
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(Math.fround(v)) || !check(Math.fround(v))) {
    const f = typeof v === 'number' && Number.isFinite(v) ? Math.fround(v) : v;
    throw new ConfigError(`${where}: expected ${what}, got ${describeValue(v)}${Object.is(f, v) ? '' : ` (${f} as the float32 the kernels take)`}.`);
  }
  return v + 0;
}

function bool(v: unknown, d: boolean, where: string, what: string): boolean {
  if (v === undefined) return d;
  if (typeof v !== 'boolean') throw new ConfigError(`${where}: expected ${what} to be true or false, got ${describeValue(v)}.`);
  return v;
}

export class Adam extends Optimizer {
  readonly name = 'adam';
  readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly amsgrad: boolean;
  readonly lazy: boolean;
  constructor(c: AdamConfig = {}) {
    super();
    const w = 'optimizers.adam';
    checkOptionKeys(c, w, CONFIG_KEYS.adam);
    this.setClipping(c, w);
    this.lazy = bool(c.lazy, false, w, 'lazy');
    this.setLearningRate(c.learningRate, 1e-3, w);
    this.beta1 = num(c.beta1, 0.9, w, 'beta1 in [0, 1)', (x) => x >= 0 && x < 1);
    this.beta2 = num(c.beta2, 0.999, w, 'beta2 in [0, 1)', (x) => x >= 0 && x < 1);
    this.epsilon = num(c.epsilon, 1e-7, w, 'epsilon >= 0', (x) => x >= 0);
    this.amsgrad = bool(c.amsgrad, false, w, 'amsgrad');
  }
  protected stateCount(): number { return this.amsgrad ? 3 : 2; }
  slotNames(): string[] { return this.amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v']; }
  protected step(k: Kernels, p: number, st: number[], g: number, slot: number, R: number, D: number): void {
    k.adam_step(p, st[0], st[1], this.amsgrad ? st[2] : 0, g, slot, R, D, this.rate, this.beta1, this.beta2, this.epsilon, this.iterations + 1, this.lazy ? 1 : 0);
  }
  getConfig(): OptimizerConfig { return { name: 'adam', learningRate: this.lrConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, lazy: this.lazy, ...this.clipConfig() }; }
}

export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number; readonly nesterov: boolean;
  constructor(c: SGDConfig = {}) {
    super();
    const w = 'optimizers.sgd';
    checkOptionKeys(c, w, CONFIG_KEYS.sgd);
    this.setClipping(c, w);
    this.setLearningRate(c.learningRate, 0.01, w);
    this.momentum = num(c.momentum, 0, w, 'momentum in [0, 1]', (x) => x >= 0 && x <= 1);
    this.nesterov = bool(c.nesterov, false, w, 'nesterov');
  }
  protected stateCount(): number { return this.momentum > 0 ? 1 : 0; }
  slotNames(): string[] { return this.momentum > 0 ? ['momentum'] : []; }
  protected step(k: Kernels, p: number, st: number[], g: number, slot: number, R: number, D: number): void {
    k.sgd_step(p, this.momentum > 0 ? st[0] : 0, g, slot, R, D, this.rate, this.momentum, this.nesterov ? 1 : 0);
  }
  getConfig(): OptimizerConfig { return { name: 'sgd', learningRate: this.lrConfig(), momentum: this.momentum, nesterov: this.nesterov, ...this.clipConfig() }; }
}

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number; readonly momentum: number; readonly epsilon: number; readonly centered: boolean;
  constructor(c: RMSpropConfig = {}) {
    super();
    const w = 'optimizers.rmsprop';
    checkOptionKeys(c, w, CONFIG_KEYS.rmsprop);
    this.setClipping(c, w);
    this.setLearningRate(c.learningRate, 1e-3, w);
    this.rho = num(c.rho, 0.9, w, 'rho in [0, 1)', (x) => x >= 0 && x < 1);
    this.momentum = num(c.momentum, 0, w, 'momentum in [0, 1]', (x) => x >= 0 && x <= 1);
    this.epsilon = num(c.epsilon, 1e-7, w, 'epsilon >= 0', (x) => x >= 0);
    this.centered = bool(c.centered, false, w, 'centered');
  }
  protected stateCount(): number { return 1 + (this.momentum > 0 ? 1 : 0) + (this.centered ? 1 : 0); }
  slotNames(): string[] { return ['velocity', ...(this.momentum > 0 ? ['momentum'] : []), ...(this.centered ? ['average_gradient'] : [])]; }
  protected step(k: Kernels, p: number, st: number[], g: number, slot: number, R: number, D: number): void {
    const s = this.momentum > 0 ? st[1] : 0;
    const mg = this.centered ? st[this.momentum > 0 ? 2 : 1] : 0;
    k.rmsprop_step(p, st[0], s, mg, g, slot, R, D, this.rate, this.rho, this.epsilon, this.momentum);
  }
  getConfig(): OptimizerConfig { return { name: 'rmsprop', learningRate: this.lrConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, ...this.clipConfig() }; }
}

const CLIP_KEYS = ['clipnorm', 'globalClipnorm', 'clipvalue'];
const CONFIG_KEYS: Record<OptimizerConfig['name'], string[]> = {
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon', 'amsgrad', 'lazy', ...CLIP_KEYS],
  sgd: ['learningRate', 'momentum', 'nesterov', ...CLIP_KEYS],
  rmsprop: ['learningRate', 'rho', 'momentum', 'epsilon', 'centered', ...CLIP_KEYS],
};

/**
 * A new optimizer from what getConfig() returned (Keras `optimizers.deserialize` / `Optimizer.from_config`):
 * { name: 'adam' | 'sgd' | 'rmsprop', ...options }. Missing options take their defaults; unknown ones are an error.
 */
export function optimizerFromConfig(config: unknown): Optimizer {
  const where = 'optimizers.fromConfig';
  if (!isPlainObject(config)) throw new ConfigError(`${where}: expected { name, ...options } (what optimizer.getConfig() returns), got ${describeValue(config)}.`);
  const name = config.name;
  if (typeof name !== 'string' || !Object.hasOwn(CONFIG_KEYS, name)) {
    throw new ConfigError(`${where}: expected name to be one of ${Object.keys(CONFIG_KEYS).join(', ')}, got ${describeValue(name)}.${didYouMean(name, Object.keys(CONFIG_KEYS))}`);
  }
  const keys = CONFIG_KEYS[name as OptimizerConfig['name']];
  for (const k of Object.keys(config)) {
    if (k !== 'name' && !keys.includes(k)) throw new ConfigError(`${where}: expected ${name} options among ${keys.join(', ')}, got an unknown option ${JSON.stringify(k)}.${didYouMean(k, keys)}`);
  }
  const { name: _n, ...options } = config;
  if (name === 'adam') return new Adam(options as AdamConfig);
  if (name === 'sgd') return new SGD(options as SGDConfig);
  return new RMSprop(options as RMSpropConfig);
}

/** Factories in the TF.js spirit: optimizers.adam({ learningRate: 0.01 }); fromConfig inverts getConfig(). */
export const optimizers = {
  adam: (c?: AdamConfig) => new Adam(c),
  sgd: (c?: SGDConfig) => new SGD(c),
  rmsprop: (c?: RMSpropConfig) => new RMSprop(c),
  fromConfig: optimizerFromConfig,
  schedules,
};

/** A name (any case works; the Keras and TF.js spellings are typed), an optimizer, or its config. */
export type OptimizerSpec = 'adam' | 'sgd' | 'rmsprop' | 'Adam' | 'SGD' | 'RMSprop' | 'RMSProp' | Optimizer | OptimizerConfig;

export function getOptimizer(spec: unknown): Optimizer {
  if (spec instanceof Optimizer) return spec;
  // names in any case, as Keras (deserialize lower-cases built-in names) and TF.js ('Adam', 'RMSProp', 'SGD') take them
  const name = typeof spec === 'string' ? spec.toLowerCase() : null;
  if (name === 'adam') return new Adam();
  if (name === 'sgd') return new SGD();
  if (name === 'rmsprop') return new RMSprop();
  if (isPlainObject(spec)) return optimizerFromConfig(spec);
  throw new ConfigError(`compile: expected optimizer to be 'adam', 'sgd', 'rmsprop', an optimizer object (optimizers.adam({...})) or its config ({ name: 'adam', ... }), got ${describeValue(spec)}.${didYouMean(spec, ['adam', 'sgd', 'rmsprop'])}`);
}
