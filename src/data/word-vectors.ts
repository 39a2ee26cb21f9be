// loadWordVectors: a GloVe or word2vec text file, streamed line by line, into an embedding matrix [V, E] for a
// tokenizer's word index (for `layers.embedding({ weights: [{ data: weights, shape }] })`).
import { CheckpointError, ConfigError, MemoryError, ValueError, checkOptionKeys, describeValue } from '../errors.js';
import { openSource, type SourceOptions } from '../io/sources.js';
import { MAX_TEXT_LENGTH, decodeChunk } from './text-decode.js';

/** What loadWordVectors needs of a tokenizer (a Keras-style Tokenizer has both). */
export interface WordIndexLike {
  /** word -> id (1, 2, ... as Keras; id 0 is padding). */
  wordIndex: Map<string, number> | Record<string, number>;
  /** Keep ids below numWords only (Keras `num_words`); null or absent keeps every id. */
  numWords?: number | null;
}

export interface WordVectorsOptions extends SourceOptions {
  /** E: numbers per vector. The last `dim` fields of a line are its numbers, everything before is the word. */
  dim: number;
}

export interface WordVectors {
  /** [V, E] row-major: row i is the vector of the word with id i; rows of ids without a vector (and row 0) are 0. */
  weights: Float32Array;
  shape: [number, number];
  /** Rows filled from the file. */
  found: number;
  /** Rows of tokenizer words (id below V) left zero because the file has no vector for them. */
  missing: number;
}

/** An embedding matrix past this cannot be a model's weight (wasm32 memory holds 4 GiB in all). */
const MAX_MATRIX_BYTES = 2 ** 32;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\d+$/;

/**
 * Reads a GloVe (`word v1 ... vE`) or word2vec text file (the same, after an optional first line `count dim`, skipped
 * when it has exactly two integer fields) from any source openSource takes (path, URL, bytes, Blob, stream,
 * async iterable of Uint8Array), one chunk at a time: a 5 GB file is never held whole. V = min(numWords, largest
 * id + 1). The first line of a word wins; lines of words outside the tokenizer are checked for their field count
 * only. Words are matched as written (no case folding); invalid UTF-8 decodes to U+FFFD. Blank lines are skipped.
 */
