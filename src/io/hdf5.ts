// HDF5 files as bytes, knowing nothing of models: groups, attributes and datasets read through jsfive, float data
// copied straight from the file's bytes where it lies contiguous, and limits that keep a crafted file from making
// jsfive loop, recurse or allocate without bound. Every failure is a CheckpointError naming the part of the file.
//
// jsfive is synchronous, so while one of its calls runs nothing else does; run() uses that to lend it, for that call
// only: a counting slice() on the file's ArrayBuffer (every structure jsfive reads is a slice: object headers, B-tree
// nodes, heaps, chunks), a gzip filter with an output cap (fflate instead of jsfive's pako), a TextDecoder that reads
// HDF5's "ASCII" strings as UTF-8, and a console.warn whose messages go into our errors instead of the console.
import { File as JsFile, Group as JsGroup, Dataset as JsDataset, Filters } from 'jsfive';
import { Unzlib } from 'fflate';
import { CheckpointError, ConfigError, ShapeError, fmtShape } from '../errors.js';
import { singleBits } from './float16.js';

/** What a crafted file may cost. Defaults in HDF5_LIMITS; tests lower them. */
export interface Hdf5Limits {
  /** Structures jsfive may read (slices of the file) in one call: a get, an attribute listing, a dataset read, a walk. */
  maxReads: number;
  /** Bytes those reads may copy in one call; by default 4x the file plus 64 MiB (a legit call copies each byte once). */
  maxReadBytes: number;
  /** Objects one walk() may visit. */
  maxObjects: number;
  /** Components of a path, and group nesting in walk(). */
  maxDepth: number;
  /** Soft links followed while resolving one path (HDF5's own default limit is 16). */
  maxSoftLinks: number;
  /** Elements of a dataset read through jsfive (chunked data): it builds a JS array of them, 8+ bytes each. */
  maxFallbackElements: number;
  /** Elements of any dataset: 2^28 float32 are 1 GiB, and a Keras tensor that large could not train in wasm32 anyway. */
  maxElements: number;
}

export const HDF5_LIMITS: Readonly<Omit<Hdf5Limits, 'maxReadBytes'>> = {
  maxReads: 2 ** 22,
  maxObjects: 2 ** 20,
  maxDepth: 64,
  maxSoftLinks: 16,
  maxFallbackElements: 2 ** 27,
  maxElements: 2 ** 28,
};

export type Hdf5Dtype =
  | 'float16' | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'string' | 'reference' | 'vlen';

/** An attribute's value: a number or string, or a flat array of them (multi-dimensional attributes come flat). */
export type Hdf5AttrValue = number | string | (number | string)[];

/** Where a dataset's elements are. offset null: never written, every element reads as the fill value. */
export type Hdf5Layout =
  | { kind: 'contiguous'; offset: number | null; bytes: number }
  | { kind: 'compact'; offset: number; bytes: number }
  | { kind: 'chunked'; chunks: number[]; filters: number[] };

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MSG = { fillValue: 5, externalFiles: 7, layout: 8 } as const;
const GZIP_FILTER = 1;
const MAX_RANK = 32;

/** Opens an HDF5 file held in memory. bytes is used in place when it spans its whole ArrayBuffer, else copied once. */
export function openHdf5(bytes: Uint8Array, where: string, limits: Partial<Hdf5Limits> = {}): Hdf5File {
  if (!(bytes instanceof Uint8Array)) throw new ConfigError(`${where}: expected the file as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}.`);
  const buf = ownBuffer(bytes);
  const u8 = new Uint8Array(buf);
  const ctx: Ctx = {
    where, buf, bytes: u8, view: new DataView(buf),
    limits: { ...HDF5_LIMITS, maxReadBytes: 4 * u8.length + 2 ** 26, ...limits },
  };
  checkSuperblock(ctx);
  installGzipGuard();
  const file = run(ctx, 'an HDF5 file jsfive can open', () => new JsFile(buf, ''));
  return new File(ctx, file);
}

interface Ctx { where: string; buf: ArrayBuffer; bytes: Uint8Array; view: DataView; limits: Hdf5Limits }

/** The counters of the jsfive call running now (null when none). */
interface Guard { ctx: Ctx; reads: number; bytes: number; maxReads: number; chunk: Chunk | null; failure: CheckpointError | null; warnings: string[] }
/** The chunks of the dataset being read: their size once inflated, and the dataset's name for errors. */
interface Chunk { bytes: number; label: string }
let guard: Guard | null = null;

/**
 * Runs fn (which calls jsfive) under the guard and turns whatever it throws into a CheckpointError that says what was
 * expected. Nested calls share the outer call's counters. A limit crossed inside jsfive fails the call even when
 * jsfive catches the error and returns null (as it does for soft links and attribute types).
 */
