// The loader fuzzer shared by test/fuzz/loaders.test.ts and bench/fuzz.ts: valid seed inputs for each loader, seeded
// fast-check mutations of them (truncations, byte flips, splices, huge declared sizes, JSON edits that keep the
// container valid, model files with recomputed checksums), and a pool of workers (fuzz-worker.mjs, on the built
// dist/) that runs each case under a 2 s cap and restarts a worker that hangs or dies.
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { initSync, tokenizer, exportTorchWeights } from '../../src/index.js';
import { Checksum } from '../../src/core/checksum.js';
import { smallModel } from './models.js';

initSync();

export const LOADERS = ['model', 'keras', 'tfjs', 'torch', 'tokenizer', 'csv', 'wordVectors'] as const;
export type LoaderName = typeof LOADERS[number];

/** The error classes each loader documents for a bad input (its jsdoc and README section). */
export const DOCUMENTED: Record<LoaderName, readonly string[]> = {
  model: ['CheckpointError'],                                   // loadModel: "a corrupt, truncated or foreign file is a CheckpointError"
  keras: ['CheckpointError', 'ConfigError', 'MemoryError'],      // a bad file; a model that cannot be built here; one too big for 4 GiB
  tfjs: ['CheckpointError', 'ConfigError', 'MemoryError'],       // as loadKerasModel (the same importer)
  torch: ['CheckpointError'],                                   // readSafetensors: "every failure is a CheckpointError"
  tokenizer: ['ConfigError'],
  csv: ['ValueError'],                                          // "an unreadable row ... is a ValueError"
  wordVectors: ['CheckpointError', 'ConfigError', 'ValueError', 'MemoryError'], // a malformed line; a file of another dim; a bad word index; a matrix past 4 GiB
};

const ROOT = new URL('../../', import.meta.url);
const read = (p: string) => new Uint8Array(readFileSync(new URL(p, ROOT)));
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A valid input of a loader, and what else the loader is given with it. */
export interface Seed { name: string; bytes: Uint8Array; /** Refused by design (a valid file of a model we do not import). */ refused?: boolean; files?: Record<string, Uint8Array>; shardName?: string; options?: unknown; tokenizer?: unknown }

/** A case as the worker receives it. */
export interface FuzzCase { id?: number; loader: LoaderName | 'selftest:hang' | 'selftest:crash'; bytes: Uint8Array; files?: Record<string, Uint8Array>; options?: unknown; tokenizer?: unknown; chunks?: Recipe['chunks'] }

const KERAS_SEEDS = [
  'test/fixtures/keras/real/keras2.0.8_functional_lstm_dense.h5',
  'test/fixtures/keras/real/keras2.1.3_bidirectional_lstm.h5',
  'test/fixtures/keras/real/keras2.1.3_embedding_lstm.h5',
  'test/fixtures/keras/real/keras2.2.0_masking_lstm.h5',
  'test/fixtures/keras/real/keras3.15.0_nested_dense_subclassed.keras',
  'test/fixtures/keras/real/tfkeras2.11_functional_attention.h5',
  'test/fixtures/keras/real/tfkeras2.2.4_bidirectional_lstm_relu.h5',
  // generated ones: a .keras zip whose config.json the JSON mutations edit, and a Keras 3 legacy .h5
  'test/fixtures/keras/k3_attention.keras',
  'test/fixtures/keras/k3_masked_bilstm.keras',
  'test/fixtures/keras/k3_attention.h5',
];

const TEXTS = ['the cat sat on the mat', 'the dog ate the food', 'café crème, au lait', '東京 大阪 東京', 'a b c d e f'];