export async function loadWordVectors(source: unknown, tokenizer: WordIndexLike, options: WordVectorsOptions): Promise<WordVectors> {
  const where = 'loadWordVectors';
  if (options === null || typeof options !== 'object') throw new ConfigError(`${where}: expected options { dim }, got ${describeValue(options)}.`);
  checkOptionKeys(options, where, ['dim', 'onProgress', 'signal']);
  const E = options.dim;
  if (!Number.isInteger(E) || E < 1) throw new ConfigError(`${where}: expected dim to be a positive integer, got ${describeValue(E)}.`);
  const { index, V } = vocabulary(tokenizer, where);
  // the matrix goes into a model's Wasm memory (4 GiB in all): a larger one fails here, before it is allocated
  if (V * E * 4 > MAX_MATRIX_BYTES) {
    throw new MemoryError(`${where}: expected an embedding matrix [V, E] within the 4 GiB of Wasm memory, got [${V}, ${E}] = ${(V * E * 4 / 2 ** 30).toFixed(1)} GiB (V is the largest id of the tokenizer's word index + 1; give the tokenizer numWords to keep fewer words).`);
  }

  const weights = new Float32Array(V * E);
  const filled = new Uint8Array(V);
  let found = 0;
  let lineNo = 0;
  let checkedDim = false;
  /** The first line whose word had a numeric tail, while no line has decided whether the dim fits (see handle). */
  let dimSuspect: { extra: number; word: string; line: number } | null = null;
  const dimError = (extra: number, first: string, line: number) => new ConfigError(`${where}: expected ${E} numbers after each word (dim), got ${extra + E} numbers after ${JSON.stringify(first)} on line ${line}. Pass dim: ${extra + E}.`);

  const handle = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // The numbers are the last E space-separated fields; a trailing space (word2vec writes one) is not a field.
    let end = line.length;
    while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
    if (end === 0) return;
    if (lineNo === 1) {
      const f = line.slice(0, end).trim().split(/[ \t]+/);
      if (f.length === 2 && INTEGER.test(f[0]!) && INTEGER.test(f[1]!)) {
        if (Number(f[1]) !== E) throw new ConfigError(`${where}: expected vectors of dim ${E}, got a word2vec header "${f[0]} ${f[1]}" (line 1) declaring dim ${f[1]}.`);
        return;
      }
    }
    // Walk back over E fields; `cut` ends at the space before the first number.
    let cut = end;
    let fields = 0;
    while (fields < E) {
      const sp = line.lastIndexOf(' ', cut - 1);
      if (sp <= 0) break;
      fields++;
      cut = sp;
      while (cut > 0 && line.charCodeAt(cut - 1) === 32) cut--; // several spaces between fields
    }
    if (fields < E || cut === 0) {
      const got = line.slice(0, end).trim().split(/ +/).length;
      throw new CheckpointError(`${where}: expected line ${lineNo} to hold a word and ${E} numbers separated by spaces, got ${got} field${got === 1 ? '' : 's'}.`);
    }
    const word = line.slice(0, cut);
    if (!checkedDim) {
      // A dim smaller than the file's leaves numbers in the "word" of every line, which then never matches. A word
      // with a numeric tail ("room 101") may be a real phrase: a line decides once its first part is a word of the
      // tokenizer (the phrase known too: a phrase; else the dim is wrong), or a line has a one-part word (the dim fits)
      const parts = word.split(/ +/);
      const tail = parts.length > 1 && parts.slice(1).every((p) => NUMBER.test(p));
      if (!tail) checkedDim = true;
      else if (index.has(word)) checkedDim = true;
      else if (index.has(parts[0]!)) throw dimError(parts.length - 1, parts[0]!, lineNo);
      else if (!dimSuspect) dimSuspect = { extra: parts.length - 1, word: parts[0]!, line: lineNo };
    }
    const id = index.get(word);
    if (id === undefined || filled[id]) return;
    const nums = line.slice(cut + 1, end).trim().split(/ +/);
    const row = id * E;
    for (let k = 0; k < E; k++) {
      const s = nums[k]!;
      if (!NUMBER.test(s)) {
        throw new CheckpointError(`${where}: expected number ${k + 1} of ${E} on line ${lineNo} (the word ${JSON.stringify(word)}) to be a decimal number, got ${JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s)}.`);
      }
      const v = Math.fround(Number(s));
      if (!Number.isFinite(v)) {
        throw new CheckpointError(`${where}: expected number ${k + 1} of ${E} on line ${lineNo} (the word ${JSON.stringify(word)}) to fit in float32 (|v| < 3.4e38), got ${s}.`);
      }
      weights[row + k] = v;
    }
    filled[id] = 1;
    found++;
  };

  const src = await openSource(source, where, options);
  const decoder = new TextDecoder('utf-8');
  // The start of a line not ended yet. Checked before each append: past MAX_TEXT_LENGTH the string cannot be built.
  let carry = '';
  const take = (text: string): void => {
    let nl = text.indexOf('\n');
    if (carry.length + (nl < 0 ? text.length : nl) > MAX_TEXT_LENGTH) {
      throw new CheckpointError(`${where}: expected line ${lineNo + 1} to be at most ${MAX_TEXT_LENGTH} characters (2^29 - 24, the longest string in V8), got a longer one (no line break within ${MAX_TEXT_LENGTH} characters).`);
    }
    if (nl < 0) { carry += text; return; }
    let start = 0;
    if (carry.length > 0) {
      handle(carry + text.slice(0, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    for (; nl >= 0; nl = text.indexOf('\n', start)) {
      handle(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
  };
  // stream: true keeps a multi-byte character cut by the chunk border for the next call.
  for await (const chunk of src.chunks()) decodeChunk(decoder, chunk, take);
  take(decoder.decode());
  if (carry.length > 0) handle(carry);
  // every line's word had a numeric tail and none matched: the dim is too small
  const suspect = dimSuspect as { extra: number; word: string; line: number } | null; // (set inside handle)
  if (!checkedDim && suspect && found === 0) throw dimError(suspect.extra, suspect.word, suspect.line);

  let words = 0;
  const counted = new Uint8Array(V);
  for (const id of index.values()) if (!counted[id]) { counted[id] = 1; words++; }
  return { weights, shape: [V, E], found, missing: words - found };
}

/** word -> id for the ids below V, and V = min(numWords, largest id + 1). */
function vocabulary(tokenizer: WordIndexLike, where: string): { index: Map<string, number>; V: number } {
  const wi = (tokenizer as WordIndexLike | null)?.wordIndex;
  let entries: [string, unknown][];
  if (wi instanceof Map) entries = [...wi.entries()];
  else if (wi !== null && typeof wi === 'object') entries = Object.entries(wi);
  else throw new ConfigError(`${where}: expected a tokenizer with a wordIndex (a Map or an object of word -> id), got ${describeValue(tokenizer)}.`);
  let max = -1;
  for (const [w, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new ValueError(`${where}: expected the tokenizer's wordIndex to map words to non-negative integer ids, got ${describeValue(id)} for ${JSON.stringify(w)}.`);
    }
    if (id > max) max = id;
  }
  const numWords = tokenizer.numWords ?? null;
  if (numWords !== null && (!Number.isInteger(numWords) || numWords < 0)) {
    throw new ConfigError(`${where}: expected the tokenizer's numWords to be a non-negative integer or null, got ${describeValue(numWords)}.`);
  }
  const V = Math.min(numWords ?? Infinity, max + 1);
  const index = new Map<string, number>();
  for (const [w, id] of entries) if ((id as number) < V) index.set(w, id as number);
  return { index, V };
}
