// Keras-compatible text `tokenizer` (keras_preprocessing 1.1 `Tokenizer`): fitOnTexts, textsToSequences,
// sequencesToTexts, and toJSON / tokenizerFromJSON in the exact JSON layout of Keras's to_json().
import { ConfigError, StateError, ValueError, describeValue, didYouMean } from '../errors.js';

/** Keras's default `filters`: ASCII punctuation except `'`, plus tab and newline. */
export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface TokenizerOptions {
  /** Keep only words with index < numWords (the numWords - 1 most frequent) in textsToSequences and
   *  sequencesToTexts. null, undefined or 0: keep all (Keras treats 0 as "no limit" too). */
  numWords?: number | null;
  /** Characters (code points) replaced by `split` before splitting: a string, or as Keras also takes them a list of
   *  single characters. Default {@link DEFAULT_FILTERS}. Not applied with charLevel, as in Keras. */
  filters?: string | readonly string[];
  /** Lower-case texts first (String.prototype.toLowerCase, which matches Python's str.lower()). Default true. */
  lower?: boolean;
  /** Separator between words. Default ' '. Empty strings between separators are dropped. */
  split?: string;
  /** Every code point is a token (emoji and CJK characters count as one, as in Python). Default false. */
  charLevel?: boolean;
  /** Token for out-of-vocabulary words; gets index 1 (unless it also occurs in the texts). Default null. */
  oovToken?: string | null;
  /** Not in Keras: apply String.prototype.normalize('NFKC') to every text before anything else, so that
   *  'cafe\u0301' and 'café', or 'ﬁ' and 'fi', are one word. Default false. Stored in toJSON() outside Keras's
   *  config (a top-level "nfkc": true, which Keras ignores). */
  nfkc?: boolean;
}

/** A text, or a text already split into tokens (Keras also accepts lists of tokens). */
export type TextInput = string | readonly string[];

const OPTION_KEYS = ['numWords', 'filters', 'lower', 'split', 'charLevel', 'oovToken', 'nfkc'];

interface Settings {
  numWords: number | null;
  filters: string;
  lower: boolean;
  split: string;
  charLevel: boolean;
  oovToken: string | null;
  nfkc: boolean;
}

