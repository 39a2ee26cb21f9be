// The layer base class: config, build (declares weights and the output shape, allocates nothing), and the run-time
// contract the model drives: plan (activation buffers for a batch size), forward, backward.
import type { Arena, Allocator } from '../core/arena.js';
import type { Kernels } from '../core/kernels.js';
import type { StreamSet } from '../core/rng.js';
import type { InitializerSpec } from './initializers.js';
import { ConfigError, ShapeError, StateError, fmtShape, describeValue, isPlainObject, didYouMean } from '../errors.js';
import { toFlat, checkFinite, type Flat, type Input } from '../tensor.js';

/** A per-sample shape (no batch axis); null is an unknown length. */
export type Shape = (number | null)[];

export interface Weight {
  name: string;
  shape: number[];
  trainable: boolean;
  init: InitializerSpec | CustomInit;
  /** Row-sparse gradient (embedding): no dense gradient buffer is allocated. */
  sparse: boolean;
  /** Byte offset of the values in the model's memory (0 until allocated). */
  ptr: number;
  /** Byte offset of the dense gradient (0 when none). */
  grad: number;
  size: number;
}

/** A hand-written initializer (e.g. the LSTM bias with unitForgetBias). */
export type CustomInit = (a: Arena, ptr: number, s: import('../core/rng.js').Stream) => void;

export interface Ctx {
  a: Arena;
  k: Kernels;
  streams: StreamSet;
  training: boolean;
  /** false in computeGradients: random streams are read at their position but not moved on. */
  advanceRng: boolean;
  /** false in computeGradients: batch-norm moving statistics stay as they are. */
  updateStats: boolean;
  /** Inference may use the LSTMs' per-vocabulary input-projection tables (model.cacheInputProjections). */
  projections?: boolean;
  /** Changes whenever any weight may have changed: a table computed at another version is recomputed first. */
  weightsVersion?: number;
  /**
   * Set by the model before each layer's backward: false when no earlier layer has a weight the optimizer updates (a
   * frozen embedding, or the first layer), so nothing reads the gradient w.r.t. this layer's input: a layer may skip it
   * and return 0 (the model then stops there). Unset: needed.
   */
  inputGrad?: boolean;
  /** Set by an embedding's inference forward: its ids, for a next layer that reads its output unchanged. */
  tokens?: TokenRows | null;
}

/**
 * An embedding's output described by its ids (inference only): a layer whose input pointer is `y` may compute its
 * input product once per distinct id instead of once per position, or read each position's row from the table (the
 * LSTM does). The embedding writes `y` itself only when asked (`write`): the model asks before a layer that reads its
 * input from `y` (see Layer.takesTokenRows), and after the last layer.
 */
export interface TokenRows {
  /** The embedding's output [N, D] (a consumer checks that its input is exactly this buffer). */
  y: number;
  /** The embedding matrix [V, D]. */
  E: number;
  V: number;
  D: number;
  /** The ids [N] (i32), each in [0, V). */
  ids: number;
  /** Positions, B * T. */
  N: number;
  /** n distinct ids in order of first appearance (rows [n], i32) and each position's index into them (idx [N], i32);
   * computed on the first call (on the calling thread, with the real kernels), null when unavailable. */
  distinct(): { n: number; rows: number; idx: number } | null;
  /** Whether `y` holds the rows yet. */
  written: boolean;
  /** Training: set by the layer after the embedding when the gradient it returns is per distinct id ([n, D] rows in
   * the order of distinct()) rather than per position (LSTM.backwardTail); that pointer, else unset. */
  rowsGrad?: number;
  /** Writes `y` (the rows of the ids) unless done already. */
  write(): void;
}

export interface LayerArgs { name?: string; trainable?: boolean; inputShape?: Shape; batchInputShape?: Shape }

