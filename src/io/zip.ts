// Zip archives as bytes, knowing nothing of models: the central directory walked and checked here, entries inflated
// by fflate and checked against their CRC-32. ZIP64, encryption, split archives and methods other than stored and
// deflated are refused by name. Every failure is a CheckpointError naming the entry.
import { Inflate, strFromU8 } from 'fflate';
import { CheckpointError, ConfigError } from '../errors.js';

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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string, got: string) => new CheckpointError(`${where}: expected ${what}, got ${got}.`);
  const zip64 = (got: string) => fail('a zip archive without ZIP64 records', `${got} (${ZIP64_WHY})`);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);

  // End of central directory: the last 22+ bytes, after a comment of up to 65535 bytes.
  let eocd = -1;
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 65535); o--) {
    if (u32(o) === SIG.end && o + 22 + u16(o + 20) <= bytes.length) { eocd = o; break; }
  }
  if (eocd < 0) {
    const kind = bytes.length >= 4 && u32(0) === SIG.local ? 'a zip archive whose end record is missing (truncated)' : bytes.length ? 'no zip end-of-central-directory record' : 'an empty file';
    throw fail('a zip archive', kind);
  }
  if (eocd >= 20 && u32(eocd - 20) === SIG.zip64Locator) throw zip64('a ZIP64 end-of-central-directory locator');
  const disk = u16(eocd + 4), cdDisk = u16(eocd + 6), onDisk = u16(eocd + 8), count = u16(eocd + 10);
  const cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16);
  if (count === 0xffff || onDisk === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw zip64('an end record whose fields say "see the ZIP64 record"');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw fail('a single-file archive', `a part of a split or spanned archive (disk ${disk})`);
  if (cdOffset + cdSize > eocd) throw fail(`a central directory within the archive (before byte ${eocd})`, `one of ${cdSize} bytes at byte ${cdOffset} (a truncated archive, or bytes added before it)`);

  const entries: Located[] = [];
  const byName = new Map<string, Located>();
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdOffset + cdSize || u32(o) !== SIG.central) throw fail(`central directory entry ${i} of ${count} at byte ${o}`, 'other bytes (a corrupt archive)');
    const flags = u16(o + 8), method = u16(o + 10), crc32 = u32(o + 16), csize = u32(o + 20), size = u32(o + 24);
    const nameLen = u16(o + 28), extraLen = u16(o + 30), commentLen = u16(o + 32), startDisk = u16(o + 34), local = u32(o + 42);
    const next = o + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) throw fail(`central directory entry ${i} to end within the directory`, 'one that runs past it (a corrupt archive)');
    const rawName = bytes.subarray(o + 46, o + 46 + nameLen);
    const name = strFromU8(rawName, !(flags & 0x800)); // bit 11: UTF-8 name; else CP437, read as Latin-1 as fflate does
    const label = `entry ${JSON.stringify(name)}`;
    if (csize === 0xffffffff || size === 0xffffffff || local === 0xffffffff || startDisk === 0xffff || hasZip64Extra(view, o + 46 + nameLen, extraLen)) {
      throw zip64(`${label} with ZIP64 sizes or offsets`);
    }
    if (flags & 0x41) throw fail(`${label} unencrypted`, 'an encrypted entry');
    if (method !== 0 && method !== 8) throw fail(`${label} stored (method 0) or deflated (method 8)`, `method ${method}${METHODS[method] ? ` (${METHODS[method]})` : ''}`);
    if (byName.has(name)) throw fail(`each entry name once`, `${label} twice`);
    // The local header repeats the name; its extra field may differ (force_zip64 writes ZIP64 sizes only there).
    if (local + 30 > bytes.length || u32(local) !== SIG.local) throw fail(`the local header of ${label} at byte ${local}`, 'other bytes (a corrupt archive)');
    const lNameLen = u16(local + 26), lExtraLen = u16(local + 28);
    const start = local + 30 + lNameLen + lExtraLen, end = start + csize;
    if (start > bytes.length || !equalBytes(bytes.subarray(local + 30, local + 30 + lNameLen), rawName)) {
      throw fail(`the local header of ${label} to carry the same name`, 'a different one (a corrupt or tampered archive)');
    }
    if (hasZip64Extra(view, local + 30 + lNameLen, lExtraLen)) throw zip64(`${label} whose local header has ZIP64 sizes (Python's force_zip64=True)`);
    if (end > cdOffset) throw fail(`the ${csize} bytes of ${label} to end before the central directory at byte ${cdOffset}`, `an end at byte ${end} (a truncated or corrupt archive)`);
    if (method === 0 && csize !== size) throw fail(`stored ${label} to be as large in the archive as extracted`, `${csize} and ${size} bytes`);
    if (method === 8 && size > csize * MAX_DEFLATE_RATIO + 1024) throw fail(`deflated ${label} to claim at most ${MAX_DEFLATE_RATIO}x its ${csize} compressed bytes`, `${size} bytes`);
    const e: Located = { name, method: method === 0 ? 'stored' : 'deflated', size, compressedSize: csize, crc32, start, end };
    entries.push(e);
    byName.set(name, e);
    o = next;
  }

  const find = (name: string): Located => {
    const e = byName.get(name);
    if (!e) {
      const names = entries.map((x) => x.name);
      const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
      throw fail(`an entry ${JSON.stringify(name)} in the archive`, names.length ? `none (its entries: ${shown})` : 'an empty archive');
    }
    return e;
  };
  const read = (name: string): Uint8Array => extract(bytes, find(name), where);
  return {
    entries: entries.map(({ start, end, ...e }) => e),
    names: entries.map((e) => e.name),
    has: (name) => byName.has(name),
    read,
    readText(name) {
      try { return new TextDecoder('utf-8', { fatal: true }).decode(read(name)); } catch (e) {
        if (e instanceof CheckpointError) throw e;
        throw fail(`entry ${JSON.stringify(name)} to be UTF-8 text`, 'bytes that are not');
      }
    },
  };
}

/** Whether an extra field (id, size, data ...) holds a ZIP64 record (id 1). */
function hasZip64Extra(view: DataView, at: number, len: number): boolean {
  for (let o = at; o + 4 <= at + len && o + 4 <= view.byteLength; o += 4 + view.getUint16(o + 2, true)) {
    if (view.getUint16(o, true) === 0x0001) return true;
  }
  return false;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class Overflow {}

/** The entry's bytes in a buffer of their own: copied (stored) or inflated by fflate (deflated), then CRC-checked. */
function extract(bytes: Uint8Array, e: Located, where: string): Uint8Array {
  const label = `entry ${JSON.stringify(e.name)}`;
  let out: Uint8Array;
  if (e.method === 'stored') {
    out = bytes.slice(e.start, e.end);
  } else {
    out = new Uint8Array(e.size);
    let n = 0;
    const inflate = new Inflate((chunk) => {
      if (n + chunk.length > e.size) throw new Overflow();
      out.set(chunk, n);
      n += chunk.length;
    });
    try {
      const src = bytes.subarray(e.start, e.end);
      // in pieces, so data that inflates past its size is stopped after one piece, not after all of it
      if (src.length === 0) inflate.push(src, true);
      for (let i = 0; i < src.length; i += 65536) inflate.push(src.subarray(i, i + 65536), i + 65536 >= src.length);
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