/** The seeds of every loader (read from the committed fixtures, or written here). */
export async function loadSeeds(): Promise<Record<LoaderName, Seed[]>> {
  const shard = 'group1-shard1of1.bin';
  const tok = tokenizer({ oovToken: '<oov>' }).fitOnTexts(TEXTS);
  const tok2 = tokenizer({ numWords: 5, charLevel: true, lower: false }).fitOnTexts(TEXTS);
  const wordIndex = Object.fromEntries(tok.wordIndex);
  const vec = (w: string, i: number) => `${w} ${[0, 1, 2, 3].map((k) => ((i * 7 + k * 3) % 11 - 5) / 4).join(' ')}`;
  return {
    model: [{ name: 'model-v1.bilstm', bytes: read('test/fixtures/model-v1.bilstm') }],
    keras: KERAS_SEEDS.map((p) => ({ name: p.split('/').pop()!, bytes: read(p), refused: (JSON.parse(dec(read(`${p}.json`))) as { importable?: boolean }).importable === false })),
    tfjs: [{ name: 'examples/tfjs/model', bytes: read('examples/tfjs/model/model.json'), files: { [shard]: read(`examples/tfjs/model/${shard}`) }, shardName: shard }],
    torch: [
      { name: 'seed_model.safetensors', bytes: read('test/fixtures/torch/seed_model.safetensors') },
      { name: 'exported.safetensors', bytes: (await exportTorchWeights(smallModel(3, { batchNorm: true })))! },
    ],
    tokenizer: [
      { name: 'word tokenizer', bytes: enc(tok.toJSON()) },
      { name: 'char tokenizer', bytes: enc(tok2.toJSON()) },
    ],
    csv: [
      { name: 'header', bytes: enc('text,label\n"hello, world",pos\nbad day,neg\n"say ""hi""",pos\r\nok,neu\n'), options: { textColumn: 'text', labelColumn: 'label' } },
      { name: 'no header, tabs', bytes: enc('neg\tawful\npos\tgreat "film"\npos\tnice\n'), options: { textColumn: 1, labelColumn: 0, header: false, delimiter: '\t' } },
    ],
    wordVectors: [
      { name: 'glove', bytes: enc(`${[...tok.wordIndex.keys()].map(vec).join('\n')}\nunknown 1 2 3 4\n`), options: { dim: 4 }, tokenizer: { wordIndex } },
      { name: 'word2vec', bytes: enc(`3 4\nthe 0.5 -1e-3 2 .5 \ncat 1 2 3 4 \nmat -1 -2 -3 -4 \n`), options: { dim: 4 }, tokenizer: { wordIndex, numWords: 6 } },
    ],
  };
}

// ---- mutations ----------------------------------------------------------------------------------------------------

/** Values written where a size or count is declared: each is too big for something. */
const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0xfffffff0, 2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 63, 2 ** 64 - 1];
/** Text that trips parsers: quotes, line breaks, NUL, numbers that overflow, invalid UTF-8, a long run. */
const NASTY_TEXT = ['"', '\n', '\r\n', '\r', ',', ' ', '\t', '\0', '1e309', '-0', 'NaN', '99999999999999999999999', '{', '}', '[', ']', ':', '\\u0000', '\\', '\uFFFD', '😀'];
const NASTY_BYTES = [Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xff), Uint8Array.of(0xc3), new Uint8Array(4096).fill(0x61)];

export type ByteOp =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; data: number[] }
  | { op: 'splice'; at: number; from: number; len: number; insert: boolean }
  | { op: 'huge'; at: number; width: 4 | 8; value: number }
  | { op: 'text'; at: number; text: number };

// positions spread over the whole input (fc.nat alone leans to small values, i.e. the first bytes)
const at = fc.noBias(fc.nat());
export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }) },
  fc.record({ op: fc.constant('set' as const), at, value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x7b, 0x0a) }),
  fc.record({ op: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('insert' as const), at, data: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('splice' as const), at, from: at, len: fc.integer({ min: 1, max: 512 }), insert: fc.boolean() }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('huge' as const), at, width: fc.constantFrom(4 as const, 8 as const), value: fc.constantFrom(...HUGE) }) },
  fc.record({ op: fc.constant('text' as const), at, text: fc.nat({ max: NASTY_TEXT.length + NASTY_BYTES.length - 1 }) }),
);

