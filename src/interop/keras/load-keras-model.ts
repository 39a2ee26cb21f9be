// loadKerasModel and loadKerasWeights: a Keras .h5 / .keras file into a normal Sequential (summary, predict, fit, save).
// The config becomes our model (config.ts); weights are matched layer by layer in the file's order and by shape, never
// by name alone, and read straight into the model's memory; the training config becomes compile() when we can.
import { readKerasFile, storeKeys, type KerasFile } from './files.js';
import { planKerasModel, type CustomObject, type KerasPlan } from './config.js';
import { Sequential } from '../../model/sequential.js';
import type { LossConfig, LossName } from '../../model/losses.js';
import type { MetricName } from '../../model/metrics.js';
import type { SourceOptions } from '../../io/sources.js';
import type { Hdf5Dataset } from '../../io/hdf5.js';
import { BilstmError, CheckpointError, ConfigError, ShapeError, StateError, ValueError, describeValue, isPlainObject, didYouMean } from '../../errors.js';
import { checkInitialized } from '../../core/wasm.js';

export interface LoadKerasOptions extends SourceOptions {
  /** The file's custom classes -> ours: { AttentionLayer: 'attention' } or { AttentionLayer: { layer: 'attention', returnSequences: false } }. */
  customObjects?: Record<string, CustomObject>;
}


/**
 * Imports a Keras model: Keras 2 / tf.keras HDF5 (`model.save('m.h5')`), Keras 3 `.keras` (and tf.keras 2.13-2.15's),
 * and the legacy .h5 Keras 3 still writes. Sequential models, and Functional ones that are a straight chain.
 */
export async function loadKerasModel(source: unknown, options: LoadKerasOptions = {}): Promise<Sequential> {
  const where = 'loadKerasModel';
  const { customObjects, ...sourceOptions } = checkOptions(options, where);
  checkInitialized(); // before the file is read
  const file = await readKerasFile(source, sourceOptions, where);
  if (file.modelConfig === null) {
    throw new CheckpointError(`${where}: expected a model file (with its config), got a weights-only file (save_weights). Build the model and call loadKerasWeights(model, source).`);
  }
  return modelFromKerasFile(file, customObjects, where);
}

/**
 * A read Keras-shaped file (Keras .h5 / .keras, or a TF.js model.json with its weights) -> a built Sequential holding
 * its weights, compiled when the file's training config allows. On any failure the model's memory is released. @internal
 */
export function modelFromKerasFile(file: KerasFile, customObjects: Record<string, CustomObject> | undefined, where: string): Sequential {
  const plan = planKerasModel(file.modelConfig, { kerasVersion: file.kerasVersion, customObjects, where });
  if (file.notes) plan.notes.push(...file.notes);
  if (file.kind === 'tfjs') checkTfjsMasking(plan, where);
  fixAttentionLength(plan, file, where);
  const model = build(plan, where);
  let ok = false;
  try {
    // the file's weights matched against the model's (count, shapes, dtypes) before its memory is laid out: a small
    // file that claims a huge layer is refused without growing the memory
    buildOrRefuse(model, where);
    const jobs = match(plan, file, model, where);
    const { regions, view } = prepare(model, where);
    copyWeights(jobs, where, (r, n) => { const b = view(regions[r].ptr, 4 * n); return new Float32Array(b.buffer, b.byteOffset, n); });
    compileFrom(file, model, plan.notes);
    model.metadata = file.kind === 'tfjs'
      ? { createdBy: file.kerasVersion, userDefinedMetadata: { tfjsImport: { format: 'layers-model', generatedBy: file.kerasVersion, notes: plan.notes } } }
      : { createdBy: `keras ${file.kerasVersion}`, userDefinedMetadata: { kerasImport: { format: file.kind, kerasVersion: file.kerasVersion, notes: plan.notes } } };
    ok = true;
    return model;
  } catch (e) {
    throw asImportError(e, where);
  } finally {
    if (!ok) model.releaseMemory();
  }
}

