// The zip reader over fflate: entries of a Python-written archive (stored, deflated, empty, in a folder), and every
// way an archive can be refused: ZIP64 (force_zip64, a ZIP64 locator, 0xffff counts), other methods, encryption,
// duplicate or mismatched names, sizes that lie, truncation, flipped bytes. Only CheckpointError may come out.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { openZip, openZipSource, crc32 } from '../../src/io/zip.js';
import { openSource } from '../../src/io/sources.js';

const DIR = new URL('../fixtures/io/', import.meta.url);
const load = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));
const MANIFEST = JSON.parse(readFileSync(new URL('hdf5.json', DIR), 'utf8')).zip as { payload_len: number; text: string };
const PAYLOAD = Uint8Array.from({ length: MANIFEST.payload_len }, (_, i) => i % 256);

function errorOf(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected a throw, got none');
}

/** Byte offsets of the central directory entries (signature PK\1\2), in order. */
function centralEntries(b: Uint8Array): number[] {
  const out: number[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 4 <= b.length; o++) if (dv.getUint32(o, true) === 0x02014b50) out.push(o);
  return out;
}

describe('openZip', () => {
  it('lists and extracts stored, deflated and empty entries, each in a buffer of its own', () => {
    const z = openZip(load('archive.zip'), 'load');
    expect(z.entries).toEqual([
      { name: 'metadata.json', method: 'stored', size: 26, compressedSize: 26, crc32: crc32(new TextEncoder().encode('{"keras_version": "3.0.0"}')) },
      { name: 'config.json', method: 'deflated', size: MANIFEST.text.length, compressedSize: expect.any(Number), crc32: crc32(new TextEncoder().encode(MANIFEST.text)) },
      { name: 'model.weights.h5', method: 'stored', size: 2048, compressedSize: 2048, crc32: crc32(PAYLOAD) },
      { name: 'dir/deflated.bin', method: 'deflated', size: 2048, compressedSize: expect.any(Number), crc32: crc32(PAYLOAD) },
      { name: 'empty', method: 'stored', size: 0, compressedSize: 0, crc32: 0 },
    ]);
    expect(z.names).toEqual(['metadata.json', 'config.json', 'model.weights.h5', 'dir/deflated.bin', 'empty']);
    expect(z.has('config.json')).toBe(true);
    expect(z.has('nope')).toBe(false);
    expect(z.readText('config.json')).toBe(MANIFEST.text);
    expect(JSON.parse(z.readText('metadata.json'))).toEqual({ keras_version: '3.0.0' });
    for (const name of ['model.weights.h5', 'dir/deflated.bin']) {
      const b = z.read(name);
      expect(b).toEqual(PAYLOAD);
      expect([b.byteOffset, b.buffer.byteLength]).toEqual([0, 2048]); // jsfive needs the file at offset 0
    }
    expect(z.read('empty').length).toBe(0);
  });

  it('reads the same from a source at offsets (path, bytes) or, for a stream, whole; only what is asked for', async () => {
    const path = new URL('archive.zip', DIR);
    const bytes = load('archive.zip');
    const stream = new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < bytes.length; i += 100) c.enqueue(bytes.slice(i, i + 100)); c.close(); } });
    for (const src of [await openSource(path, 'x'), await openSource(bytes, 'x'), await openSource(stream, 'x')]) {
      const z = await openZipSource(src, 'x');
      expect(z.names).toEqual(openZip(bytes, 'x').names);
      expect(await z.readText('config.json')).toBe(MANIFEST.text);
      const w = await z.read('model.weights.h5');
      expect(w).toEqual(PAYLOAD);
      expect([w.byteOffset, w.buffer.byteLength]).toEqual([0, 2048]);
      await expect(z.read('nope')).rejects.toThrow(/^x: expected an entry "nope" in the archive, got none/);
    }
    // what is read from a source at offsets: the tail, the directory, two pieces of each local header, one entry
    const src = await openSource(bytes, 'x');
    const reads: [number, number][] = [];
    const spy = { ...src, read: (o: number, n: number) => { reads.push([o, n]); return src.read!(o, n); } };
    const z = await openZipSource(spy, 'x');
    expect(reads.length).toBe(2 + 2 * z.names.length);
    reads.length = 0;
    await z.read('model.weights.h5');
    expect(reads).toEqual([[expect.any(Number), 2048]]);
    // ZIP64 sizes only in a local header (Python's force_zip64=True): read through the central directory's sizes
    const z64 = await openZipSource(await openSource(load('zip64.zip'), 'x'), 'x');
    expect(await z64.readText('config.json')).toBe(openZip(load('zip64.zip'), 'x').readText('config.json'));
  });

  it('computes CRC-32 as zip does', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // against the bitwise definition, at every alignment and around the 8-byte steps
    const bitwise = (x: Uint8Array) => {
      let c = ~0;
      for (const v of x) { c ^= v; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
      return ~c >>> 0;
    };
    for (let off = 0; off < 8; off++) {
      for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100]) expect(crc32(PAYLOAD.subarray(off, off + n)), `${off}+${n}`).toBe(bitwise(PAYLOAD.subarray(off, off + n)));
    }
  });

  it('names the missing entry and lists what is there', () => {
    const e = errorOf(() => openZip(load('archive.zip'), 'loadKerasModel').read('model.weights.npz'));
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toBe('loadKerasModel: expected an entry "model.weights.npz" in the archive, got none (its entries: metadata.json, config.json, model.weights.h5, dir/deflated.bin, empty).');
  });

  it('refuses archives that need ZIP64, whichever record says so, and reads force_zip64 local headers', () => {
    const tail = ' (ZIP64 is not supported: bilstm-attn reads zip archives under 4 GiB with fewer than 65535 entries, written without ZIP64 records).';
    // force_zip64 (ZIP64 sizes in the local header only) is read, not refused: the central directory has the sizes
    expect(openZip(load('zip64.zip'), 'x').readText('config.json').length).toBeGreaterThan(0);
    // a ZIP64 end-of-central-directory locator just before the end record
    const b = load('archive.zip');
    const eocd = b.length - 22;
    const loc = new Uint8Array(20);
    new DataView(loc.buffer).setUint32(0, 0x07064b50, true);
    const withLocator = new Uint8Array([...b.subarray(0, eocd), ...loc, ...b.subarray(eocd)]);
    expect(errorOf(() => openZip(withLocator, 'x')).message).toBe(`x: expected a zip archive without ZIP64 records, got a ZIP64 end-of-central-directory locator${tail}`);
    const counts = b.slice();
    new DataView(counts.buffer).setUint16(eocd + 10, 0xffff, true);
    expect(errorOf(() => openZip(counts, 'x')).message).toBe(`x: expected a zip archive without ZIP64 records, got an end record whose fields say "see the ZIP64 record"${tail}`);
    const sizes = b.slice();
    new DataView(sizes.buffer).setUint32(centralEntries(b)[2] + 20, 0xffffffff, true);
    expect(errorOf(() => openZip(sizes, 'x')).message).toBe(`x: expected a zip archive without ZIP64 records, got entry "model.weights.h5" with ZIP64 sizes or offsets${tail}`);
  });

  it('refuses other methods, encryption, duplicate names and local headers that disagree', () => {
    expect(errorOf(() => openZip(load('bzip2.zip'), 'x')).message).toBe('x: expected entry "config.json" stored (method 0) or deflated (method 8), got method 12 (bzip2).');
    expect(errorOf(() => openZip(load('dup.zip'), 'x')).message).toBe('x: expected each entry name once, got entry "config.json" twice.');
    const b = load('archive.zip');
    const enc = b.slice();
    new DataView(enc.buffer).setUint16(centralEntries(b)[0] + 8, 1, true);
    expect(errorOf(() => openZip(enc, 'x')).message).toBe('x: expected entry "metadata.json" unencrypted, got an encrypted entry.');
    const renamed = b.slice();
    renamed[30] ^= 0x20; // first letter of the first local header's name
    expect(errorOf(() => openZip(renamed, 'x')).message).toBe('x: expected the local header of entry "metadata.json" to carry the same name, got a different one (a corrupt or tampered archive).');
  });

  it('an entry claiming far more than it inflates to is refused by what really inflates (the buffer grows with the data)', async () => {
    const { zipSync } = await import('fflate');
    let x = 1; // 1 MiB of incompressible bytes: a 1032:1 claim of ~1 GiB passes the ratio check
    const data = Uint8Array.from({ length: 1 << 20 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24));
    const b = zipSync({ 'w.bin': [data, { level: 9 }] });
    const cd = centralEntries(b)[0];
    const csize = new DataView(b.buffer).getUint32(cd + 20, true);
    const claim = csize * 1000;
    for (const at of [cd + 24, 22]) new DataView(b.buffer).setUint32(at, claim, true); // central and local sizes
    expect(openZip(b, 'x').entries[0].size).toBe(claim);
    expect(errorOf(() => openZip(b, 'x').read('w.bin')).message).toBe(`x: expected entry "w.bin" to inflate to ${claim} bytes, got ${1 << 20} (a corrupt archive).`);
  });

  it('refuses sizes that lie and data that does not match its CRC-32', () => {
    const b = load('archive.zip');
    const cd = centralEntries(b);
    const small = b.slice();
    new DataView(small.buffer).setUint32(cd[3] + 24, 100, true); // dir/deflated.bin claims 100 bytes, inflates to 2048
    expect(errorOf(() => openZip(small, 'x').read('dir/deflated.bin')).message).toBe('x: expected entry "dir/deflated.bin" to inflate to 100 bytes, got more (a corrupt archive).');
    const huge = b.slice();
    new DataView(huge.buffer).setUint32(cd[3] + 24, 0x7fffffff, true);
    expect(errorOf(() => openZip(huge, 'x')).message).toMatch(/^x: expected deflated entry "dir\/deflated\.bin" to claim at most 1032x its \d+ compressed bytes, got 2147483647 bytes\.$/);
    const flipped = b.slice();
    const at = b.indexOf(0xff, 100); // a byte of the stored payload (bytes 0..255 repeated)
    flipped[at] ^= 1;
    expect(errorOf(() => openZip(flipped, 'x').read('model.weights.h5')).message).toMatch(/^x: expected entry "model\.weights\.h5" to match its CRC-32 [0-9a-f]{8}, got [0-9a-f]{8}: the archive is corrupt\.$/);
  });

  it('names foreign and empty files, and refuses every truncation', () => {
    expect(errorOf(() => openZip(load('basic.h5'), 'x')).message).toBe('x: expected a zip archive, got no zip end-of-central-directory record.');
    expect(errorOf(() => openZip(new Uint8Array(0), 'x')).message).toBe('x: expected a zip archive, got an empty file.');
    expect(errorOf(() => openZip('x' as unknown as Uint8Array, 'x'))).toBeInstanceOf(ConfigError);
    const b = load('archive.zip');
    for (let cut = 0; cut < b.length; cut++) {
      const e = errorOf(() => { const z = openZip(b.subarray(0, cut), 'x'); z.names.forEach((n) => z.read(n)); });
      expect(e, `cut at ${cut}`).toBeInstanceOf(CheckpointError);
      if (cut > 4) expect(e.message).toMatch(/^x: expected a zip archive, got a zip archive whose end record is missing \(truncated\)\.$|^x: expected .+\.$/);
    }
  });

  it('refuses every truncation and flipped byte the same way when reading from a source at offsets', async () => {
    const b = load('archive.zip');
    const viaSource = async (m: Uint8Array) => {
      const z = await openZipSource(await openSource(m, 'x'), 'x');
      for (const n of z.names) await z.read(n);
    };
    for (let cut = 0; cut < b.length; cut += 3) {
      const e = await viaSource(b.subarray(0, cut)).then(() => null, (x) => x);
      expect(e, `cut at ${cut}`).toBeInstanceOf(CheckpointError);
    }
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 300; trial++) {
      const m = b.slice();
      for (let k = 0; k < 3; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      const memory = (() => { try { const z = openZip(m, 'x'); z.names.forEach((n) => z.read(n)); return 'ok'; } catch (e) { return (e as Error).message; } })();
      const source = await viaSource(m).then(() => 'ok', (e) => (e instanceof CheckpointError ? e.message : `not a CheckpointError: ${e}`));
      expect(source, `trial ${trial}`).toBe(memory);
    }
  });

  it('turns any flipped bytes into a CheckpointError or the original contents (seeded mutations)', () => {
    const b = load('archive.zip');
    const good = openZip(b, 'x');
    const want = new Map(good.names.map((n) => [n, good.read(n)]));
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let refused = 0;
    for (let trial = 0; trial < 500; trial++) {
      const m = b.slice();
      for (let k = 0; k < 3; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      try {
        const z = openZip(m, 'x');
        // what still opens reads back exactly (the CRC-32 catches changed data), unless a flip renamed the entry
        for (const n of z.names) { const r = z.read(n); if (want.has(n)) expect(r).toEqual(want.get(n)); }
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw new Error(`trial ${trial}: expected a CheckpointError, got ${(e as Error).name}: ${(e as Error).message}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