/** The ops applied in turn (positions taken modulo the length at that point). */
export function applyByteOps(src: Uint8Array, ops: readonly ByteOp[]): Uint8Array {
  let b: Uint8Array = src.slice();
  for (const o of ops) {
    const n = b.length;
    const p = n === 0 ? 0 : o.at % (n + 1);
    switch (o.op) {
      case 'truncate': b = b.slice(0, n === 0 ? 0 : o.at % n); break;
      case 'flip': if (n) b[o.at % n] ^= 1 << o.bit; break;
      case 'set': if (n) b[o.at % n] = o.value; break;
      case 'delete': b = concat(b.subarray(0, p), b.subarray(Math.min(n, p + o.len))); break;
      case 'insert': b = concat(b.subarray(0, p), Uint8Array.from(o.data), b.subarray(p)); break;
      case 'splice': {
        // a piece of the file elsewhere, copied over (or inserted at) p: a repeated header, a tensor in the wrong place
        const from = n === 0 ? 0 : o.from % n;
        const piece = b.slice(from, from + o.len);
        b = o.insert ? concat(b.subarray(0, p), piece, b.subarray(p)) : concat(b.subarray(0, p), piece, b.subarray(Math.min(n, p + piece.length)));
        break;
      }
      case 'huge': {
        if (n < o.width) break;
        const q = o.at % (n - o.width + 1);
        const dv = new DataView(b.buffer, b.byteOffset, n);
        if (o.width === 4) dv.setUint32(q, Math.min(o.value, 0xffffffff), true);
        else dv.setBigUint64(q, BigInt(Math.min(o.value, 2 ** 64 - 1)) & 0xffffffffffffffffn, true);
        break;
      }
      case 'text': {
        const t = o.text < NASTY_TEXT.length ? enc(NASTY_TEXT[o.text]) : NASTY_BYTES[o.text - NASTY_TEXT.length];
        b = concat(b.subarray(0, p), t, b.subarray(p));
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** JSON values that break assumptions: sizes past every limit, wrong types, empty containers. */
const NASTY_JSON: unknown[] = [2 ** 32, 2 ** 31, 2 ** 53, 1e308, -1, 0, 0.5, -0, 1e-320, '', 'x'.repeat(300), null, true, false, [], {}, [2 ** 32, 2 ** 32], [0], ['a'], { '': 1 }, '__proto__', 'constructor', '{}', '[]', '{"a": 1}', 65536, 2 ** 30, -(2 ** 31)];

export type JsonOp = { node: number; action: 'replace' | 'delete' | 'duplicate' | 'wrap' | 'rename'; value: unknown };
export const jsonOp: fc.Arbitrary<JsonOp> = fc.record({
  node: fc.noBias(fc.nat()),
  action: fc.constantFrom('replace' as const, 'replace' as const, 'replace' as const, 'delete' as const, 'duplicate' as const, 'wrap' as const, 'rename' as const),
  value: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NASTY_JSON) }, fc.jsonValue({ maxDepth: 2 })),
});

interface Slot { parent: Record<string, unknown> | unknown[]; key: string | number; commit: () => void }

/** Every slot of a JSON tree (object members, array elements), strings that hold JSON objects entered too (a
 *  tokenizer's word_counts, a Keras layer's nested config). */
function slots(root: unknown, commit: () => void, out: Slot[] = []): Slot[] {
  if (root === null || typeof root !== 'object') return out;
  const entries: [string | number, unknown][] = Array.isArray(root) ? root.map((v, i) => [i, v]) : Object.entries(root);
  for (const [k, v] of entries) {
    out.push({ parent: root as Record<string, unknown>, key: k, commit });
    if (typeof v === 'string' && v.length > 1 && (v[0] === '{' || v[0] === '[')) {
      try {
        const inner = JSON.parse(v) as unknown;
        const parent = root as Record<string | number, unknown>;
        slots(inner, () => { parent[k] = JSON.stringify(inner); commit(); }, out);
      } catch { /* not JSON */ }
    } else {
      slots(v, commit, out);
    }
  }
  return out;
}

/** The JSON edits applied in turn to the parsed text; unparsable text is returned as it is. */
export function applyJsonOps(text: string, ops: readonly JsonOp[]): string {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { return text; }
  for (const o of ops) {
    const all = slots(doc, () => {});
    if (all.length === 0) break;
    const s = all[o.node % all.length];
    const p = s.parent as Record<string | number, unknown>;
    const value = structuredClone(o.value);
    if (o.action === 'replace') p[s.key] = value;
    else if (o.action === 'wrap') p[s.key] = [p[s.key]];
    else if (o.action === 'delete') { if (Array.isArray(p)) p.splice(s.key as number, 1); else delete p[s.key]; }
    else if (o.action === 'duplicate') { if (Array.isArray(p)) p.splice(s.key as number, 0, structuredClone(p[s.key])); else p[`${s.key}_`] = structuredClone(p[s.key]); }
    else if (!Array.isArray(p)) { p[typeof value === 'string' ? value : JSON.stringify(value)] = p[s.key]; delete p[s.key]; }
    s.commit();
  }
  return JSON.stringify(doc);
}

// ---- containers rebuilt around edited JSON ---------------------------------------------------------------------------

const u32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset, b.length).getUint32(o, true);

