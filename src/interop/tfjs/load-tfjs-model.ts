// loadTfjsModel: a TF.js Layers model (model.json + weight shards, as model.save or tensorflowjs_converter write it)
// into a normal Sequential. The topology is Keras-shaped JSON, so it goes through the Keras importer's plan
// (../keras/config.ts); the shards are read per the weightsManifest (float32, or quantized uint8 / uint16 / float16,
// dequantized) and grouped by layer name, since TF.js names weights layer/.../weight and saves trainable ones first.
import { openSource, type SourceOptions } from '../../io/sources.js';
import { f16ToF32 } from '../../io/float16.js';
import { modelFromKerasFile } from '../keras/load-keras-model.js';
import type { KerasFile } from '../keras/files.js';
import type { CustomObject } from '../keras/config.js';
import type { Hdf5Dataset } from '../../io/hdf5.js';
import type { Sequential } from '../../model/sequential.js';
import { CheckpointError, ConfigError, describeValue, isPlainObject, didYouMean } from '../../errors.js';
import { TFJS_ATTENTION_CLASS } from './export-tfjs.js';
import { checkInitialized } from '../../core/wasm.js';

export interface LoadTfjsOptions {
  /** The file's custom classes -> ours, as loadKerasModel's; BilstmAttention (what exportTfjs writes) maps by itself. */
  customObjects?: Record<string, CustomObject>;
  signal?: AbortSignal;
}

interface ManifestEntry { name: string; shape: number[]; dtype: string; group?: string; quantization?: { dtype: string; scale?: number; min?: number } }

/**
 * Imports a TF.js Layers model. `source`: a directory path holding model.json, the path of a model.json, a URL of a
 * model.json (shards are fetched beside it), or { files: { 'model.json': bytes, '<shard>': bytes } } (what exportTfjs
 * returns without a target).
 */
export async function loadTfjsModel(source: unknown, options: LoadTfjsOptions = {}): Promise<Sequential> {
  const where = 'loadTfjsModel';
  if (!isPlainObject(options)) throw new ConfigError(`${where}: expected options { customObjects, signal }, got ${describeValue(options)}.`);
  const extra = Object.keys(options).find((k) => k !== 'customObjects' && k !== 'signal');
  if (extra !== undefined) throw new ConfigError(`${where}: expected options among customObjects, signal, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, ['customObjects', 'signal'])}`);
  const { customObjects, signal } = options as LoadTfjsOptions;
  checkInitialized(); // before the files are read
  const read = resolver(source, where, { signal });
  const json = parseModelJson(await read('model.json'), where);
  const manifest = json.weightsManifest;
  const groups: { paths: string[]; weights: ManifestEntry[] }[] = manifest;
  const datasets = new Map<string, Hdf5Dataset[]>();
  for (const layer of layerNames(json.topology)) datasets.set(layer, []);
  let optimizerWeights = 0;
  for (const [g, group] of groups.entries()) {
    // sizes the manifest declares, checked before its shards are read (a crafted one could claim any size)
    const declared = group.weights.reduce((s, w) => s + declaredBytes(w), 0);
    if (declared > 2 ** 32) throw new CheckpointError(`${where}: weight group ${g} (${group.paths.join(', ')}): expected at most 4294967296 bytes (4 GiB, the Wasm memory) of weights, got a manifest declaring ${declared} bytes.`);
    const parts = await Promise.all(group.paths.map((p) => read(p)));
    const bytes = concat(parts);
    let at = 0;
    for (const w of group.weights) {
      // model.save(..., { includeOptimizer: true }) adds the optimizer's variables (iter, then each weight's slots),
      // marked group 'optimizer': passed over, as the optimizer starts afresh here (a note says so)
      if (w.group === 'optimizer') {
        const n = declaredBytes(w, true);
        if (n < 0 || at + n > bytes.length) throw new CheckpointError(`${where}: weight ${w.name} (the optimizer's): expected a shape and a dtype float32 or int32 within its weight group, got ${JSON.stringify(w.shape)} ${describeValue(w.dtype)} at offset ${at} of ${bytes.length} bytes.`);
        at += n;
        optimizerWeights++;
        continue;
      }
      const values = decode(w, bytes, at, where);
      at += values.bytes;
      const layer = w.name.split('/')[0];
      if (!datasets.has(layer)) datasets.set(layer, []);
      datasets.get(layer)!.push(dataset(w, values.data));
    }
    if (at !== bytes.length) throw new CheckpointError(`${where}: weight group ${g} (${group.paths.join(', ')}): expected ${at} bytes for its ${group.weights.length} weights, got ${bytes.length}.`);
  }
  for (const [k, ds] of datasets) datasets.set(k, canonicalOrder(ds));
  const notes = optimizerWeights > 0 ? [`optimizer state (${optimizerWeights} variables saved with includeOptimizer) not imported (fit here starts the optimizer afresh)`] : [];
  const file: KerasFile = { kind: 'tfjs', modelConfig: json.topology, kerasVersion: json.version, trainingConfig: json.trainingConfig, layers: datasets, keyedBy: 'name', notes };
  return modelFromKerasFile(file, { [TFJS_ATTENTION_CLASS]: 'attention', ...customObjects }, where);
}