function run<T>(ctx: Ctx, what: string, fn: () => T, opts: { maxReads?: number; chunk?: Chunk } = {}): T {
  const outer = guard;
  const g: Guard = outer ?? { ctx, reads: 0, bytes: 0, maxReads: ctx.limits.maxReads, chunk: null, failure: null, warnings: [] };
  const saved = { maxReads: g.maxReads, chunk: g.chunk };
  if (opts.maxReads !== undefined) g.maxReads = Math.min(g.maxReads, g.reads + opts.maxReads);
  if (opts.chunk !== undefined) g.chunk = opts.chunk;
  let restore: (() => void) | null = null;
  if (!outer) { restore = lend(ctx.buf, g); guard = g; }
  try {
    const r = fn();
    if (g.failure) throw g.failure;
    return r;
  } catch (e) {
    if (g.failure) throw g.failure;
    if (e instanceof CheckpointError) throw e;
    const warned = g.warnings.length ? ` (jsfive warned: ${g.warnings.join('; ')})` : '';
    throw new CheckpointError(`${ctx.where}: expected ${what}, got ${jsfiveError(e)}${warned}.`);
  } finally {
    if (outer) { g.maxReads = saved.maxReads; g.chunk = saved.chunk; } else { guard = null; restore!(); }
  }
}

/** Installs the call's helpers (see the file comment) and returns what puts everything back. */
function lend(buf: ArrayBuffer, g: Guard): () => void {
  const slice = ArrayBuffer.prototype.slice;
  Object.defineProperty(buf, 'slice', {
    configurable: true, writable: true,
    value(this: ArrayBuffer, begin?: number, end?: number) { count(g, this.byteLength, begin, end); return slice.call(this, begin, end); },
  });
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { g.warnings.push(args.map(String).join(' ')); };
  const Decoder = globalThis.TextDecoder;
  // jsfive decodes HDF5 strings of the ASCII character set with TextDecoder('ascii'), which the Encoding standard
  // makes windows-1252: bytes past 127 come out as the wrong letters. They are UTF-8 in practice (h5py, Keras).
  class Utf8Decoder extends Decoder {
    constructor(label?: string, options?: TextDecoderOptions) { super(label === 'ascii' ? 'utf-8' : label, options); }
  }
  globalThis.TextDecoder = Utf8Decoder;
  return () => {
    delete (buf as { slice?: unknown }).slice;
    console.warn = warn;
    globalThis.TextDecoder = Decoder;
  };
}

function count(g: Guard, length: number, begin = 0, end = length): void {
  const clamp = (x: number) => Math.max(0, Math.min(length, x < 0 ? length + x : x));
  g.reads++;
  g.bytes += Math.max(0, clamp(end) - clamp(begin));
  const { where, limits } = g.ctx;
  if (g.reads > g.maxReads) {
    g.failure ??= new CheckpointError(`${where}: expected at most ${g.maxReads} structure reads for this step, got more: the file's structures loop or are far larger than their data (a corrupt or crafted file).`);
    throw g.failure;
  }
  if (g.bytes > limits.maxReadBytes) {
    g.failure ??= new CheckpointError(`${where}: expected at most ${limits.maxReadBytes} bytes copied out of the file for this step, got more: its structures point at the same bytes again and again (a corrupt or crafted file).`);
    throw g.failure;
  }
}

/** jsfive throws strings, Errors, and TypeErrors from its assert(); said here with what they usually mean. */
function jsfiveError(e: unknown): string {
  const text = typeof e === 'string' ? e : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const hint =
    /outside the bounds|out of bounds|offset is out/i.test(text) ? 'it reads past the end of the file: truncated or corrupt'
      : /thing is not a function/.test(text) ? 'one of its consistency checks failed: a corrupt file, or a structure jsfive does not read'
        : /call stack/i.test(text) ? 'structures nested too deeply'
          : /invalid (typed )?array length|allocation failed/i.test(text) ? 'a size too large to allocate'
            : '';
  return `jsfive's error "${text.length > 200 ? text.slice(0, 197) + '...' : text}"${hint ? ` (${hint})` : ''}`;
}

/** The ArrayBuffer jsfive will read: bytes' own when it starts at 0 and ends with it, else a copy. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const b = bytes.buffer;
  const plain = Object.prototype.toString.call(b) === '[object ArrayBuffer]' && !(b as { resizable?: boolean }).resizable;
  if (plain && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength && Object.isExtensible(b) && !Object.hasOwn(b, 'slice')) {
    return b as ArrayBuffer;
  }
  return bytes.slice().buffer;
}

/** The signature, a superblock jsfive reads (version 0, 2 or 3, 8-byte addresses) and the file's full length. */
function checkSuperblock(ctx: Ctx): void {
  const { where, bytes, view } = ctx;
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
  const at = (o: number) => o + 8 <= bytes.length && SIGNATURE.every((v, i) => bytes[o + i] === v);
  if (!at(0)) {
    for (let o = 512; o + 8 <= bytes.length; o *= 2) {
      if (at(o)) throw new CheckpointError(`${where}: expected the HDF5 signature at byte 0, got it at byte ${o} (a file with a user block, which jsfive does not read).`);
    }
    throw new CheckpointError(`${where}: expected an HDF5 file (starting 89 48 44 46 0d 0a 1a 0a), got ${bytes.length ? `a file starting ${hex(bytes.subarray(0, 8))}` : 'an empty file'}.`);
  }
  if (bytes.length < 56) throw new CheckpointError(`${where}: expected an HDF5 superblock of at least 56 bytes, got a file of ${bytes.length} bytes (truncated).`);
  const version = bytes[8];
  if (version !== 0 && version !== 2 && version !== 3) throw new CheckpointError(`${where}: expected superblock version 0, 2 or 3 (what jsfive reads), got version ${version}.`);
  const sizes = version === 0 ? [bytes[13], bytes[14]] : [bytes[9], bytes[10]];
  if (sizes[0] !== 8 || sizes[1] !== 8) throw new CheckpointError(`${where}: expected 8-byte offsets and lengths in the superblock (what jsfive reads), got ${sizes[0]} and ${sizes[1]}.`);
  const eof = u64(view, version === 0 ? 40 : 28);
  if (eof !== null && eof > bytes.length) {
    throw new CheckpointError(`${where}: expected ${eof} bytes (the end of file its superblock records), got ${bytes.length}: the file is truncated.`);
  }
}