/** A model file with both checksums made right for its (possibly mutated) bytes: the header's over the bytes its
 *  length field names, the file's over everything before the last 8 bytes. */
export function fixModelChecksums(src: Uint8Array): Uint8Array {
  const b = src.slice();
  if (b.length >= 24) {
    const n = u32(b, 12);
    if (24 + n <= b.length) b.set(new Checksum().update(b.subarray(24, 24 + n)).digest(), 16);
  }
  if (b.length >= 8) b.set(new Checksum().update(b.subarray(0, b.length - 8)).digest(), b.length - 8);
  return b;
}

/** A model file whose header JSON is edited and re-encoded (length, padding, checksums right; payload kept). */
export function editModelHeader(src: Uint8Array, ops: readonly JsonOp[]): Uint8Array {
  const n = u32(src, 12);
  const payloadAt = Math.ceil((24 + n) / 16) * 16;
  const json = enc(applyJsonOps(dec(src.subarray(24, 24 + n)), ops));
  const headEnd = 24 + json.length;
  const head = new Uint8Array(Math.ceil(headEnd / 16) * 16);
  head.set(src.subarray(0, 16));
  new DataView(head.buffer).setUint32(12, json.length, true);
  head.set(json, 24);
  return fixModelChecksums(concat(head, src.subarray(payloadAt)));
}

/** A safetensors file whose header JSON is edited (its length field rewritten, the data kept). */
export function editSafetensorsHeader(src: Uint8Array, ops: readonly JsonOp[]): Uint8Array {
  const n = Number(new DataView(src.buffer, src.byteOffset).getBigUint64(0, true));
  const json = enc(applyJsonOps(dec(src.subarray(8, 8 + n)), ops));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat(len, json, src.subarray(8 + n));
}

/** The end (exclusive) of the JSON object starting at b[start] ('{'), strings and escapes respected; -1 if none
 *  within limit bytes. */
function objectEnd(b: Uint8Array, start: number, limit = 1 << 20): number {
  let depth = 0, inString = false;
  for (let i = start; i < Math.min(b.length, start + limit); i++) {
    const c = b[i];
    if (inString) { if (c === 0x5c) i++; else if (c === 0x22) inString = false; continue; }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) { if (--depth === 0) return i + 1; }
  }
  return -1;
}

/** An HDF5 Keras file whose model_config (or training_config) attribute is edited in place: the attribute's text is
 *  found in the file's bytes, re-encoded compactly (Keras writes `, ` and `: `, so it shrinks) and padded with spaces
 *  to its old length; an edit that does not fit leaves the file as it was. */