function checkOptions(where: string, o: Record<string, unknown>, names: Record<string, string>): Settings {
  const name = (k: string): string => names[k] ?? k;
  const bool = (k: string, dflt: boolean): boolean => {
    const v = o[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw new ConfigError(`${where}: expected ${name(k)} to be true or false, got ${describeValue(v)}.`);
    return v;
  };
  const numWords = o.numWords ?? null;
  if (numWords !== null && (typeof numWords !== 'number' || !Number.isSafeInteger(numWords) || numWords < 0)) {
    throw new ConfigError(`${where}: expected ${name('numWords')} to be a non-negative integer or null, got ${describeValue(numWords)}.`);
  }
  // a string, or (Keras: "list (or concatenation) of characters", which to_json() then writes as a JSON array) a list
  // of single characters (code points: Python's str.maketrans refuses longer keys)
  let filters = o.filters ?? DEFAULT_FILTERS;
  if (Array.isArray(filters) && filters.every((c) => typeof c === 'string' && Array.from(c).length === 1)) filters = filters.join('');
  if (typeof filters !== 'string') throw new ConfigError(`${where}: expected ${name('filters')} to be a string or a list of single characters, got ${describeValue(filters)}.`);
  const split = o.split ?? ' ';
  const charLevel = bool('charLevel', false);
  if (typeof split !== 'string' || (split === '' && !charLevel)) {
    throw new ConfigError(`${where}: expected ${name('split')} to be a non-empty string, got ${describeValue(split)}.`);
  }
  const oovToken = o.oovToken ?? null;
  if (oovToken !== null && typeof oovToken !== 'string') {
    throw new ConfigError(`${where}: expected ${name('oovToken')} to be a string or null, got ${describeValue(oovToken)}.`);
  }
  return { numWords: numWords as number | null, filters, lower: bool('lower', true), split, charLevel, oovToken, nfkc: bool('nfkc', false) };
}

/** Python's json.dumps of a string (ensure_ascii): every code unit outside ' '..'~' escaped, lowercase hex. */
function pyQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Python's json.dumps of a dict with default separators, keys in insertion order. */
function pyDict(entries: Iterable<[string | number, string | number]>): string {
  const parts: string[] = [];
  for (const [k, v] of entries) parts.push(`${pyQuote(String(k))}: ${typeof v === 'string' ? pyQuote(v) : String(v)}`);
  return `{${parts.join(', ')}}`;
}

const TOKEN = /\s*("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}:,])/y;

/** Parses a flat JSON object ({"key": scalar, ...}) keeping key order: JSON.parse would move integer-like keys
 *  such as "2020" to the front, and the order of word_counts decides ties in the word index. */
function parseFlatObject(src: string, where: string, what: string): [string, unknown][] {
  let pos = 0;
  const bad = (): never => {
    throw new ConfigError(`${where}: expected ${what} to be a JSON string of a flat object, got ${describeValue(src)}.`);
  };
  const next = (): string => {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (m === null) return bad();
    pos = TOKEN.lastIndex;
    return m[1]!;
  };
  const out: [string, unknown][] = [];
  if (next() !== '{') bad();
  let t = next();
  if (t !== '}') {
    for (;;) {
      if (t[0] !== '"') bad();
      const key = JSON.parse(t) as string;
      if (next() !== ':') bad();
      const v = next();
      if ('{}:,'.includes(v)) bad();
      out.push([key, JSON.parse(v)]);
      t = next();
      if (t === '}') break;
      if (t !== ',') bad();
      t = next();
    }
  }
  if (src.slice(pos).trim() !== '') bad();
  return out;
}

export class Tokenizer {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  readonly nfkc: boolean;
  /** Number of texts fitted so far. */
  documentCount = 0;
  /** The filters as one character class matched per code point (u flag), each written as \u{hex}; null: none. */
  private readonly filterRe: RegExp | null;
  private counts = new Map<string, number>();
  private docs = new Map<string, number>();
  private idxDocs = new Map<number, number>();
  private wIndex = new Map<string, number>();
  private iWord = new Map<number, string>();

  /** @internal Use {@link tokenizer}. */
  constructor(settings: Settings) {
    this.numWords = settings.numWords;
    this.filters = settings.filters;
    this.lower = settings.lower;
    this.split = settings.split;
    this.charLevel = settings.charLevel;
    this.oovToken = settings.oovToken;
    this.nfkc = settings.nfkc;
    const filters = [...new Set(Array.from(settings.filters))];
    this.filterRe = filters.length > 0 ? new RegExp(`[${filters.map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('')}]`, 'gu') : null;
  }

  /** word -> index (1 = most frequent, or the oovToken), in Keras's order. */
  get wordIndex(): ReadonlyMap<string, number> { return this.wIndex; }
  /** index -> word. */
  get indexWord(): ReadonlyMap<number, string> { return this.iWord; }
  /** word -> number of occurrences, in order of first occurrence. */
  get wordCounts(): ReadonlyMap<string, number> { return this.counts; }
  /** word -> number of texts containing it, in order of first occurrence. */
  get wordDocs(): ReadonlyMap<string, number> { return this.docs; }
  /** index -> number of texts containing the word. */
  get indexDocs(): ReadonlyMap<number, number> { return this.idxDocs; }

  /** A text's tokens: Keras's text_to_word_sequence, or its code points with charLevel. */
  private tokens(text: unknown, where: string, i: number): string[] {
    if (typeof text === 'string') {
      let t = this.nfkc ? text.normalize('NFKC') : text;
      if (this.lower) t = t.toLowerCase();
      if (this.charLevel) return Array.from(t);
      // one regex pass rather than a string built code point by code point (20 MB of mail: 14 s -> under 1 s)
      if (this.filterRe) t = t.replace(this.filterRe, () => this.split);
      return t.split(this.split).filter((w) => w.length > 0);
    }
    if (Array.isArray(text) && text.every((w) => typeof w === 'string')) {
      return (text as string[]).map((w) => {
        const n = this.nfkc ? w.normalize('NFKC') : w;
        return this.lower ? n.toLowerCase() : n;
      });
    }
    throw new ValueError(`${where}: expected texts[${i}] to be a string or an array of strings, got ${describeValue(text)}.`);
  }

  private static list<T>(v: unknown, where: string, what: string): T[] {
    if (typeof v === 'string' || v === null || typeof v !== 'object' || !(Symbol.iterator in v)) {
      throw new ValueError(`${where}: expected ${what}, got ${describeValue(v)}.`);
    }
    return Array.from(v as Iterable<T>);
  }

  /** Adds the texts to the vocabulary (counts accumulate over calls) and rebuilds the word index. */
  fitOnTexts(texts: Iterable<TextInput>): this {
    const list = Tokenizer.list<unknown>(texts, 'fitOnTexts', 'an array of texts');
    // every text is checked before any is counted: a bad one at the end leaves the vocabulary as it was
    for (let i = 0; i < list.length; i++) if (!isText(list[i])) this.tokens(list[i], 'fitOnTexts', i);
    for (let i = 0; i < list.length; i++) {
      const seq = this.tokens(list[i], 'fitOnTexts', i);
      this.documentCount++;
      for (const w of seq) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.docs.set(w, (this.docs.get(w) ?? 0) + 1);
    }
    // Descending counts; Array.prototype.sort is stable, like Python's sort(reverse=True): ties keep first-seen order.
    const sorted = [...this.counts].sort((a, b) => b[1] - a[1]);
    const vocab = this.oovToken === null ? [] : [this.oovToken];
    for (const [w] of sorted) vocab.push(w);
    // Map.set on a present key keeps its place and takes the later index, as Python's dict(zip(...)).
    this.wIndex = new Map();
    vocab.forEach((w, i) => this.wIndex.set(w, i + 1));
    this.iWord = new Map();
    for (const [w, c] of this.wIndex) this.iWord.set(c, w);
    for (const [w, c] of this.docs) this.idxDocs.set(this.wIndex.get(w)!, c);
    return this;
  }

  private oovIndex(where: string): number | undefined {
    if (this.oovToken === null) return undefined;
    const i = this.wIndex.get(this.oovToken);
    if (i === undefined || !this.iWord.has(i)) {
      throw new StateError(`${where}: expected oovToken ${describeValue(this.oovToken)} in the word index, got a tokenizer without it; call fitOnTexts first.`);
    }
    return i;
  }

  /** Each text as word indices. Unknown words, and words with index >= numWords, become the oovToken's index,
   *  or are dropped without one. */
  textsToSequences(texts: Iterable<TextInput>): number[][] {
    const list = Tokenizer.list<unknown>(texts, 'textsToSequences', 'an array of texts');
    const oov = this.oovIndex('textsToSequences');
    const nw = this.numWords;
    return list.map((text, t) => {
      const out: number[] = [];
      for (const w of this.tokens(text, 'textsToSequences', t)) {
        const i = this.wIndex.get(w);
        if (i !== undefined && !(nw && i >= nw)) out.push(i);
        else if (oov !== undefined) out.push(oov);
      }
      return out;
    });
  }

  /** Each sequence of indices as its words joined by ' ' (so charLevel texts come back spaced). Unknown indices
   *  (0, padding, included) and indices >= numWords become the oovToken, or are dropped without one; a value that
   *  is not an integer (1.5, NaN, a string) is a ValueError. */
  sequencesToTexts(sequences: Iterable<ArrayLike<number>>): string[] {
    const list = Tokenizer.list<unknown>(sequences, 'sequencesToTexts', 'an array of sequences');
    const oov = this.oovIndex('sequencesToTexts');
    const nw = this.numWords;
    return list.map((seq, s) => {
      if (seq === null || typeof seq !== 'object' || typeof (seq as ArrayLike<number>).length !== 'number') {
        throw new ValueError(`sequencesToTexts: expected sequences[${s}] to be an array of integers, got ${describeValue(seq)}.`);
      }
      const a = seq as ArrayLike<number>;
      const out: string[] = [];
      for (let j = 0; j < a.length; j++) {
        const n = a[j]!;
        // Keras skips ids it has no word for (out of range, negative); a value that is no integer id is a bug
        if (typeof n !== 'number' || !Number.isInteger(n)) throw new ValueError(`sequencesToTexts: expected integer ids, got ${describeValue(n)} at sequences[${s}][${j}].`);
        const w = this.iWord.get(n);
        if (w !== undefined && !(nw && n >= nw)) out.push(w);
        else if (oov !== undefined) out.push(this.iWord.get(oov)!);
      }
      return out.join(' ');
    });
  }

  /** The JSON string Keras's Tokenizer.to_json() writes (json.dumps with ensure_ascii, the same key order), which
   *  keras_preprocessing's tokenizer_from_json() reads back. word_docs and index_docs list words in order of first
   *  occurrence; Keras fills them from a set, so its order varies with PYTHONHASHSEED (the values are the same). */
  toJSON(): string {
    const c = [
      `"num_words": ${this.numWords === null ? 'null' : String(this.numWords)}`,
      `"filters": ${pyQuote(this.filters)}`,
      `"lower": ${this.lower ? 'true' : 'false'}`,
      `"split": ${pyQuote(this.split)}`,
      `"char_level": ${this.charLevel ? 'true' : 'false'}`,
      `"oov_token": ${this.oovToken === null ? 'null' : pyQuote(this.oovToken)}`,
      `"document_count": ${this.documentCount}`,
      `"word_counts": ${pyQuote(pyDict(this.counts))}`,
      `"word_docs": ${pyQuote(pyDict(this.docs))}`,
      `"index_docs": ${pyQuote(pyDict(this.idxDocs))}`,
      `"index_word": ${pyQuote(pyDict(this.iWord))}`,
      `"word_index": ${pyQuote(pyDict(this.wIndex))}`,
    ];
    return `{"class_name": "Tokenizer", "config": {${c.join(', ')}}${this.nfkc ? ', "nfkc": true' : ''}}`;
  }

  /** @internal Used by tokenizerFromJSON. */
  static restore(settings: Settings, documentCount: number, maps: {
    counts: Map<string, number>; docs: Map<string, number>; idxDocs: Map<number, number>;
    wIndex: Map<string, number>; iWord: Map<number, string>;
  }): Tokenizer {
    const t = new Tokenizer(settings);
    t.documentCount = documentCount;
    t.counts = maps.counts;
    t.docs = maps.docs;
    t.idxDocs = maps.idxDocs;
    t.wIndex = maps.wIndex;
    t.iWord = maps.iWord;
    return t;
  }
}

/** A text fitOnTexts and textsToSequences take: a string or an array of strings (words). */
function isText(t: unknown): boolean {
  return typeof t === 'string' || (Array.isArray(t) && t.every((w) => typeof w === 'string'));
}

/** A Keras-compatible tokenizer (keras_preprocessing 1.1 `Tokenizer`), not yet fitted. */
export function tokenizer(options: TokenizerOptions = {}): Tokenizer {
  if (!isObject(options)) throw new ConfigError(`tokenizer: expected an options object, got ${describeValue(options)}.`);
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new ConfigError(`tokenizer: expected options among ${OPTION_KEYS.join(', ')}, got an unknown option ${describeValue(k)}.${didYouMean(k, OPTION_KEYS)}`);
  }
  return new Tokenizer(checkOptions('tokenizer', options as Record<string, unknown>, {}));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// Keras config keys that Tokenizer(**config) accepts, with our names.
const KERAS_KEYS: Record<string, string> = {
  num_words: 'numWords', filters: 'filters', lower: 'lower', split: 'split', char_level: 'charLevel', oov_token: 'oovToken',
};
const KERAS_NAMES: Record<string, string> = Object.fromEntries(Object.entries(KERAS_KEYS).map(([k, v]) => [v, `config.${k}`]));
const MAP_KEYS = ['word_counts', 'word_docs', 'index_docs', 'index_word', 'word_index'];

/** Reads the JSON string of Keras's Tokenizer.to_json() (or of {@link Tokenizer.toJSON}). */
export function tokenizerFromJSON(json: string): Tokenizer {
  const where = 'tokenizerFromJSON';
  if (typeof json !== 'string') throw new ConfigError(`${where}: expected a JSON string, got ${describeValue(json)}.`);
  let outer: unknown;
  try {
    outer = JSON.parse(json);
  } catch (e) {
    throw new ConfigError(`${where}: expected a JSON string, got invalid JSON (${(e as Error).message}).`);
  }
  if (!isObject(outer) || !isObject(outer.config)) {
    throw new ConfigError(`${where}: expected {"class_name": "Tokenizer", "config": {...}} as Keras's to_json() writes, got ${describeValue(outer)}.`);
  }
  if (outer.class_name !== undefined && outer.class_name !== 'Tokenizer') {
    throw new ConfigError(`${where}: expected class_name "Tokenizer", got ${describeValue(outer.class_name)}.`);
  }
  const config = outer.config;
  const opts: Record<string, unknown> = { nfkc: outer.nfkc ?? false };
  let documentCount = 0;
  for (const [k, v] of Object.entries(config)) {
    if (Object.hasOwn(KERAS_KEYS, k)) opts[KERAS_KEYS[k]!] = v;
    else if (k === 'document_count') documentCount = v as number;
    else if (!MAP_KEYS.includes(k)) throw new ConfigError(`${where}: expected config keys among ${[...Object.keys(KERAS_KEYS), 'document_count', ...MAP_KEYS].join(', ')}, got ${describeValue(k)}.`);
  }
  if (!Number.isSafeInteger(documentCount) || documentCount < 0) {
    throw new ConfigError(`${where}: expected config.document_count to be a non-negative integer, got ${describeValue(documentCount)}.`);
  }
  const settings = checkOptions(where, opts, { ...KERAS_NAMES, nfkc: 'nfkc' });
  const entries = (key: string): [string, unknown][] => {
    const s = config[key];
    if (typeof s !== 'string') throw new ConfigError(`${where}: expected config.${key} to be a JSON string, got ${describeValue(s)}.`);
    return parseFlatObject(s, where, `config.${key}`);
  };
  const count = (key: string, k: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new ConfigError(`${where}: expected config.${key}[${JSON.stringify(k)}] to be a non-negative integer, got ${describeValue(v)}.`);
    }
    return v;
  };
  const intKey = (key: string, k: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(k)) throw new ConfigError(`${where}: expected the keys of config.${key} to be integers, got ${describeValue(k)}.`);
    return Number(k);
  };
  const counts = new Map(entries('word_counts').map(([k, v]) => [k, count('word_counts', k, v)] as [string, number]));
  const docs = new Map(entries('word_docs').map(([k, v]) => [k, count('word_docs', k, v)] as [string, number]));
  const idxDocs = new Map(entries('index_docs').map(([k, v]) => [intKey('index_docs', k), count('index_docs', k, v)] as [number, number]));
  const wIndex = new Map(entries('word_index').map(([k, v]) => [k, count('word_index', k, v)] as [string, number]));
  const iWord = new Map(entries('index_word').map(([k, v]) => {
    if (typeof v !== 'string') throw new ConfigError(`${where}: expected config.index_word[${JSON.stringify(k)}] to be a string, got ${describeValue(v)}.`);
    return [intKey('index_word', k), v] as [number, string];
  }));
  return Tokenizer.restore(settings, documentCount, { counts, docs, idxDocs, wIndex, iWord });
}
