// Zip archives as bytes, knowing nothing of models: the central directory walked and checked here, entries inflated
// by fflate and checked against their CRC-32. Archives that need ZIP64, encryption, split archives and methods other than stored and
// deflated are refused by name. Every failure is a CheckpointError naming the entry.
import { Inflate, strFromU8 } from 'fflate';
import { CheckpointError, ConfigError } from '../errors.js';
import type { ByteSource } from './sources.js';

export interface ZipEntry {
  name: string;
  method: 'stored' | 'deflated';
  /** Bytes once extracted. */
  size: number;
  /** Bytes in the archive. */
  compressedSize: number;
  crc32: number;
}

export interface ZipArchive {
  /** Entries in central-directory order. */
  readonly entries: readonly ZipEntry[];
  readonly names: string[];
  has(name: string): boolean;
  /** The entry's bytes, extracted and checked, in an ArrayBuffer of their own (so the archive's bytes can be dropped). */
  read(name: string): Uint8Array;
  /** The entry as UTF-8 text (config.json, metadata.json). */
  readText(name: string): string;
}

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, zip64End: 0x06064b50, zip64Locator: 0x07064b50 } as const;
/** Deflate cannot expand data by more than 1032:1; a size claimed past that is a lie. */
const MAX_DEFLATE_RATIO = 1032;
const METHODS: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 20: 'zstd (old id)', 93: 'zstd', 95: 'xz', 98: 'ppmd', 99: 'AES encryption' };
const ZIP64_WHY = 'ZIP64 is not supported: bilstm-attn reads zip archives under 4 GiB with fewer than 65535 entries, written without ZIP64 records';

interface Located extends ZipEntry { start: number; end: number }

/** Reads and checks the central directory of a zip archive held in memory; entries are extracted on read(). */
export function openZip(bytes: Uint8Array, where: string): ZipArchive {
  if (!(bytes instanceof Uint8Array)) throw new ConfigError(`${where}: expected the archive as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}.`);
  const walk = directory(bytes.length, where);
  let step = walk.next(new Uint8Array(0));
  while (!step.done) step = walk.next(bytes.subarray(step.value[0], step.value[0] + step.value[1]));
  const entries = step.value;
  const archive = describe(entries, where);
  const read = (name: string) => { const e = archive.find(name); return extract(bytes.subarray(e.start, e.end), e, where); };
  return { ...archive.listing, read, readText: (name) => text(read(name), name, where) };
}

/** openZip's entries, with read() and readText() that resolve to what openZip's return. */
export interface ZipSourceArchive extends Omit<ZipArchive, 'read' | 'readText'> {
  read(name: string): Promise<Uint8Array>;
  readText(name: string): Promise<string>;
}

/**
 * openZip over a source that can be read at any offset (a path, bytes, a Blob): only the central directory, the
 * local headers and the entries asked for are read, so a 100 MB .keras is never in memory whole: each entry read
 * arrives in a buffer of its own (ready for openHdf5 without a copy). Other sources are read whole, then as openZip.
 */
export async function openZipSource(source: ByteSource, where: string): Promise<ZipSourceArchive> {
  if (!source.read || source.size === null) {
    const parts: Uint8Array[] = [];
    let n = 0;
    for await (const c of source.chunks()) { parts.push(c.slice()); n += c.length; }
    const all = new Uint8Array(n);
    parts.reduce((at, c) => { all.set(c, at); return at + c.length; }, 0);
    const z = openZip(all, where);
    return { ...z, read: async (name) => z.read(name), readText: async (name) => z.readText(name) };
  }
  const at = source.read.bind(source);
  const walk = directory(source.size, where);
  let step = walk.next(new Uint8Array(0));
  while (!step.done) step = walk.next(await at(step.value[0], step.value[1]));
  const archive = describe(step.value, where);
  const read = async (name: string) => {
    const e = archive.find(name);
    return extract(await at(e.start, e.end - e.start), e, where);
  };
  return { ...archive.listing, read, readText: async (name) => text(await read(name), name, where) };
}

function describe(entries: Located[], where: string) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    listing: { entries: entries.map(({ start, end, ...e }) => e), names: entries.map((e) => e.name), has: (name: string) => byName.has(name) },
    find(name: string): Located {
      const e = byName.get(name);
      if (e) return e;
      const names = entries.map((x) => x.name);
      const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
      throw new CheckpointError(`${where}: expected an entry ${JSON.stringify(name)} in the archive, got ${names.length ? `none (its entries: ${shown})` : 'an empty archive'}.`);
    },
  };
}

function text(b: Uint8Array, name: string, where: string): string {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(b); } catch {
    throw new CheckpointError(`${where}: expected entry ${JSON.stringify(name)} to be UTF-8 text, got bytes that are not.`);
  }
}

/**
 * The central directory walk for an archive of `total` bytes, as a generator that asks for the bytes it needs: it
 * yields [offset, length] (always within the archive) and is resumed with those bytes. Returns every entry, checked.
 */
