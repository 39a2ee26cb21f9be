// The safetensors container: the Rust serializer's own test vectors byte for byte, float dtypes read through any
// chunking, and every way a header can be wrong (each a CheckpointError naming the tensor, expected and found).
import { describe, it, expect } from 'vitest';
import { CheckpointError } from '../../src/index.js';
import { openSource } from '../../src/io/sources.js';
import { memorySink } from '../../src/io/sinks.js';
import { readSafetensors, safetensorsLayout, writeSafetensors, type SafetensorsOut } from '../../src/io/safetensors.js';

const le32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);

/** A file from a header object and data bytes (the header as given, padded with spaces to a multiple of 8). */
function file(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (pad && json.length % 8) json = Uint8Array.from([...json, ...new Array(8 - (json.length % 8)).fill(0x20)]);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

async function read(bytes: Uint8Array, chunk = 1 << 20, want?: string[]) {
  const src = await openSource((async function* () { for (let i = 0; i < bytes.length; i += chunk) yield bytes.slice(i, i + chunk); })(), 'loadTorchWeights');
  return readSafetensors(src, 'loadTorchWeights', (h) => want ?? h.tensors.map((t) => t.name));
}

async function write(tensors: SafetensorsOut[], metadata: Record<string, string> | null = null): Promise<Uint8Array> {
  const sink = memorySink('export');
  await writeSafetensors(sink, tensors, metadata);
  return (await sink.close())!;
}

describe('safetensors writer', () => {
  it('matches the Rust library test vectors (test_serialization, forced alignment, empty, metadata)', async () => {
    const data = le32([0, 1, 2, 3, 4, 5]);
    expect(Array.from(await write([{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], bytes: () => data }]))).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]);
    const aligned = await write([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], bytes: () => data }]);
    expect(aligned[0]).toBe(72);
    expect(Array.from(aligned.subarray(8 + 65, 8 + 72))).toEqual([32, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(await write([]))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(await write([], { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32]);
  });

  it('orders tensors by dtype descending, then by name in UTF-8 byte order', () => {
    const t = (name: string, dtype: 'F32' | 'I64' | 'F16') => ({ name, dtype, shape: [1] });
    const ts = [t('b', 'F32'), t('a', 'F32'), t('z', 'F16'), t('n', 'I64'), t('\u{1F600}', 'F32'), t('\uFFFD', 'F32')];
    expect(safetensorsLayout(ts).order.map((i) => ts[i].name)).toEqual(['n', 'a', 'b', '\uFFFD', '\u{1F600}', 'z']);
  });

  it('refuses a duplicate name and bytes of the wrong size', async () => {
    const one = { name: 'x', dtype: 'F32' as const, shape: [2], bytes: () => le32([1, 2]) };
    await expect(write([one, one])).rejects.toThrow(/expected distinct tensor names other than __metadata__, got "x" twice/);
    await expect(write([{ ...one, shape: [3] }])).rejects.toThrow(/tensor "x": expected 12 bytes for F32 \[3\], got 8/);
  });
});