/** Plain JSON, what getConfig returns: no functions, class instances, undefined, NaN or Infinity. */
export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue };
export type ConfigDict = { [key: string]: ConfigValue };
/** A layer as it appears in a model config (TF.js style): its class and its getConfig(). */
export interface SerializedLayer { className: string; config: ConfigDict }

/** Options every layer accepts in its config. */
export const BASE_KEYS = ['name', 'trainable', 'inputShape', 'batchInputShape'];

const counters = new Map<string, number>();
/** Keras-style unique default names: lstm, lstm_1, lstm_2 ... */
export function uniqueName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export abstract class Layer {
  abstract readonly className: string;
  name: string;
  trainable: boolean;
  /** Position in the model (keys its random streams). */
  index = -1;
  inputShape: Shape = [];
  outputShape: Shape = [];
  weights: Weight[] = [];
  /**
   * The model this layer is in (@internal): a layer's weights live in its model's memory, so it is in one model at a
   * time (the last it joined). Held weakly: a layer the caller keeps does not keep a dropped model (its memory and
   * worker threads) from being collected.
   */
  get owner(): LayerOwner | null { return this.ownerRef?.deref() ?? null; }
  set owner(o: LayerOwner | null) {
    this.ownerRef = o === null ? null : typeof WeakRef === 'function' ? new WeakRef(o) : { deref: () => o };
  }
  private ownerRef: { deref(): LayerOwner | undefined } | null = null;

  /**
   * The weights a layer brings from the model it was in, for the model it joins to lay out instead of initializing
   * them (Keras's layers keep their weights from model to model); null once that model has them. @internal
   */
  carried: { data: Float32Array; shape: number[] }[] | null = null;

  /** Joins a model (@internal): state of a model it was in before (a table in that model's memory) is dropped. */
  joinModel(owner: LayerOwner): void { this.owner = owner; }
  /** Set by the first layer: the per-sample input shape it was configured with. */
  readonly declaredInputShape: Shape | null;
  /** The same with the batch axis (null, or the batchInputShape given), as getConfig reports it. */
  readonly batchInputShape: Shape | null;
  protected built = false;

  /** `factoryName`: the `layers.<name>` factory when it is not the camelCase of defaultName (spatial_dropout1d -> spatialDropout1D). */
  constructor(args: LayerArgs, defaultName: string, factoryName?: string) {
    const factory = `layers.${factoryName ?? defaultName.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase())}`;
    if (!isPlainObject(args)) throw new ConfigError(`${factory}: expected an options object, got ${describeValue(args)}.`);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name.length === 0)) {
      throw new ConfigError(`${factory}: expected name to be a non-empty string, got ${describeValue(args.name)}.`);
    }
    this.name = args.name ?? uniqueName(defaultName);
    const where = `${factory}(${this.name})`;
    this.trainable = checkBool(args.trainable, where, 'trainable', true);
    const inputShape = args.inputShape == null ? null : checkShape(args.inputShape, where, 'inputShape', 1);
    const batchShape = args.batchInputShape == null ? null : checkShape(args.batchInputShape, where, 'batchInputShape', 2);
    if (inputShape && batchShape && !sameShape(inputShape, batchShape.slice(1))) {
      throw new ConfigError(`${where}: expected inputShape and batchInputShape to agree, got inputShape ${fmtShape(inputShape)} and batchInputShape ${fmtShape(batchShape)}. Give one of them.`);
    }
    this.batchInputShape = batchShape ?? (inputShape ? [null, ...inputShape] : null);
    this.declaredInputShape = this.batchInputShape ? this.batchInputShape.slice(1) : null;
  }

  /** Declares weights and returns the output shape. Pure planning: allocates nothing. */
  build(inputShape: Shape): Shape {
    this.weights = [];
    this.inputShape = inputShape.slice();
    this.outputShape = this.computeOutputShape(inputShape);
    this.built = true;
    return this.outputShape;
  }

  /**
   * Re-sizes the layer for one call's input shape (a free-length model: the call's T filled in) without touching its
   * weights, which never depend on T. The next plan() lays out activations for it.
   */
  resize(inputShape: Shape): Shape {
    this.inputShape = inputShape.slice();
    this.outputShape = this.computeOutputShape(inputShape);
    return this.outputShape;
  }

  /** The output shape for an input shape (pure: nothing changes); a free length (null) stays free. */
  shapeFor(inputShape: Shape): Shape { return this.computeOutputShape(inputShape); }

  protected abstract computeOutputShape(inputShape: Shape): Shape;

  protected addWeight(name: string, shape: number[], init: InitializerSpec | CustomInit, trainable = true, sparse = false): Weight {
    const w: Weight = { name: `${this.name}/${name}`, shape, trainable, init, sparse, ptr: 0, grad: 0, size: shape.reduce((a, b) => a * b, 1) };
    this.weights.push(w);
    return w;
  }

  /** Weights the optimizer updates: trainable ones of a trainable layer. */
  isTrainable(w: Weight): boolean { return this.trainable && w.trainable; }

  countParams(): number { return this.weights.reduce((s, w) => s + w.size, 0); }

  /** Floats per sample of the output. */
  outputSize(): number { return sizeOf(this.outputShape); }
  inputSize(): number { return sizeOf(this.inputShape); }

  /** The mask [B, T] (1 real, 0 masked) of this layer's input for the current forward, or 0: set by the model. */
  inMask = 0;
  /** The mask of this layer's output: by default the input mask passes through (dense, activation, dropout, ...). */
  outputMask(): number { return this.inMask; }

  /** Allocates buffers that live as long as the weights (after them), e.g. the embedding's row map. */
  allocPersistent(_a: Arena): void {}
  /** Called after each optimizer step (e.g. the embedding clears its row map). */
  afterStep(_c: Ctx): void {}

  /** Allocates activation buffers for up to B samples (after weights are allocated). */
  abstract plan(a: Allocator, B: number): void;
  /**
   * Whether this layer's inference forward on x reads an embedding's output only through c.tokens (its ids and
   * table), never from the buffer x itself: then the embedding need not write it (Sequential asks before each layer).
   * By default only a layer whose inference passes its input on unread (inferenceIdentity) does.
   */
  takesTokenRows(c: Ctx, _x: number): boolean { return !c.training && this.inferenceIdentity; }
  /** Whether inference returns the input itself, unread (the dropouts): a later layer then sees the earlier output. */
  get inferenceIdentity(): boolean { return false; }
  /** Runs on B <= planned samples; x is the previous layer's output (or the input buffer); returns the output. */
  abstract forward(c: Ctx, x: number, B: number): number;
  /** Accumulates weight gradients; returns the gradient w.r.t. x (a buffer this layer owns), or 0 for ids. */
  abstract backward(c: Ctx, dy: number, B: number): number;

  /** For the fused loss: the pre-activation buffer when this layer ends in `activation`, else 0. */
  logits(_activation: string): number { return 0; }
  /** Backward starting from the gradient w.r.t. the logits (fused loss). */
  backwardFromLogits(_c: Ctx, _dz: number, _B: number): number { throw new StateError(`${this.className}: expected a layer with a fused loss path, got one without (an internal error: please report it).`); }

  /**
   * The layer's configuration as plain JSON, TF.js-style (camelCase keys): every constructor option, so that
   * `Class.fromConfig(layer.getConfig())` rebuilds the same layer (same name, same weights for the same model seed).
   * A fresh object on each call.
   */
  getConfig(): ConfigDict {
    const c: ConfigDict = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) c.batchInputShape = this.batchInputShape.slice();
    return c;
  }

  /**
   * Copies of this layer's weights in Keras order and layout (Keras's layer.get_weights()); in no model, those it
   * took along from the model it left (a Sequential's pop()), else [].
   */
  getWeights(): { data: Float32Array; shape: number[] }[] {
    if (this.owner) return this.owner.layerWeights(this);
    return (this.carried ?? []).map((w) => ({ data: w.data.slice(), shape: w.shape.slice() }));
  }

  /**
   * Sets this layer's weights (Keras's layer.set_weights()), checked as model.setWeights checks them: count, shapes
   * and values first, so a bad list changes nothing.
   */
  setWeights(weights: ({ data: ArrayLike<number>; shape: readonly number[] } | unknown[])[]): void {
    if (this.owner) { this.owner.setLayerWeights(this, weights); return; }
    const had = this.carried;
    if (had) {
      const targets = had.map((w, i) => ({ name: this.weights[i]?.name ?? `${this.name}/${i}`, shape: w.shape }));
      this.carried = checkWeightList(targets, weights, `${this.name}.setWeights`).map((f, i) => ({ data: Float32Array.from(f.data), shape: had[i].shape.slice() }));
      return;
    }
    if (!Array.isArray(weights) || weights.length > 0) {
      throw new ShapeError(`${this.name}.setWeights: expected no weights (the layer is in no model yet, so it has none), got ${Array.isArray(weights) ? weights.length : describeValue(weights)}. Add it to a model first.`);
    }
  }

  /** Leaves its model (a Sequential's pop()): in no model, with the weights it takes along (carried). @internal */
  leaveModel(): void { this.owner = null; }

  /** This layer, or one inside it (a Bidirectional's direction), that another model took, or null. @internal */
  movedFrom(owner: LayerOwner | null): Layer | null { return this.owner === owner ? null : this; }

  /**
   * What joining a model drops of the one it is in (an LSTM's projection table), to give back when it returns to that
   * model (a refused construction). @internal
   */
  joinState(): unknown { return undefined; }
  /** Gives back what joinState() returned (@internal). */
  restoreJoinState(_s: unknown): void {}
}

