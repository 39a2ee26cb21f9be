// The Sequential model: build (shapes, no memory), lazy allocation of weights in one arena, compile, predict,
// evaluate, computeGradients, getWeights/setWeights, summary, save (the file is written in save.ts, read in load.ts).
// The fit loop lives in fit.ts.
import { Arena, SizeCounter, MAX_BYTES, fmtBytes } from '../core/arena.js';
import { Layer, checkWeightList, sizeOf, type Ctx, type TokenRows, type Shape, type Weight } from '../layers/layer.js';
import { Embedding } from '../layers/embedding.js';
import { Attention } from '../layers/attention.js';
import { Recurrent } from '../layers/recurrent.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { serializeLayer, deserializeLayer } from '../layers/serialization.js';
import type { SerializedLayer } from '../layers/layer.js';
import { optimizerFromConfig, type OptimizerConfig } from './optimizers.js';
import { checkOptionKeys, describeValue, isPlainObject, didYouMean } from '../errors.js';
import { initialize } from '../layers/initializers.js';
import { StreamSet, DEFAULT_SEED, type StreamSnapshot } from '../core/rng.js';
import { getOptimizer, type Optimizer, type OptimizerSpec, type Slot } from './optimizers.js';
import { getLoss, lossConfig, fusedActivation, type Loss, type LossConfig, type LossName, type LossString } from './losses.js';
import { checkMetrics, CompiledMetrics, type MetricLogName, type MetricName } from './metrics.js';
import { sampleWeights, type ClassWeight } from './weights.js';
import { summaryLines, countParams } from './summary.js';
import { toFlat, checkFinite, checkIds, type Flat, type Input, type Tensor } from '../tensor.js';
import { ConfigError, MemoryError, ShapeError, StateError, ValueError, fmtShape } from '../errors.js';
import { fit as fitLoop, type FitArgs } from './fit.js';
import { fitDataset as fitDatasetLoop, evaluateDataset as evaluateDatasetLoop, type Dataset, type FitDatasetArgs, type EvaluateDatasetArgs } from './fit-dataset.js';
import { saveFile, checkSaveOptions, checkMetadata, CREATED_BY, type SaveOptions, type ModelMetadata } from './save.js';
import type { History } from './callbacks.js';
import { checkBatchSize, identity, type Batchable } from './batches.js';

export interface SequentialArgs { layers?: Layer[]; seed?: number; name?: string }
/** metrics ignore sampleWeight/classWeight; weightedMetrics (same names) are weighted by them, as Keras 2. */
/** loss: a name, or a loss with options (losses.binaryCrossentropy({ fromLogits: true })). */
export interface CompileArgs { optimizer: OptimizerSpec; loss: LossString | LossConfig | (string & {}); metrics?: MetricName[]; weightedMetrics?: MetricName[] }
export interface WeightValue { data: Float32Array; shape: number[] }
/** predict(x, { returnAttention: true }): the predictions plus each attention layer's weights [N, T]. */
export interface PredictionWithAttention extends Tensor { attention: { layer: string; data: Float32Array; shape: number[] }[] }
/** model.getConfig(): plain JSON that Sequential.fromConfig turns back into the same model (weights aside). */
export interface ModelConfig { className: 'Sequential'; config: { name: string; seed: number; layers: SerializedLayer[] } }
/** model.getCompileConfig(): what compile was given, as plain JSON (Keras `get_compile_config`). */
export interface CompileConfig { optimizer: OptimizerConfig; loss: LossName | LossConfig; metrics: MetricName[]; weightedMetrics?: MetricName[] }
/** evaluate(x, y, { returnDict: true }): the loss and each compiled metric by its logged name (see metricsNames). */
export type EvaluateResult = { loss: number } & Partial<Record<MetricLogName, number>>;

let modelCount = 0;

/** predict/evaluate's verbose: they print no progress, so only the values that ask for none (Keras code often passes
 *  verbose=0; TF.js's predict takes verbose false). */
export type Quiet = 0 | false;
function checkQuiet(v: unknown, where: string): void {
  if (v !== undefined && v !== 0 && v !== false) {
    throw new ConfigError(`${where}: expected verbose 0 or false (${where} prints no progress bar), got ${describeValue(v)}. Leave verbose out.`);
  }
}

export class Sequential {
  readonly layers: Layer[] = [];
  readonly name: string;
  readonly seed: number;
  /** Set to true from a callback to stop fit() after the current batch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  /** The compiled loss's name (its options: getCompileConfig().loss). */
  loss: LossName | null = null;
  /** The compiled loss with its options. @internal */
  lossSpec: Loss | null = null;
  metrics: MetricName[] = [];
  /** Compile's weightedMetrics: weighted by sampleWeight and classWeight (metrics are not), as Keras 2. */
  weightedMetrics: MetricName[] = [];
  /** Whole-epoch metric state of training (fit resets it per epoch) and of evaluation (reset per evaluate). */
  private trainMetrics = new CompiledMetrics([], []);
  private evalMetrics = new CompiledMetrics([], []);
  private streams: StreamSet;
  private arena: Arena | null = null;
  /** The model's per-sample input shape; null at axis 0 is a free length (any T per call). */
  private inputShape: Shape | null = null;
  /** The concrete shape the layers are sized and planned for: the current call's (with its T), or null. */
  private callShape: number[] | null = null;
  private persistentMark = 0;
  /** Where the optimizer state begins (after the weights, gradients and layers' persistent buffers). */
  private stateMark = 0;
  private plannedB = 0;
  private inPtr = 0; private labelPtr = 0; private dOutPtr = 0;
  /** Per-row weights of the current batch ([M] f32 beside the labels) and whether the batch has any. */
  private weightPtr = 0; private weighted = false;
  /** The last layer's output mask after forwardPass (0: none), which the loss and metrics of a sequence output take. */
  private outMask = 0;
  /** A copy of the non-trainable weights (batch-norm moving statistics) taken before a step, to undo it. */
  private stateCopy: Float32Array | null = null;
  /** The input shape the model was built with before pop()/add() unbuilt it (a shape that came from data: Keras's
   *  pop() keeps the built model), for calls without data (summary, getWeights, save); data still decides. */
  private dataShape: Shape | null = null;
  /** The weights layers brought (Layer.carried) that the last lay-out took, until a call's checks pass (refusable). */
  private carriedAside: [Layer, WeightValue[]][] | null = null;
  private gradStart = 0; private gradFloats = 0;
  private meta: ModelMetadata = {};
  /** Saves in progress: fit, trainOnBatch, setWeights and compile wait for none (they refuse). */
  private saving = 0;
  /** Why this model may only predict (it was loaded from a float16 file), or null. */
  private inferenceOnly: string | null = null;
  /** A fit is running (a second one is refused; predict and evaluate from its callbacks are fine). */
  private fitting = false;
  private disposed = false;
  /** Predictions look up the LSTMs' input projections in per-vocabulary tables (cacheInputProjections). */
  private inputProjections = false;
  /** pop()/add() laid the model out anew: the next prediction makes the tables again. */
  private projectionsLost = false;
  /** The constructor is adding its layers (the models they leave give their memory back once it succeeds). */
  private constructing = false;
  /** A layer left while a save read the memory: layerLeft runs when the save ends. */
  private leftDuringSave = false;
  /** Moves on whenever any weight may have changed (initialization, a training step, setWeights, a load). */
  private weightsVersion = 0;