export function editH5Json(src: Uint8Array, ops: readonly JsonOp[], entry: 'config.json' | 'metadata.json'): Uint8Array {
  const text = new TextDecoder('latin1').decode(src);
  // model_config: the object around the first "class_name"; training_config: the one starting {"optimizer_config" (or,
  // when the file has none, model_config again)
  const training = text.indexOf('{"optimizer_config"');
  const start = entry === 'metadata.json' && training >= 0 ? training : text.lastIndexOf('{', text.indexOf('"class_name"'));
  if (start < 0) return src;
  const end = objectEnd(src, start);
  if (end < 0) return src;
  const edited = enc(applyJsonOps(dec(src.subarray(start, end)), ops));
  if (edited.length > end - start) return src;
  const out = src.slice();
  out.fill(0x20, start, end);
  out.set(edited, start);
  return out;
}

/** A .keras zip whose config.json (or metadata.json) is edited; other files are kept. Not a zip: unchanged. */
export function editKerasZip(src: Uint8Array, ops: readonly JsonOp[], entry: 'config.json' | 'metadata.json'): Uint8Array {
  let files: Record<string, Uint8Array>;
  try { files = unzipSync(src); } catch { return src; }
  if (!files[entry]) return src;
  files[entry] = enc(applyJsonOps(dec(files[entry]), ops));
  return zipSync(files, { level: 0 });
}

// ---- cases ---------------------------------------------------------------------------------------------------------

/** How a case was made: the seed, the edits, the mode. Printed for a failure; makeCase(seeds, recipe) replays it. */
export interface Recipe {
  seed: number;
  /** bytes: byte ops only; fixed: byte ops, then checksums recomputed (model file); json: JSON edits (re-encoded),
   *  then the byte ops (checksums recomputed again for the model file); shard: TF.js weight file mutated. */
  mode: 'bytes' | 'fixed' | 'json' | 'shard';
  bytes: ByteOp[];
  json: JsonOp[];
  /** .keras: which JSON entry the edits go to. */
  entry: 'config.json' | 'metadata.json';
  /** When set, the input is streamed (an async iterable, or a ReadableStream when stream) in pieces of these sizes,
   *  in turn: pieces that cut every field and every UTF-8 character somewhere. */
  chunks?: { sizes: number[]; stream: boolean } | null;
  /** Word vectors: a word of the tokenizer given this id (a huge one, a negative one), or numWords set. */
  vocab?: { word: number; id: number; numWords: number | null } | null;
}

/** Loaders that take any source openSource reads (path, bytes, stream, async iterable). */
const STREAMED: ReadonlySet<LoaderName> = new Set(['model', 'keras', 'torch', 'csv', 'wordVectors']);
const JSON_LOADERS: ReadonlySet<LoaderName> = new Set(['model', 'keras', 'tfjs', 'torch', 'tokenizer']);

/** Recipes for a loader: for the model file, half of them end with valid checksums (fixed or json). */
export function recipeArbitrary(loader: LoaderName, seeds: readonly Seed[]): fc.Arbitrary<Recipe> {
  const modes: Recipe['mode'][] = loader === 'model' ? ['bytes', 'bytes', 'fixed', 'json']
    : loader === 'tfjs' ? ['bytes', 'json', 'json', 'shard']
    : JSON_LOADERS.has(loader) ? ['bytes', 'json'] : ['bytes'];
  return fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    mode: fc.constantFrom(...modes),
    bytes: fc.array(byteOp, { minLength: 1, maxLength: 4 }),
    json: fc.array(jsonOp, { minLength: 1, maxLength: 3 }),
    entry: fc.constantFrom('config.json' as const, 'config.json' as const, 'metadata.json' as const),
    // a JSON edit alone reaches the parser behind the container; with byte ops after it, one time in four
    both: fc.integer({ min: 0, max: 3 }).map((k) => k === 0),
    chunks: STREAMED.has(loader)
      ? fc.option(fc.record({ sizes: fc.array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 5 }), stream: fc.boolean() }), { freq: 2 })
      : fc.constant(null),
    vocab: loader === 'wordVectors'
      ? fc.option(fc.record({ word: fc.nat(), id: fc.constantFrom(0, 1, 7, -1, 0.5, 2 ** 20, 2 ** 28, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 53 - 1), numWords: fc.option(fc.constantFrom(0, 1, 3, 2 ** 31, -1)) }), { freq: 3 })
      : fc.constant(null),
  }).map(({ both, ...r }) => (r.mode === 'json' && !both ? { ...r, bytes: [] } : r));
}