/** What a layer asks of its model (@internal): the model holds the layer's weights in its memory. */
export interface LayerOwner {
  readonly name: string;
  readonly isDisposed: boolean;
  layerWeights(layer: Layer): { data: Float32Array; shape: number[] }[];
  setLayerWeights(layer: Layer, weights: unknown): void;
  /** Copies of the layer's weights when this model holds them (laid out, not disposed), else null. */
  heldWeights(layer: Layer): { data: Float32Array; shape: number[] }[] | null;
  /** One of its layers went to another model, which took its weights: this model gives its memory back. */
  layerLeft(): void;
}

/**
 * Checks the config dict a fromConfig received: a plain object whose keys are options of the layer (the base
 * options plus `keys`). Missing options take their defaults, as in the constructor, which checks the values.
 */
export function checkConfig(config: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(config)) throw new ConfigError(`${where}: expected a config object (what getConfig() returns), got ${describeValue(config)}.`);
  const known = [...BASE_KEYS, ...keys];
  for (const k of Object.keys(config)) {
    if (!known.includes(k)) throw new ConfigError(`${where}: expected options among ${known.join(', ')}, got an unknown option ${JSON.stringify(k)}.${didYouMean(k, known)}`);
  }
  return config;
}

export function checkBool(v: unknown, where: string, what: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new ConfigError(`${where}: expected ${what} to be true or false, got ${describeValue(v)}.`);
  return v;
}