/**
 * TF.js repeats the previous output at masked steps where Keras's Bidirectional(returnSequences) writes 0; with a
 * goBackwards LSTM or GRU inside, its outputs come in reversed time order and those steps land on real ones, so under a mask
 * TF.js computes other outputs than Keras (and this package): refused, as exportTfjs refuses to write such a model (a
 * review's differential check found imports up to 0.55 off).
 */
function checkTfjsMasking(plan: KerasPlan, where: string): void {
  let masked = false;
  for (const p of plan.layers) {
    const c = p.config as Record<string, any>;
    if (masked && p.className === 'Bidirectional' && c.layer.config.goBackwards && c.layer.config.returnSequences) {
      throw new ConfigError(`${where}: layer ${p.kerasName}: expected a Bidirectional TF.js runs as Keras under a mask, got one around ${c.layer.className === 'LSTM' ? 'an LSTM' : `a ${c.layer.className}`} with goBackwards and returnSequences (TF.js repeats outputs at padded steps where Keras writes 0, and here they land on real steps, so TF.js's outputs are not Keras's, which this package computes).`);
    }
    if ((p.className === 'Embedding' && c.maskZero) || p.className === 'Masking') masked = true;
  }
}

/**
 * Loads weights saved with Keras's save_weights (.h5 of Keras 2 / tf.keras, Keras 3 .weights.h5) into a model built
 * like the one that saved them: matched by layer order and shape. All or nothing: on any mismatch the model is as it was.
 */
export async function loadKerasWeights(model: Sequential, source: unknown, options: SourceOptions = {}): Promise<void> {
  const where = 'loadKerasWeights';
  if (!(model instanceof Sequential)) throw new ConfigError(`${where}: expected a Sequential model, got ${describeValue(model)}.`);
  checkInitialized();
  const file = await readKerasFile(source, options, where);
  const plan: KerasPlan = {
    model: model.getConfig() as KerasPlan['model'],
    layers: model.layers.map((l) => ({ kerasName: l.name, kerasClass: kerasClassOf(l.className), className: l.className, config: l.getConfig() })),
    inputShape: null,
    notes: [],
  };
  // weights first into copies, then set at once: a mismatch leaves the model unchanged
  const values = model.getWeights();
  try {
    copyWeights(match(plan, file, model, where), where, (r) => values[r].data);
  } catch (e) {
    throw asImportError(e, where);
  }
  model.setWeights(values);
}

function checkOptions(o: unknown, where: string): LoadKerasOptions {
  if (!isPlainObject(o)) throw new ConfigError(`${where}: expected options { customObjects, onProgress, signal }, got ${describeValue(o)}.`);
  const extra = Object.keys(o).find((k) => !['customObjects', 'onProgress', 'signal'].includes(k));
  if (extra !== undefined) throw new ConfigError(`${where}: expected options among customObjects, onProgress, signal, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, ['customObjects', 'onProgress', 'signal'])}`);
  if (o.customObjects !== undefined && !isPlainObject(o.customObjects)) throw new ConfigError(`${where}: expected customObjects to be an object { ClassName: 'attention' }, got ${describeValue(o.customObjects)}.`);
  return o as LoadKerasOptions;
}

/** Errors of ours from building pass as they are; anything else from a file is a CheckpointError. */
function asImportError(e: unknown, where: string): unknown {
  if (e instanceof BilstmError) return e;
  return new CheckpointError(`${where}: expected a readable Keras file, got an error reading it: ${e instanceof Error ? e.message : String(e)}`);
}

function build(plan: KerasPlan, where: string): Sequential {
  try {
    return Sequential.fromConfig(plan.model);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${where}: the file's model cannot be built here: ${e.message}`);
    throw e;
  }
}

/** The model's memory, laid out for its weights. A layer order that cannot work (an LSTM without returnSequences
 *  before attention: a ShapeError from building; a first layer without an input shape: a StateError) is a model that
 *  cannot be built here, as in build(). */
function prepare(model: Sequential, where: string): ReturnType<Sequential['prepareLoad']> {
  return cannotBuild(where, () => model.prepareLoad(false));
}