/** name -> its bytes, for each form of source. */
function resolver(source: unknown, where: string, opts: SourceOptions): (name: string) => Promise<Uint8Array> {
  if (isPlainObject(source) && isPlainObject(source.files)) {
    const files = source.files as Record<string, unknown>;
    return async (name) => {
      const f = files[name];
      if (!(f instanceof Uint8Array)) throw new CheckpointError(`${where}: expected files[${JSON.stringify(name)}] to be a Uint8Array, got ${describeValue(f)} (files holds ${Object.keys(files).join(', ') || 'nothing'}).`);
      return f;
    };
  }
  if (typeof source === 'string') {
    const json = source.endsWith('.json') ? source : `${source.replace(/\/+$/, '')}/model.json`;
    const dir = json.slice(0, json.lastIndexOf('/') + 1);
    return (name) => whole(name === 'model.json' ? json : dir + name, where, opts);
  }
  if (source instanceof URL) return (name) => whole(name === 'model.json' ? source : new URL(name, source), where, opts);
  throw new ConfigError(`${where}: expected a directory path, the path or URL of a model.json, or { files: { 'model.json': bytes, ... } }, got ${describeValue(source)}.`);
}

async function whole(source: string | URL, where: string, opts: SourceOptions): Promise<Uint8Array> {
  const src = await openSource(source, where, opts);
  const parts: Uint8Array[] = [];
  for await (const c of src.chunks()) parts.push(c.slice());
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function parseModelJson(bytes: Uint8Array, where: string): { topology: Record<string, unknown>; version: string; trainingConfig: unknown; weightsManifest: any[] } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new CheckpointError(`${where}: expected model.json to be JSON, got a parse error (${(e as Error).message}).`);
  }
  if (!isPlainObject(json)) throw new CheckpointError(`${where}: expected model.json to hold an object, got ${describeValue(json)}.`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new CheckpointError(`${where}: expected a TF.js Layers model (format 'layers-model'), got format ${describeValue(json.format)}${json.format === 'graph-model' ? ' (a graph model has no layers to import)' : ''}.`);
  }
  let topology = json.modelTopology;
  if (!isPlainObject(topology)) throw new CheckpointError(`${where}: expected model.json to hold modelTopology, got ${describeValue(topology)}.`);
  const outer = topology;
  if (isPlainObject(topology.model_config)) topology = topology.model_config; // tensorflowjs_converter's form
  if (!isPlainObject(topology)) throw new CheckpointError(`${where}: expected modelTopology to be an object, got ${describeValue(topology)}.`);
  if (!Array.isArray(json.weightsManifest)) throw new CheckpointError(`${where}: expected model.json to hold a weightsManifest list, got ${describeValue(json.weightsManifest)}.`);
  json.weightsManifest.forEach((g, i) => {
    if (!isPlainObject(g) || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)
      || !g.weights.every((w) => isPlainObject(w) && typeof w.name === 'string' && Array.isArray(w.shape) && typeof w.dtype === 'string')) {
      throw new CheckpointError(`${where}: expected weightsManifest[${i}] to be { paths: [file names], weights: [{ name, shape, dtype }] }, got ${describeValue(g)}.`);
    }
  });
  const kv = typeof outer.keras_version === 'string' ? outer.keras_version : typeof json.generatedBy === 'string' ? json.generatedBy : 'tfjs-layers';
  // TF.js writes 'tfjs-layers x.y.z', we write 'bilstm-attn x.y.z': both follow Keras 2 (hard_sigmoid)
  const version = /^(\d|tfjs-layers|bilstm-attn)/.test(kv) ? kv : `tfjs-layers (${kv})`;
  return { topology, version, trainingConfig: json.trainingConfig ?? outer.training_config ?? null, weightsManifest: json.weightsManifest };
}

