// loadModel: a bilstm-attn model file (src/io/model-file.ts) back into a ready Sequential. The header is checked and
// the model rebuilt before any payload byte is read; tensors stream straight into the new model's own memory, and the
// checksum is checked at the end: on any failure the model's memory and threads are released and nothing is returned.
import { openSource, type SourceOptions } from '../io/sources.js';
import { ModelFileReader, type FileHeader, type TensorEntry } from '../io/model-file.js';
import { f16ToF32 } from '../io/float16.js';
import { BilstmError, CheckpointError, ConfigError, checkOptionKeys, describeValue, isPlainObject } from '../errors.js';
import { Sequential } from './sequential.js';
import { checkMetadata, type ModelMetadata } from './save.js';

export type LoadOptions = SourceOptions;

const WHERE = 'loadModel';

/**
 * Loads a model saved with model.save. `source`: a path (Node, Deno, Bun), a URL, Request or Response (fetched and
 * read as a stream), a Uint8Array or ArrayBuffer, a Blob, a ReadableStream<Uint8Array> or an async iterable of chunks.
 * `onProgress(fraction)` as bytes arrive; `signal` aborts. A corrupt, truncated or foreign file is a CheckpointError.
 */
export async function loadModel(source: unknown, options: LoadOptions = {}): Promise<Sequential> {
  checkOptionKeys(options, WHERE, ['onProgress', 'signal']);
  const src = await openSource(source, WHERE, options);
  const file = await ModelFileReader.open(src, WHERE);
  let model: Sequential | null = null;
  try {
    const h = file.header;
    const f = checkFields(h);
    model = rebuild(h);
    const { regions, nWeights, view } = model.prepareLoad(f.optimizerState);
    checkManifest(h.tensors, regions, f.weightsDtype, nWeights);
    await file.readTensors((e, i) => e.dtype === 'float16' ? halfWriter(view, regions[i].ptr) : (piece, off) => view(regions[i].ptr + off, piece.length).set(piece));
    model.restoreFromFile({ iterations: f.iterations, streams: f.streams, metadata: f.metadata, inferenceOnly: f.inferenceOnly });
    return model;
  } catch (e) {
    // memory first: a close that fails must neither keep the model's memory nor hide why the load failed
    model?.releaseMemory();
    await file.close().catch(() => {});
    // a header that passed its checksum but describes no model we can build (or one too big for 4 GiB) is a bad file
    if (e instanceof BilstmError && !(e instanceof CheckpointError)) {
      throw new CheckpointError(`${WHERE}: expected the file's header to describe a model this package can build, got one it cannot: ${e.message}`);
    }
    throw e;
  }
}

interface Fields {
  weightsDtype: 'float32' | 'float16';
  inferenceOnly: boolean;
  optimizerState: boolean;
  iterations: number;
  streams: Record<string, number>;
  metadata: ModelMetadata;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The model-level header fields (fields a later format adds are optional: their absence keeps older files loading). */
function checkFields(h: FileHeader): Fields {
  const bad = (what: string, got: unknown) => new CheckpointError(`${WHERE}: expected ${what} in the header, got ${describeValue(got)}.`);
  if (!isPlainObject(h.model)) throw bad('model, an architecture { className, config }', h.model);
  if (h.weightsDtype !== 'float32' && h.weightsDtype !== 'float16') throw bad(`weightsDtype 'float32' or 'float16'`, h.weightsDtype);
  const inferenceOnly = h.inferenceOnly ?? h.weightsDtype === 'float16';
  if (typeof inferenceOnly !== 'boolean') throw bad('inferenceOnly true or false', h.inferenceOnly);
  if (typeof h.optimizerState !== 'boolean') throw bad('optimizerState true or false', h.optimizerState);
  if (h.optimizerState && !isPlainObject(h.compile)) throw bad('a compile config beside the optimizer state', h.compile);
  if (h.compile !== null && h.compile !== undefined && !isPlainObject(h.compile)) throw bad('compile, a compile config or null', h.compile);
  if (h.inputShape !== null && !(Array.isArray(h.inputShape) && h.inputShape.every((d) => d === null || (isCount(d) && d > 0)))) {
    throw bad('inputShape, positive integers (or null for a free length)', h.inputShape);
  }
  const t = h.training;
  if (!isPlainObject(t) || !isCount(t.iterations) || !isPlainObject(t.streams)) throw bad('training { iterations, streams }', t);
  for (const [k, p] of Object.entries(t.streams)) {
    if (!/^-?\d+\/./.test(k) || !isCount(p)) throw bad('training.streams: "<layer>/<purpose>" keys with counter positions', { [k]: p });
  }
  let metadata: ModelMetadata;
  try { metadata = checkMetadata(h.metadata ?? {}, `${WHERE}: the header's metadata`); } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  return { weightsDtype: h.weightsDtype, inferenceOnly, optimizerState: h.optimizerState, iterations: t.iterations, streams: t.streams as Record<string, number>, metadata };
}

/** The model the header describes: architecture, built input shape, compile config (no memory yet). */
function rebuild(h: FileHeader): Sequential {
  const m = Sequential.fromConfig(h.model);
  m.build((h.inputShape as (number | null)[] | null) ?? undefined);
  if (h.compile) m.compileFromConfig(h.compile);
  return m;
}

/** The file's tensors are exactly the model's: the same names, shapes and dtypes, in the same order. */
function checkManifest(entries: TensorEntry[], regions: { name: string; shape: number[] }[], dtype: string, nWeights: number): void {
  if (entries.length !== regions.length) {
    throw new CheckpointError(`${WHERE}: expected ${regions.length} tensors for this model (${regions.slice(0, 4).map((r) => r.name).join(', ')}${regions.length > 4 ? ', ...' : ''}), got ${entries.length} in the file.`);
  }
  entries.forEach((e, i) => {
    const r = regions[i];
    const want = i < nWeights ? dtype : 'float32';
    if (e.name !== r.name || e.shape.length !== r.shape.length || e.shape.some((d, j) => d !== r.shape[j]) || e.dtype !== want) {
      throw new CheckpointError(`${WHERE}: expected tensor ${i} to be ${r.name} [${r.shape.join(', ')}] ${want}, got ${e.name} [${e.shape.join(', ')}] ${e.dtype}.`);
    }
  });
}

/** Writes float16 pieces (any length, split anywhere) into float32 memory at ptr. */
function halfWriter(view: (p: number, n: number) => Uint8Array, ptr: number): (piece: Uint8Array, offset: number) => void {
  let carry = -1;
  let at = 0;
  const put = (bytes: Uint8Array) => {
    const n = bytes.length >> 1;
    const h = new Uint16Array(n);
    new Uint8Array(h.buffer).set(bytes);
    const f = new Float32Array(n);
    f16ToF32(f, h);
    view(ptr + 4 * at, 4 * n).set(new Uint8Array(f.buffer));
    at += n;
  };
  return (piece) => {
    let p = 0;
    if (carry >= 0 && piece.length > 0) { put(Uint8Array.of(carry, piece[0])); carry = -1; p = 1; }
    const even = (piece.length - p) & ~1;
    if (even) put(piece.subarray(p, p + even));
    if (p + even < piece.length) carry = piece[piece.length - 1];
  };
}