/** Builds the model's shapes and weights (no memory yet), refused as in prepare(). */
function buildOrRefuse(model: Sequential, where: string): void {
  cannotBuild(where, () => model.build());
}

function cannotBuild<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShapeError || e instanceof ValueError || e instanceof ConfigError || e instanceof StateError) throw new ConfigError(`${where}: the file's model cannot be built here: ${e.message}`);
    throw e;
  }
}

/** The Keras class our layer came from (for a weights-only file keyed by class). */
function kerasClassOf(className: string): string {
  return className === 'Attention' ? 'AttentionLayer' : className;
}

/**
 * Our attention needs a fixed length: when the file leaves it free, its b [T, 1] says it, and the first layer's config
 * gets it (inputLength, or inputShape [T, F]), so getConfig/fromConfig rebuild the same model. A free-length model
 * without attention stays free (any T per call, as in Keras).
 */
function fixAttentionLength(plan: KerasPlan, file: KerasFile, where: string): void {
  const declared = plan.inputShape;
  if (declared && declared.every((d) => d !== null)) return;
  const i = plan.layers.findIndex((l) => l.className === 'Attention');
  if (i < 0) return;
  const ds = layerWeights(plan, file, where)[i];
  // W [F, 1] and b [T, 1] ([F] and [T] in a common Keras attention class), in either order: by their names where
  // they tell, else F is what the layer before gives, so b is the other one
  const F = featuresInto(plan, i);
  const named = ds.length === 2 ? attentionOrder(ds) : null;
  const b = ds.length === 2 ? (named ? named[1] : F !== null && ds[0].shape[0] === F ? ds[1] : ds[0]) : undefined;
  const T = b && (b.shape.length === 1 || (b.shape.length === 2 && b.shape[1] === 1)) ? b.shape[0] : 0;
  if (!T) throw new CheckpointError(`${where}: layer ${plan.layers[i].kerasName}: expected weights W [F, 1] and b [T, 1] to take the input length from, got ${ds.map((d) => `[${d.shape.join(', ')}]`).join(', ')}.`);
  const first = plan.layers[0].config as Record<string, unknown>;
  if (plan.layers[0].className === 'Embedding') first.inputLength = T;
  else first.inputShape = declared && declared.length > 1 ? [T, ...declared.slice(1)] : [T];
}

/** An attention layer's two datasets as [W, b] when their names say which is which (W, weight, kernel; b, bias), else
 *  null (a .keras store names them 0 and 1). */
function attentionOrder(ds: Hdf5Dataset[]): [Hdf5Dataset, Hdf5Dataset] | null {
  const base = (d: Hdf5Dataset) => d.path.slice(d.path.lastIndexOf('/') + 1).replace(/:\d+$/, '');
  const isW = (d: Hdf5Dataset) => /(^|_)(w|weights?|kernel)$/i.test(base(d));
  const isB = (d: Hdf5Dataset) => /(^|_)(b|bias)$/i.test(base(d));
  if (isW(ds[0]) && isB(ds[1])) return [ds[0], ds[1]];
  if (isB(ds[0]) && isW(ds[1])) return [ds[1], ds[0]];
  return null;
}

/** Features reaching planned layer i (the last LSTM/Bidirectional/Embedding/Dense width before it), or null. */
function featuresInto(plan: KerasPlan, i: number): number | null {
  for (let j = i - 1; j >= 0; j--) {
    const c = plan.layers[j].config as Record<string, any>;
    switch (plan.layers[j].className) {
      case 'Embedding': return c.outputDim;
      case 'Dense': case 'LSTM': case 'GRU': case 'SimpleRNN': return c.units;
      case 'Conv1D': return c.filters;
      case 'Bidirectional': return c.mergeMode === 'concat' ? 2 * c.layer.config.units : c.layer.config.units;
    }
  }
  return null;
}