  constructor(args: SequentialArgs = {}) {
    checkOptionKeys(args, 'sequential', ['layers', 'seed', 'name']);
    this.name = args.name ?? (modelCount++ === 0 ? 'sequential' : `sequential_${modelCount - 1}`);
    const seed = args.seed ?? DEFAULT_SEED;
    if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
      throw new ConfigError(`sequential: expected seed to be a non-negative integer, got ${describeValue(args.seed)}.`);
    }
    this.seed = seed;
    this.streams = new StreamSet(seed);
    const previous = new Map<Layer, [Layer['owner'], Layer['carried'], unknown]>();
    try {
      this.constructing = true;
      for (const l of args.layers ?? []) {
        if (l instanceof Layer && !previous.has(l)) previous.set(l, [l.owner, l.carried, l.joinState()]); // (its state before this model)
        this.add(l);
      }
      this.constructing = false;
      // the models the layers came from give their memory back (only now: a refused construction leaves them as they were)
      for (const [, [owner]] of previous) if (owner && owner !== this) owner.layerLeft();
    } catch (e) {
      // a model refused at construction takes none of its layers: they stay with the models they were in, as they were
      for (const [l, [owner, carried, state]] of previous) {
        if (l.owner !== this) continue;
        if (owner) l.joinModel(owner); else l.leaveModel(); // (a Bidirectional's directions too)
        l.carried = carried;
        l.restoreJoinState(state);
      }
      throw e;
    }
  }

  /**
   * Adds a layer at the end (Keras's and TF.js's add). On a model already in use its layers keep their weights (the
   * memory is laid out again at the next call; the optimizer's moments restart, its step count goes on).
   */
  add(layer: Layer): void {
    this.alive('sequential.add');
    if (!(layer instanceof Layer)) throw new ConfigError(`sequential.add: expected a layer (layers.dense({...}) etc.), got ${typeof layer}.`);
    if (this.layers.includes(layer)) throw new ConfigError(`sequential.add: layer ${layer.name} is already in the model.`);
    // its weights live in one model's memory: this model takes the layer over, and a model it was in refuses its next
    // call (it predicted with the weights this one lays out; Keras shares a layer between models, not done here)
    // weight names start with the layer name: two layers of one name would give two weights of one name (Keras refuses too)
    if (this.layers.some((l) => l.name === layer.name)) throw new ConfigError(`sequential.add: expected a layer name not yet in the model, got a second layer named ${JSON.stringify(layer.name)}. Give it another name.`);
    // a layer inside one of this model's layers (a Bidirectional's direction) would be built again for another input
    if (layer.owner === this) throw new ConfigError(`sequential.add: layer ${layer.name} is already in the model, inside another layer (a Bidirectional's direction). Add a new layer.`);
    // a layer moves whole: a part of it in another model (a Bidirectional's direction added to one alone) holds weights
    // its own model no longer has
    const part = layer.movedFrom(layer.owner);
    if (part) throw new ConfigError(`sequential.add: expected layer ${layer.name} whole in one model, got its part ${part.name} in model ${JSON.stringify(part.owner?.name)}. Build a new layer, copying weights with getWeights/setWeights.`);
    this.layOutAgain('sequential.add');
    // it brings the weights a model it was in holds (or those it brought there, not laid out yet), as Keras's layers do
    const prev = layer.owner;
    const held = prev && prev !== this ? prev.heldWeights(layer) : null;
    if (held) layer.carried = held;
    layer.index = this.layers.length;
    layer.joinModel(this);
    this.layers.push(layer);
    if (prev && prev !== this && !this.constructing) prev.layerLeft();
    this.dataShape = this.inputShape ?? this.dataShape;
    this.inputShape = null;
    this.callShape = null;
  }

  /**
   * Removes the last layer and returns it (Keras's and TF.js's pop: a new head for a loaded model is pop() then add()).
   * The other layers keep their weights (laid out again at the next call; the optimizer's moments restart), and
   * the removed layer takes its own along, to a model it is added to next.
   */
  pop(): Layer {
    this.alive('sequential.pop');
    if (this.layers.length === 0) throw new StateError(`sequential.pop: expected a model with layers, got ${this.name} with none.`);
    this.layOutAgain('sequential.pop');
    const layer = this.layers.pop()!;
    layer.leaveModel();
    this.dataShape = this.inputShape ?? this.dataShape;
    this.inputShape = null;
    this.callShape = null;
    return layer;
  }

  /**
   * Before a change of layers on a model in use (add, pop): each layer keeps its weights (carried, as a layer joining
   * another model does) and the memory goes back, to be laid out for the new layers at the next call. Refused while a
   * fit runs or a save reads the memory. The optimizer keeps its options and step count; its moments restart (as
   * Keras's do for weights new to it).
   */
  private layOutAgain(where: string): void {
    if (!this.arena) return;
    if (this.fitting) throw new StateError(`${where}: expected no fit running on this model, got one in progress. Change its layers after model.fit() returns.`);
    this.checkNotSaving(where);
    this.carryWeights();
    for (const l of this.layers) l.joinModel(this); // (drops what it kept in this memory, such as an input-projection table)
    this.giveMemoryBack();
    if (this.optimizer) this.optimizer.owner = this;
    this.projectionsLost = this.inputProjections;
    this.weightsVersion++;
  }

  /** Each layer this model holds takes copies of its weights along (Layer.carried), for the next lay-out. */
  private carryWeights(): void {
    for (const l of this.layers) {
      const held = l.owner === this ? this.heldWeights(l) : null;
      if (held) l.carried = held;
    }
  }

  /** Ends the memory and its workers (the model lays it out again at its next call); the optimizer's state was in it. */
  private giveMemoryBack(): void {
    this.arena?.pool.dispose(); // (its workers would otherwise keep the memory alive)
    this.arena = null;
    this.plannedB = 0;
    this.stateCopy = null;
    this.carriedAside = null;
    if (this.optimizer?.owner === this) this.optimizer.release(); // (one the layers' new model took is its own now)
  }

  // ---------------------------------------------------------------- building

  private get first(): Layer {
    if (this.layers.length === 0) throw new StateError(`${this.name}: expected at least one layer, got an empty model.`);
    return this.layers[0];
  }

  private get idsInput(): boolean { return this.first instanceof Embedding; }

  private declaredShape(): Shape | null {
    const f = this.first;
    if (f instanceof Embedding) return f.sequenceShape;
    return f.declaredInputShape;
  }

  /**
   * Builds layer shapes and declares weights from the declared input shape, or from `shape` when given (the data's for
   * a model that declared none, a file's). Allocates nothing. A free length (null at axis 0: an embedding without
   * inputLength, inputShape [null, F]) stays free: each call sizes the layers for its own T (see useShape).
   */
  build(shape?: Shape): void {
    this.alive('build');
    if (this.inputShape) return;
    // token ids enter the model as its input: an embedding further down would read another layer's floats as ids
    const lateEmbedding = this.layers.findIndex((l, i) => i > 0 && l instanceof Embedding);
    if (lateEmbedding > 0) {
      const l = this.layers[lateEmbedding];
      throw new ConfigError(`${this.name}: expected an embedding only as the first layer (it takes the token ids), got ${l.name} (Embedding) at position ${lateEmbedding + 1}, after ${this.layers[lateEmbedding - 1].name}. Put the embedding first.`);
    }
    const s = (shape ?? this.declaredShape() ?? this.dataShape)?.slice();
    if (!s || s.length === 0 || s.slice(1).some((d) => d === null)) {
      throw new StateError(`${this.name}: expected a known input shape, got ${s ? fmtShape(s) : 'none'}. Give the first layer inputLength (embedding) or inputShape, or call fit/predict first.`);
    }
    if (s[0] === null) {
      const att = this.layers.find((l) => l instanceof Attention);
      if (att) {
        throw new ConfigError(`${this.name}: layer ${att.name} (Attention) needs a fixed sequence length (its bias b has one entry per timestep), got a free length (input shape ${fmtShape(s)}). Give the first layer inputLength (embedding) or inputShape [T, features].`);
      }
    }
    let cur = s.slice();
    for (const l of this.layers) cur = l.build(cur);
    this.inputShape = s;
    this.callShape = s[0] === null ? null : (s as number[]).slice();
  }

  /** Whether the model takes any sequence length (its input shape has a free axis 0). */
  get freeLength(): boolean { this.alive('freeLength'); this.build(); return this.inputShape![0] === null; }

  /**
   * Sizes every layer for a call's concrete input shape (a free-length model: T filled in). Weights stay as they are;
   * the activations are re-planned for the new shape on the next plan().
   */
  private useShape(shape: number[]): void {
    const cur = this.callShape;
    if (cur && cur.length === shape.length && cur.every((d, i) => d === shape[i])) return;
    // every layer's shape checked first (a Conv1D refuses a T shorter than its kernel): a refused T resizes nothing
    let s: Shape = shape.slice();
    for (const l of this.layers) s = l.shapeFor(s);
    s = shape.slice();
    for (const l of this.layers) s = l.resize(s);
    this.callShape = shape.slice();
    this.plannedB = 0;
  }

  /** Per-layer output shapes for the model's input shape (a free length shows as null, Keras's None). */
  private freeShapes(): Shape[] {
    this.build();
    let s = this.inputShape!.slice();
    return this.layers.map((l) => (s = l.shapeFor(s)));
  }

  /** The model's output shape per sample; null where the length is free. */
  get outputShape(): Shape { this.alive('outputShape'); return this.freeShapes()[this.layers.length - 1]; }

  /** The output shape of the current call (the layers' sizes now). */
  private get runShape(): number[] { return this.layers[this.layers.length - 1].outputShape as number[]; }

  summary(lineLength?: number, positions?: readonly number[], printFn: (s: string) => void = console.log): string {
    this.alive('summary');
    if (lineLength !== undefined && !(Number.isInteger(lineLength) && lineLength >= 20 && lineLength <= 10_000)) {
      throw new ConfigError(`summary: expected lineLength to be an integer in [20, 10000], got ${describeValue(lineLength)}.`);
    }
    if (positions !== undefined && !(Array.isArray(positions) && positions.length === 3
      && positions.every((p, i) => typeof p === 'number' && Number.isFinite(p) && p > (i > 0 ? positions[i - 1] : 0)))) {
      throw new ConfigError(`summary: expected positions to be the three columns' right edges, increasing numbers > 0 (fractions of lineLength when the last is <= 1, as Keras's), got ${describeValue(positions)}.`);
    }
    if (positions !== undefined) {
      // each column wide enough for the 2-space gap and a character (narrower, the row printer never ends a cell)
      const L = lineLength ?? 65, cols = positions[2] <= 1 ? positions.map((p) => Math.floor(L * p)) : positions;
      const widths = cols.map((c, i) => c - (i > 0 ? cols[i - 1] : 0));
      if (widths.some((w, i) => w < (i < 2 ? 4 : 1))) {
        throw new ConfigError(`summary: expected positions giving columns at least 4, 4 and 1 characters wide, got ${describeValue(positions)} (columns ${widths.join(', ')} wide at lineLength ${L}).`);
      }
    }
    if (typeof printFn !== 'function') throw new ConfigError(`summary: expected printFn to be a function, got ${describeValue(printFn)}.`);
    const lines = summaryLines(this.name, this.layers, lineLength, this.freeShapes(), positions);
    // a call per line, as Keras's print_fn and TF.js's printFn get them
    for (const l of lines) printFn(l);
    return lines.join('\n');
  }

  countParams(): number { this.alive('countParams'); this.build(); return countParams(this.layers).total; }

  private allWeights(): { layer: Layer; w: Weight }[] {
    return this.layers.flatMap((layer) => layer.weights.map((w) => ({ layer, w })));
  }

  /** Names and shapes of the weights the optimizer updates, in weight order. */
  get trainableWeights(): { name: string; shape: number[] }[] {
    this.alive('trainableWeights');
    this.build();
    return this.allWeights().filter(({ layer, w }) => layer.isTrainable(w)).map(({ w }) => ({ name: w.name, shape: w.shape.slice() }));
  }

  get weightNames(): string[] { this.alive('weightNames'); this.build(); return this.allWeights().map(({ w }) => w.name); }

  // ---------------------------------------------------------------- memory

  /** Allocates the model if needed and waits until its worker threads (if any) have started. Used by fit(). */
  async ready(): Promise<void> {
    await this.ensureAllocated().pool.ready();
  }

  /** Creates the arena, allocates and (unless a file is about to fill them) initializes every weight (first use only). */
  private ensureAllocated(fill = true): Arena {
    if (this.arena) return this.arena;
    this.alive(this.name);
    this.build();
    const all = this.allWeights();
    const params = all.reduce((s, { w }) => s + w.size * 4, 0);
    const grads = all.filter(({ w }) => w.trainable && !w.sparse).reduce((s, { w }) => s + w.size * 4, 0);
    const persistent = this.layers.reduce((s, l) => s + (l instanceof Embedding ? l.inputDim * 4 : 0), 0);
    if (params + grads + persistent > MAX_BYTES) {
      throw new MemoryError(`${this.name}: expected weights and gradients to fit in the 4 GiB of Wasm memory, got ${fmtBytes(params)} of weights and ${fmtBytes(grads)} of gradients. Use a smaller vocabulary or embedding size.`);
    }
    // weights a layer brought from another model must have its shapes here (Keras refuses a built layer an input of
    // another size): checked before anything is laid out
    for (const l of fill ? this.layers : []) {
      const c = l.carried;
      if (c && (c.length !== l.weights.length || c.some((w, i) => w.shape.length !== l.weights[i].shape.length || w.shape.some((d, j) => d !== l.weights[i].shape[j])))) {
        throw new ShapeError(`${this.name}: layer ${JSON.stringify(l.name)} brought weights ${c.map((w) => fmtShape(w.shape)).join(', ')} from the model it was in, but here its input ${fmtShape(l.inputShape)} gives it ${l.weights.map((w) => fmtShape(w.shape)).join(', ')}. Give it an input of the size it had, or use a new layer.`);
      }
    }
    const a = new Arena();
    try {
      // Layout: trainable dense weights (one contiguous block, mirrored by the gradients) | sparse | non-trainable.
      const order = [
        ...all.filter(({ w }) => w.trainable && !w.sparse),
        ...all.filter(({ w }) => w.sparse),
        ...all.filter(({ w }) => !w.trainable && !w.sparse),
      ];
      for (const { w } of order) w.ptr = a.alloc(w.size * 4, w.name);
      this.gradStart = a.mark();
      this.gradFloats = 0;
      for (const { w } of order) {
        if (w.trainable && !w.sparse) { w.grad = a.alloc(w.size * 4, `gradient of ${w.name}`); this.gradFloats = (a.mark() - this.gradStart) / 4; }
        else w.grad = 0;
      }
      for (const l of this.layers) l.allocPersistent(a);
      // Initialize: one stream per (layer index, weight index), so adding a layer after does not shift the others.
      for (const l of fill ? this.layers : []) {
        const c = l.carried;
        if (c) { l.weights.forEach((w, i) => a.f32(w.ptr, w.size).set(c[i].data)); continue; }
        l.weights.forEach((w, i) => {
          const s = this.streams.get(l.index, `init/${i}`);
          if (typeof w.init === 'function') w.init(a, w.ptr, s);
          else initialize(w.init, a, w.ptr, w.shape, s);
        });
        if (l instanceof Embedding && l.initialWeights) {
          a.f32(l.E.ptr, l.E.size).set(l.initialWeights); // checked [inputDim, outputDim] by the constructor
        }
      }
    } catch (e) {
      a.pool.dispose(); // its workers would otherwise keep the memory alive
      throw e;
    }
    // this model holds them now (a file's load brings its own); kept aside until a call's checks pass, as a refused
    // first call drops this memory again (refusable)
    this.carriedAside = this.layers.filter((l) => l.carried).map((l) => [l, l.carried!]);
    for (const l of this.layers) l.carried = null;
    this.persistentMark = this.stateMark = a.mark();
    this.arena = a;
    this.weightsVersion++;
    if (this.optimizer) this.allocateOptimizer();
    return a;
  }

  private trainableList(): { layer: Layer; w: Weight }[] {
    return this.allWeights().filter(({ layer, w }) => layer.isTrainable(w));
  }

  private allocateOptimizer(): void {
    const a = this.arena!;
    const ws = this.trainableList().map(({ w }) => w);
    if (this.optimizer!.isAllocatedFor(a, ws)) return;
    const bytes = this.checkStateFits(this.optimizer!);
    // the state goes where the last one began (a recompiled model, a changed set of trainable weights: its memory is
    // reused, not left behind), then the input-projection tables that followed it are laid out again (made anew at the
    // next prediction)
    const tables = this.projectionTables();
    a.reset(this.stateMark);
    this.plannedB = 0;
    this.optimizer!.allocate(a, ws);
    for (const l of tables) l.setProjectionTable(a.alloc(l.projectionBytes(l.projectionVocab()), `input-projection table of ${l.name}`), l.projectionVocab());
    this.persistentMark = a.mark();
  }

  /** The bytes of `opt`'s state for the trainable weights, or a MemoryError when it would not fit where the state goes
   *  (before the input-projection tables). */
  private checkStateFits(opt: Optimizer): number {
    const bytes = opt.stateBytes(this.trainableList().map(({ w }) => w));
    const tableBytes = this.projectionTables().reduce((n, l) => n + l.projectionBytes(l.projectionVocab()), 0);
    if (this.stateMark + bytes + tableBytes > MAX_BYTES) throw new MemoryError(`${this.name}: expected the ${opt.name} state (${fmtBytes(bytes)}) to fit in the 4 GiB of Wasm memory after the weights, got only ${fmtBytes(MAX_BYTES - this.stateMark - tableBytes)} left.`);
    return bytes;
  }

  /** The recurrent layers (a Bidirectional's two) holding input-projection tables (cacheInputProjections). */
  private projectionTables(): Recurrent[] {
    return this.layers.flatMap((l) => (l instanceof Recurrent ? [l] : l instanceof Bidirectional ? [l.forwardLayer, l.backwardLayer] : []))
      .filter((l) => l.projectionVocab() > 0);
  }

  /** Plans activations for batches of up to B samples of the current call's shape (useShape re-plans on a new T). */
  private plan(B: number): void {
    const a = this.ensureAllocated();
    if (B <= this.plannedB) return;
    if (!this.callShape) throw new StateError(`${this.name}: expected a sequence length for this call, got none (internal: useShape before plan).`);
    a.reset(this.persistentMark);
    this.plannedB = 0;
    // Dry run first: a batch that cannot fit fails here, saying what it needs, before anything is allocated.
    const need = new SizeCounter();
    for (const l of this.layers) l.plan(need, B);
    const io = (B * sizeOf(this.callShape) + 3 * B * this.layers[this.layers.length - 1].outputSize()) * 4 + 64;
    if (!a.fits(need.bytes + io)) {
      throw new MemoryError(`${this.name}: a batch of ${B}${this.inputShape![0] === null ? ` of length ${this.callShape[0]}` : ''} needs ${fmtBytes(need.bytes + io)} of activations, but only ${fmtBytes(MAX_BYTES - a.mark())} of the 4 GiB Wasm memory is left after the weights${this.optimizer ? ' and optimizer state' : ''}. Use a smaller batchSize.`);
    }
    try {
      for (const l of this.layers) l.plan(a, B);
      this.inPtr = a.alloc(B * sizeOf(this.callShape) * 4, 'input batch');
      const outN = B * this.layers[this.layers.length - 1].outputSize();
      this.labelPtr = a.alloc(outN * 4, 'label batch');
      this.dOutPtr = a.alloc(outN * 4, 'output gradient');
      this.weightPtr = a.alloc((outN / this.runShape[this.runShape.length - 1]) * 4, 'row weights');
    } catch (e) {
      a.reset(this.persistentMark);
      throw e;
    }
    this.plannedB = B;
  }

  /** Sizes the layers for d's length (the fit loop alternates training and validation data) and plans B samples. */
  private planFor(d: Batchable, B: number): void {
    this.useShape(d.x.shape.slice(1));
    this.plan(B);
  }

  private ctx(training: boolean, advance: boolean): Ctx {
    const a = this.arena!;
    return { a, k: a.k, streams: this.streams, training, advanceRng: advance, updateStats: advance,
      projections: this.inputProjections, weightsVersion: this.weightsVersion };
  }

  // ---------------------------------------------------------------- compile

  compile(args: CompileArgs): void {
    this.alive('compile');
    this.checkNotSaving('compile');
    if (!args || typeof args !== 'object') throw new ConfigError(`compile: expected { optimizer, loss, metrics, weightedMetrics }, got ${JSON.stringify(args)}.`);
    checkOptionKeys(args, 'compile', ['optimizer', 'loss', 'metrics', 'weightedMetrics']);
    const optimizer = getOptimizer(args.optimizer);
    const loss = getLoss(args.loss);
    const metrics = checkMetrics(args.metrics);
    const weightedMetrics = checkMetrics(args.weightedMetrics, 'weightedMetrics');
    const owner = optimizer.owner;
    if (owner && owner !== this && !owner.isDisposed) {
      throw new ConfigError(`compile: expected an optimizer of this model's own, got the ${optimizer.name} instance already compiled into model ${owner.name} (its state lives in that model's memory). Pass a new one (optimizers.${optimizer.name}({ ... })) or its name.`);
    }
    // a new optimizer's state must fit where the old one's is (checked before anything changes: a refused compile
    // leaves the model with its optimizer and state)
    if (this.arena && optimizer !== this.optimizer) this.checkStateFits(optimizer);
    if (this.optimizer && this.optimizer !== optimizer) this.optimizer.release(); // its state's memory goes to the new one
    optimizer.owner = this;
    this.optimizer = optimizer;
    this.loss = loss.name;
    this.lossSpec = loss;
    this.metrics = metrics;
    this.weightedMetrics = weightedMetrics;
    this.trainMetrics = new CompiledMetrics(metrics, weightedMetrics);
    this.evalMetrics = new CompiledMetrics(metrics, weightedMetrics);
    if (this.arena) this.allocateOptimizer();
  }

  /**
   * Keras's metrics_names: 'loss', then the logged name of each metric and weighted metric (a weighted metric named as
   * a plain one is logged as 'weighted_' + name); the order of evaluate's and trainOnBatch's arrays. [] before compile.
   */
  get metricsNames(): string[] {
    return this.loss ? ['loss', ...this.trainMetrics.names] : [];
  }

  // ---------------------------------------------------------------- config

  /**
   * The architecture as plain JSON, TF.js style: { className: 'Sequential', config: { name, seed, layers } } with
   * each layer as { className, config }. Weights are not part of it (the model file holds them); the seed is, since
   * it decides the initial weights, dropout masks and shuffling.
   */
  getConfig(): ModelConfig {
    this.alive('getConfig');
    return { className: 'Sequential', config: { name: this.name, seed: this.seed, layers: this.layers.map(serializeLayer) } };
  }

  /**
   * The model a getConfig() result describes, with the saved model and layer names (no new unique names are drawn)
   * and the saved seed: the same weight names, summary, initial weights and predictions as the original.
   */
  static fromConfig(config: unknown): Sequential {
    const where = 'Sequential.fromConfig';
    const shape = `{ className: 'Sequential', config: { name, seed, layers } } (what model.getConfig() returns)`;
    if (!isPlainObject(config)) throw new ConfigError(`${where}: expected ${shape}, got ${describeValue(config)}.`);
    if (config.className !== 'Sequential') throw new ConfigError(`${where}: expected className to be 'Sequential' (the only model class), got ${describeValue(config.className)}.`);
    const outer = Object.keys(config).find((k) => k !== 'className' && k !== 'config');
    if (outer !== undefined) throw new ConfigError(`${where}: expected ${shape}, got an unknown key ${JSON.stringify(outer)}.`);
    const c = config.config;
    if (!isPlainObject(c)) throw new ConfigError(`${where}: expected config to be { name, seed, layers }, got ${describeValue(c)}.`);
    const extra = Object.keys(c).find((k) => !['name', 'seed', 'layers'].includes(k));
    if (extra !== undefined) throw new ConfigError(`${where}: expected config keys among name, seed, layers, got an unknown key ${JSON.stringify(extra)}.${didYouMean(extra, ['name', 'seed', 'layers'])}`);
    if (c.name !== undefined && (typeof c.name !== 'string' || c.name.length === 0)) {
      throw new ConfigError(`${where}: expected name to be a non-empty string, got ${describeValue(c.name)}.`);
    }
    if (c.seed !== undefined && !(typeof c.seed === 'number' && Number.isSafeInteger(c.seed) && c.seed >= 0)) {
      throw new ConfigError(`${where}: expected seed to be a non-negative integer, got ${describeValue(c.seed)}.`);
    }
    if (!Array.isArray(c.layers)) throw new ConfigError(`${where}: expected layers to be an array of { className, config }, got ${describeValue(c.layers)}.`);
    const layers = c.layers.map((l: unknown, i: number) => {
      try {
        return deserializeLayer(l);
      } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(`${where}: layers[${i}]: ${e.message}`);
        throw e;
      }
    });
    return new Sequential({ name: c.name as string | undefined, seed: c.seed as number | undefined, layers });
  }

  /** What compile was given, as plain JSON (Keras `get_compile_config`), or null before compile. */
  getCompileConfig(): CompileConfig | null {
    this.alive('getCompileConfig');
    if (!this.optimizer || !this.loss) return null;
    const config: CompileConfig = { optimizer: this.optimizer.getConfig(), loss: lossConfig(this.lossSpec!), metrics: this.metrics.slice() };
    // optional: absent when empty, so files without weighted metrics keep their bytes
    if (this.weightedMetrics.length) config.weightedMetrics = this.weightedMetrics.slice();
    return config;
  }

  /** Compiles from a getCompileConfig() result (Keras `compile_from_config`): a new optimizer with those options. */
  compileFromConfig(config: unknown): void {
    const where = 'compileFromConfig';
    if (!isPlainObject(config)) throw new ConfigError(`${where}: expected { optimizer, loss, metrics, weightedMetrics } (what model.getCompileConfig() returns), got ${describeValue(config)}.`);
    const extra = Object.keys(config).find((k) => !['optimizer', 'loss', 'metrics', 'weightedMetrics'].includes(k));
    if (extra !== undefined) throw new ConfigError(`${where}: expected keys among optimizer, loss, metrics, weightedMetrics, got an unknown key ${JSON.stringify(extra)}.${didYouMean(extra, ['optimizer', 'loss', 'metrics', 'weightedMetrics'])}`);
    this.compile({
      optimizer: optimizerFromConfig(config.optimizer), loss: config.loss as string | LossConfig,
      metrics: config.metrics as MetricName[] | undefined, weightedMetrics: config.weightedMetrics as MetricName[] | undefined,
    });
  }

  // ---------------------------------------------------------------- data checks

  /** Flattens and checks x (and y) against the model; throws before anything changes. */
  checkData(x: Input, y: Input | null, where: string): Batchable {
    this.alive(where);
    return this.refusable(() => this.checkBuiltData(toFlat(x, `${where}: x`), y, where));
  }

  /**
   * @internal Runs a call's checks (checkData's, and fit's, evaluate's, trainOnBatch's, predict's planning after it):
   * a model that they built from the call's data is unbuilt again when they refuse the call, and the memory they laid
   * out for it (a MemoryError while planning) is dropped, so the next call builds from its own data. (Building declares
   * shapes and weights; the weights' first values come from the seed's streams, the same when laid out again.)
   */
  refusable<T>(checks: () => T): T {
    const fresh = !this.inputShape && !this.arena;
    try {
      const r = checks();
      this.carriedAside = null;
      return r;
    } catch (e) {
      if (fresh) {
        if (this.arena) {
          // weights layers brought go back to them, for the next call to lay out
          for (const [l, c] of this.carriedAside ?? []) l.carried = c;
          this.giveMemoryBack();
          if (this.optimizer) this.optimizer.owner = this;
        }
        this.carriedAside = null;
        this.inputShape = null;
        this.callShape = null;
      }
      throw e;
    }
  }

  private checkBuiltData(fx: Flat, y: Input | null, where: string): Batchable {
    if (!this.inputShape) {
      const ds = this.declaredShape();
      if (!ds || ds.slice(1).some((d) => d === null)) {
        if (fx.shape.length < 2) throw new ShapeError(`${where}: expected x with a batch axis, got shape ${fmtShape(fx.shape)}.`);
        // what was declared stays (a free length stays free); the rest comes from the data
        const data = fx.shape.slice(1);
        this.build(ds && ds.length === data.length ? ds.map((d, i) => (i === 0 ? d : d ?? data[i])) : data);
      } else this.build();
    }
    const inShape = this.inputShape!;
    const want = [null, ...inShape];
    const ok = fx.shape.length === want.length && inShape.every((d, i) => d === null || d === fx.shape[i + 1]);
    if (!ok) {
      const dims = inShape.map((d) => d ?? 'time').join(', ');
      const what = this.idsInput
        ? `the model's first layer is embedding, which expects token ids [batch, ${dims}]`
        : `the model expects [batch, ${dims}]`;
      throw new ShapeError(`${where}: x has ${fx.shape.length} dimension${fx.shape.length === 1 ? '' : 's'} ${fmtShape(fx.shape)} but ${what}.`);
    }
    if (inShape[0] === null && fx.shape[1] === 0) {
      throw new ShapeError(`${where}: expected sequences of at least one timestep, got x of shape ${fmtShape(fx.shape)}.`);
    }
    // size the layers for this call's length: the labels are checked against the output shape at this T
    this.useShape(fx.shape.slice(1));
    const n = fx.shape[0];
    if (this.idsInput) checkIds(fx, (this.first as Embedding).inputDim, `${where}: x`);
    else checkFinite(fx, `${where}: x`);
    if (y === null) return { x: fx, y: null, n };
    const fy = toFlat(y, `${where}: y`);
    this.checkLabels(fy, n, where);
    return { x: fx, y: fy, n };
  }

  private checkLabels(fy: Flat, n: number, where: string): void {
    const out = this.runShape;
    const U = out[out.length - 1];
    if (fy.shape[0] !== n) throw new ShapeError(`${where}: expected y to have ${n} rows like x, got ${fy.shape[0]} (shape ${fmtShape(fy.shape)}).`);
    checkFinite(fy, `${where}: y`);
    const rest = fy.shape.slice(1);
    if (this.loss === 'sparseCategoricalCrossentropy') {
      const want = out.slice(0, -1);
      const okShape = (rest.length === want.length && want.every((d, i) => d === rest[i])) ||
        (rest.length === want.length + 1 && want.every((d, i) => d === rest[i]) && rest[rest.length - 1] === 1);
      if (!okShape) throw new ShapeError(`${where}: expected y of class ids with shape [${[n, ...want].join(', ')}] (or a trailing 1), got ${fmtShape(fy.shape)}.`);
      for (let i = 0; i < fy.data.length; i++) {
        const v = fy.data[i];
        if (!Number.isInteger(v) || v < 0 || v >= U) throw new ValueError(`${where}: expected class ids in [0, ${U - 1}] for sparseCategoricalCrossentropy, got ${v} at flat index ${i}.`);
      }
      return;
    }
    const same = rest.length === out.length && out.every((d, i) => d === rest[i]);
    const squeezed = U === 1 && rest.length === out.length - 1 && out.slice(0, -1).every((d, i) => d === rest[i]);
    if (!same && !squeezed) throw new ShapeError(`${where}: expected y of shape [${[n, ...out].join(', ')}]${U === 1 ? ` or [${[n, ...out.slice(0, -1)].join(', ')}]` : ''}, got ${fmtShape(fy.shape)}.`);
    // Keras trains on such labels without a word; a label of 2 or -1 is a bug in the caller's data, so refuse it.
    const bce = this.loss === 'binaryCrossentropy';
    if (bce || this.loss === 'categoricalCrossentropy') {
      for (let i = 0; i < fy.data.length; i++) {
        const v = fy.data[i];
        if (v < 0 || (bce && v > 1)) throw new ValueError(`${where}: expected labels in ${bce ? '[0, 1] for binaryCrossentropy' : '[0, inf) (probabilities) for categoricalCrossentropy'}, got ${v} at flat index ${i}.`);
      }
    }
  }

  // ---------------------------------------------------------------- running

  /** Copies rows (by index) of x, and of y into the label buffer, into the arena. */
  private writeBatch(d: Batchable, rows: ArrayLike<number>, start: number, B: number): void {
    const a = this.arena!;
    const inSize = sizeOf(this.callShape!);
    const dst = this.idsInput ? a.i32(this.inPtr, B * inSize) : a.f32(this.inPtr, B * inSize);
    const xs = d.x.data;
    for (let b = 0; b < B; b++) {
      const r = rows[start + b] * inSize;
      for (let j = 0; j < inSize; j++) dst[b * inSize + j] = xs[r + j];
    }
    this.weighted = false;
    if (!d.y) return;
    const outSize = this.layers[this.layers.length - 1].outputSize();
    if (d.w) {
      // one weight per output row: a sequence output's T rows all take their sample's weight, or with class weights
      // each its own (d.w then has a weight per row)
      const per = outSize / this.runShape[this.runShape.length - 1];
      const wr = a.f32(this.weightPtr, B * per);
      if (d.w.length === d.n) for (let b = 0; b < B; b++) wr.fill(d.w[rows[start + b]], b * per, (b + 1) * per);
      else for (let b = 0; b < B; b++) wr.set(d.w.subarray(rows[start + b] * per, (rows[start + b] + 1) * per), b * per);
      this.weighted = true;
    }
    const lab = a.f32(this.labelPtr, B * outSize);
    const ys = d.y.data;
    if (this.loss === 'sparseCategoricalCrossentropy') {
      const U = this.runShape[this.runShape.length - 1];
      const per = outSize / U;
      lab.fill(0);
      for (let b = 0; b < B; b++) {
        const r = rows[start + b] * per;
        for (let t = 0; t < per; t++) lab[(b * per + t) * U + ys[r + t]] = 1;
      }
    } else {
      for (let b = 0; b < B; b++) {
        const r = rows[start + b] * outSize;
        for (let j = 0; j < outSize; j++) lab[b * outSize + j] = ys[r + j];
      }
    }
  }

  /** Runs the layers in order (up to and including `stopAt`), passing each layer's output mask to the next. */
  private forwardPass(c: Ctx, B: number, stopAt?: Layer): number {
    let p = this.inPtr;
    let mask = 0;
    c.tokens = null;
    for (const l of this.layers) {
      l.inMask = mask;
      // an embedding's rows are written only for a layer that reads them from its input buffer (Layer.takesTokenRows)
      const tok = pendingTokens(c);
      if (tok && tok.y === p && !l.takesTokenRows(c, p)) tok.write();
      p = l.forward(c, p, B);
      mask = l.outputMask();
      if (l === stopAt) break;
    }
    const tok = pendingTokens(c);
    if (tok && tok.y === p) tok.write();
    this.outMask = mask;
    return p;
  }

  /**
   * Loss (the weighted sum over rows, sum_m w_m l_m, when the batch has weights) and dOut = d(sum / M); returns the
   * sum, the row count M, the loss value (sum / M) and whether the gradient is w.r.t. the logits. A sequence output
   * that carries a mask (an embedding's maskZero passed on by the layers after it) weighs each row by its mask as
   * Keras does: sum_m w_m m_m l_m / sum_m m_m, the mean over the unmasked steps (0 when none is; Keras 3's
   * divide_no_nan), and the compiled metrics count only those steps (masked: true).
   */
  private lossAndGrad(c: Ctx, out: number, B: number): { sum: number; rows: number; loss: number; fused: boolean; masked: boolean } {
    const last = this.layers[this.layers.length - 1];
    const outSize = last.outputSize();
    const U = this.runShape[this.runShape.length - 1];
    const M = (B * outSize) / U;
    let denom = M;
    const masked = this.outMask !== 0 && this.runShape.length === 2;
    if (masked) {
      // the row weights become w_m * m_m (m_m alone without sample weights), the kernels' weights
      const m = c.a.f32(this.outMask, M), w = c.a.f32(this.weightPtr, M);
      let valid = 0;
      for (let i = 0; i < M; i++) { valid += m[i]; w[i] = this.weighted ? w[i] * m[i] : m[i]; }
      this.weighted = true;
      denom = valid;
    }
    const scale = denom > 0 ? 1 / denom : 0;
    c.a.zero(this.dOutPtr, B * outSize);
    // z: the logits the loss reads: the pre-activation of a last sigmoid/softmax (fused: the gradient is w.r.t. those
    // logits; as tf.keras, also for a loss fromLogits), else for a loss fromLogits the model's output (the gradient is
    // then w.r.t. that output, through the last layer's own backward); 0 for a loss on probabilities
    const spec = this.lossSpec!;
    const act = fusedActivation(spec);
    const fusedZ = act ? last.logits(act) : 0;
    const z = fusedZ || (spec.fromLogits ? out : 0);
    const sm = fusedZ ? out : 0; // the model's softmax output, or 0: the kernel computes softmax(z)
    const ls = spec.labelSmoothing;
    const w = this.weighted ? this.weightPtr : 0;
    let sum: number;
    switch (spec.name) {
      case 'binaryCrossentropy':
        sum = z ? c.k.bce_logits(this.dOutPtr, z, this.labelPtr, w, M, U, scale, ls) : c.k.bce_probs(this.dOutPtr, out, this.labelPtr, w, M, U, scale, ls);
        break;
      case 'categoricalCrossentropy':
        sum = z ? c.k.cce_logits(this.dOutPtr, z, sm, this.labelPtr, w, M, U, scale, ls) : c.k.cce_probs(this.dOutPtr, out, this.labelPtr, w, M, U, scale, ls);
        break;
      case 'sparseCategoricalCrossentropy': // labels are one-hot in the label buffer
        sum = z ? c.k.cce_logits(this.dOutPtr, z, sm, this.labelPtr, w, M, U, scale, 0) : c.k.scce_probs(this.dOutPtr, out, this.labelPtr, w, M, U, scale);
        break;
      default:
        sum = c.k.mse(this.dOutPtr, out, this.labelPtr, w, M, U, scale);
    }
    return { sum, rows: M, loss: denom > 0 ? sum / denom : 0, fused: fusedZ !== 0, masked };
  }

  private backwardPass(c: Ctx, B: number, fused: boolean): void {
    c.a.zero(this.gradStart, this.gradFloats);
    const n = this.layers.length;
    // A layer's input gradient serves only the weights of layers before it: from the first layer with a weight the
    // optimizer updates on (none: a frozen embedding, or a first LSTM on features), backward stops after it, and it
    // may skip its input gradient (c.inputGrad false): B's Bi-LSTM after a frozen embedding skips dx = dz . W^T.
    const first = this.layers.findIndex((l) => l.weights.some((w) => l.isTrainable(w)));
    let d = this.dOutPtr;
    for (let i = n - 1; i >= 0 && d !== 0; i--) {
      c.inputGrad = first >= 0 && first < i;
      const l = this.layers[i];
      d = i === n - 1 && fused ? l.backwardFromLogits(c, d, B) : l.backward(c, d, B);
      if (!c.inputGrad) break;
    }
    c.inputGrad = undefined;
  }

  private optimizerSlots(): Slot[] {
    return this.trainableList().map(({ layer, w }) => {
      if (!w.sparse) return { w };
      const e = layer as Embedding;
      return { w, sparse: { slot: () => e.slot, rows: () => e.dRows, count: () => e.rowCount, R: e.inputDim, D: e.outputDim } };
    });
  }

  /**
   * One optimizer step on rows[start, start+B) of d; adds the batch to the training metrics (the weighted ones
   * weighted by the batch's row weights). Returns the batch's loss (sum_m w_m l_m / M) and whether the step was applied: a non-finite loss
   * applies nothing and adds nothing to the metrics, and the model is left exactly as before the call (weights,
   * optimizer slots and iterations, batch-norm moving statistics, random-stream positions). @internal
   */
  trainStep(d: Batchable, rows: ArrayLike<number>, start: number, B: number): { loss: number; applied: boolean } {
    this.alive('fit');
    this.checkNotSaving('fit');
    if (!this.optimizer || !this.loss) throw new StateError(`fit: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
    this.ensureAllocated();
    this.allocateOptimizer(); // (re)allocates if the trainable weights changed since compile
    this.planFor(d, B);
    this.writeBatch(d, rows, start, B);
    const c = this.ctx(true, true);
    // what the forward pass moves on (dropout streams, moving statistics), kept to undo a step with a non-finite loss
    const streams = this.streams.snapshot();
    this.saveStateWeights(c.a);
    const out = this.forwardPass(c, B);
    const { sum, rows: M, loss, fused, masked } = this.lossAndGrad(c, out, B);
    if (!Number.isFinite(sum)) {
      this.streams.rewind(streams);
      this.restoreStateWeights(c.a);
      for (const l of this.layers) l.afterStep(c);
      return { loss, applied: false };
    }
    // metrics before backward: a layer's backward may use its forward output as scratch once spent (Bidirectional)
    this.updateMetrics(this.trainMetrics, c, out, B, M, masked);
    this.backwardPass(c, B, fused);
    this.optimizer.apply(c.k, this.optimizerSlots(), c.a.pool);
    this.weightsVersion++;
    this.optimizer.iterations++;
    for (const l of this.layers) l.afterStep(c);
    return { loss, applied: true };
  }

  /** The non-trainable weights (batch-norm moving statistics: what a training forward pass changes), copied out. */
  private saveStateWeights(a: Arena): void {
    const ws = this.allWeights().filter(({ w }) => !w.trainable);
    if (ws.length === 0) return;
    const n = ws.reduce((s, { w }) => s + w.size, 0);
    if (!this.stateCopy || this.stateCopy.length !== n) this.stateCopy = new Float32Array(n);
    let o = 0;
    for (const { w } of ws) { this.stateCopy.set(a.f32(w.ptr, w.size), o); o += w.size; }
  }

  private restoreStateWeights(a: Arena): void {
    const ws = this.allWeights().filter(({ w }) => !w.trainable);
    let o = 0;
    for (const { w } of ws) { a.f32(w.ptr, w.size).set(this.stateCopy!.subarray(o, o + w.size)); o += w.size; }
  }

  /** Random-stream positions now, for rewindStreams (fit undoes an epoch's shuffle when its first step fails). @internal */
  snapshotStreams(): StreamSnapshot { return this.streams.snapshot(); }
  /** @internal */
  rewindStreams(s: StreamSnapshot): void { this.streams.rewind(s); }

  /**
   * d with its weights (classWeight mapped through each sample's class, or each step's for a sequence output, times
   * sampleWeight), checked; classes are looked up for the first classRows samples only. d itself when neither is
   * given. @internal
   */
  weigh(d: Batchable, classWeight: unknown, sampleWeight: unknown, where: string, classRows = d.n): Batchable {
    if (classWeight == null && sampleWeight == null) return d;
    if (!d.y) throw new StateError(`${where}: expected labels to weigh, got none (an internal error: please report it).`);
    const outSize = this.layers[this.layers.length - 1].outputSize();
    const units = this.runShape[this.runShape.length - 1];
    const w = sampleWeights(d.y, d.n, { units, rowsPerSample: outSize / units, sparse: this.loss === 'sparseCategoricalCrossentropy' }, classWeight, sampleWeight, where, classRows);
    return { ...d, w };
  }

  /**
   * Adds the batch's outputs (at `out`) and labels to `acc`: M rows of B * outSize / M units; the weighted metrics
   * take the batch's row weights when it has them, the others count each row once.
   */
  private updateMetrics(acc: CompiledMetrics, c: Ctx, out: number, B: number, M: number, masked: boolean): void {
    if (acc.size === 0) return;
    const n = B * this.layers[this.layers.length - 1].outputSize();
    // the row weights the loss used (one per output row: a sequence output's rows carry their sample's weight, times
    // its mask); the plain metrics count each row once, or under a mask each unmasked row
    acc.update(c.a.f32(out, n), c.a.f32(this.labelPtr, n), M, n / M, this.weighted ? c.a.f32(this.weightPtr, M) : null,
      masked ? c.a.f32(this.outMask, M) : null);
  }

  /** Starts a new epoch of training metrics (fit calls it per epoch). @internal */
  resetMetrics(): void { this.trainMetrics.reset(); }

  /** Writes the training metrics so far into logs by name; `running` leaves out 'auc' (a sort of the epoch). @internal */
  metricLogs(logs: Record<string, number>, running = false): void { this.trainMetrics.writeLogs(logs, '', running); }

  /** fit's memory, laid out before its first step: validation batches of valB, then training batches of B. @internal */
  planFit(d: Batchable, B: number, val: Batchable | null, valB: number): void {
    this.ensureAllocated();
    this.allocateOptimizer();
    if (val && valB > 0) this.planFor(val, valB);
    this.planFor(d, B);
  }

  /** Mean loss and metric values over rows of d, in inference mode, in batches. @internal */
  evaluateData(d: Batchable, rows: ArrayLike<number>, batchSize: number): number[] {
    const B0 = Math.min(batchSize, rows.length);
    this.planFor(d, Math.max(1, B0));
    const ev = this.evaluation();
    for (let s = 0; s < rows.length; s += B0) ev.rows(d, rows, s, Math.min(B0, rows.length - s));
    return ev.results();
  }

  /** evaluateData over batches that come one at a time (evaluateDataset, fitDataset's validation). @internal */
  evaluator(): { add(d: Batchable): void; results(): number[] } {
    // metrics of its own: another evaluation may run while this one awaits its next batch
    const ev = this.evaluation(new CompiledMetrics(this.metrics, this.weightedMetrics));
    return { add: (d) => { this.planFor(d, d.n); ev.rows(d, identity(d.n), 0, d.n); }, results: ev.results };
  }

  /** The loss and metrics of an evaluation, batch by batch (each planned for before it is added). */
  private evaluation(acc = this.evalMetrics): { rows(d: Batchable, rows: ArrayLike<number>, s: number, B: number): void; results(): number[] } {
    this.alive('evaluate');
    if (!this.loss) throw new StateError(`evaluate: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
    let lossSum = 0, rowSum = 0, meanSum = 0, masked = false, n = 0;
    acc.reset();
    return {
      rows: (d, rows, s, B) => {
        const c = this.ctx(false, false);
        this.writeBatch(d, rows, s, B);
        const out = this.forwardPass(c, B);
        const r = this.lossAndGrad(c, out, B);
        lossSum += r.sum; rowSum += r.rows; meanSum += r.loss * B; masked ||= r.masked; n += B;
        this.updateMetrics(acc, c, out, B, r.rows, r.masked);
      },
      // the loss is sum w l over all rows / rows (sum_over_batch_size); weightedMetrics take the same row weights.
      // Under an output mask, Keras's: each batch's mean over its unmasked rows, averaged weighted by the batch's samples
      results: () => [Math.fround(masked ? meanSum / n : lossSum / rowSum), ...acc.results()],
    };
  }

  /**
   * Inference on x in batches. With `returnAttention: true` the result also carries, for every attention layer in
   * model order, its weights a [N, T] (exactly 0 on masked steps).
   */
  predict(x: Input, args?: { batchSize?: number; returnAttention?: false; verbose?: Quiet }): Tensor;
  predict(x: Input, args: { batchSize?: number; returnAttention: true; verbose?: Quiet }): PredictionWithAttention;
  predict(x: Input, args: { batchSize?: number; returnAttention?: boolean; verbose?: Quiet } = {}): Tensor | PredictionWithAttention {
    this.alive('predict');
    checkOptionKeys(args, 'predict', ['batchSize', 'returnAttention', 'verbose']);
    checkQuiet(args.verbose, 'predict');
    const bs = checkBatchSize(args.batchSize, 'predict'); // (options first: data may build the model)
    return this.predictCall('predict', x, bs, !!args.returnAttention);
  }

  /** Keras's predict_on_batch, TF.js's predictOnBatch: predict(x) with x's rows as one batch. */
  predictOnBatch(x: Input): Tensor {
    this.alive('predictOnBatch');
    return this.predictCall('predictOnBatch', x, Infinity, false);
  }

  /** predict and predictOnBatch (`where` names the call in errors): batches of bs rows (Infinity: one batch). */
  private predictCall(where: string, x: Input, bs: number, returnAttention: boolean): Tensor | PredictionWithAttention {
    // the Wasm memory first (a MemoryError naming what does not fit), then the results in JS memory
    const d = this.refusable(() => {
      const d = this.checkData(x, null, where);
      if (d.n > 0) this.planFor(d, Math.min(bs, d.n));
      return d;
    });
    if (this.projectionsLost && this.saving === 0) {
      // the tables cacheInputProjections asked for, made again after pop()/add() or a refused construction laid the
      // model out anew or took them (not while a save reads the memory: the next prediction then); none when no LSTM
      // follows an embedding any more or they do not fit (the same bytes without, as they are only a speed-up)
      this.projectionsLost = false;
      try {
        this.cacheInputProjections(true);
      } catch (e) {
        if (!(e instanceof ConfigError) && !(e instanceof MemoryError)) throw e;
      }
      if (d.n > 0) this.planFor(d, Math.min(bs, d.n));
    }
    const outSize = this.layers[this.layers.length - 1].outputSize();
    const B0 = Math.min(bs, d.n);
    const result = resultArray(d.n * outSize, `${where}: the predictions`);
    const atts = returnAttention ? this.layers.filter((l): l is Attention => l instanceof Attention) : [];
    const attOut = atts.map((l) => resultArray(d.n * (l.inputShape[0] as number), `${where}: the attention weights of ${l.name}`));
    if (d.n > 0) {
      const c = this.ctx(false, false);
      const rows = identity(d.n);
      for (let s = 0; s < d.n; s += B0) {
        const B = Math.min(B0, d.n - s);
        this.writeBatch(d, rows, s, B);
        const out = this.forwardPass(c, B);
        result.set(c.a.f32(out, B * outSize), s * outSize);
        atts.forEach((l, i) => { const T = l.inputShape[0] as number; attOut[i].set(c.a.f32(l.a, B * T), s * T); });
      }
    }
    const pred = { data: result, shape: [d.n, ...this.runShape] };
    if (!returnAttention) return pred;
    return { ...pred, attention: atts.map((l, i) => ({ layer: l.name, data: attOut[i], shape: [d.n, l.inputShape[0] as number] })) };
  }

  /** The attention weights a [N, T] of the (first, or named) attention layer for inputs x, in inference mode. */
  attentionWeights(x: Input, args: { batchSize?: number; layer?: string } = {}): Tensor {
    this.alive('attentionWeights');
    const att = this.layers.find((l) => l instanceof Attention && (!args.layer || l.name === args.layer));
    if (!att) throw new ConfigError(`attentionWeights: expected the model to have an attention layer${args.layer ? ` named ${args.layer}` : ''}, got none.`);
    const r = this.predict(x, { batchSize: args.batchSize, returnAttention: true });
    const { data, shape } = r.attention.find((e) => e.layer === att.name)!;
    return { data, shape };
  }

  /**
   * Loss and compiled metrics over all of x, y (whole-set values, not batch means): [loss, ...metrics,
   * ...weightedMetrics] (metricsNames order), or with `returnDict: true` { loss, <name>: value } by metricsNames. With
   * `sampleWeight` ([N]) the loss is sum w_i l_i / N and each weighted metric is weighted by w_i; the plain metrics
   * are not, as Keras 2.
   */
  evaluate(x: Input, y: Input, args?: { batchSize?: number; sampleWeight?: Input; returnDict?: false; verbose?: Quiet }): number[];
  evaluate(x: Input, y: Input, args: { batchSize?: number; sampleWeight?: Input; returnDict: true; verbose?: Quiet }): EvaluateResult;
  evaluate(x: Input, y: Input, args: { batchSize?: number; sampleWeight?: Input; returnDict?: boolean; verbose?: Quiet }): number[] | EvaluateResult;
  evaluate(x: Input, y: Input, args: { batchSize?: number; sampleWeight?: Input; returnDict?: boolean; verbose?: Quiet } = {}): number[] | EvaluateResult {
    this.alive('evaluate');
    checkOptionKeys(args, 'evaluate', ['batchSize', 'sampleWeight', 'returnDict', 'verbose']);
    checkQuiet(args.verbose, 'evaluate');
    return this.evaluateCall('evaluate', x, y, args, () => checkBatchSize(args.batchSize, 'evaluate'));
  }

  /**
   * Keras's test_on_batch: the loss and metrics of x, y taken as one batch (`[loss, ...metrics]`, or by name with
   * returnDict), in inference mode; the same values as evaluate(x, y, { batchSize: x's rows }).
   */
  testOnBatch(x: Input, y: Input, args?: { sampleWeight?: Input; returnDict?: false }): number[];
  testOnBatch(x: Input, y: Input, args: { sampleWeight?: Input; returnDict: true }): EvaluateResult;
  testOnBatch(x: Input, y: Input, args: { sampleWeight?: Input; returnDict?: boolean }): number[] | EvaluateResult;
  testOnBatch(x: Input, y: Input, args: { sampleWeight?: Input; returnDict?: boolean } = {}): number[] | EvaluateResult {
    this.alive('testOnBatch');
    checkOptionKeys(args, 'testOnBatch', ['sampleWeight', 'returnDict']);
    return this.evaluateCall('testOnBatch', x, y, args, () => Infinity);
  }

  /** evaluate and testOnBatch (`where` names the call in errors); batches of batchSize() rows (Infinity: one batch). */
  private evaluateCall(where: string, x: Input, y: Input, args: { sampleWeight?: Input; returnDict?: boolean }, batchSize: () => number): number[] | EvaluateResult {
    if (!this.loss) throw new StateError(`${where}: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
    if (args.returnDict !== undefined && typeof args.returnDict !== 'boolean') throw new ConfigError(`${where}: expected returnDict to be true or false, got ${describeValue(args.returnDict)}.`);
    const bs = batchSize(); // (options first: data may build the model)
    const d = this.refusable(() => {
      const d = this.weigh(this.checkData(x, y, where), undefined, args.sampleWeight, where);
      if (d.n === 0) throw new ShapeError(`${where}: expected at least one sample, got 0.`);
      this.planFor(d, Math.min(bs, d.n));
      return d;
    });
    const res = this.evaluateData(d, identity(d.n), Math.min(bs, d.n));
    if (!args.returnDict) return res;
    const dict: EvaluateResult = { loss: res[0] };
    this.evalMetrics.names.forEach((m, i) => { dict[m] = res[i + 1]; });
    return dict;
  }

  /**
   * Forward in training mode and backward, with no update and no state change: dropout masks come from the streams'
   * current positions without moving them, batch norm uses batch statistics without updating its moving ones.
   */
  computeGradients(x: Input, y: Input): { loss: number; grads: WeightValue[] } {
    this.alive('computeGradients');
    if (!this.loss) throw new StateError(`computeGradients: expected a compiled model (the loss comes from compile), got none. Call model.compile({ optimizer, loss }) first.`);
    const d = this.refusable(() => {
      const d = this.checkData(x, y, 'computeGradients');
      if (d.n === 0) throw new ShapeError(`computeGradients: expected at least one sample, got 0.`);
      this.planFor(d, d.n);
      return d;
    });
    const a = this.arena!;
    this.writeBatch(d, identity(d.n), 0, d.n);
    const c = this.ctx(true, false);
    const out = this.forwardPass(c, d.n);
    const { loss, fused } = this.lossAndGrad(c, out, d.n);
    this.backwardPass(c, d.n, fused);
    const grads: WeightValue[] = [];
    for (const { layer, w } of this.trainableList()) {
      if (!w.sparse) { grads.push({ data: a.f32(w.grad, w.size).slice(), shape: w.shape.slice() }); continue; }
      const mark = a.mark();
      const tmp = a.alloc(w.size * 4, `dense gradient of ${w.name}`);
      (layer as Embedding).scatterGradient(c, tmp);
      grads.push({ data: a.f32(tmp, w.size).slice(), shape: w.shape.slice() });
      a.reset(mark);
    }
    for (const l of this.layers) l.afterStep(c);
    return { loss, grads };
  }

  /**
   * One optimizer step on one batch (all of x), as Keras train_on_batch, optionally weighted (classWeight,
   * sampleWeight as in fit). Returns [loss, ...metrics, ...weightedMetrics]. A non-finite loss throws a ValueError and changes nothing.
   */
  trainOnBatch(x: Input, y: Input, args: { classWeight?: ClassWeight; sampleWeight?: Input } = {}): number[] {
    this.alive('trainOnBatch');
    if (this.fitting) throw new StateError(`trainOnBatch: expected no fit running on this model, got one in progress. Train from fit's batches, or await model.fit() first.`);
    checkOptionKeys(args, 'trainOnBatch', ['classWeight', 'sampleWeight']);
    this.checkTrainable('trainOnBatch');
    this.checkNotSaving('trainOnBatch');
    if (!this.optimizer || !this.loss) throw new StateError(`trainOnBatch: expected a compiled model, got none. Call model.compile({ optimizer, loss }) first.`);
    const d = this.refusable(() => {
      const d = this.weigh(this.checkData(x, y, 'trainOnBatch'), args.classWeight, args.sampleWeight, 'trainOnBatch');
      if (d.n === 0) throw new ShapeError(`trainOnBatch: expected at least one sample, got 0.`);
      this.ensureAllocated();
      this.allocateOptimizer();
      this.planFor(d, d.n);
      return d;
    });
    this.trainMetrics.reset(); // Keras train_on_batch(reset_metrics=True): the values of this batch alone
    const r = this.trainStep(d, identity(d.n), 0, d.n);
    if (!r.applied) throw new ValueError(`trainOnBatch: expected a finite loss, got ${r.loss}. The step was not applied: weights, optimizer state and random streams are as before.`);
    return [Math.fround(r.loss), ...this.trainMetrics.results()];
  }

  /**
   * Trains on x, y (see FitArgs). One fit at a time per model: a second while one runs is refused (predict, evaluate
   * and save from its callbacks are fine). A callback that throws ends the fit with that error, leaving the model as
   * if stopTraining had been set at that point, except that no callback's onTrainEnd runs (as Keras: earlyStopping's
   * restoreBestWeights then restores nothing): it predicts, saves and trains on.
   */
  async fit(x: Input, y: Input, args: FitArgs = {}): Promise<History> {
    this.alive('fit');
    if (this.fitting) throw new StateError(`fit: expected no other fit running on this model, got one in progress. Await the first model.fit() before starting another.`);
    this.checkTrainable('fit');
    this.checkNotSaving('fit');
    this.fitting = true;
    try {
      return await fitLoop(this, x, y, args);
    } finally {
      this.fitting = false;
    }
  }

  /**
   * Trains on the batches a dataset yields, one at a time (TF.js's fitDataset; Keras's fit on a generator): a
   * tf.data.Dataset, a function returning an iterable or iterator (called each epoch), or an iterable; each batch
   * { xs, ys }, [x, y] or [x, y, sampleWeight]. See FitDatasetArgs.
   */
  async fitDataset(dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
    this.alive('fitDataset');
    if (this.fitting) throw new StateError(`fitDataset: expected no other fit running on this model, got one in progress. Await the first model.fit() or fitDataset() before starting another.`);
    this.checkTrainable('fitDataset');
    this.checkNotSaving('fitDataset');
    this.fitting = true;
    try {
      return await fitDatasetLoop(this, dataset, args);
    } finally {
      this.fitting = false;
    }
  }

  /** The loss and metrics over a dataset's batches ([loss, ...metrics], metricsNames order), as TF.js's evaluateDataset. */
  async evaluateDataset(dataset: Dataset, args: EvaluateDatasetArgs = {}): Promise<number[]> {
    this.alive('evaluateDataset');
    return evaluateDatasetLoop(this, dataset, args);
  }

  private checkTrainable(where: string): void {
    if (this.inferenceOnly) throw new StateError(`${where}: expected a model that can be trained, got ${this.inferenceOnly}. Load a float32 file (saved with weightsDtype 'float32', the default) to train.`);
  }

  /** A permutation of [0, n) from the model's shuffle stream (Fisher-Yates on Philox words). @internal */
  permutation(n: number): Int32Array {
    this.alive('fit');
    const a = this.ensureAllocated();
    const s = this.streams.get(-1, 'shuffle');
    const mark = a.mark();
    const p = a.alloc(Math.max(1, n) * 4, 'shuffle words');
    a.k.rng_u32(p, n, s.k0, s.k1, s.lo, s.hi);
    s.advance(Math.ceil(n / 4));
    const words = new Uint32Array(a.memory.buffer, p, n).slice();
    a.reset(mark);
    const perm = identity(n);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor((words[i] * (i + 1)) / 4294967296);
      const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    return perm;
  }

  // ---------------------------------------------------------------- weights

  /** Copies of every weight (trainable and not) in Keras order and layout. */
  getWeights(): WeightValue[] {
    this.alive('getWeights');
    const a = this.ensureAllocated();
    return this.allWeights().map(({ w }) => ({ data: a.f32(w.ptr, w.size).slice(), shape: w.shape.slice() }));
  }

  /** Sets every weight; count, shapes and values are checked first, so a bad list changes nothing. */
  setWeights(weights: (WeightValue | { data: ArrayLike<number>; shape: readonly number[] } | unknown[])[]): void {
    this.alive('setWeights');
    this.build();
    this.writeWeights(this.allWeights().map(({ w }) => w), weights, 'setWeights');
  }

  /**
   * The layer named `name`, or at position `index` of model.layers (Keras get_layer, TF.js getLayer): a ConfigError
   * naming the model's layers when there is none, or when both or neither are given (Keras refuses both).
   */
  getLayer(name?: string | number | null, index?: number | null): Layer {
    this.alive('getLayer');
    const names = this.layers.map((l) => JSON.stringify(l.name)).join(', ');
    // TF.js's getLayer(0) and Keras's get_layer(None, 1): a number first is the index, null is absent
    if (typeof name === 'number' && index == null) { index = name; name = undefined; }
    if (name === null) name = undefined;
    if (index === null) index = undefined;
    if ((name === undefined) === (index === undefined)) {
      throw new ConfigError(`getLayer: expected a layer name or an index, one of them, got ${name === undefined ? 'neither' : 'both'}.`);
    }
    if (index !== undefined) {
      if (!Number.isInteger(index) || index < 0 || index >= this.layers.length) {
        throw new ConfigError(`getLayer: expected an index in [0, ${this.layers.length - 1}] (the model has ${this.layers.length} layers), got ${describeValue(index)}.`);
      }
      return this.layers[index];
    }
    const found = this.layers.find((l) => l.name === name);
    if (!found) throw new ConfigError(`getLayer: expected the name of one of the model's layers (${names}), got ${describeValue(name)}.${didYouMean(name, this.layers.map((l) => l.name))}`);
    return found;
  }

  /** A layer's weights (Layer.getWeights). @internal */
  layerWeights(layer: Layer): WeightValue[] {
    this.alive(`${layer.name}.getWeights`);
    const a = this.ensureAllocated();
    return layer.weights.map((w) => ({ data: a.f32(w.ptr, w.size).slice(), shape: w.shape.slice() }));
  }

  /**
   * One of its layers went to another model (which took that layer's weights): every call but dispose() is refused
   * from now on, so the layers it still has take their weights along (for a model they may join next) and its memory
   * and workers go back now rather than when it is collected. Not while a save reads the memory (it ends first).
   * @internal
   */
  layerLeft(): void {
    if (this.disposed) return;
    if (!this.arena) { if (this.optimizer?.owner === this) this.optimizer.release(); return; } // (free for the new model)
    if (this.saving > 0) { this.leftDuringSave = true; return; } // (save's end runs it)
    this.carryWeights();
    this.giveMemoryBack(); // (the optimizer is free for the model the layers went to)
  }

  /** Copies of a layer's weights when this model holds them (laid out, not disposed), else null. @internal */
  heldWeights(layer: Layer): WeightValue[] | null {
    if (this.disposed || !this.arena || layer.weights.length === 0) return null;
    const a = this.arena;
    return layer.weights.map((w) => ({ data: a.f32(w.ptr, w.size).slice(), shape: w.shape.slice() }));
  }

  /** Sets a layer's weights (Layer.setWeights), checked as setWeights checks them. @internal */
  setLayerWeights(layer: Layer, weights: unknown): void {
    this.alive(`${layer.name}.setWeights`);
    this.build();
    this.writeWeights(layer.weights, weights, `${layer.name}.setWeights`);
  }

  /** Writes `weights` into `targets` after checking the count, every shape and every value (all or nothing). */
  private writeWeights(targets: Weight[], weights: unknown, where: string): void {
    const flats = checkWeightList(targets, weights, where);
    this.checkNotSaving(where);
    const a = this.ensureAllocated();
    flats.forEach((f, i) => a.f32(targets[i].ptr, targets[i].size).set(f.data));
    this.weightsVersion++;
  }

  /**
   * Serving speed-up for an LSTM, GRU or SimpleRNN (or a Bidirectional of one) right after an embedding: with `enabled` (default true),
   * predictions look each position's input projection bias + E[id] . W up in a table computed once for the whole
   * vocabulary, instead of computing it per call: the recurrence is then all that is left of the layer's work
   * (B batch 1: README "Serving"). The same bytes as without. The tables take V x 4 units floats per LSTM, 3 per GRU, 1 per SimpleRNN (each
   * direction of a Bidirectional), are made at the first prediction after this call and again at the first one after
   * any weight change (fit, trainOnBatch, setWeights, loading weights into the model). `false` stops using them;
   * their memory stays with the model until dispose(). Not saved with the model. Training is unaffected.
   */
  cacheInputProjections(enabled = true): void {
    this.alive('cacheInputProjections');
    if (typeof enabled !== 'boolean') throw new ConfigError(`cacheInputProjections: expected enabled to be true or false, got ${describeValue(enabled)}.`);
    if (!enabled) { this.inputProjections = false; return; }
    this.build();
    // each LSTM, GRU or SimpleRNN whose input is an embedding's output: the layer right after the embedding (or after dropouts,
    // which pass it on in inference), or both its directions
    const targets: { lstm: Recurrent; V: number }[] = [];
    this.layers.forEach((l, i) => {
      let j = i + 1;
      while (this.layers[j]?.inferenceIdentity) j++;
      const next = this.layers[j];
      if (!(l instanceof Embedding) || !next) return;
      const lstms = next instanceof Recurrent ? [next] : next instanceof Bidirectional ? [next.forwardLayer, next.backwardLayer] : [];
      for (const lstm of lstms) targets.push({ lstm, V: l.inputDim });
    });
    if (targets.length === 0) {
      throw new ConfigError(`cacheInputProjections: expected an lstm, gru, simpleRNN or bidirectional layer right after an embedding (or after dropouts following it), got the layers ${this.layers.map((l) => l.className).join(' -> ')}.`);
    }
    const a = this.ensureAllocated();
    const missing = targets.filter(({ lstm, V }) => !lstm.hasProjectionTable(V));
    const bytes = missing.reduce((n, { lstm, V }) => n + lstm.projectionBytes(V), 0);
    if (bytes > 0) {
      this.checkNotSaving('cacheInputProjections');
      a.reset(this.persistentMark);
      this.plannedB = 0;
      if (!a.fits(bytes)) throw new MemoryError(`cacheInputProjections: expected the input-projection tables (${fmtBytes(bytes)}) to fit in the 4 GiB of Wasm memory after the weights, got only ${fmtBytes(MAX_BYTES - a.mark())} left.`);
      for (const { lstm, V } of missing) lstm.setProjectionTable(a.alloc(lstm.projectionBytes(V), `input-projection table of ${lstm.name}`), V);
      this.persistentMark = a.mark();
    }
    this.inputProjections = true;
  }

  /** Bytes of Wasm memory this model's arena holds (0 before first use and after dispose). */
  get memoryBytes(): number { return this.arena ? this.arena.memory.buffer.byteLength : 0; }

  /** The model's random-stream positions and optimizer step count (what makes the next run reproducible). */
  get state(): { iterations: number; streams: Record<string, number> } {
    return { iterations: this.optimizer?.iterations ?? 0, streams: this.streams.state() };
  }

  // ---------------------------------------------------------------- files

  /**
   * What model.save writes beside the weights, restored by loadModel: labels, tokenizer (JSON), preprocessing
   * (maxlen, padding, truncating), history, createdBy, and userDefinedMetadata for anything of your own.
   */
  get metadata(): ModelMetadata { return this.meta; }
  set metadata(m: ModelMetadata) { this.meta = checkMetadata(m, 'metadata'); }

  /**
   * Saves the model as one bilstm-attn file: architecture, compile config, optimizer state and step count
   * (includeOptimizer, default true), random-stream positions, metadata, and the weights (float32, or float16 for an
   * inference-only file of half the size). `target`: a path (Node, Deno, Bun), a WritableStream, or nothing to get
   * the bytes. The same model saved twice gives the same bytes.
   */
  save(target?: undefined, options?: SaveOptions): Promise<Uint8Array>;
  save(target: string | WritableStream<Uint8Array>, options?: SaveOptions): Promise<undefined>;
  save(target?: string | WritableStream<Uint8Array>, options?: SaveOptions): Promise<Uint8Array | undefined>;
  async save(target?: string | WritableStream<Uint8Array>, options: SaveOptions = {}): Promise<Uint8Array | undefined> {
    this.alive('save');
    const o = checkSaveOptions(options);
    const metadata = checkMetadata(this.meta, 'save: metadata');
    const a = this.ensureAllocated();
    if (this.inferenceOnly && options.weightsDtype === 'float32') {
      throw new ConfigError(`save: expected weightsDtype 'float16' (or none) for ${this.inferenceOnly}, got 'float32': its weights cannot be made full precision again.`);
    }
    const f16 = o.weightsDtype === 'float16' || this.inferenceOnly !== null;
    const withState = o.includeOptimizer && !f16 && this.optimizer !== null;
    const weights = this.weightRegions();
    if (f16 && !this.inferenceOnly) checkHalfRange(weights, (p, n) => a.f32(p, n));
    const slots = withState ? this.slotRegions() : [];
    const fields = {
      createdBy: CREATED_BY,
      model: this.getConfig(),
      inputShape: this.inputShape,
      weightsDtype: f16 ? 'float16' : 'float32',
      inferenceOnly: f16,
      compile: this.getCompileConfig(),
      optimizerState: withState,
      training: { iterations: withState ? this.optimizer!.iterations : 0, streams: this.streams.state() },
      metadata,
    };
    // the bytes must be one moment of the model: nothing may train it while the save awaits its sink
    this.saving++;
    try {
      return await saveFile({ fields, weights, slots, weightsDtype: f16 ? 'float16' : 'float32', view: (p, n) => new Uint8Array(a.memory.buffer, p, n) }, target);
    } finally {
      this.saving--;
      // a layer that left during the save: the memory goes back now that nothing reads it
      if (this.saving === 0 && this.leftDuringSave) { this.leftDuringSave = false; this.layerLeft(); }
    }
  }

  /** Each weight's memory, in Keras order. */
  private weightRegions(): { name: string; shape: number[]; ptr: number }[] {
    return this.allWeights().map(({ w }) => ({ name: w.name, shape: w.shape.slice(), ptr: w.ptr }));
  }

  /** Each trainable weight's optimizer slots (allocated first if a layer became trainable since), named as in files. */
  private slotRegions(): { name: string; shape: number[]; ptr: number }[] {
    const opt = this.optimizer!;
    // a new trainable set lays the state out again: not under a save still streaming the old one
    if (this.saving > 0 && !opt.isAllocatedFor(this.arena!, this.trainableList().map(({ w }) => w))) {
      throw new StateError(`save: expected the trainable weights of the save in progress, got another set (a layer's trainable changed since it began). Await that save first.`);
    }
    this.allocateOptimizer();
    return this.trainableList().flatMap(({ w }) => {
      const st = opt.stateOf(w.name);
      if (!st) throw new StateError(`${this.name}: expected optimizer state for ${w.name}, got none (an internal error: please report it).`);
      return opt.slotNames().map((slot, i) => ({ name: `optimizer/${w.name}/${slot}`, shape: w.shape.slice(), ptr: st[i] }));
    });
  }

  /** Refuses a call that would change the model while a save is writing it. */
  private checkNotSaving(where: string): void {
    if (this.saving > 0) throw new StateError(`${where}: expected no save in progress, got one. Await model.save() first.`);
  }

  /**
   * For loadModel: allocates the model without initializing it and returns where each tensor of the file goes, in the
   * file's order (weights, then optimizer slots when the file has them). @internal
   */
  prepareLoad(withState: boolean): { regions: { name: string; shape: number[]; ptr: number }[]; nWeights: number; view: (ptr: number, n: number) => Uint8Array } {
    this.alive('loadModel');
    const a = this.ensureAllocated(false);
    this.weightsVersion++; // the caller writes the file's weights into the regions next
    const regions = this.weightRegions();
    const nWeights = regions.length;
    if (withState) {
      if (!this.optimizer) throw new StateError(`loadModel: expected a compiled model to restore optimizer state into, got none.`);
      regions.push(...this.slotRegions());
    }
    return { regions, nWeights, view: (p, n) => new Uint8Array(a.memory.buffer, p, n) };
  }

  /** For loadModel: the training state and metadata of the file. @internal */
  restoreFromFile(s: { iterations: number; streams: Record<string, number>; metadata: ModelMetadata; inferenceOnly: boolean }): void {
    if (this.optimizer) this.optimizer.iterations = s.iterations;
    this.streams.restore(s.streams);
    this.meta = s.metadata;
    this.inferenceOnly = s.inferenceOnly ? 'a model loaded from a float16 file (inference only: its weights were rounded to half precision)' : null;
  }

  /** Ends the worker threads and drops the memory (a failed load): the caller drops the model too. @internal */
  releaseMemory(): void { this.dispose(); }

  /**
   * Gives the model's resources back now: ends its worker threads and drops its Wasm memory (weights, optimizer
   * state, activations). Any later call on the model is a StateError; a second dispose does nothing. A model that is
   * simply dropped has its workers ended after garbage collection too, but later and at the collector's pace.
   */
  dispose(): void {
    if (this.disposed) return;
    // a layer left during a save: the others take their weights along now, as layerLeft would have at the save's end
    if (this.leftDuringSave) { this.leftDuringSave = false; this.carryWeights(); }
    this.disposed = true;
    this.giveMemoryBack(); // (the optimizer would hold the memory through its state's arena)
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean { return this.disposed; }

  private alive(where: string): void {
    if (this.disposed) throw new StateError(`${where}: expected a model that is not disposed, got ${this.name}, whose memory and threads model.dispose() gave back. Build or load a new model.`);
    let moved: Layer | null = null;
    for (const l of this.layers) if ((moved = l.movedFrom(this))) break;
    if (moved) {
      throw new StateError(`${where}: expected a model whose layers are its own, got ${this.name}, whose layer ${JSON.stringify(moved.name)} went to model ${JSON.stringify(moved.owner?.name)} (a layer's weights live in one model's memory: it took them along; Keras would share them). Build a new layer for each model, copying weights with getWeights/setWeights if you need them.`);
    }
  }
}

export function sequential(args: SequentialArgs = {}): Sequential { return new Sequential(args); }

/** The embedding output c.tokens describes, read through a call: a layer's forward sets it (no narrowing across). */
function pendingTokens(c: Ctx): TokenRows | null | undefined { return c.tokens; }

/** A Float32Array of n results, or a MemoryError naming them when JavaScript cannot allocate so many. */
function resultArray(n: number, what: string): Float32Array {
  try {
    return new Float32Array(n);
  } catch (e) {
    throw new MemoryError(`${what}: expected ${n} floats (${fmtBytes(4 * n)}) to fit in JavaScript memory, got a refusal (${(e as Error).message}). Predict fewer rows at a time.`);
  }
}

/**
 * Refuses a float16 save of a weight that float16 cannot hold (|w| >= 65520 rounds to Infinity; the largest half
 * is 65504), before any byte is written: the file would load and predict NaN.
 */
function checkHalfRange(weights: { name: string; shape: number[]; ptr: number }[], view: (ptr: number, n: number) => Float32Array): void {
  for (const w of weights) {
    const v = view(w.ptr, w.shape.reduce((p, d) => p * d, 1));
    for (let i = 0; i < v.length; i++) {
      if (!(Math.abs(v[i]) < 65520)) {
        throw new ValueError(`save: expected weights float16 can hold for weightsDtype 'float16' (|w| < 65520, which rounds to at most 65504; more would be Infinity), got ${v[i]} in ${w.name} at flat index ${i}. Save as float32 (the default).`);
      }
    }
  }
}
