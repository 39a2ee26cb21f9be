// The HDF5 wrapper over jsfive: every dataset and attribute of the h5py fixtures (test/fixtures/io, made by
// generate_hdf5.py) against what h5py read back, the fast path at unaligned offsets, navigation and soft links, and
// every way a file can be wrong: foreign, truncated, mutated, crafted to loop, to inflate without bound, or to point
// past its end. Only CheckpointError (or the caller's ShapeError/ConfigError) may come out.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { File as JsFile } from 'jsfive';
import { CheckpointError, ConfigError, ShapeError } from '../../src/errors.js';
import { openHdf5, type Hdf5File, type Hdf5Limits } from '../../src/io/hdf5.js';

const DIR = new URL('../fixtures/io/', import.meta.url);
const load = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));
interface DsInfo { shape: number[]; dtype: string; layout: string; data?: number[]; offset?: number; attrs?: Record<string, unknown> }
const MANIFEST = JSON.parse(readFileSync(new URL('hdf5.json', DIR), 'utf8')) as Record<string, { datasets: Record<string, DsInfo>; attrs: Record<string, Record<string, unknown>> }>;

const open = (name: string, limits?: Partial<Hdf5Limits>) => openHdf5(load(name), name, limits);

function errorOf(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected a throw, got none');
}

/** Reads every dataset below the root; returns the paths read, throws what the wrapper throws. */
function readAll(f: Hdf5File): string[] {
  const out: string[] = [];
  for (const n of f.walk()) {
    if (n.kind !== 'dataset') continue;
    void n.attrNames;
    if (['float16', 'float32', 'float64'].includes(n.dtype)) { n.readFloat32(); out.push(n.path); }
  }
  return out;
}