/** How many weights a planned layer has (from its config: the model may not be built yet). */
function weightCount(l: KerasPlan['layers'][number]): number {
  const c = l.config as Record<string, any>;
  switch (l.className) {
    case 'Embedding': return 1;
    case 'LSTM': case 'GRU': case 'SimpleRNN': return c.useBias === false ? 2 : 3;
    case 'Bidirectional': return 2 * (c.layer.config.useBias === false ? 2 : 3);
    case 'Dense': case 'Conv1D': return c.useBias === false ? 1 : 2;
    case 'BatchNormalization': return 4;
    case 'Attention': return 2;
    default: return 0;
  }
}

/**
 * For each planned layer, the file's weight datasets (in Keras order). Legacy HDF5 pairs the file's layers that hold
 * weights, in layer_names order, with the model's layers that have weights, in order (as Keras's load_weights does:
 * names may differ, e.g. embedding_1 in the file); the weight store keys layers by class (storeKeys).
 */
function layerWeights(plan: KerasPlan, file: KerasFile, where: string): Hdf5Dataset[][] {
  if (file.keyedBy === 'name') {
    const held = [...file.layers.entries()].filter(([, ds]) => ds.length > 0);
    const wanting = plan.layers.map((l, i) => [i, weightCount(l)] as const).filter(([, n]) => n > 0);
    if (held.length !== wanting.length) {
      throw new CheckpointError(`${where}: expected weights for ${wanting.length} layers (${wanting.map(([i]) => plan.layers[i].kerasName).join(', ')}), got weights for ${held.length} in the file (${held.map(([k]) => k).join(', ')}).`);
    }
    const out: Hdf5Dataset[][] = plan.layers.map(() => []);
    wanting.forEach(([i], k) => { out[i] = held[k][1]; });
    return out;
  }
  const counts = new Map<string, number>();
  const used = new Set<string>();
  const out = plan.layers.map((l) => {
    const n = counts.get(l.kerasClass) ?? 0;
    counts.set(l.kerasClass, n + 1);
    const keys = storeKeys(l.kerasClass, n);
    const key = keys.find((k) => file.layers.has(k)) ?? keys[0];
    used.add(key);
    return file.layers.get(key) ?? [];
  });
  for (const [key, ds] of file.layers) {
    if (!used.has(key) && ds.length > 0) {
      throw new CheckpointError(`${where}: expected weights only for the model's layers (${plan.layers.map((l) => l.kerasName).join(', ')}), got ${ds.length} for ${JSON.stringify(key)}.`);
    }
  }
  return out;
}

/**
 * Matches each layer's file datasets with our weights: same count, same shapes, floats, in order (attention W and b
 * by shape). Returns each dataset with the index of its weight in the model's weight order; copies nothing.
 */
