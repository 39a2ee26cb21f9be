// model.save: the header fields and tensors of a model (weights in Keras order, then optimizer slots) written as one
// bilstm-attn model file (src/io/model-file.ts), streamed out of Wasm memory in 4 MiB chunks; float16 on request.
import { openSink } from '../io/sinks.js';
import { planModelFile, writeModelFile, type Dtype } from '../io/model-file.js';
import { f32ToF16 } from '../io/float16.js';
import { ConfigError, describeValue, isPlainObject, didYouMean } from '../errors.js';
import { VERSION } from './version.js';

/** Written into every file (and metadata.createdBy unless you set it). */
export const CREATED_BY = `bilstm-attn ${VERSION}`;

export interface SaveOptions {
  /** Optimizer state and step count, so fit can resume exactly (default true). */
  includeOptimizer?: boolean;
  /** 'float16' halves the file for serving; such a file loads for prediction only (default 'float32'). */
  weightsDtype?: 'float32' | 'float16';
}

/** model.metadata: saved with the model, restored by loadModel. Plain JSON only; nothing time-dependent is added. */
export interface ModelMetadata {
  /** Anything of your own (plain JSON). */
  userDefinedMetadata?: Record<string, unknown>;
  /** Class names, index i for output i (or class id i). */
  labels?: string[];
  /** The tokenizer's JSON (reserved for the text pipeline). */
  tokenizer?: unknown;
  /** How raw input became ids (reserved for the text pipeline). */
  preprocessing?: { maxlen?: number; padding?: 'pre' | 'post'; truncating?: 'pre' | 'post'; [k: string]: unknown };
  /** A training history (e.g. what fit returned). */
  history?: unknown;
  /** Who wrote the model; model.save fills in this package and version when unset. */
  createdBy?: string;
}

const METADATA_KEYS = ['userDefinedMetadata', 'labels', 'tokenizer', 'preprocessing', 'history', 'createdBy'];

/** float32 values in the model's memory, saved as one tensor. */
export interface Region { name: string; shape: number[]; ptr: number }

export interface FileContents {
  fields: Record<string, unknown>;
  weights: Region[];
  slots: Region[];
  weightsDtype: Dtype;
  /** A fresh view of the model's memory (asked for each chunk: memory may grow in between). */
  view(ptr: number, bytes: number): Uint8Array;
}

const CHUNK_FLOATS = 1 << 20;

export function checkSaveOptions(o: unknown): Required<SaveOptions> {
  if (!isPlainObject(o)) throw new ConfigError(`save: expected options { includeOptimizer, weightsDtype }, got ${describeValue(o)}.`);
  const extra = Object.keys(o).find((k) => k !== 'includeOptimizer' && k !== 'weightsDtype');
  if (extra !== undefined) throw new ConfigError(`save: expected options among includeOptimizer, weightsDtype, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, ['includeOptimizer', 'weightsDtype'])}`);
  const inc = o.includeOptimizer ?? true;
  if (typeof inc !== 'boolean') throw new ConfigError(`save: expected includeOptimizer to be true or false, got ${describeValue(inc)}.`);
  const dt = o.weightsDtype ?? 'float32';
  if (dt !== 'float32' && dt !== 'float16') throw new ConfigError(`save: expected weightsDtype 'float32' or 'float16', got ${describeValue(dt)}.`);
  return { includeOptimizer: inc, weightsDtype: dt };
}

/** Metadata as it will be saved: known keys only, plain JSON (what JSON.stringify keeps is what comes back). */
export function checkMetadata(m: unknown, where: string): ModelMetadata {
  if (!isPlainObject(m)) throw new ConfigError(`${where}: expected an object with ${METADATA_KEYS.join(', ')}, got ${describeValue(m)}.`);
  const extra = Object.keys(m).find((k) => !METADATA_KEYS.includes(k));
  if (extra !== undefined) throw new ConfigError(`${where}: expected keys among ${METADATA_KEYS.join(', ')}, got ${JSON.stringify(extra)}. Put your own fields in userDefinedMetadata.`);
  if (m.userDefinedMetadata !== undefined && !isPlainObject(m.userDefinedMetadata)) throw new ConfigError(`${where}: expected userDefinedMetadata to be an object, got ${describeValue(m.userDefinedMetadata)}.`);
  if (m.labels !== undefined && !(Array.isArray(m.labels) && m.labels.every((l) => typeof l === 'string'))) throw new ConfigError(`${where}: expected labels to be an array of strings, got ${describeValue(m.labels)}.`);
  if (m.createdBy !== undefined && typeof m.createdBy !== 'string') throw new ConfigError(`${where}: expected createdBy to be a string, got ${describeValue(m.createdBy)}.`);
  if (m.preprocessing !== undefined && !isPlainObject(m.preprocessing)) throw new ConfigError(`${where}: expected preprocessing to be an object, got ${describeValue(m.preprocessing)}.`);
  checkJson(m, where, 'metadata');
  return m as ModelMetadata;
}

function checkJson(v: unknown, where: string, path: string): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ConfigError(`${where}: expected ${path} to be a finite number (JSON has no ${v}), got ${v}.`);
    return;
  }
  if (Array.isArray(v)) { v.forEach((x, i) => checkJson(x, where, `${path}[${i}]`)); return; }
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) if (x !== undefined) checkJson(x, where, `${path}.${k}`);
    return;
  }
  throw new ConfigError(`${where}: expected ${path} to be plain JSON (objects, arrays, strings, finite numbers, booleans, null), got ${describeValue(v)}.`);
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Writes the file to target (a path, a WritableStream, or undefined for the bytes). */
export async function saveFile(c: FileContents, target: unknown): Promise<Uint8Array | undefined> {
  const fields = { ...c.fields, metadata: { ...(c.fields.metadata as object), createdBy: (c.fields.metadata as ModelMetadata).createdBy ?? CREATED_BY } };
  const tensors = [
    ...c.weights.map((r) => ({ r, name: r.name, shape: r.shape, dtype: c.weightsDtype })),
    ...c.slots.map((r) => ({ r, name: r.name, shape: r.shape, dtype: 'float32' as Dtype })),
  ];
  const plan = planModelFile(fields, tensors);
  // knowing the size, a sink in memory allocates once, and one past 2 GiB fails here
  const sink = await openSink(target, 'save', { size: plan.bytes });
  const buf = new Uint8Array(4 * Math.min(CHUNK_FLOATS, Math.max(1, ...tensors.map((t) => count(t.shape)))));
  return writeModelFile(sink, plan, tensors.map((t) => ({ ...t, chunks: () => chunksOf(c, t.r, t.dtype, buf) })), 'save');
}

/**
 * A region's bytes in chunks, copied out of memory (the sink may take its time; memory may change meanwhile) into buf,
 * one buffer for every chunk of the file: the writer hashes and writes each chunk before asking for the next, and a
 * fresh 4 MiB array per chunk cost more than the copy (new pages, zero-filled, then garbage).
 */
function* chunksOf(c: FileContents, r: Region, dtype: Dtype, buf: Uint8Array): Generator<Uint8Array> {
  const n = count(r.shape);
  const f32 = dtype === 'float32';
  for (let i = 0; i < n; i += CHUNK_FLOATS) {
    const m = Math.min(CHUNK_FLOATS, n - i);
    const bytes = c.view(r.ptr + 4 * i, 4 * m);
    if (f32) { buf.set(bytes); yield buf.subarray(0, 4 * m); continue; }
    f32ToF16(new Uint16Array(buf.buffer, 0, m), new Float32Array(bytes.buffer, bytes.byteOffset, m));
    yield buf.subarray(0, 2 * m);
  }
}
