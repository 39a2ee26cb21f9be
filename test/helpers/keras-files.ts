// Keras-shaped files for the import tests: a Keras 2 / tf.keras legacy .h5 written with h5wasm (model_config and
// model_weights as hdf5_format.py lays them out), a .keras archive with its config.json edited, a Sequential config
// as a Functional straight chain, seeded float32 values, and the compiled Keras 3 fixture imported with its config
// text edited (the training-config tests).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { loadKerasModel, type Sequential } from '../../src/index.js';

export type W = { name: string; data: Float32Array | Float64Array; shape: number[] };
let serial = 0;

/** A legacy .h5 model file: attributes keras_version, backend, model_config; model_weights/<layer>/<weight names>. */
export async function legacyH5(modelConfig: unknown, kerasVersion: string, lys: { name: string; weights: W[] }[]): Promise<Uint8Array> {
  const m = await import('h5wasm');
  await m.ready;
  const path = `/keras-import-${++serial}.h5`;
  const f = new m.File(path, 'w');
  f.create_attribute('keras_version', kerasVersion);
  f.create_attribute('backend', 'tensorflow');
  f.create_attribute('model_config', JSON.stringify(modelConfig));
  const mw = f.create_group('model_weights')!;
  mw.create_attribute('layer_names', lys.map((l) => l.name));
  for (const l of lys) {
    const g = mw.create_group(l.name)!;
    if (l.weights.length) g.create_attribute('weight_names', l.weights.map((w) => w.name));
    else g.create_attribute('weight_names', new Float64Array(0), [0]);
    for (const w of l.weights) {
      const parts = w.name.split('/');
      let gg = g;
      for (const p of parts.slice(0, -1)) gg = (gg.get(p) as typeof g) ?? gg.create_group(p)!;
      gg.create_dataset({ name: parts[parts.length - 1], data: w.data, shape: w.shape, dtype: w.data instanceof Float64Array ? '<d' : '<f' });
    }
  }
  f.close();
  const bytes = m.FS!.readFile(path) as Uint8Array;
  m.FS!.unlink(path);
  return bytes;
}

/** n seeded values in off +- amp (an LCG: the same on every run). */
export function rand(n: number, seed: number, amp = 0.5, off = 0): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = off + ((s >>> 8) / 2 ** 24 - 0.5) * 2 * amp; }
  return a;
}

/** A .keras archive with its config.json passed through edit. */
export async function editKeras(bytes: Uint8Array, edit: (cfg: any) => any): Promise<Uint8Array> {
  const z = unzipSync(bytes);
  const cfg = edit(JSON.parse(strFromU8(z['config.json'])));
  return zipSync({ 'metadata.json': z['metadata.json'], 'config.json': strToU8(JSON.stringify(cfg)), 'model.weights.h5': z['model.weights.h5'] }, { level: 0 });
}

/** A Keras 3 Sequential config (InputLayer first) as a Functional straight chain, with per-layer node kwargs. */
export function toFunctional(cfg: any, kwargs: Record<number, Record<string, unknown>> = {}): any {
  const ls = cfg.config.layers.map((l: any, i: number) => {
    const name = l.config.name;
    const out = { ...l, name, inbound_nodes: [] as unknown[] };
    if (i > 0) out.inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { shape: [], dtype: 'float32', keras_history: [cfg.config.layers[i - 1].config.name, 0, 0] } }], kwargs: kwargs[i] ?? {} }];
    return out;
  });
  return { module: 'keras.src.models.functional', class_name: 'Functional', config: { name: 'functional', trainable: true, layers: ls,
    input_layers: [ls[0].name, 0, 0], output_layers: [ls[ls.length - 1].name, 0, 0] }, registered_name: 'Functional' };
}

/** The model's predictions as a plain array. */
export const pred = (m: Sequential, x: unknown) => Array.from((m.predict(x as never) as { data: Float32Array }).data);

/** k3_masked_attention.keras (compiled: adam, binary_crossentropy, metrics ["accuracy"]) and its config.json text. */
const COMPILED = unzipSync(readFileSync(new URL('../fixtures/keras/k3_masked_attention.keras', import.meta.url)));
export const COMPILED_CONFIG = strFromU8(COMPILED['config.json']);

/**
 * That fixture imported with its config.json text edited (the edit must change it): the model and the import's notes.
 * Call init first.
 */
export async function importEditedConfig(edit: (configText: string) => string): Promise<{ m: Sequential; notes: string[] }> {
  const edited = edit(COMPILED_CONFIG);
  if (edited === COMPILED_CONFIG) throw new Error('importEditedConfig: the edit changed nothing (the fixture text moved?)');
  const m = await loadKerasModel(zipSync({ ...COMPILED, 'config.json': strToU8(edited) }), { customObjects: { AttentionLayer: 'attention' } });
  return { m, notes: (m.metadata.userDefinedMetadata as { kerasImport: { notes: string[] } }).kerasImport.notes };
}