function* directory(total: number, where: string): Generator<[number, number], Located[], Uint8Array> {
  const fail = (what: string, got: string) => new CheckpointError(`${where}: expected ${what}, got ${got}.`);
  const zip64 = (got: string) => fail('a zip archive without ZIP64 records', `${got} (${ZIP64_WHY})`);
  const le = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

  // End of central directory: the last 22+ bytes, after a comment of up to 65535 bytes.
  const tailStart = Math.max(0, total - 22 - 65535 - 20);
  const tail = yield [tailStart, total - tailStart];
  const t = le(tail);
  let eocd = -1;
  for (let o = tail.length - 22; o >= Math.max(0, tail.length - 22 - 65535); o--) {
    if (t.getUint32(o, true) === SIG.end && o + 22 + t.getUint16(o + 20, true) <= tail.length) { eocd = o; break; }
  }
  if (eocd < 0) {
    const head = tailStart === 0 && tail.length >= 4 && t.getUint32(0, true) === SIG.local;
    throw fail('a zip archive', head ? 'a zip archive whose end record is missing (truncated)' : total ? 'no zip end-of-central-directory record' : 'an empty file');
  }
  if (eocd >= 20 && t.getUint32(eocd - 20, true) === SIG.zip64Locator) throw zip64('a ZIP64 end-of-central-directory locator');
  const disk = t.getUint16(eocd + 4, true), cdDisk = t.getUint16(eocd + 6, true), onDisk = t.getUint16(eocd + 8, true), count = t.getUint16(eocd + 10, true);
  const cdSize = t.getUint32(eocd + 12, true), cdOffset = t.getUint32(eocd + 16, true);
  eocd += tailStart;
  if (count === 0xffff || onDisk === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw zip64('an end record whose fields say "see the ZIP64 record"');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw fail('a single-file archive', `a part of a split or spanned archive (disk ${disk})`);
  if (cdOffset + cdSize > eocd) throw fail(`a central directory within the archive (before byte ${eocd})`, `one of ${cdSize} bytes at byte ${cdOffset} (a truncated archive, or bytes added before it)`);

  const cd = yield [cdOffset, cdSize];
  const c = le(cd);
  const entries: Located[] = [];
  const names = new Set<string>();
  let o = 0;
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdSize || c.getUint32(o, true) !== SIG.central) throw fail(`central directory entry ${i} of ${count} at byte ${cdOffset + o}`, 'other bytes (a corrupt archive)');
    const flags = c.getUint16(o + 8, true), method = c.getUint16(o + 10, true), crc32 = c.getUint32(o + 16, true);
    const csize = c.getUint32(o + 20, true), size = c.getUint32(o + 24, true);
    const nameLen = c.getUint16(o + 28, true), extraLen = c.getUint16(o + 30, true), commentLen = c.getUint16(o + 32, true);
    const startDisk = c.getUint16(o + 34, true), local = c.getUint32(o + 42, true);
    const next = o + 46 + nameLen + extraLen + commentLen;
    if (next > cdSize) throw fail(`central directory entry ${i} to end within the directory`, 'one that runs past it (a corrupt archive)');
    const rawName = cd.slice(o + 46, o + 46 + nameLen);
    const name = strFromU8(rawName, !(flags & 0x800)); // bit 11: UTF-8 name; else CP437, read as Latin-1 as fflate does
    const label = `entry ${JSON.stringify(name)}`;
    if (csize === 0xffffffff || size === 0xffffffff || local === 0xffffffff || startDisk === 0xffff || hasZip64Extra(cd.subarray(o + 46 + nameLen, o + 46 + nameLen + extraLen))) {
      throw zip64(`${label} with ZIP64 sizes or offsets`);
    }
    if (flags & 0x41) throw fail(`${label} unencrypted`, 'an encrypted entry');
    if (method !== 0 && method !== 8) throw fail(`${label} stored (method 0) or deflated (method 8)`, `method ${method}${METHODS[method] ? ` (${METHODS[method]})` : ''}`);
    if (names.has(name)) throw fail(`each entry name once`, `${label} twice`);
    names.add(name);
    // The local header repeats the name; its extra field may differ (force_zip64 writes ZIP64 sizes only there).
    const badLocal = () => fail(`the local header of ${label} at byte ${local}`, 'other bytes (a corrupt archive)');
    if (local + 30 > cdOffset) throw badLocal();
    const lh = le(yield [local, 30]);
    if (lh.getUint32(0, true) !== SIG.local) throw badLocal();
    const lNameLen = lh.getUint16(26, true), lExtraLen = lh.getUint16(28, true);
    const start = local + 30 + lNameLen + lExtraLen, end = start + csize;
    if (start > cdOffset) throw badLocal();
    const lNameExtra = yield [local + 30, lNameLen + lExtraLen];
    if (!equalBytes(lNameExtra.subarray(0, lNameLen), rawName)) throw fail(`the local header of ${label} to carry the same name`, 'a different one (a corrupt or tampered archive)');
    // A ZIP64 record only in the local header (Python's force_zip64=True) is harmless: the central directory's 32-bit
    // sizes, read above, are the ones used.
    if (end > cdOffset) throw fail(`the ${csize} bytes of ${label} to end before the central directory at byte ${cdOffset}`, `an end at byte ${end} (a truncated or corrupt archive)`);
    if (method === 0 && csize !== size) throw fail(`stored ${label} to be as large in the archive as extracted`, `${csize} and ${size} bytes`);
    if (method === 8 && size > csize * MAX_DEFLATE_RATIO + 1024) throw fail(`deflated ${label} to claim at most ${MAX_DEFLATE_RATIO}x its ${csize} compressed bytes`, `${size} bytes`);
    entries.push({ name, method: method === 0 ? 'stored' : 'deflated', size, compressedSize: csize, crc32, start, end });
    o = next;
  }
  return entries;
}