function match(plan: KerasPlan, file: KerasFile, model: Sequential, where: string): WeightJob[] {
  const per = layerWeights(plan, file, where);
  const jobs: WeightJob[] = [];
  let r = 0;
  plan.layers.forEach((l, i) => {
    const ours = model.layers[i].weights.map((w) => ({ name: w.name, shape: w.shape, r: r++ }));
    let ds = per[i];
    const label = `layer ${l.kerasName} (${l.kerasClass})`;
    if (ds.length !== ours.length) {
      throw new CheckpointError(`${where}: ${label}: expected ${ours.length} weights (${ours.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ') || 'none'}), got ${ds.length} in the file${ds.length ? ` (${ds.map((d) => `${d.path} [${d.shape.join(', ')}]`).join(', ')})` : ''}.`);
    }
    // attention's W and b: by their names where they tell (a layer may create b first; with F == T the shapes cannot
    // tell), else by shape; W [F] and b [T] (a common Keras attention class) are W [F, 1] and b [T, 1]
    const attention = l.className === 'Attention' && ds.length === 2;
    const flat = (d: Hdf5Dataset, t: { shape: number[] }) => attention && d.shape.length === 1 && t.shape.length === 2 && t.shape[1] === 1 && d.shape[0] === t.shape[0];
    const fits = (d: Hdf5Dataset, t: { shape: number[] }) => sameShape(d.shape, t.shape) || flat(d, t);
    if (attention) ds = attentionOrder(ds) ?? (!fits(ds[0], ours[0]) && fits(ds[1], ours[0]) ? [ds[1], ds[0]] : ds);
    // a CuDNNLSTM's or CuDNNGRU's weights (also a save_weights file of one, loaded into our LSTM or GRU): told by
    // its flat bias of 8H (two biases of 4H) or 6H (a GRU's [2, 3H] flat), as Keras's load_weights tells them, and
    // converted as it converts them
    const inner = l.className === 'Bidirectional' ? (l.config as Record<string, any>).layer.className : l.className;
    const recurrent = inner === 'LSTM' || inner === 'GRU';
    const gates = inner === 'GRU' ? 3 : 4;
    const cudnnBias = (d: Hdf5Dataset, t: { shape: number[] }) => (gates === 4
      ? t.shape.length === 1 && sameShape(d.shape, [2 * t.shape[0]])
      : t.shape.length === 2 && t.shape[0] === 2 && sameShape(d.shape, [2 * t.shape[1]]));
    const cudnnAt = (j: number) => recurrent && j % 3 === 2 && ds.length % 3 === 0 && cudnnBias(ds[j], ours[j]);
    const cudnn = ds.some((_, j) => cudnnAt(j));
    if (cudnn && !ds.every((_, j) => j % 3 !== 2 || cudnnAt(j))) throw new CheckpointError(`${where}: ${label}: expected every direction's bias in one layout, got ${ds.filter((_, j) => j % 3 === 2).map((d) => `${d.path} [${d.shape.join(', ')}]`).join(' and ')}.`);
    ds.forEach((d, j) => {
      const t = ours[j];
      const convert = cudnn ? (['cudnnKernel', 'cudnnRecurrent', 'cudnnBias'] as const)[j % 3] : undefined;
      if (!fits(d, t) && !(convert === 'cudnnBias' && cudnnAt(j))) {
        throw new CheckpointError(`${where}: ${label}: expected weight ${j} (${t.name}) of shape [${t.shape.join(', ')}], got ${d.path} of shape [${d.shape.join(', ')}].`);
      }
      if (d.dtype !== 'float32' && d.dtype !== 'float64' && d.dtype !== 'float16') {
        throw new CheckpointError(`${where}: ${label}: expected ${d.path} to hold floats, got ${d.dtype}.`);
      }
      jobs.push({ ds: d, r: t.r, n: t.shape.reduce((p, k) => p * k, 1), ...(convert ? { convert, gates } : {}) });
    });
  });
  return jobs;
}

/** A weight read from the file as it is, or from a CuDNNLSTM's or CuDNNGRU's layout into ours (fromCudnn, gates 4 or 3). */
interface WeightJob { ds: Hdf5Dataset; r: number; n: number; convert?: CudnnPart; gates?: number }

/** Reads each matched dataset into its weight (`into`: the weight's floats by index and length); a NaN or an
 *  Infinity in the file is a CheckpointError naming the dataset. */
function copyWeights(jobs: WeightJob[], where: string, into: (r: number, n: number) => Float32Array): void {
  for (const { ds, r, n, convert, gates } of jobs) {
    const a = into(r, n);
    const file = convert ? new Float32Array(ds.size) : a;
    ds.readFloat32Into(file);
    for (let i = 0; i < file.length; i++) {
      if (!Number.isFinite(file[i])) throw new CheckpointError(`${where}: expected finite weights, got ${file[i]} in ${ds.path} at flat index ${i}.`);
    }
    if (convert) {
      fromCudnn(convert, file, ds.shape, a, gates ?? 4);
      // (two finite float32 biases may sum past float32's range)
      const bad = a.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new CheckpointError(`${where}: expected the input and recurrent biases of ${ds.path} to sum to finite float32 values, got ${a[bad]} at index ${bad}.`);
    }
  }
}

type CudnnPart = 'cudnnKernel' | 'cudnnRecurrent' | 'cudnnBias';