describe('openHdf5: datasets', () => {
  for (const file of ['basic.h5', 'latest.h5', 'compact.h5']) {
    it(`reads every float dataset of ${file} as h5py does, with its shape, dtype and layout`, () => {
      const f = open(file);
      let n = 0;
      for (const [path, want] of Object.entries(MANIFEST[file].datasets)) {
        const ds = f.dataset(path);
        expect(ds.shape, path).toEqual(want.shape);
        expect(ds.layout.kind, path).toBe(want.layout);
        if (want.offset !== undefined) expect((ds.layout as { offset: number }).offset, path).toBe(want.offset);
        if (!want.data || (file === 'latest.h5' && want.layout === 'chunked')) continue; // jsfive cannot: tested below
        expect(ds.dtype, path).toBe({ f: 'float', i: 'int', u: 'uint' }[want.dtype[1]]! + 8 * Number(want.dtype.slice(2)));
        expect(ds.byteOrder, path).toBe(want.dtype[0] === '>' ? 'big' : 'little');
        // every value is exact in float16, float32 and float64: compare exactly
        expect(Array.from(ds.readFloat32()), path).toEqual(want.data);
        n++;
      }
      expect(n).toBeGreaterThan(file === 'basic.h5' ? 15 : 0);
    });
  }

  it('copies contiguous float32 straight from bytes at offsets that are not multiples of 4', () => {
    const f = open('basic.h5');
    const k = f.dataset('model_weights/dense/dense/kernel:0');
    const L = k.layout as { kind: string; offset: number; bytes: number };
    expect(L).toEqual({ kind: 'contiguous', offset: MANIFEST['basic.h5'].datasets['model_weights/dense/dense/kernel:0'].offset, bytes: 60 });
    expect(L.offset % 4).not.toBe(0);
    // into a view at an odd float offset of a larger buffer, as into Wasm memory: neighbours untouched
    const mem = new Float32Array(20).fill(-9);
    k.readFloat32Into(mem.subarray(3, 18));
    expect(Array.from(mem.subarray(3, 18))).toEqual(MANIFEST['basic.h5'].datasets['model_weights/dense/dense/kernel:0'].data);
    expect([...mem.subarray(0, 3), ...mem.subarray(18)]).toEqual([-9, -9, -9, -9, -9]);
    // the bytes come from the file, not from a cache: change them in the caller's buffer and read again
    const bytes = load('basic.h5');
    const g = openHdf5(bytes, 'x');
    new DataView(bytes.buffer).setFloat32(L.offset, 123.5, true);
    expect(g.dataset('model_weights/dense/dense/kernel:0').readFloat32()[0]).toBe(123.5);
  });

  it('reads never-written data as the fill value, empty datasets as nothing, a scalar as one element', () => {
    const f = open('basic.h5');
    expect(Array.from(f.dataset('unwritten').readFloat32())).toEqual([0, 0, 0]);
    expect(Array.from(f.dataset('filled').readFloat32())).toEqual([1.5, 1.5]);
    expect(f.dataset('filled').layout).toEqual({ kind: 'contiguous', offset: null, bytes: 8 });
    expect(Array.from(f.dataset('chunked/partial').readFloat32())).toEqual([4, 5, -1, -1, -1, -1]);
    expect(f.dataset('empty2').shape).toEqual([0, 4]);
    expect(f.dataset('empty2').readFloat32().length).toBe(0);
    expect(f.dataset('scalar').shape).toEqual([]);
    expect(Array.from(f.dataset('scalar').readFloat32())).toEqual([2.5]);
  });

  it('describes chunked layouts with their filters', () => {
    const f = open('basic.h5');
    expect(f.dataset('chunked/plain').layout).toEqual({ kind: 'chunked', chunks: [3, 2], filters: [] });
    expect(f.dataset('chunked/shuffle_gzip').layout).toEqual({ kind: 'chunked', chunks: [2, 5], filters: [2, 1] });
    expect(f.dataset('chunked/fletcher').layout).toEqual({ kind: 'chunked', chunks: [7, 5], filters: [3] });
  });

  it('refuses other dtypes and a destination of the wrong size, saying which dataset', () => {
    const f = open('basic.h5');
    const e = errorOf(() => f.dataset('i8').readFloat32());
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toBe('basic.h5: expected dataset i8 to be float16, float32 or float64, got int8.');
    expect(errorOf(() => f.dataset('strings').readFloat32()).message).toMatch(/dataset strings to be float16, float32 or float64, got string\.$/);
    const s = errorOf(() => f.dataset('model_weights/dense/dense/bias:0').readFloat32Into(new Float32Array(4)));
    expect(s).toBeInstanceOf(ShapeError);
    expect(s.message).toBe('basic.h5: expected a Float32Array of 5 elements for dataset model_weights/dense/dense/bias:0 [5], got 4.');
    expect(errorOf(() => f.dataset('f64').readFloat32Into(new Float64Array(6) as unknown as Float32Array))).toBeInstanceOf(ConfigError);
  });

  it('refuses chunked data in the layout jsfive cannot read (libver latest), by name', () => {
    const ds = open('latest.h5').dataset('chunked');
    expect(ds.layout).toEqual({ kind: 'chunked', chunks: [4], filters: [] });
    const e = errorOf(() => ds.readFloat32());
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/^latest\.h5: expected dataset chunked to have a chunked layout jsfive reads \(layout message version 1 to 3\), got version 4/);
  });
});

describe('openHdf5: attributes', () => {
  it('reads every attribute as h5py does: fixed- and variable-length strings as UTF-8, numbers, arrays', () => {
    const f = open('basic.h5');
    const want = MANIFEST['basic.h5'].attrs;
    const got: Record<string, unknown> = {};
    for (const n of f.attrNames) got[n] = f.attr(n);
    expect(got).toEqual({ ...want['/'], flag: 1 }); // a numpy bool is an HDF5 enum over int8: jsfive gives 1
    const g = f.group('model_weights/dense/dense');
    expect(g.stringsAttr('weight_names')).toEqual(want['model_weights/dense/dense'].weight_names);
    expect(f.dataset('model_weights/dense/dense/kernel:0').stringAttr('note')).toBe('kernel');
    expect(f.stringAttr('vlen')).toBe('h\u00e9llo \u2713');
    expect(f.stringAttr('vlen_ascii')).toBe('caf\u00e9'); // ASCII character set, UTF-8 bytes: read as UTF-8
    expect(f.jsonAttr('fixed')).toEqual({ class_name: 'Sequential', n: 3 });
    expect(f.numberAttr('int')).toBe(42);
    expect(f.stringsAttr('fixed')).toEqual([f.stringAttr('fixed')]);
    expect(open('latest.h5').stringAttr('vlen')).toBe('latest');
  });

  it('names the attribute, the node and what it found when an attribute is missing or of another type', () => {
    const f = open('basic.h5');
    expect(errorOf(() => f.attr('model_config')).message).toBe(
      'basic.h5: expected an attribute "model_config" on the root group, got none (its attributes: fixed, vlen, vlen_ascii, names, vlen_names, int, float, ints, floats, flag).');
    expect(errorOf(() => f.group('a').attr('x')).message).toBe('basic.h5: expected an attribute "x" on group a, got none (it has no attributes).');
    expect(errorOf(() => f.stringAttr('names')).message).toBe('basic.h5: expected attribute "names" of the root group to be a string, got an array of 3 strings.');
    expect(errorOf(() => f.numberAttr('vlen')).message).toBe('basic.h5: expected attribute "vlen" of the root group to be a number, got the string "h\u00e9llo \u2713".');
    expect(errorOf(() => f.stringsAttr('ints')).message).toBe('basic.h5: expected attribute "ints" of the root group to be an array of strings, got an array of 3 numbers.');
    expect(errorOf(() => f.jsonAttr('vlen')).message).toMatch(/^basic\.h5: expected attribute "vlen" of the root group to hold JSON, got text that does not parse/);
  });
});

