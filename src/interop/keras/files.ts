// The Keras file layouts, read into one shape: the model config, keras_version, the training config, and each layer's
// weight datasets in Keras's order. Legacy HDF5 (`model.save('x.h5')` of Keras 2, tf.keras 1.x/2.x and Keras 3:
// root attributes + model_weights/<layer>/<weight_names>), save_weights .h5 (the same without the config), and the
// `.keras` zip (config.json, metadata.json, model.weights.h5 with layers/<snake_case class>[_n]/.../vars/<i>).
import { openSource, type ByteSource, type SourceOptions } from '../../io/sources.js';
import type { Hdf5Dataset, Hdf5Group } from '../../io/hdf5.js';
import { CheckpointError, describeValue, isPlainObject } from '../../errors.js';

/** A Keras file as the importer needs it. */
export interface KerasFile {
  kind: 'h5' | 'keras' | 'weights-h5' | 'keras-weights' | 'tfjs';
  modelConfig: unknown | null;
  kerasVersion: string;
  trainingConfig: unknown | null;
  /** The weights of each Keras layer, in Keras's order: legacy HDF5 keys them by layer name (layer_names order); the
   *  weight store of .keras files by storeKeys(class, n), which the caller computes from the config's layers. */
  layers: Map<string, Hdf5Dataset[]>;
  /** How layers are keyed: by layer name, or by the weight store's class-based key. */
  keyedBy: 'name' | 'store';
  /** What the reader passed over, for the import's notes (a TF.js file's optimizer variables). */
  notes?: string[];
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads a whole source (HDF5 needs the file at once; a .keras from a path or Blob is read entry by entry). */
export async function readKerasFile(source: unknown, opts: SourceOptions, where: string): Promise<KerasFile> {
  const src = await openSource(source, where, opts);
  const head = await firstBytes(src, 8);
  // the readers (and jsfive, fflate) load only when a Keras file is read
  if (HDF5_SIGNATURE.every((b, i) => head[i] === b)) {
    const { openHdf5 } = await import('../../io/hdf5.js');
    return readH5(openHdf5(await wholeBytes(src), where), where);
  }
  if (head[0] === 0x50 && head[1] === 0x4b) return readKerasZip(src, where);
  const shown = Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const ours = head[0] === 0x89 && head[1] === 0x42 && head[2] === 0x49;
  throw new CheckpointError(`${where}: expected a Keras file (.h5: HDF5, starting 89 48 44 46; .keras: a zip archive, starting 50 4b), got ${ours ? 'a bilstm-attn model file (loadModel reads it)' : head.length === 0 ? 'an empty file' : `a file starting ${shown}`}.`);
}

async function firstBytes(src: ByteSource, n: number): Promise<Uint8Array> {
  if (src.read && src.size !== null) return src.read(0, Math.min(n, src.size));
  // one-pass sources are read whole anyway: peek by reading them now
  const all = await wholeBytes(src);
  peeked.set(src, all);
  return all.subarray(0, n);
}

const peeked = new WeakMap<ByteSource, Uint8Array>();

async function wholeBytes(src: ByteSource): Promise<Uint8Array> {
  const done = peeked.get(src);
  if (done) return done;
  if (src.read && src.size !== null) return src.read(0, src.size);
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of src.chunks()) { parts.push(c.slice()); n += c.length; }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** A source whose bytes were read already (for a zip from a one-pass source). */
function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, rereadable: true, async *chunks() { yield bytes; }, read: async (o, n) => bytes.slice(o, o + n) };
}

function versionOf(g: Hdf5Group): string {
  return g.hasAttr('keras_version') ? g.stringAttr('keras_version') : '2.0.0';
}

/** Legacy HDF5: a full model (model_config + model_weights) or save_weights (layer_names at the root). */
function readH5(f: Hdf5Group, where: string): KerasFile {
  if (f.hasAttr('model_config')) {
    const weights = f.has('model_weights') ? f.group('model_weights') : null;
    if (!weights) throw new CheckpointError(`${where}: expected a group model_weights beside model_config in the .h5 file, got ${f.keys.join(', ') || 'no groups'}.`);
    return {
      kind: 'h5',
      modelConfig: f.jsonAttr('model_config'),
      kerasVersion: versionOf(f),
      trainingConfig: f.hasAttr('training_config') ? f.jsonAttr('training_config') : null,
      layers: legacyLayers(weights, where),
      keyedBy: 'name',
    };
  }
  if (f.hasAttr('layer_names')) {
    return { kind: 'weights-h5', modelConfig: null, kerasVersion: versionOf(f), trainingConfig: null, layers: legacyLayers(f, where), keyedBy: 'name' };
  }
  const store = storeRoot(f);
  if (store) return { kind: 'keras-weights', modelConfig: null, kerasVersion: '3.0.0', trainingConfig: null, layers: storeLayers(store, where), keyedBy: 'store' };
  throw new CheckpointError(`${where}: expected a Keras .h5 file (a model_config attribute, or layer_names, or a layers group), got an HDF5 file holding ${f.keys.join(', ') || 'nothing'}.`);
}