/**
 * A CuDNNLSTM (gates 4) or CuDNNGRU (gates 3) weight in our LSTM's or GRU's layout, as Keras's load_weights converts
 * it (_convert_rnn_weights). cuDNN reads each gate's slice g of the kernel [I, gates * H] (Keras's gate order),
 * flattened row by row, as its matrix [H, I]: our kernel block is that matrix transposed; a recurrent block [H, H] is
 * read as it is, so ours is its transpose. The LSTM's bias [8H] holds the input and the recurrent biases, which an
 * LSTM adds (float32 sums, as numpy's); the GRU's [6H] is our GRU's [2, 3H] (input row, recurrent row) as it is.
 */
function fromCudnn(part: CudnnPart, src: Float32Array, shape: number[], dst: Float32Array, gates: number): void {
  if (part === 'cudnnBias') {
    const n = dst.length;
    if (gates === 3) dst.set(src);
    else for (let k = 0; k < n; k++) dst[k] = src[k] + src[n + k];
    return;
  }
  const [rows, cols] = shape;
  const H = cols / gates;
  for (let g = 0; g < gates; g++) {
    for (let i = 0; i < rows; i++) {
      for (let h = 0; h < H; h++) {
        // kernel: element m = h * rows + i of the slice flattened is its [m / H, m % H]; recurrent: [h, i]
        const m = h * rows + i;
        dst[i * cols + g * H + h] = part === 'cudnnKernel' ? src[Math.floor(m / H) * cols + g * H + (m % H)] : src[h * cols + g * H + i];
      }
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const LOSS_CLASSES: Record<string, LossName> = { BinaryCrossentropy: 'binaryCrossentropy', CategoricalCrossentropy: 'categoricalCrossentropy',
  SparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy', MeanSquaredError: 'meanSquaredError' };
/** A loss as a string, as Keras's losses.get takes it: a function's name or alias, or a class name (its defaults). */
const LOSSES: Record<string, LossName> = { binary_crossentropy: 'binaryCrossentropy', bce: 'binaryCrossentropy', BCE: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy', sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError', MSE: 'meanSquaredError', ...LOSS_CLASSES };

/**
 * A training config's loss as compile takes it, or null: a name or alias ('binary_crossentropy', 'bce', or a class
 * name), a serialized function ({ class_name: 'function', config: 'binary_crossentropy' }, Keras 3) or a serialized
 * loss class ({ class_name: 'BinaryCrossentropy', config: { from_logits, label_smoothing, reduction, axis, ... } }),
 * alone or as the one entry of a per-output list or dict. Null for any other loss, a user's class or function under
 * a built-in's name (a 'Custom>' prefix, a module outside keras, another registered_name), another reduction ('sum',
 * 'none', Keras 3's null: no reduction) or axis, so the model is left uncompiled with a note rather than trained on
 * another loss.
 */
function kerasLoss(v: unknown): string | LossConfig | null {
  if (Array.isArray(v)) return v.length === 1 ? kerasLoss(v[0]) : null;
  if (typeof v === 'string') return LOSSES[v] ?? null;
  if (!isPlainObject(v)) return null;
  if (typeof v.class_name !== 'string') { // per output: { "<output name>": loss }
    const values = Object.values(v);
    return values.length === 1 ? kerasLoss(values[0]) : null;
  }
  const cls = v.class_name;
  if (v.module !== undefined && !(typeof v.module === 'string' && /^(keras|tf_keras)(\.|$)/.test(v.module))) return null;
  if (cls === 'function') {
    if (typeof v.config !== 'string' || (v.registered_name != null && v.registered_name !== v.config)) return null;
    return LOSSES[v.config] ?? null;
  }
  if (!LOSS_CLASSES[cls] || (v.registered_name != null && v.registered_name !== cls)) return null;
  const c = isPlainObject(v.config) ? v.config : {};
  const known = ['name', 'reduction', 'from_logits', 'label_smoothing', 'axis', 'fn', 'dtype', 'ignore_class'];
  if (Object.keys(c).some((k) => !known.includes(k))) return null;
  // (tf.keras 'auto' and Keras 3's 'mean' are sum_over_batch_size for a model's loss; Keras 3's null is none)
  if (c.reduction !== undefined && !['auto', 'sum_over_batch_size', 'mean'].includes(c.reduction as string)) return null;
  if (c.axis !== undefined && c.axis !== -1) return null;
  if (c.ignore_class !== undefined && c.ignore_class !== null) return null;
  const out: LossConfig = { name: LOSS_CLASSES[cls] };
  if (c.from_logits !== undefined && c.from_logits !== null) out.fromLogits = c.from_logits as boolean;
  // (compile checks both options' values: a bad one leaves the model uncompiled with a note)
  const ls = c.label_smoothing;
  if (ls !== undefined && ls !== null && ls !== 0) out.labelSmoothing = typeof ls === 'number' ? f32Decimal(ls) : (ls as number);
  return out;
}

/** Keras writes float32 values as float64 (0.0010000000474974513): back to the decimal it was given. */
function f32Decimal(v: number): number {
  return Math.fround(v) === v ? Number(v.toPrecision(7)) : v;
}

/** Keras's training_config (.h5) or compile_config (.keras) -> compile(), when optimizer and loss are ones we have. */
function compileFrom(file: KerasFile, model: Sequential, notes: string[]): void {
  const tc = file.trainingConfig;
  if (!isPlainObject(tc)) return;
  const opt = isPlainObject(tc.optimizer_config) ? tc.optimizer_config : isPlainObject(tc.optimizer) ? tc.optimizer : null;
  const cls = opt && typeof opt.class_name === 'string' ? opt.class_name.slice(opt.class_name.lastIndexOf('>') + 1) : null;
  // TF.js writes its optimizers' getConfig(): camelCase keys, 'RMSProp' (whose decay is Keras's rho) and 'Momentum'
  // (SGD with momentum, useNesterov)
  const tfjs = file.kind === 'tfjs';
  const name = cls === null ? null : tfjs && cls === 'Momentum' ? 'sgd' : cls.toLowerCase();
  const c = opt && isPlainObject(opt.config) ? opt.config : {};
  const loss = kerasLoss(tc.loss);
  if (!name || !['adam', 'sgd', 'rmsprop'].includes(name) || !loss) {
    notes.push(`training config not imported (optimizer ${describeValue(opt?.class_name)}, loss ${describeValue(tc.loss)}): call compile yourself`);
    return;
  }
  // loss_weights scale the loss and its gradients in Keras; compile has none, so only weights of 1 import
  const lw = tc.loss_weights;
  const lossWeights = lw === undefined || lw === null ? [] : Array.isArray(lw) ? lw : isPlainObject(lw) ? Object.values(lw) : [lw];
  if (lossWeights.some((w) => w !== 1)) {
    notes.push(`training config not imported (loss_weights ${describeValue(lw)}: compile here has no loss weights): call compile yourself`);
    return;
  }
  const lr = c.learning_rate ?? c.lr ?? (tfjs ? c.learningRate : undefined);
  if (lr !== undefined && typeof lr !== 'number') {
    notes.push(`training config not imported (a learning-rate schedule ${describeValue(lr)}): call compile yourself`);
    return;
  }
  const num = (v: unknown) => (typeof v === 'number' ? f32Decimal(v) : undefined);
  const optimizer: Record<string, unknown> = { name, learningRate: num(lr),
    clipnorm: num(c.clipnorm), globalClipnorm: num(c.global_clipnorm), clipvalue: num(c.clipvalue) };
  if (name === 'adam') Object.assign(optimizer, { beta1: num(c.beta_1 ?? (tfjs ? c.beta1 : undefined)), beta2: num(c.beta_2 ?? (tfjs ? c.beta2 : undefined)), epsilon: num(c.epsilon), amsgrad: c.amsgrad });
  if (name === 'sgd') Object.assign(optimizer, { momentum: num(c.momentum), nesterov: c.nesterov ?? (tfjs ? c.useNesterov : undefined) });
  if (name === 'rmsprop') Object.assign(optimizer, { rho: num(c.rho ?? (tfjs ? c.decay : undefined)), momentum: num(c.momentum), epsilon: num(c.epsilon), centered: c.centered });
  for (const k of Object.keys(optimizer)) if (optimizer[k] === undefined || optimizer[k] === null) delete optimizer[k];
  for (const k of tfjs ? [] : ['weight_decay', 'decay', 'use_ema']) {
    if (c[k] !== undefined && c[k] !== null && c[k] !== 0 && c[k] !== false) notes.push(`optimizer ${k} ${describeValue(c[k])} not imported (fit here trains without it)`);
  }
  // a metric as a name ('accuracy'), or serialized ({ class_name, config: { name } }); accuracy ('acc' becomes
  // 'accuracy'), Keras's binary, categorical and sparse categorical accuracies (threshold 0.5), mse and mae are
  // carried over, the others said in notes (compile with this library's names yourself)
  // (a list, or per output a dict of lists: { dense: ['accuracy', 'mae'] })
  const listed = (v: unknown): unknown[] => (Array.isArray(v) ? v.flat(3) : isPlainObject(v) ? Object.values(v).flatMap(listed) : []);
  // a serialized metric is what its class computes: a MeanMetricWrapper its fn (or name), one of Keras's metric classes
  // under its default name (its history key) that class's metric; anything else keeps its class in the note
  // (Keras's Accuracy() is an exact match, not 'accuracy')
  const CLASSES: Record<string, string> = { BinaryAccuracy: 'binary_accuracy', CategoricalAccuracy: 'categorical_accuracy',
    SparseCategoricalAccuracy: 'sparse_categorical_accuracy', MeanSquaredError: 'mean_squared_error', MeanAbsoluteError: 'mean_absolute_error' };
  const metricName = (m: unknown): string => {
    if (typeof m === 'string') return m;
    if (!isPlainObject(m)) return describeValue(m);
    const c = isPlainObject(m.config) ? m.config : {};
    const cls = String(m.class_name);
    const n = String(c.name ?? CLASSES[cls] ?? cls);
    if (cls === 'MeanMetricWrapper') {
      // its fn: a name (tf.keras), or a serialized function (Keras 3: { class_name: 'function', config: name }); one
      // of another name, or of no name we read, is not the metric its name says
      const fn = c.fn === undefined || c.fn === null ? n : typeof c.fn === 'string' ? c.fn
        : isPlainObject(c.fn) && typeof c.fn.config === 'string' ? c.fn.config : describeValue(c.fn);
      return fn === n ? n : `${n} (${fn})`;
    }
    if (c.threshold !== undefined && c.threshold !== null && c.threshold !== 0.5) return `${n} (${cls}, threshold ${describeValue(c.threshold)})`;
    return CLASSES[cls] === n || n === cls ? n : `${n} (${cls})`;
  };
  const ours = (m: string) => (m === 'acc' ? 'accuracy' : m);
  const known = ['accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'mse', 'mae', 'mean_squared_error', 'mean_absolute_error'];
  const carried = (v: unknown) => [...new Set(listed(v).map((m) => ours(metricName(m))).filter((m) => known.includes(m)))] as MetricName[];
  const dropped = [...listed(tc.metrics), ...listed(tc.weighted_metrics)].map(metricName).filter((m) => !known.includes(ours(m)));
  const weightedMetrics = carried(tc.weighted_metrics);
  try {
    model.compileFromConfig({ optimizer, loss, metrics: carried(tc.metrics), ...(weightedMetrics.length ? { weightedMetrics } : {}) });
    if (dropped.length > 0) notes.push(`compile metrics ${dropped.map((m) => JSON.stringify(m)).join(', ')} not imported (the accuracies, mse and mae are): pass metrics to compile yourself`);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    notes.push(`training config not imported (${e.message}): call compile yourself`);
  }
}