describe('openHdf5: groups and links', () => {
  it('walks groups by relative and absolute paths, and says what a group holds when a name is missing', () => {
    const f = open('basic.h5');
    expect(f.keys).toContain('model_weights');
    const w = f.group('model_weights');
    expect(w.group('dense').keys).toEqual(['dense']);
    expect(w.dataset('dense/dense/bias:0').path).toBe('model_weights/dense/dense/bias:0');
    expect(w.get('/f64').path).toBe('f64');
    expect(f.get('//a/./b/')).toBe(f.group('a/b'));
    expect(f.has('a/b/c/deep')).toBe(true);
    expect(f.has('a/b/x')).toBe(false);
    expect(errorOf(() => f.get('a/b/x')).message).toBe('basic.h5: expected "x" in group a/b (looking for a/b/x), got only c.');
    expect(errorOf(() => f.dataset('a')).message).toBe('basic.h5: expected a to be a dataset, got a group (holding b).');
    expect(errorOf(() => f.group('f64')).message).toBe('basic.h5: expected f64 to be a group, got a dataset of shape [2, 3].');
    expect(errorOf(() => f.get('f64/x')).message).toBe('basic.h5: expected f64 to be a group (on the way to f64/x), got a dataset.');
  });

  it('follows hard and soft links, stops soft-link cycles, names dangling links', () => {
    const f = open('basic.h5');
    expect(f.dataset('hard').address).toBe(f.dataset('a/b/c/deep').address);
    // jsfive cannot read soft-link targets in old-format groups (h5py's default): said so, not a wrong object
    expect(errorOf(() => f.get('soft')).message).toMatch(/^basic\.h5: expected soft to be a group or dataset, got a soft link whose target jsfive cannot read/);
    const l = open('latest.h5');
    expect(l.dataset('soft').path).toBe('many/w03');
    expect(Array.from(l.dataset('soft').readFloat32())).toEqual([0.375, 0.5, 0.625]);
    expect(l.has('dangling')).toBe(false);
    expect(errorOf(() => l.get('dangling')).message).toBe(
      'latest.h5: expected soft link dangling -> /nowhere to name a group or dataset, got a dangling link (expected "nowhere" in the root group, got only many, x, chunked, soft, dangling, loop1, loop2).');
    const e = errorOf(() => l.get('loop1'));
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/^latest\.h5: expected at most 16 soft links on the way to loop1, got more/);
  });

  it('walks every object once, depth first, skipping second links and links back up the tree', () => {
    const f = open('basic.h5');
    const paths = f.walk().map((n) => n.path);
    expect(paths.slice(0, 5)).toEqual(['a', 'a/b', 'a/b/c', 'a/b/c/deep', 'be_f32']);
    expect(paths).not.toContain('hard'); // the same dataset as a/b/c/deep
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.filter((p) => !p.includes('/') || p.startsWith('model_weights')).length).toBeGreaterThan(10);
    expect(open('cycle.h5').walk().map((n) => n.path)).toEqual(['g', 'g/x']);
    expect(open('latest.h5').group('many').walk().map((n) => n.path)).toEqual(Array.from({ length: 12 }, (_, i) => `many/w${String(i).padStart(2, '0')}`));
  });
});