describe('safetensors reader', () => {
  const F = (xs: number[]) => Array.from(Float32Array.from(xs));

  it('reads F32, F64, F16 and BF16 as float32 across chunk borders, and skips what is not selected', async () => {
    const f64 = new Uint8Array(Float64Array.from([0.1, -2.5]).buffer);
    const f16 = Uint8Array.from([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x7c]);         // 1, -2, Infinity
    const bf16 = Uint8Array.from([0x80, 0x3f, 0x49, 0x40]);                     // 1, 3.140625
    const i64 = new Uint8Array(8);
    const data = Uint8Array.from([...le32([1.5, -3]), ...f64, ...f16, ...bf16, ...i64]);
    const bytes = file({
      b: { dtype: 'F64', shape: [2], data_offsets: [8, 24] }, a: { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] },
      h: { dtype: 'F16', shape: [3], data_offsets: [24, 30] }, g: { dtype: 'BF16', shape: [2], data_offsets: [30, 34] },
      n: { dtype: 'I64', shape: [], data_offsets: [34, 42] }, __metadata__: { format: 'pt' },
    }, data);
    for (const chunk of [1, 3, 1 << 20]) {
      const { header, values } = await read(bytes, chunk, ['a', 'b', 'h', 'g']);
      expect(header.tensors.map((t) => t.name)).toEqual(['a', 'b', 'h', 'g', 'n']);
      expect(header.metadata).toEqual({ format: 'pt' });
      expect(Array.from(values.get('a')!)).toEqual(F([1.5, -3]));
      expect(Array.from(values.get('b')!)).toEqual(F([0.1, -2.5]));
      expect(Array.from(values.get('h')!)).toEqual([1, -2, Infinity]);
      expect(Array.from(values.get('g')!)).toEqual([1, 3.140625]);
      expect(values.has('n')).toBe(false);
    }
    await expect(read(bytes, 7)).rejects.toThrow(/tensor "n": expected dtype F32, F16, BF16, F64, got I64/);
  });

  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  const data = le32([1, 2, 3]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['a gap between tensors', file({ ...ok, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, le32([1, 2, 3, 4])),
      /tensor "b": expected data_offsets to begin at 8 \(where "a" ends; tensors are contiguous in the data\), got \[12, 16\]/],
    ['overlapping tensors', file({ ...ok, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, le32([1, 2])),
      /tensor "b": expected data_offsets to begin at 8 \(where "a" ends/],
    ['data not starting at 0', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, le32([1, 2])),
      /tensor "a": expected data_offsets to begin at 0 \(the start of the data/],
    ['a size that disagrees with the shape', file({ ...ok, b: { dtype: 'F32', shape: [2], data_offsets: [8, 12] } }, data),
      /tensor "b": expected 8 bytes for F32 \[2\], got data_offsets \[8, 12\] \(4 bytes\)/],
    ['a truncated file', file(ok, data.subarray(0, 10)), /expected 132 bytes \(8 \+ a 112-byte header \+ 12 bytes of tensors\), got a file of 130 bytes \(truncated\?\)/],
    ['bytes after the last tensor', file(ok, Uint8Array.from([...data, 0])), /expected 132 bytes .* got a file of 133 bytes\.$/],
    ['an unknown dtype', file({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16)), /tensor "a": expected a dtype among BOOL, .*, got "F128"/],
    ['negative or reversed offsets', file({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, new Uint8Array(0)), /tensor "a": expected data_offsets \[begin, end\] with 0 <= begin <= end, got \[4,0\]/],
    ['a bad shape', file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "a": expected a shape of non-negative integers, got \[-1\]/],
    ['bad metadata', file({ __metadata__: { n: 1 } }, new Uint8Array(0)), /expected __metadata__ in the safetensors header to map strings to strings/],
    ['a header that is not JSON', file('{"a": ', new Uint8Array(0)), /expected the safetensors header to be JSON, got text that does not parse/],
    ['a header not starting with {', file('[1]', new Uint8Array(0)), /expected the safetensors header to start with \{, got "\[1\]/],
    ['a huge header length', Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 123, 125]), /expected a safetensors file \(a header length of 2 to 100000000 bytes in its first 8 bytes\), got a header length of 4294967296/],
    ['our own model file', Uint8Array.from([0x89, 0x42, 0x49, 0x4c, 0x53, 0x54, 0x4d, 0x0a, 0, 0]), /got a bilstm-attn model file \(loadModel reads it\)/],
    ['an 8-byte file', Uint8Array.from([16, 0, 0, 0, 0, 0, 0, 0]), /expected a 16-byte safetensors header after the first 8 bytes, got a file of 8 bytes/],
  ];
  for (const [what, bytes, msg] of cases) {
    it(`refuses ${what}`, async () => {
      const err = await readSafetensors(await openSource(bytes, 'loadTorchWeights'), 'loadTorchWeights', (h) => h.tensors.map((t) => t.name)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(msg);
      // streamed (size unknown): refused too, if in other words where the size is what is wrong
      expect(await read(bytes, 5).catch((e: unknown) => e)).toBeInstanceOf(CheckpointError);
    });
  }

  it('refuses a streamed tensor declaring more than 4 GiB before allocating it, naming the size and the limit', async () => {
    // the size of a stream is unknown, so the header's offsets cannot be checked against the file: the limit can
    const huge = file({ a: { dtype: 'F32', shape: [2 ** 31, 4], data_offsets: [0, 2 ** 35] } }, new Uint8Array(16));
    const msg = 'loadTorchWeights: tensor "a": expected at most 4294967296 bytes (4 GiB, the Wasm memory) as float32, got F32 [2147483648, 4]: 34359738368 bytes.';
    const err = await read(huge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe(msg);
    // F16 just past the limit once widened to float32 (2 GiB in the file)
    const f16 = file({ a: { dtype: 'F16', shape: [2 ** 30 + 1], data_offsets: [0, 2 ** 31 + 2] } }, new Uint8Array(16));
    expect(((await read(f16).catch((e: unknown) => e)) as Error).message).toMatch(/expected at most 4294967296 bytes .* got F16 \[1073741825\]: 4294967300 bytes\.$/);
    // not selected: skipped without allocating, then the stream ends early
    const skipped = await read(huge, 1 << 20, []).catch((e: unknown) => e);
    expect((skipped as Error).message).toMatch(/expected 34359738368 bytes of tensor "a" at offset \d+, got 16 \(the input ended\)/);
  });
});

// A review's differential check against PyTorch: an F64 value past float32's range was reported as the Infinity it
// becomes, and a torch.save file (zip, or a pickle before PyTorch 1.6) as "a header length of 578712552184433500".
describe('safetensors reader messages', () => {
  it('names an F64 value float32 cannot hold as it is in the file', async () => {
    const bytes = file({ w: { dtype: 'F64', shape: [3], data_offsets: [0, 24] } }, new Uint8Array(Float64Array.from([1, -1e39, 2]).buffer));
    await expect(read(bytes)).rejects.toThrow('loadTorchWeights: tensor "w": expected F64 values float32 can hold (|v| < 3.4028235677973366e38), got -1e+39 at index 1.');
  });

  it('says a torch.save file is one (zip or pickle), with the conversion', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x08, ...new Array(56).fill(0)]);
    const pickle = Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, ...new Array(56).fill(0)]);
    await expect(read(zip)).rejects.toThrow(/got a zip archive, as torch\.save writes \(convert it: safetensors\.torch\.save_file/);
    await expect(read(pickle)).rejects.toThrow(/got a Python pickle, as an older torch\.save writes/);
  });
});