/** A little-endian u64 as a number; null for the undefined address (all ones) and for anything past 2^53. */
function u64(view: DataView, at: number): number | null {
  const lo = view.getUint32(at, true), hi = view.getUint32(at + 4, true);
  if (hi > 0x1fffff) return null;
  return hi * 2 ** 32 + lo;
}

/** Replaces jsfive's gzip filter, once, with one that stops at the chunk's size while the guard says a read is on. */
function installGzipGuard(): void {
  const original = Filters.get(GZIP_FILTER);
  if (!original || (original as { guarded?: boolean }).guarded) return;
  const guarded = (buf: ArrayBuffer, itemsize: number, client: number[]): ArrayBuffer =>
    guard?.chunk ? inflateChunk(new Uint8Array(buf), guard.chunk, guard.ctx.where) : original(buf, itemsize, client);
  Filters.set(GZIP_FILTER, Object.assign(guarded, { guarded: true }));
}

class Overflow {}

/** A zlib stream that must inflate to exactly `size` bytes, with its Adler-32 checked; inflating stops past size. */
function inflateChunk(src: Uint8Array, { bytes: size, label }: Chunk, where: string): ArrayBuffer {
  const out = new Uint8Array(size);
  let n = 0;
  const z = new Unzlib((chunk) => {
    if (n + chunk.length > size) throw new Overflow();
    out.set(chunk, n);
    n += chunk.length;
  });
  try {
    if (src.length < 6) throw new CheckpointError(`${where}: expected each gzip chunk of ${label} to be zlib data, got ${src.length} bytes (shorter than a zlib header and checksum).`);
    for (let i = 0; i < src.length; i += 16384) z.push(src.subarray(i, i + 16384), i + 16384 >= src.length);
  } catch (e) {
    if (e instanceof Overflow) throw new CheckpointError(`${where}: expected each gzip chunk of ${label} to inflate to ${size} bytes, got one that inflates to more (a corrupt chunk, or a crafted one that inflates without bound).`);
    throw new CheckpointError(`${where}: expected each gzip chunk of ${label} to be zlib data, got one that is not ${(e as Error).message ?? String(e)}.`);
  }
  if (n !== size) throw new CheckpointError(`${where}: expected each gzip chunk of ${label} to inflate to ${size} bytes, got one of ${n}.`);
  const want = ((src[src.length - 4] << 24) | (src[src.length - 3] << 16) | (src[src.length - 2] << 8) | src[src.length - 1]) >>> 0;
  const got = adler32(out);
  if (got !== want) throw new CheckpointError(`${where}: expected each gzip chunk of ${label} to match its Adler-32 checksum ${want.toString(16)}, got ${got.toString(16)}: the chunk is corrupt.`);
  return out.buffer;
}