describe('openHdf5: inputs and side effects', () => {
  it('reads from a view into a larger buffer, and leaves the caller\'s buffer and the globals it lends as they were', () => {
    const file = load('basic.h5');
    const big = new Uint8Array(file.length + 7);
    big.set(file, 5);
    const f = openHdf5(big.subarray(5, 5 + file.length), 'view');
    expect(Array.from(f.dataset('f64').readFloat32())).toEqual(MANIFEST['basic.h5'].datasets.f64.data);
    const own = load('basic.h5');
    const warn = console.warn, Decoder = TextDecoder;
    const g = openHdf5(own, 'own');
    readAll(g);
    void g.attrNames;
    expect(Object.getOwnPropertyNames(own.buffer)).toEqual([]);
    expect(console.warn).toBe(warn);
    expect(globalThis.TextDecoder).toBe(Decoder);
    expect(own.buffer.slice(0, 4).byteLength).toBe(4);
  });

  it('leaves jsfive\'s gzip filter working for its other users', () => {
    readAll(open('basic.h5'));
    const b = load('basic.h5');
    const js = new JsFile(b.buffer as ArrayBuffer, 'direct');
    const ds = js.get('chunked/gzip') as unknown as { value: number[] };
    expect(ds.value).toEqual(MANIFEST['basic.h5'].datasets['chunked/gzip'].data);
  });
});

describe('openHdf5: foreign, truncated and corrupt files', () => {
  it('names what a foreign file looks like', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /^x: expected an HDF5 file \(starting 89 48 44 46 0d 0a 1a 0a\), got an empty file\.$/],
      [load('archive.zip'), /^x: expected an HDF5 file \(starting 89 48 44 46 0d 0a 1a 0a\), got a file starting 50 4b 03 04 /],
      [new Uint8Array([...new Uint8Array(512), ...load('basic.h5')]), /^x: expected the HDF5 signature at byte 0, got it at byte 512 \(a file with a user block/],
    ];
    for (const [b, re] of cases) {
      const e = errorOf(() => openHdf5(b, 'x'));
      expect(e).toBeInstanceOf(CheckpointError);
      expect(e.message).toMatch(re);
    }
    expect(errorOf(() => openHdf5('x' as unknown as Uint8Array, 'x'))).toBeInstanceOf(ConfigError);
  });

  it('refuses every truncation before reading anything', () => {
    const b = load('basic.h5');
    for (let cut = 0; cut < b.length; cut += 211) {
      const e = errorOf(() => readAll(openHdf5(b.slice(0, cut), 'cut')));
      expect(e, `cut at ${cut}`).toBeInstanceOf(CheckpointError);
      if (cut >= 56) expect(e.message).toBe(`cut: expected ${b.length} bytes (the end of file its superblock records), got ${cut}: the file is truncated.`);
    }
  });

  it('turns whatever jsfive makes of flipped bytes into a CheckpointError, quickly (seeded mutations)', () => {
    const b = load('basic.h5');
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const outcomes = { ok: 0, refused: 0 };
    for (let trial = 0; trial < 200; trial++) {
      const m = b.slice();
      for (let k = 0; k < 4; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      const t0 = performance.now();
      try {
        const f = openHdf5(m, 'm');
        for (const n of f.walk()) {
          void n.attrNames;
          // a flip may move a data address elsewhere in the file: other values, but no other kind of failure
          if (n.kind === 'dataset' && ['float16', 'float32', 'float64'].includes(n.dtype)) n.readFloat32();
        }
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw new Error(`trial ${trial}: expected a CheckpointError, got ${(e as Error).name}: ${(e as Error).message}`);
        expect((e as Error).message).toMatch(/^m: expected .+[.)]$/s);
        outcomes.refused++;
      }
      // 16,000 such trials took at most 0.12 s each; seconds would mean an unbounded loop or allocation
      expect(performance.now() - t0, `trial ${trial}`).toBeLessThan(3000);
    }
    expect(outcomes.refused).toBeGreaterThan(20);
  });

  it('refuses contiguous data that would lie past the end of the file', () => {
    const b = load('basic.h5');
    const k = MANIFEST['basic.h5'].datasets['model_weights/dense/dense/kernel:0'].offset!;
    const dv = new DataView(b.buffer);
    // the layout message holds the data address as a u64: find it and point it 20 bytes before the end
    let at = -1;
    for (let o = 0; o + 8 <= b.length; o++) if (dv.getUint32(o, true) === k && dv.getUint32(o + 4, true) === 0) { at = o; break; }
    expect(at).toBeGreaterThan(0);
    dv.setUint32(at, b.length - 20, true);
    const e = errorOf(() => openHdf5(b, 'x').dataset('model_weights/dense/dense/kernel:0').readFloat32());
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toBe(`x: expected the 60 bytes of dataset model_weights/dense/dense/kernel:0 at byte ${b.length - 20} to lie within the file of ${b.length} bytes, got an end at byte ${b.length + 40} (a truncated or corrupt file).`);
  });
});

