// Learning-rate schedules as an optimizer's learningRate (Keras optimizers.schedules): ExponentialDecay (staircase =
// step decay) and PiecewiseConstantDecay, evaluated at optimizer.iterations before each step; every pow runs in Wasm.
import { instantiateBare } from '../core/wasm.js';
import type { Kernels } from '../core/kernels.js';
import { ConfigError, describeValue, isPlainObject, checkOptionKeys, didYouMean } from '../errors.js';

/** How Keras serializes a schedule (and what getConfig().learningRate holds): { class_name, config } in snake_case. */
export interface SerializedSchedule { class_name: string; config: Record<string, unknown> }

export interface ExponentialDecayConfig { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean; name?: string }
export interface PiecewiseConstantDecayConfig { boundaries: number[]; values: number[]; name?: string }

let bare: Kernels | null = null;
/** A small instance for schedule values asked for outside a training step (needs init()). */
function kernels(): Kernels { return (bare ??= instantiateBare(1).kernels); }

export abstract class LearningRateSchedule {
  abstract readonly className: string;
  readonly name: string | null;
  constructor(name: unknown, where: string) {
    if (name !== undefined && name !== null && typeof name !== 'string') throw new ConfigError(`${where}: expected name to be a string, got ${describeValue(name)}.`);
    this.name = (name as string | undefined) ?? null;
  }
  /** The learning rate at a step (k: the kernels of the model being trained). @internal */
  abstract at(k: Kernels, step: number): number;
  /** The learning rate at a step (Keras `schedule(step)`), computed as a training step does. Needs `await init()`. */
  call(step: number): number {
    if (!Number.isSafeInteger(step) || step < 0) throw new ConfigError(`${this.className}.call: expected step to be a non-negative integer, got ${describeValue(step)}.`);
    return this.at(kernels(), step);
  }
  /** Keras's config (snake_case keys), as `get_config()`. */
  abstract getConfig(): Record<string, unknown>;
  /** Keras's serialized form, { class_name, config }: what an optimizer's getConfig().learningRate holds. */
  serialize(): SerializedSchedule { return { class_name: this.className, config: this.getConfig() }; }
}

const positive = (v: unknown, where: string, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw new ConfigError(`${where}: expected ${what} > 0, got ${describeValue(v)}.`);
  return v + 0;
};

/** lr = initialLearningRate * decayRate ^ (step / decaySteps), the exponent floored when staircase (Keras, float32). */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number; readonly decaySteps: number; readonly decayRate: number; readonly staircase: boolean;
  constructor(c: ExponentialDecayConfig) {
    const where = 'optimizers.schedules.exponentialDecay';
    if (!isPlainObject(c)) throw new ConfigError(`${where}: expected { initialLearningRate, decaySteps, decayRate, staircase }, got ${describeValue(c)}.`);
    super(c.name, where);
    this.initialLearningRate = positive(c.initialLearningRate, where, 'initialLearningRate');
    this.decaySteps = positive(c.decaySteps, where, 'decaySteps');
    this.decayRate = positive(c.decayRate, where, 'decayRate');
    if (c.staircase !== undefined && typeof c.staircase !== 'boolean') throw new ConfigError(`${where}: expected staircase to be true or false, got ${describeValue(c.staircase)}.`);
    this.staircase = c.staircase ?? false;
  }
  at(k: Kernels, step: number): number {
    return k.schedule_exponential_decay(this.initialLearningRate, this.decayRate, this.decaySteps, step, this.staircase ? 1 : 0);
  }
  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i], then the last (Keras). */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[]; readonly values: number[];
  constructor(c: PiecewiseConstantDecayConfig) {
    const where = 'optimizers.schedules.piecewiseConstantDecay';
    if (!isPlainObject(c)) throw new ConfigError(`${where}: expected { boundaries, values }, got ${describeValue(c)}.`);
    super(c.name, where);
    const b = c.boundaries, v = c.values;
    if (!Array.isArray(b) || b.length === 0 || !b.every((x, i) => Number.isSafeInteger(x) && x >= 0 && (i === 0 || x > b[i - 1]))) {
      throw new ConfigError(`${where}: expected boundaries to be increasing non-negative integer steps, got ${describeValue(b)}.`);
    }
    if (!Array.isArray(v) || v.length !== b.length + 1 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
      throw new ConfigError(`${where}: expected values to be ${b.length + 1} learning rates >= 0 (one more than boundaries), got ${describeValue(v)}.`);
    }
    this.boundaries = b.slice(); this.values = v.slice();
  }
  at(_k: Kernels, step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]) i++;
    // Keras holds the values as float32 tensors
    return Math.fround(this.values[i]);
  }
  getConfig(): Record<string, unknown> { return { boundaries: this.boundaries.slice(), values: this.values.slice(), name: this.name }; }
}

const CLASSES: Record<string, { keys: string[]; make: (c: Record<string, unknown>) => LearningRateSchedule }> = {
  ExponentialDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase', 'name'],
    make: (c) => new ExponentialDecay({ initialLearningRate: c.initial_learning_rate as number, decaySteps: c.decay_steps as number, decayRate: c.decay_rate as number, staircase: c.staircase as boolean | undefined, name: c.name as string | undefined }),
  },
  PiecewiseConstantDecay: {
    keys: ['boundaries', 'values', 'name'],
    make: (c) => new PiecewiseConstantDecay({ boundaries: c.boundaries as number[], values: c.values as number[], name: c.name as string | undefined }),
  },
};

/**
 * A schedule from its Keras serialization { class_name, config } (Keras 2.13+ adds module and registered_name: ignored).
 * Unknown classes and options are a ConfigError.
 */
export function scheduleFromConfig(s: unknown, where = 'optimizers.schedules.fromConfig'): LearningRateSchedule {
  if (!isPlainObject(s) || typeof s.class_name !== 'string' || !isPlainObject(s.config)) {
    throw new ConfigError(`${where}: expected a schedule { class_name, config } (what schedule.serialize() returns), got ${describeValue(s)}.`);
  }
  const cls = Object.hasOwn(CLASSES, s.class_name) ? CLASSES[s.class_name] : undefined;
  if (!cls) throw new ConfigError(`${where}: expected class_name to be one of ${Object.keys(CLASSES).join(', ')}, got ${describeValue(s.class_name)}.`);
  const extra = Object.keys(s.config).find((k) => !cls.keys.includes(k));
  if (extra !== undefined) throw new ConfigError(`${where}: expected ${s.class_name} options among ${cls.keys.join(', ')}, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, cls.keys)}`);
  const c = { ...s.config };
  if (c.name === null) delete c.name;
  return cls.make(c);
}

/** Factories in the TF.js spirit: optimizers.schedules.exponentialDecay({ ... }). */
export const schedules = {
  exponentialDecay: (c: ExponentialDecayConfig) => {
    checkOptionKeys(c, 'optimizers.schedules.exponentialDecay', ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', 'name']);
    return new ExponentialDecay(c);
  },
  piecewiseConstantDecay: (c: PiecewiseConstantDecayConfig) => {
    checkOptionKeys(c, 'optimizers.schedules.piecewiseConstantDecay', ['boundaries', 'values', 'name']);
    return new PiecewiseConstantDecay(c);
  },
  fromConfig: (s: unknown) => scheduleFromConfig(s),
};