/** layer_names, then each layer's weight_names: Keras's own legacy loading order. */
function legacyLayers(g: Hdf5Group, where: string): KerasFile['layers'] {
  const out = new Map<string, Hdf5Dataset[]>();
  for (const name of attrStrings(g, 'layer_names')) {
    if (out.has(name)) throw new CheckpointError(`${where}: expected each name in layer_names once, got ${JSON.stringify(name)} twice.`);
    const lg = g.group(name);
    // an empty weight_names is stored as a float64 array of shape (0,)
    const wn = lg.hasAttr('weight_names') ? attrStrings(lg, 'weight_names') : [];
    out.set(name, wn.map((w) => lg.dataset(w)));
  }
  return out;
}

function attrStrings(g: Hdf5Group, name: string): string[] {
  const v = g.attr(name);
  if (Array.isArray(v) && v.length === 0) return [];
  return g.stringsAttr(name);
}

/** Sub-objects whose variables a layer's store holds, in our weight order (forward before backward). */
const STORE_ORDER = ['vars', 'layer', 'cell', 'forward_layer', 'backward_layer'];

/** The weight store: layers/<key>/[layer|cell|forward_layer|backward_layer/...]vars/<i> (keys sort by name, not model
 *  order); `layer` is a TimeDistributed's wrapped layer (in tf.keras 2.15 also a Bidirectional's unbuilt original,
 *  saved empty). */
function storeLayers(layers: Hdf5Group, where: string): KerasFile['layers'] {
  return new Map(layers.keys.map((key) => [key, storeVars(layers.group(key), where)]));
}

function storeVars(g: Hdf5Group, where: string, depth = 0): Hdf5Dataset[] {
  if (depth > 8) throw new CheckpointError(`${where}: expected the weight store of ${g.label} to nest at most 8 deep, got more.`);
  const out: Hdf5Dataset[] = [];
  for (const k of STORE_ORDER) {
    if (!g.keys.includes(k)) continue;
    const sub = g.group(k);
    if (k === 'vars') {
      const idx = sub.keys.map(Number).filter((i) => Number.isInteger(i)).sort((a, b) => a - b);
      for (const i of idx) out.push(sub.dataset(String(i)));
    } else {
      out.push(...storeVars(sub, where, depth + 1));
    }
  }
  return out;
}

/** The .keras archive: config.json, metadata.json, model.weights.h5. */
async function readKerasZip(src: ByteSource, where: string): Promise<KerasFile> {
  const [{ openZipSource }, { openHdf5 }] = await Promise.all([import('../../io/zip.js'), import('../../io/hdf5.js')]);
  const zsrc = src.read && src.size !== null ? src : bytesSource(await wholeBytes(src));
  const zip = await openZipSource(zsrc, where);
  const json = async (name: string) => {
    const text = await zip.readText(name);
    try { return JSON.parse(text) as unknown; } catch (e) {
      throw new CheckpointError(`${where}: expected ${name} in the .keras archive to be JSON, got text that does not parse (${(e as Error).message}).`);
    }
  };
  const config = await json('config.json');
  const meta = zip.has('metadata.json') ? await json('metadata.json') : {};
  const version = isPlainObject(meta) && typeof meta.keras_version === 'string' ? meta.keras_version : '3.0.0';
  if (!zip.has('model.weights.h5')) {
    throw new CheckpointError(`${where}: expected model.weights.h5 in the .keras archive, got ${zip.names.join(', ')}${zip.has('model.weights.npz') ? ' (npz weight stores are not supported)' : ''}.`);
  }
  const h5 = openHdf5(await zip.read('model.weights.h5'), `${where}: model.weights.h5`);
  const store = storeRoot(h5);
  if (!store) throw new CheckpointError(`${where}: expected a group layers in model.weights.h5, got ${h5.keys.join(', ') || 'nothing'}.`);
  const trainingConfig = isPlainObject(config) && config.compile_config !== undefined ? config.compile_config : null;
  if (!isPlainObject(config)) throw new CheckpointError(`${where}: expected config.json to hold an object, got ${describeValue(config)}.`);
  return { kind: 'keras', modelConfig: config, kerasVersion: version, trainingConfig, layers: storeLayers(store, where), keyedBy: 'store' };
}

/** The group of per-layer stores: layers (Keras 3, tf.keras 2.15) or _layer_checkpoint_dependencies (tf.keras 2.13-2.14). */
function storeRoot(g: Hdf5Group): Hdf5Group | null {
  if (g.keys.includes('layers')) return g.group('layers');
  if (g.keys.includes('_layer_checkpoint_dependencies')) return g.group('_layer_checkpoint_dependencies');
  return null;
}

/**
 * The weight store's keys for the n-th layer of a class (n counted from 0), Keras 3's first: to_snake_case of the class
 * name, then _n from the second on (saving_lib's container walk). Keras 3 splits only a lower-case letter from the
 * capital after it (GlobalAveragePooling1D -> global_average_pooling1d); tf.keras 2.13-2.15 also splits a digit from it
 * (global_average_pooling1_d).
 */
export function storeKeys(className: string, n: number): string[] {
  const base = className.slice(className.lastIndexOf('>') + 1).replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  const k3 = base.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const tfk = base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return [...new Set([k3, tfk])].map((b) => (n === 0 ? b : `${b}_${n}`));
}