/** Whether an extra field (id, size, data ...) holds a ZIP64 record (id 1). */
function hasZip64Extra(extra: Uint8Array): boolean {
  const v = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let o = 0; o + 4 <= extra.length; o += 4 + v.getUint16(o + 2, true)) {
    if (v.getUint16(o, true) === 0x0001) return true;
  }
  return false;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class Overflow {}

/**
 * The entry's bytes in a buffer of their own, from its bytes in the archive (`data`): stored ones as they are when
 * data already owns its buffer (a source's read), else copied; deflated ones inflated by fflate. Then CRC-checked.
 */
function extract(data: Uint8Array, e: Located, where: string): Uint8Array {
  const label = `entry ${JSON.stringify(e.name)}`;
  let out: Uint8Array;
  if (e.method === 'stored') {
    out = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
  } else {
    // the buffer grows with what really inflates (doubling, capped at the declared size): a small archive that
    // declares a huge entry costs only the bytes its data produces, not the size it claims
    out = new Uint8Array(Math.min(e.size, 1 << 16));
    let n = 0;
    const inflate = new Inflate((chunk) => {
      if (n + chunk.length > e.size) throw new Overflow();
      if (n + chunk.length > out.length) {
        const grown = new Uint8Array(Math.min(e.size, Math.max(n + chunk.length, out.length * 2)));
        grown.set(out.subarray(0, n));
        out = grown;
      }
      out.set(chunk, n);
      n += chunk.length;
    });
    try {
      // in pieces, so data that inflates past its size is stopped after one piece, not after all of it
      if (data.length === 0) inflate.push(data, true);
      for (let i = 0; i < data.length; i += 65536) inflate.push(data.subarray(i, i + 65536), i + 65536 >= data.length);
    } catch (x) {
      if (x instanceof Overflow) throw new CheckpointError(`${where}: expected ${label} to inflate to ${e.size} bytes, got more (a corrupt archive).`);
      throw new CheckpointError(`${where}: expected ${label} to be valid deflate data, got data fflate rejects (${(x as Error).message ?? String(x)}): the archive is corrupt.`);
    }
    if (n !== e.size) throw new CheckpointError(`${where}: expected ${label} to inflate to ${e.size} bytes, got ${n} (a corrupt archive).`);
  }
  const crc = crc32(out);
  if (crc !== e.crc32) {
    throw new CheckpointError(`${where}: expected ${label} to match its CRC-32 ${hex(e.crc32)}, got ${hex(crc)}: the archive is corrupt.`);
  }
  return out;
}

const hex = (x: number) => x.toString(16).padStart(8, '0');

let TABLES: Uint32Array | null = null;

/** CRC-32 (IEEE, as zip uses), eight bytes a step from 32-bit words (slicing-by-8: about 1 GB/s in V8). */
export function crc32(b: Uint8Array): number {
  if (!TABLES) {
    const t = new Uint32Array(8 * 256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[i] = c >>> 0;
    }
    for (let i = 0; i < 256; i++) for (let s = 1; s < 8; s++) t[s * 256 + i] = (t[(s - 1) * 256 + i] >>> 8) ^ t[t[(s - 1) * 256 + i] & 0xff];
    TABLES = t;
  }
  const t = TABLES;
  let c = ~0;
  let i = 0;
  // bytes one by one up to a 4-byte boundary, then 32-bit words (every supported runtime is little-endian)
  for (; i < b.length && (b.byteOffset + i) % 4 !== 0; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  const n = (b.length - i) >>> 3 << 1;
  const words = n ? new Uint32Array(b.buffer, b.byteOffset + i, n) : new Uint32Array(0);
  for (let w = 0; w < words.length; w += 2) {
    const lo = c ^ words[w], hi = words[w + 1];
    c = t[1792 + (lo & 0xff)] ^ t[1536 + ((lo >>> 8) & 0xff)] ^ t[1280 + ((lo >>> 16) & 0xff)] ^ t[1024 + (lo >>> 24)]
      ^ t[768 + (hi & 0xff)] ^ t[512 + ((hi >>> 8) & 0xff)] ^ t[256 + ((hi >>> 16) & 0xff)] ^ t[hi >>> 24];
  }
  for (i += words.length * 4; i < b.length; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