/** The case a recipe makes from the loader's seeds. */
export function makeCase(loader: LoaderName, seeds: readonly Seed[], r: Recipe): FuzzCase {
  const s = seeds[r.seed];
  let bytes = s.bytes;
  let files = s.files;
  if (r.mode === 'json') {
    if (loader === 'model') bytes = editModelHeader(bytes, r.json);
    else if (loader === 'torch') bytes = editSafetensorsHeader(bytes, r.json);
    else if (loader === 'keras') bytes = bytes[0] === 0x50 ? editKerasZip(bytes, r.json, r.entry) : editH5Json(bytes, r.json, r.entry);
    else bytes = enc(applyJsonOps(dec(bytes), r.json));
  }
  if (r.mode === 'shard') {
    files = { ...files, [s.shardName!]: applyByteOps(files![s.shardName!], r.bytes) };
  } else {
    bytes = applyByteOps(bytes, r.bytes);
    if (loader === 'model' && r.mode !== 'bytes') bytes = fixModelChecksums(bytes);
  }
  let tok = s.tokenizer as { wordIndex: Record<string, number>; numWords?: number | null } | undefined;
  if (tok && r.vocab) {
    const words = Object.keys(tok.wordIndex);
    tok = { wordIndex: { ...tok.wordIndex, [words[r.vocab.word % words.length]]: r.vocab.id }, numWords: r.vocab.numWords ?? tok.numWords };
  }
  const c: FuzzCase = { loader, bytes, options: s.options, tokenizer: tok, chunks: r.chunks ?? null };
  if (loader === 'tfjs') c.files = { ...files, 'model.json': bytes };
  return c;
}

// ---- the pool ------------------------------------------------------------------------------------------------------

export type Outcome =
  | { kind: 'ok'; note: string }
  | { kind: 'error'; name: string; library: boolean; message: string; stack: string }
  | { kind: 'hang' }
  | { kind: 'crash'; message: string };

const WORKER = new URL('./fuzz-worker.mjs', import.meta.url);
/** The cap on one case. A case that hits it is run once more in a fresh worker (a busy machine can stall a thread for
 *  a moment); two caps in a row are a hang. */
export const CASE_MS = 2000;

interface Slot2 { worker: Worker; ready: Promise<void>; busy: boolean }

/** Long-lived workers, one case each at a time; a worker that hangs or dies is replaced. */
export class FuzzPool {
  private readonly workers: Slot2[] = [];
  private readonly waiting: ((s: Slot2) => void)[] = [];
  private next = 1;
  restarts = 0;