/** A shape option: an array of positive integers or null (unknown), at least `minRank` long. Returns a copy. */
function checkShape(v: unknown, where: string, what: string, minRank: number): Shape {
  const ok = Array.isArray(v) && v.length >= minRank && v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0));
  if (!ok) throw new ConfigError(`${where}: expected ${what} to be an array of at least ${minRank} positive integers or nulls, got ${describeValue(v)}.`);
  return (v as Shape).slice();
}

function sameShape(a: Shape, b: Shape): boolean { return a.length === b.length && a.every((d, i) => d === b[i]); }

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (d === null) throw new ConfigError(`shape ${JSON.stringify(shape)} has an unknown dimension: give the first layer inputLength or inputShape.`);
    n *= d;
  }
  return n;
}

export function checkPositiveInt(v: unknown, where: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(`${where}: expected ${what} to be a positive integer, got ${describeValue(v)}.`);
  }
  return v;
}

/**
 * Elementwise activations by name -> the kernels' codes (assembly/simd.ts). Two hard sigmoids: `hardSigmoid` is Keras 2's
 * and TF.js's clip(0.2x + 0.5, 0, 1); `hardSigmoidKeras3` is Keras 3's (and PyTorch's Hardsigmoid) relu6(x + 3) / 6.
 */
export const ACTIVATIONS = { linear: 0, sigmoid: 1, tanh: 2, relu: 3, hardSigmoid: 4, hardSigmoidKeras3: 5 } as const;
/** Activations of Dense and Activation layers only (not an LSTM's gates or cell): assembly/activation.ts. */
export const EXTENDED_ACTIVATIONS = { elu: 6, selu: 7, relu6: 8, softplus: 9, softsign: 10, swish: 11, gelu: 12, mish: 13 } as const;
export type ElementwiseActivation = keyof typeof ACTIVATIONS;
export type ExtendedActivation = keyof typeof EXTENDED_ACTIVATIONS;
export type Activation = ElementwiseActivation | ExtendedActivation | 'softmax';