describe('openHdf5: limits against crafted files', () => {
  it('refuses datasets that claim more elements than the file could hold, before anything is allocated', () => {
    const b = load('basic.h5');
    const dv = new DataView(b.buffer);
    let patched = 0; // the dataspaces of shape [7, 5] (u64 dimensions): claim [7, 5000000]
    for (let o = 0; o + 16 <= b.length; o++) {
      if ([7, 0, 5, 0].every((v, i) => dv.getUint32(o + 4 * i, true) === v)) { dv.setUint32(o + 8, 5_000_000, true); patched++; }
    }
    expect(patched).toBeGreaterThanOrEqual(4);
    const f = openHdf5(b, 'x');
    expect(errorOf(() => f.dataset('chunked/gzip').readFloat32()).message).toBe(
      `x: expected dataset chunked/gzip to hold at most ${1032 * b.length} bytes (deflate's largest ratio, 1032:1, times the file of ${b.length} bytes), got shape [7, 5000000] of 140000000 bytes.`);
    expect(errorOf(() => f.dataset('chunked/plain').readFloat32()).message).toBe(
      `x: expected dataset chunked/plain to hold at most ${2 ** 22} bytes (the size of the file of ${b.length} bytes), got shape [7, 5000000] of 140000000 bytes.`);
    expect(errorOf(() => open('basic.h5', { maxElements: 34 }).dataset('chunked/plain').shape).message).toBe(
      'basic.h5: expected dataset chunked/plain to have at most 34 elements, got shape [7, 5].');
  });

  it('stops a gzip chunk that inflates past its size, and one that falls short', () => {
    const f = open('bomb.h5');
    expect(errorOf(() => f.dataset('bomb').readFloat32()).message).toBe(
      'bomb.h5: expected each gzip chunk of dataset bomb to inflate to 16 bytes, got one that inflates to more (a corrupt chunk, or a crafted one that inflates without bound).');
    expect(errorOf(() => f.dataset('short').readFloat32()).message).toBe('bomb.h5: expected each gzip chunk of dataset short to inflate to 16 bytes, got one of 8.');
  });

  it('counts the structures jsfive reads, per call, and stops at the budget', () => {
    const e = errorOf(() => readAll(open('basic.h5', { maxReads: 40 })));
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toBe('basic.h5: expected at most 40 structure reads for this step, got more: the file\'s structures loop or are far larger than their data (a corrupt or crafted file).');
    expect(errorOf(() => open('basic.h5', { maxReadBytes: 1000 }).walk()).message).toMatch(/^basic\.h5: expected at most 1000 bytes copied out of the file for this step, got more/);
    expect(readAll(open('basic.h5', { maxReads: 2000 })).length).toBeGreaterThan(15);
  });

  it('limits path depth, objects per walk, soft links per path and elements read through jsfive', () => {
    expect(errorOf(() => open('basic.h5', { maxDepth: 3 }).get('a/b/c/deep')).message).toBe('basic.h5: expected a path of at most 3 names, got 4.');
    expect(errorOf(() => open('basic.h5', { maxDepth: 2 }).walk()).message).toBe('basic.h5: expected groups nested at most 2 deep, got group a/b/c.');
    expect(errorOf(() => open('basic.h5', { maxObjects: 3 }).walk()).message).toBe('basic.h5: expected at most 3 objects below the root group, got more.');
    expect(errorOf(() => open('latest.h5', { maxSoftLinks: 0 }).get('soft')).message).toMatch(/^latest\.h5: expected at most 0 soft links on the way to soft/);
    expect(errorOf(() => open('basic.h5', { maxFallbackElements: 34 }).dataset('chunked/gzip').readFloat32()).message).toBe(
      'basic.h5: expected a chunked dataset of at most 34 elements (jsfive reads it as a JS array first), got dataset chunked/gzip of 35.');
  });
});