function adler32(b: Uint8Array): number {
  let a = 1, s = 0;
  for (let i = 0; i < b.length;) {
    const end = Math.min(b.length, i + 5552); // zlib's NMAX: reduce before the sums could pass 2^32
    for (; i < end; i++) { a += b[i]; s += a; }
    a %= 65521; s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** What groups and datasets share: where they are, and their attributes. */
export interface Hdf5Node {
  /** The path from the root without a leading slash ('' for the root group), as first reached. */
  readonly path: string;
  /** 'the root group', 'group a/b', 'dataset a/b/kernel:0': how errors name the node. */
  readonly label: string;
  /** The object header's address: one object reached by two paths has one address. */
  readonly address: number;
  /** Attribute names, in the order the file lists them. */
  readonly attrNames: string[];
  hasAttr(name: string): boolean;
  /** An attribute's value: strings decoded as UTF-8 with their padding NULs dropped, integers as numbers. */
  attr(name: string): Hdf5AttrValue;
  /** A string attribute (fixed- or variable-length), e.g. Keras's model_config. */
  stringAttr(name: string): string;
  /** An array of strings (a single string counts as one), e.g. Keras's layer_names. */
  stringsAttr(name: string): string[];
  numberAttr(name: string): number;
  /** A string attribute parsed as JSON. */
  jsonAttr(name: string): unknown;
}

export interface Hdf5Group extends Hdf5Node {
  readonly kind: 'group';
  /** The names of the links in this group (hard and soft), sorted as jsfive lists them. */
  readonly keys: string[];
  /**
   * The group or dataset at path: names separated by '/', relative to this group, or absolute with a leading '/'.
   * Soft links are followed (at most maxSoftLinks per call). A missing name is a CheckpointError that lists what
   * the group holds.
   */
  get(path: string): Hdf5Group | Hdf5Dataset;
  /** Whether path names something (a corrupt structure on the way still throws). */
  has(path: string): boolean;
  group(path: string): Hdf5Group;
  dataset(path: string): Hdf5Dataset;
  /**
   * Every group and dataset below this one, depth first in key order, each object once (a second hard link to it, or a
   * link back up the tree, is skipped); soft links are not followed (as h5py's visititems). Limited by maxObjects,
   * maxDepth and, over the whole walk, maxReads.
   */
  walk(): (Hdf5Group | Hdf5Dataset)[];
}

/** The root group, and the file's size. */
export interface Hdf5File extends Hdf5Group {
  readonly byteLength: number;
}

export interface Hdf5Dataset extends Hdf5Node {
  readonly kind: 'dataset';
  /** Dimensions, outermost first ([] for a scalar). */
  readonly shape: number[];
  /** Number of elements. */
  readonly size: number;
  readonly dtype: Hdf5Dtype;
  /** 'little' or 'big' for numbers, null for strings and other types. */
  readonly byteOrder: 'little' | 'big' | null;
  /** Where the elements are stored; see Hdf5Layout. */
  readonly layout: Hdf5Layout;
  /**
   * Reads every element, converted to float32, into dst (length = size). Fast path: a contiguous or compact dataset is
   * read straight from the file's bytes (little-endian float32 is one byte copy, whatever the offset's alignment;
   * float16, float64 and big-endian are converted in one pass). Chunked datasets (compressed or not) go through jsfive.
   */
  readFloat32Into(dst: Float32Array): void;
  /** readFloat32Into a new Float32Array (allocated after the dataset's type and layout are checked). */
  readFloat32(): Float32Array;
  /** The value of elements never written (HDF5's default: 0). */
  fillValue(): number;
}

/** A group or dataset: its path and attributes. */
abstract class Node implements Hdf5Node {
  private attrCache: Map<string, Hdf5AttrValue | Unreadable> | null = null;
  protected constructor(
    protected readonly ctx: Ctx,
    readonly path: string,
    private readonly jsAttrs: () => Record<string, unknown>,
  ) {}

  abstract get label(): string;
  abstract get address(): number;

  private attrMap(): Map<string, Hdf5AttrValue | Unreadable> {
    if (!this.attrCache) {
      const raw = run(this.ctx, `the attributes of ${this.label} to be readable`, this.jsAttrs);
      this.attrCache = new Map(Object.entries(raw).map(([k, v]) => [k, attrValue(v)]));
    }
    return this.attrCache;
  }

  get attrNames(): string[] { return [...this.attrMap().keys()]; }
  hasAttr(name: string): boolean { return this.attrMap().has(name); }

  attr(name: string): Hdf5AttrValue {
    const m = this.attrMap();
    const v = m.get(name);
    if (v === undefined) {
      const names = [...m.keys()];
      throw new CheckpointError(`${this.ctx.where}: expected an attribute ${JSON.stringify(name)} on ${this.label}, got none (${names.length ? `its attributes: ${list(names)}` : 'it has no attributes'}).`);
    }
    if (v instanceof Unreadable) throw new CheckpointError(`${this.ctx.where}: expected attribute ${JSON.stringify(name)} of ${this.label} to be a number, string or array of them, got ${v.what}.`);
    return v;
  }

  stringAttr(name: string): string {
    const v = this.attr(name);
    if (typeof v !== 'string') throw this.attrType(name, 'a string', v);
    return v;
  }

  stringsAttr(name: string): string[] {
    const v = this.attr(name);
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw this.attrType(name, 'an array of strings', v);
    return v as string[];
  }

  numberAttr(name: string): number {
    const v = this.attr(name);
    if (typeof v !== 'number') throw this.attrType(name, 'a number', v);
    return v;
  }

  jsonAttr(name: string): unknown {
    const s = this.stringAttr(name);
    try { return JSON.parse(s); } catch (e) {
      throw new CheckpointError(`${this.ctx.where}: expected attribute ${JSON.stringify(name)} of ${this.label} to hold JSON, got text that does not parse (${(e as Error).message}).`);
    }
  }

  private attrType(name: string, what: string, v: Hdf5AttrValue): CheckpointError {
    const got = Array.isArray(v) ? `an array of ${v.length} ${v.every((x) => typeof x === 'string') ? 'strings' : v.every((x) => typeof x === 'number') ? 'numbers' : 'values'}`
      : typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}` : `the number ${v}`;
    return new CheckpointError(`${this.ctx.where}: expected attribute ${JSON.stringify(name)} of ${this.label} to be ${what}, got ${got}.`);
  }
}

/** An attribute jsfive could not read (its value null: a compound, opaque, array or time type). */
class Unreadable { constructor(readonly what: string) {} }

function attrValue(v: unknown): Hdf5AttrValue | Unreadable {
  const one = (x: unknown): number | string | undefined =>
    typeof x === 'number' ? x : typeof x === 'string' ? x.replace(/\0+$/, '') : undefined;
  if (v === null || v === undefined) return new Unreadable('a type jsfive does not read (compound, opaque, array, time or bitfield)');
  if (Array.isArray(v)) {
    const out = v.map(one);
    if (out.some((x) => x === undefined)) return new Unreadable('nested or reference values');
    return out as (number | string)[];
  }
  return one(v) ?? new Unreadable(`a value jsfive gives as ${typeof v}`);
}

function list(names: string[]): string {
  return names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
}

class Group extends Node implements Hdf5Group {
  readonly kind = 'group' as const;
  private readonly children = new Map<string, Group | Dataset>();

  constructor(ctx: Ctx, path: string, private readonly js: JsGroup, private readonly root: Group | null) {
    super(ctx, path, () => js.attrs);
  }

  get label(): string { return this.path === '' ? 'the root group' : `group ${this.path}`; }
  get address(): number { return this.js._dataobjects.offset; }

  get keys(): string[] { return Object.keys(this.js._links); }

  get(path: string): Group | Dataset {
    const r = this.resolve(path, { hops: 0 });
    if (r instanceof Missing) throw r.error;
    return r;
  }

  has(path: string): boolean { return !(this.resolve(path, { hops: 0 }) instanceof Missing); }

  group(path: string): Group {
    const n = this.get(path);
    if (n.kind !== 'group') throw new CheckpointError(`${this.ctx.where}: expected ${n.path} to be a group, got a dataset of shape ${fmtShape(n.shape)}.`);
    return n;
  }

  dataset(path: string): Dataset {
    const n = this.get(path);
    if (n.kind !== 'dataset') throw new CheckpointError(`${this.ctx.where}: expected ${n.path || '/'} to be a dataset, got a group${n.keys.length ? ` (holding ${list(n.keys)})` : ' (empty)'}.`);
    return n;
  }

  walk(): (Group | Dataset)[] {
    const { where, limits } = this.ctx;
    const out: (Group | Dataset)[] = [];
    const seen = new Set<number>([this.address]);
    const visit = (g: Group, depth: number) => {
      for (const name of g.keys) {
        if (typeof g.js._links[name] !== 'number') continue;
        const child = g.child(name);
        if (seen.has(child.address)) continue;
        seen.add(child.address);
        if (out.length >= limits.maxObjects) throw new CheckpointError(`${where}: expected at most ${limits.maxObjects} objects below ${this.label}, got more.`);
        out.push(child);
        if (child.kind !== 'group') continue;
        if (depth + 1 > limits.maxDepth) throw new CheckpointError(`${where}: expected groups nested at most ${limits.maxDepth} deep, got ${child.label}.`);
        visit(child, depth + 1);
      }
    };
    run(this.ctx, `the objects below ${this.label} to be readable`, () => visit(this, 0));
    return out;
  }

  private resolve(path: string, state: { hops: number }): Group | Dataset | Missing {
    const { where, limits } = this.ctx;
    if (typeof path !== 'string') throw new ConfigError(`${where}: expected a path string, got ${typeof path}.`);
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const missing = (reason: string) => new Missing(new CheckpointError(`${where}: ${reason}.`), reason);
    if (parts.length > limits.maxDepth) throw new CheckpointError(`${where}: expected a path of at most ${limits.maxDepth} names, got ${parts.length}.`);
    let cur: Group | Dataset = path.startsWith('/') ? (this.root ?? this) : this;
    for (const name of parts) {
      if (cur.kind !== 'group') return missing(`expected ${cur.path} to be a group (on the way to ${path}), got a dataset`);
      const link: number | string | undefined = Object.hasOwn(cur.js._links, name) ? cur.js._links[name] : undefined;
      if (link === undefined) {
        const keys = cur.keys;
        return missing(`expected ${JSON.stringify(name)} in ${cur.label}${parts.length > 1 ? ` (looking for ${path})` : ''}, got ${keys.length ? `only ${list(keys)}` : 'an empty group'}`);
      }
      if (typeof link === 'string') {
        const at = join(cur.path, name);
        if (link === '') throw new CheckpointError(`${where}: expected ${at} to be a group or dataset, got a soft link whose target jsfive cannot read (soft links in groups of the original file format).`);
        if (++state.hops > limits.maxSoftLinks) throw new CheckpointError(`${where}: expected at most ${limits.maxSoftLinks} soft links on the way to ${path}, got more at ${at} -> ${link} (a soft link cycle?).`);
        const base: Group = link.startsWith('/') ? (this.root ?? this) : cur;
        const r = base.resolve(link, state);
        if (r instanceof Missing) return new Missing(new CheckpointError(`${where}: expected soft link ${at} -> ${link} to name a group or dataset, got a dangling link (${r.reason}).`), r.reason);
        cur = r;
      } else {
        cur = cur.child(name);
      }
    }
    return cur;
  }

  /** The object a hard link of this group names, wrapped once. */
  private child(name: string): Group | Dataset {
    let c = this.children.get(name);
    if (c) return c;
    const path = join(this.path, name);
    const js = run(this.ctx, `${path} to be a readable group or dataset`, () => this.js.get(name));
    if (js instanceof JsDataset) c = new Dataset(this.ctx, path, js);
    else if (js instanceof JsGroup) c = new Group(this.ctx, path, js, this.root ?? this);
    else throw new CheckpointError(`${this.ctx.where}: expected ${path} to be a group or dataset, got ${js === null ? 'nothing from jsfive' : typeof js}.`);
    this.children.set(name, c);
    return c;
  }
}

/** A name not found: the error get() throws, and its reason alone (for a soft link's message). */
class Missing { constructor(readonly error: CheckpointError, readonly reason: string) {} }

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);

class File extends Group implements Hdf5File {
  readonly byteLength: number;
  constructor(ctx: Ctx, js: JsFile) {
    super(ctx, '', js, null);
    this.byteLength = ctx.bytes.length;
  }
}

interface NumericType { dtype: Hdf5Dtype; kind: 'f' | 'i' | 'u'; size: number; little: boolean }

class Dataset extends Node implements Hdf5Dataset {
  readonly kind = 'dataset' as const;
  private cache: { shape?: number[]; dtype?: Type; layout?: Hdf5Layout } = {};
  /** Why jsfive cannot read this dataset's chunks, when it cannot. */
  private chunksUnreadable: string | null = null;

  constructor(ctx: Ctx, path: string, private readonly js: JsDataset) {
    super(ctx, path, () => js.attrs);
  }

  get label(): string { return `dataset ${this.path}`; }
  get address(): number { return this.js._dataobjects.offset; }

  get shape(): number[] {
    if (!this.cache.shape) {
      const s = run(this.ctx, `the shape of ${this.label} to be readable`, () => this.js.shape);
      const ok = Array.isArray(s) && s.length <= MAX_RANK && s.every((d) => Number.isSafeInteger(d) && d >= 0);
      if (!ok) throw new CheckpointError(`${this.ctx.where}: expected ${this.label} to have up to ${MAX_RANK} dimensions of safe integers, got ${JSON.stringify(s)?.slice(0, 80)}.`);
      const max = this.ctx.limits.maxElements;
      if (s.reduce((a, b) => a * b, 1) > max) throw new CheckpointError(`${this.ctx.where}: expected ${this.label} to have at most ${max} elements, got shape ${fmtShape(s)}.`);
      this.cache.shape = s.slice();
    }
    return this.cache.shape.slice();
  }

  get size(): number { return this.shape.reduce((a, b) => a * b, 1); }

  get dtype(): Hdf5Dtype { return this.type().dtype; }

  get byteOrder(): 'little' | 'big' | null { const n = this.type().num; return n ? (n.little ? 'little' : 'big') : null; }

  private type(): Type {
    if (!this.cache.dtype) {
      const t = run(this.ctx, `the type of ${this.label} to be one jsfive reads`, () => this.js.dtype);
      this.cache.dtype = parseDtype(t, this.ctx.where, this.label);
    }
    return this.cache.dtype;
  }

  get layout(): Hdf5Layout {
    if (!this.cache.layout) this.cache.layout = this.readLayout();
    return this.cache.layout;
  }

  readFloat32Into(dst: Float32Array): void {
    const { where } = this.ctx;
    if (!(dst instanceof Float32Array)) throw new ConfigError(`${where}: expected a Float32Array to read ${this.label} into, got ${dst === null ? 'null' : typeof dst === 'object' ? (dst as object).constructor?.name ?? 'an object' : typeof dst}.`);
    const n = this.size;
    if (dst.length !== n) throw new ShapeError(`${where}: expected a Float32Array of ${n} elements for ${this.label} ${fmtShape(this.shape)}, got ${dst.length}.`);
    const t = this.floatType();
    if (n === 0) return;
    const L = this.layout;
    if (L.kind === 'chunked') { this.readThroughJsfive(dst, L, t); return; }
    if (L.offset === null) { dst.fill(this.fillValue()); return; }
    copyFloats(this.ctx, L.offset, n, t, dst);
  }

  readFloat32(): Float32Array {
    this.floatType();
    void this.layout;
    const out = new Float32Array(this.size);
    this.readFloat32Into(out);
    return out;
  }

  private floatType(): NumericType {
    const t = this.type().num;
    if (!t || t.kind !== 'f') throw new CheckpointError(`${this.ctx.where}: expected ${this.label} to be float16, float32 or float64, got ${this.dtype}.`);
    return t;
  }

  fillValue(): number {
    if (this.js._dataobjects.find_msg_type(MSG.fillValue).length === 0) return 0;
    const v = run(this.ctx, `the fill value of ${this.label} to be readable`, () => this.js.fillvalue);
    return typeof v === 'number' ? v : 0;
  }

  private readLayout(): Hdf5Layout {
    const { where, view, bytes } = this.ctx;
    const dobj = this.js._dataobjects;
    const bad = (what: string, got: string) => new CheckpointError(`${where}: expected ${this.label} to have ${what}, got ${got}.`);
    if (dobj.find_msg_type(MSG.externalFiles).length) throw bad('its data in this file', 'a dataset whose data lives in external files');
    const msg = dobj.find_msg_type(MSG.layout)[0];
    if (!msg) throw bad('a data layout message', 'none');
    const at = msg.get('offset_to_message')!;
    const need = (o: number, n: number, what: string) => {
      if (at + o + n > bytes.length) throw bad(`its ${what} within the file`, `a data layout message at byte ${at} past the end of the file`);
    };
    need(0, 3, 'data layout message');
    const version = view.getUint8(at);
    const n = this.size, item = this.type().itemBytes;
    if (version === 1 || version === 2) {
      const rank = view.getUint8(at + 1), cls = view.getUint8(at + 2);
      if (cls === 1) {
        need(8, 8, 'data address');
        return this.contiguous(u64(view, at + 8), n * item);
      }
      if (cls === 0) {
        need(8 + 4 * rank, 4, 'compact data');
        const size = view.getUint32(at + 8 + 4 * rank, true);
        return this.compact(at + 12 + 4 * rank, size, n * item);
      }
      if (cls === 2) return this.chunked();
      throw bad('layout class 0, 1 or 2', `class ${cls}`);
    }
    if (version === 3 || version === 4) {
      const cls = view.getUint8(at + 1);
      if (cls === 0) { need(2, 2, 'compact data'); return this.compact(at + 4, view.getUint16(at + 2, true), n * item); }
      if (cls === 1) {
        need(2, 16, 'data address');
        const size = u64(view, at + 10);
        if (size !== n * item) throw bad(`${n * item} bytes of contiguous data (${n} elements of ${item} bytes)`, `a layout of ${size ?? 'more than 2^53'} bytes`);
        return this.contiguous(u64(view, at + 2), size);
      }
      if (cls === 2) {
        if (version === 3) return this.chunked();
        // version 4: flags, rank + 1, bytes per dimension, then the dimensions (the last one is the element size)
        need(2, 3, 'chunk dimensions');
        const dims = view.getUint8(at + 3), w = view.getUint8(at + 4);
        need(5, dims * w, 'chunk dimensions');
        const chunks: number[] = [];
        for (let i = 0; i < dims - 1; i++) {
          let d = 0;
          for (let k = w - 1; k >= 0; k--) d = d * 256 + view.getUint8(at + 5 + i * w + k);
          chunks.push(d);
        }
        this.chunksUnreadable = 'a chunked layout jsfive reads (layout message version 1 to 3), got version 4, which HDF5 writes for libver="latest" files; rewrite the file with h5py\'s default libver';
        return this.chunked(chunks);
      }
      throw bad('a contiguous, compact or chunked layout', cls === 3 ? 'a virtual dataset (its data lives in other datasets)' : `layout class ${cls}`);
    }
    throw bad('data layout message version 1 to 4', `version ${version}`);
  }

  private contiguous(offset: number | null, bytes: number): Hdf5Layout {
    if (offset !== null) this.within(offset, bytes);
    // Data never written takes no room in the file, so a crafted one could claim any size: no more than the file's.
    const len = this.ctx.bytes.length;
    if (offset === null && bytes > Math.max(len, 2 ** 22)) {
      throw new CheckpointError(`${this.ctx.where}: expected ${this.label}, which was never written (it reads as its fill value), to be no larger than the file of ${len} bytes, got ${bytes} bytes.`);
    }
    return { kind: 'contiguous', offset, bytes };
  }

  private compact(offset: number, size: number, bytes: number): Hdf5Layout {
    if (size !== bytes) throw new CheckpointError(`${this.ctx.where}: expected ${this.label} to hold ${bytes} bytes of compact data, got ${size}.`);
    this.within(offset, bytes);
    return { kind: 'compact', offset, bytes };
  }

  private within(offset: number, bytes: number): void {
    const len = this.ctx.bytes.length;
    if (offset + bytes > len) {
      throw new CheckpointError(`${this.ctx.where}: expected the ${bytes} bytes of ${this.label} at byte ${offset} to lie within the file of ${len} bytes, got an end at byte ${offset + bytes} (a truncated or corrupt file).`);
    }
  }

  private chunked(v4chunks?: number[]): Hdf5Layout {
    const { where } = this.ctx;
    const dobj = this.js._dataobjects;
    const chunks = v4chunks ?? run(this.ctx, `the chunk shape of ${this.label} to be readable`, () => dobj.chunks);
    const pipeline = run(this.ctx, `the filters of ${this.label} to be readable`, () => dobj.filter_pipeline) ?? [];
    const shape = this.shape;
    if (!Array.isArray(chunks) || chunks.length !== shape.length || !chunks.every((c) => Number.isSafeInteger(c) && c >= 1)) {
      throw new CheckpointError(`${where}: expected ${this.label} to have a chunk shape of ${shape.length} positive integers (one per dimension of ${fmtShape(shape)}), got ${JSON.stringify(chunks)?.slice(0, 80)}.`);
    }
    const filters = pipeline.map((f) => Number(f.get('filter_id')));
    // Like data never written, chunks never written take no room: the data may not claim more than the file could
    // hold, at deflate's largest ratio (1032:1) when compressed.
    const bytes = this.size * this.type().itemBytes, len = this.ctx.bytes.length;
    const most = Math.max(2 ** 22, filters.includes(GZIP_FILTER) ? 1032 * len : len);
    if (bytes > most) {
      throw new CheckpointError(`${where}: expected ${this.label} to hold at most ${most} bytes (${filters.includes(GZIP_FILTER) ? 'deflate\'s largest ratio, 1032:1, times' : 'the size of'} the file of ${len} bytes), got shape ${fmtShape(shape)} of ${bytes} bytes.`);
    }
    return { kind: 'chunked', chunks: chunks.slice(), filters };
  }

  /**
   * jsfive builds the whole dataset as a JS array from its chunk B-tree. Bounded here: the chunk shape must be no larger
   * than the data (or 2^16 elements), the B-tree may hold at most about as many entries as the chunk grid has cells,
   * and each gzip chunk must inflate to exactly one chunk.
   */
  private readThroughJsfive(dst: Float32Array, L: Extract<Hdf5Layout, { kind: 'chunked' }>, t: NumericType): void {
    const { where, limits } = this.ctx;
    const shape = this.shape, n = dst.length;
    if (this.chunksUnreadable) throw new CheckpointError(`${where}: expected ${this.label} to have ${this.chunksUnreadable}.`);
    if (n > limits.maxFallbackElements) throw new CheckpointError(`${where}: expected a chunked dataset of at most ${limits.maxFallbackElements} elements (jsfive reads it as a JS array first), got ${this.label} of ${n}.`);
    const chunkElems = L.chunks.reduce((a, b) => a * b, 1);
    if (chunkElems > Math.max(n, 2 ** 16)) throw new CheckpointError(`${where}: expected chunks of ${this.label} no larger than its data ${fmtShape(shape)}, got chunk shape ${fmtShape(L.chunks)}.`);
    const cells = shape.reduce((a, d, i) => a * Math.ceil(d / L.chunks[i]), 1);
    const values = run(this.ctx, `the data of ${this.label} to be readable`, () => this.js.value,
      { maxReads: 3 * cells + 64, chunk: { bytes: chunkElems * t.size, label: this.label } });
    if (!Array.isArray(values) || values.length !== n) throw new CheckpointError(`${where}: expected ${n} values from ${this.label}, got ${Array.isArray(values) ? values.length : typeof values}.`);
    let fill: number | null = null;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      // a chunk never written is a hole in jsfive's array: HDF5 reads it as the fill value
      dst[i] = typeof v === 'number' ? v : (fill ??= this.fillValue());
    }
  }
}

/** A dataset's type: its name, the bytes of one element in the file, and for numbers how to read them. */
interface Type { dtype: Hdf5Dtype; itemBytes: number; num: NumericType | null }

function parseDtype(t: unknown, where: string, label: string): Type {
  if (typeof t === 'string') {
    const m = /^([<>])([fiu])(\d)$/.exec(t);
    if (m) {
      const size = Number(m[3]), kind = m[2] as 'f' | 'i' | 'u';
      const dtype = (kind === 'f' ? `float${size * 8}` : `${kind === 'i' ? 'int' : 'uint'}${size * 8}`) as Hdf5Dtype;
      const known = kind === 'f' ? [2, 4, 8] : [1, 2, 4, 8];
      if (known.includes(size)) return { dtype, itemBytes: size, num: { dtype, kind, size, little: m[1] === '<' } };
    }
    const s = /^S(\d+)$/.exec(t);
    if (s) return { dtype: 'string', itemBytes: Number(s[1]), num: null };
  }
  if (Array.isArray(t)) {
    // variable-length data is a 16-byte heap reference per element
    if (t[0] === 'VLEN_STRING') return { dtype: 'string', itemBytes: 16, num: null };
    if (t[0] === 'REFERENCE' && typeof t[1] === 'number') return { dtype: 'reference', itemBytes: t[1], num: null };
    if (t[0] === 'VLEN_SEQUENCE') return { dtype: 'vlen', itemBytes: 16, num: null };
  }
  throw new CheckpointError(`${where}: expected ${label} to have a numeric or string type, got jsfive's type ${JSON.stringify(t)?.slice(0, 60)}.`);
}

/** n floats of type t at offset into dst: a byte copy for little-endian float32, one conversion pass otherwise. */
function copyFloats(ctx: Ctx, offset: number, n: number, t: NumericType, dst: Float32Array): void {
  const { bytes, view } = ctx;
  if (t.size === 4 && t.little) {
    new Uint8Array(dst.buffer, dst.byteOffset, n * 4).set(bytes.subarray(offset, offset + n * 4));
    return;
  }
  const le = t.little;
  if (t.size === 8) {
    for (let i = 0, o = offset; i < n; i++, o += 8) dst[i] = view.getFloat64(o, le);
  } else if (t.size === 4) {
    for (let i = 0, o = offset; i < n; i++, o += 4) dst[i] = view.getFloat32(o, le);
  } else {
    const u = new Uint32Array(dst.buffer, dst.byteOffset, n);
    for (let i = 0, o = offset; i < n; i++, o += 2) u[i] = singleBits(view.getUint16(o, le));
  }
}