/** The layer names of a Sequential or Functional topology, in order (best effort: the planner checks the rest). */
function layerNames(topology: Record<string, unknown>): string[] {
  const c = topology.config;
  const list = Array.isArray(c) ? c : isPlainObject(c) && Array.isArray(c.layers) ? c.layers : [];
  return list.map((l) => (isPlainObject(l) && isPlainObject(l.config) && typeof l.config.name === 'string' ? l.config.name : isPlainObject(l) && typeof l.name === 'string' ? l.name : ''))
    .filter((n) => n !== '');
}

/**
 * The bytes a manifest entry declares in its shard (0 for a malformed entry, which decode refuses; with `strict`, -1
 * for a malformed shape or a dtype other than float32 or int32, unquantized).
 */
function declaredBytes(w: ManifestEntry, strict = false): number {
  if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) return strict ? -1 : 0;
  const q = w.quantization;
  if (strict && (q || (w.dtype !== 'float32' && w.dtype !== 'int32'))) return -1;
  return w.shape.reduce((a, b) => a * b, 1) * (!q ? 4 : q.dtype === 'uint8' ? 1 : 2);
}

/** One manifest entry's values as float32 (quantized ones dequantized: q * scale + min, or float16). */
function decode(w: ManifestEntry, bytes: Uint8Array, at: number, where: string): { data: Float32Array; bytes: number } {
  if (!w.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new CheckpointError(`${where}: weight ${w.name}: expected a shape of non-negative integers, got ${JSON.stringify(w.shape)}.`);
  const n = w.shape.reduce((a, b) => a * b, 1);
  if (w.dtype !== 'float32') throw new CheckpointError(`${where}: weight ${w.name}: expected dtype float32, got ${JSON.stringify(w.dtype)}.`);
  const q = w.quantization;
  const width = !q ? 4 : q.dtype === 'uint8' ? 1 : q.dtype === 'uint16' || q.dtype === 'float16' ? 2 : 0;
  if (!width) throw new CheckpointError(`${where}: weight ${w.name}: expected quantization dtype uint8, uint16 or float16, got ${describeValue(q!.dtype)}.`);
  if (at + n * width > bytes.length) throw new CheckpointError(`${where}: weight ${w.name}: expected ${n * width} bytes at offset ${at} of its weight group, got ${Math.max(0, bytes.length - at)} (the shards are too short).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, n * width);
  const data = new Float32Array(n);
  if (!q) {
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
  } else if (q.dtype === 'float16') {
    const h = new Uint16Array(n);
    for (let i = 0; i < n; i++) h[i] = view.getUint16(2 * i, true);
    f16ToF32(data, h);
  } else {
    if (typeof q.scale !== 'number' || typeof q.min !== 'number') throw new CheckpointError(`${where}: weight ${w.name}: expected quantization { dtype, scale, min }, got ${JSON.stringify(q)}.`);
    for (let i = 0; i < n; i++) data[i] = (width === 1 ? view.getUint8(i) : view.getUint16(2 * i, true)) * q.scale + q.min;
  }
  return { data, bytes: n * width };
}

/** A manifest weight as the Keras importer reads datasets (path, shape, dtype, readFloat32Into). */
function dataset(w: ManifestEntry, data: Float32Array): Hdf5Dataset {
  return { kind: 'dataset', path: w.name, name: w.name, shape: w.shape.slice(), size: data.length, dtype: 'float32', readFloat32Into: (dst: Float32Array) => dst.set(data) } as unknown as Hdf5Dataset;
}

const RANK: Record<string, number> = { embeddings: 0, kernel: 1, recurrent_kernel: 2, bias: 3, gamma: 4, beta: 5, moving_mean: 6, moving_variance: 7, W: 8, b: 9 };

/** A layer's weights in Keras order (forward before backward; TF.js saves trainable ones first); unknown names keep the file's order. */
function canonicalOrder(ds: Hdf5Dataset[]): Hdf5Dataset[] {
  const key = (d: Hdf5Dataset) => {
    const parts = d.path.split('/');
    const kind = RANK[parts[parts.length - 1]];
    const dir = parts.slice(1, -1).some((p) => p.startsWith('backward_')) ? 1 : 0;
    return kind === undefined ? null : dir * 100 + kind;
  };
  const keys = ds.map(key);
  if (keys.some((k) => k === null)) return ds;
  return ds.map((d, i) => [d, keys[i]!] as const).sort((a, b) => a[1] - b[1]).map(([d]) => d);
}