export function checkActivation(v: unknown, where: string, allowSoftmax: boolean, what = 'activation'): Activation {
  // (a layer's activation: softmax and the extended ones too; an LSTM's: those its kernels compute)
  const ok = Object.keys(ACTIVATIONS).concat(allowSoftmax ? ['softmax', ...Object.keys(EXTENDED_ACTIVATIONS)] : []);
  if (v === null || v === undefined) return 'linear';
  if (typeof v !== 'string' || !ok.includes(v)) {
    throw new ConfigError(`${where}: expected ${what} to be one of ${ok.join(', ')}, got ${describeValue(v)}.${didYouMean(v, ok)}`);
  }
  return v as Activation;
}

/**
 * A finite number option (a config is JSON, which has no NaN or Infinity), `range` describing what `ok` accepts.
 * -0 becomes 0 so that the value survives JSON unchanged.
 */
export function checkNumber(v: unknown, where: string, what: string, dflt: number, ok: (x: number) => boolean = () => true, range = 'a finite number'): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ConfigError(`${where}: expected ${what} to be ${range}, got ${describeValue(v)}.`);
  return v + 0;
}

/**
 * Checks a list of weights against `targets` (Keras order): the count, every shape and every value (finite float32),
 * all before anything is written, so a bad list changes nothing; the weights as flat arrays. Shared by the model's
 * setWeights, a layer's, and a layer's in no model that carries weights. @internal
 */
export function checkWeightList(targets: readonly { name: string; shape: number[] }[], weights: unknown, where: string): Flat[] {
  if (!Array.isArray(weights)) throw new ShapeError(`${where}: expected an array of ${targets.length} weights, got ${describeValue(weights)}.`);
  if (weights.length !== targets.length) {
    throw new ShapeError(`${where}: expected ${targets.length} weights (${targets.map((w) => `${w.name} ${fmtShape(w.shape)}`).join(', ')}), got ${weights.length}.`);
  }
  return weights.map((v, i) => {
    const w = targets[i];
    const f = toFlat(v as Input, `${where}: weight ${i} (${w.name})`);
    const same = f.shape.length === w.shape.length && f.shape.every((d, j) => d === w.shape[j]);
    if (!same) throw new ShapeError(`${where}: weight ${i} (${w.name}) expected shape ${fmtShape(w.shape)}, got ${fmtShape(f.shape)}.`);
    checkFinite(f, `${where}: weight ${i} (${w.name})`);
    return f;
  });
}