  constructor(size: number) {
    // the workers run the built package (a worker cannot load TypeScript): npm test and bench:fuzz build it first
    if (!existsSync(new URL('dist/src/index.js', ROOT))) throw new Error('fuzz: expected the built package in dist/, got none: run npm run build:ts first.');
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  private spawn(): Slot2 {
    // the heap cap turns a runaway allocation into a dead worker (a crash outcome), not a dead machine
    const worker = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: 768 } });
    const ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: { kind: string }) => { if (m.kind === 'ready') { worker.off('message', onMsg); resolve(); } };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    return { worker, ready, busy: false };
  }

  private async acquire(): Promise<Slot2> {
    const free = this.workers.find((w) => !w.busy);
    if (free) { free.busy = true; return free; }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(s: Slot2): void {
    const w = this.waiting.shift();
    if (w) w(s); else s.busy = false;
  }

  private replace(s: Slot2): Slot2 {
    void s.worker.terminate();
    this.restarts++;
    const fresh = this.spawn();
    fresh.busy = true;
    this.workers[this.workers.indexOf(s)] = fresh;
    return fresh;
  }

  /** Runs one case: how it ended. */
  async run(c: FuzzCase): Promise<Outcome> {
    let s = await this.acquire();
    let out: Outcome | 'cap' = 'cap';
    for (let attempt = 0; attempt < 2; attempt++) {
      await s.ready;
      out = await this.once(s, c);
      if (out === 'cap' || out.kind === 'crash') s = this.replace(s);
      if (out !== 'cap') break;
    }
    this.release(s);
    return out === 'cap' ? { kind: 'hang' } : out;
  }

  private once(s: Slot2, c: FuzzCase): Promise<Outcome | 'cap'> {
    const id = this.next++;
    return new Promise((resolve) => {
      const done = (o: Outcome | 'cap') => {
        clearTimeout(timer);
        s.worker.off('message', onMsg); s.worker.off('error', onErr); s.worker.off('exit', onExit);
        resolve(o);
      };
      const onMsg = (m: Outcome & { id: number }) => { if (m.id === id) { const { id: _, ...o } = m; done(o as Outcome); } };
      const onErr = (e: Error) => done({ kind: 'crash', message: `the worker died: ${e.name}: ${e.message}` });
      const onExit = (code: number) => done({ kind: 'crash', message: `the worker exited with code ${code}` });
      const timer = setTimeout(() => done('cap'), CASE_MS);
      s.worker.on('message', onMsg); s.worker.on('error', onErr); s.worker.on('exit', onExit);
      s.worker.postMessage({ ...c, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((s) => s.worker.terminate()));
  }
}

// ---- a run ---------------------------------------------------------------------------------------------------------

/** A case whose outcome breaks the property: a crash, a hang, or an error outside the loader's documented classes. */
export interface Finding { loader: LoaderName; index: number; recipe: Recipe; seedName: string; outcome: Outcome }

export interface FuzzReport { loader: LoaderName; cases: number; loaded: number; refused: Record<string, number>; findings: Finding[] }

/** Whether an outcome keeps the property. */
export function acceptable(loader: LoaderName, o: Outcome): boolean {
  return o.kind === 'ok' || (o.kind === 'error' && o.library && DOCUMENTED[loader].includes(o.name));
}

/** numRuns seeded cases of one loader through the pool (all run; every finding kept). */
export async function fuzzLoader(pool: FuzzPool, loader: LoaderName, seeds: readonly Seed[], numRuns: number, seed: number): Promise<FuzzReport> {
  const recipes = fc.sample(recipeArbitrary(loader, seeds), { seed, numRuns });
  const report: FuzzReport = { loader, cases: 0, loaded: 0, refused: {}, findings: [] };
  await Promise.all(recipes.map(async (recipe, index) => {
    const o = await pool.run(makeCase(loader, seeds, recipe));
    report.cases++;
    if (o.kind === 'ok') report.loaded++;
    if (o.kind === 'error') report.refused[o.name] = (report.refused[o.name] ?? 0) + 1;
    if (!acceptable(loader, o)) report.findings.push({ loader, index, recipe, seedName: seeds[recipe.seed].name, outcome: o });
  }));
  report.findings.sort((a, b) => a.index - b.index);
  return report;
}

/** A finding in a few lines: where it came from and how to replay it. */
export function describeFinding(f: Finding): string {
  const o = f.outcome;
  const what = o.kind === 'error' ? `${o.name}: ${o.message}\n${o.stack}` : o.kind === 'crash' ? `crash: ${o.message}` : o.kind === 'hang' ? `hang (over ${CASE_MS} ms twice)` : 'ok';
  return `${f.loader} case ${f.index} (seed file ${f.seedName}), recipe ${JSON.stringify(f.recipe)}\n  ${what}`;
}
