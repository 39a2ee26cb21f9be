// The model file container: layout, round trip of header and tensors through every chunking, and every way a file
// can be wrong at this level (foreign, truncated, flipped, newer, a header that lies with valid checksums).
import { describe, it, expect } from 'vitest';
import { initSync, CheckpointError } from '../../src/index.js';
import { openSource } from '../../src/io/sources.js';
import { memorySink } from '../../src/io/sinks.js';
import { ModelFileReader, writeModelFile, planModelFile, layoutTensors, type TensorEntry, type FileHeader } from '../../src/io/model-file.js';
import { withHeader } from '../helpers/files.js';

initSync();

const f32 = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));
const TENSORS = [
  { name: 'a/kernel', shape: [3, 5], dtype: 'float32' as const, data: new Uint8Array(f32(15, 1).buffer) },
  { name: 'a/bias', shape: [5], dtype: 'float32' as const, data: new Uint8Array(f32(5, 2).buffer) },
  { name: 'empty', shape: [0, 4], dtype: 'float32' as const, data: new Uint8Array(0) },
  { name: 'h', shape: [7], dtype: 'float16' as const, data: Uint8Array.from({ length: 14 }, (_, i) => i * 17) },
];

async function write(fields: Record<string, unknown> = { note: 'x' }, tensors = TENSORS, chunk = 4): Promise<Uint8Array> {
  const plan = planModelFile(fields, tensors);
  const out = await writeModelFile(memorySink('save'), plan, tensors.map((t) => ({
    ...t, *chunks() { for (let i = 0; i < t.data.length; i += chunk) yield t.data.slice(i, i + chunk); },
  })), 'save');
  return out!;
}

async function read(bytes: Uint8Array, chunk = 1 << 20): Promise<{ header: FileHeader; got: Map<string, Uint8Array> }> {
  const src = await openSource((async function* () { for (let i = 0; i < bytes.length; i += chunk) yield bytes.slice(i, i + chunk); })(), 'loadModel');
  const r = await ModelFileReader.open(src, 'loadModel');
  const got = new Map<string, Uint8Array>();
  await r.readTensors((e: TensorEntry) => {
    const buf = new Uint8Array(e.bytes);
    got.set(e.name, buf);
    return (p, off) => buf.set(p, off);
  });
  return { header: r.header, got };
}

describe('model file container', () => {
  it('lays tensors out 16-byte aligned, in order', () => {
    const { entries, payloadBytes } = layoutTensors(TENSORS);
    expect(entries.map((e) => [e.offset, e.bytes])).toEqual([[0, 60], [64, 20], [96, 0], [96, 14]]);
    expect(payloadBytes).toBe(112);
  });

  it('round-trips header fields and tensor bytes through any chunking, and its size is known in advance', async () => {
    const bytes = await write({ note: 'x', nested: { a: [1, 2] } });
    expect(bytes.length).toBe(planModelFile({ note: 'x', nested: { a: [1, 2] } }, TENSORS).bytes);
    for (const chunk of [1, 3, 16, 1000, 1 << 20]) {
      const { header, got } = await read(bytes, chunk);
      expect(header.note).toBe('x');
      expect(header.nested).toEqual({ a: [1, 2] });
      for (const t of TENSORS) expect(got.get(t.name)).toEqual(t.data);
    }
    expect(await write({ note: 'x', nested: { a: [1, 2] } })).toEqual(bytes);
  });

  it('names foreign files and says which function reads them', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /got an empty file \(0 bytes\)/],
      [Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), /HDF5 file \(a Keras \.h5 model\? loadKerasModel reads it\)/],
      [Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 1, 2, 3), /zip archive \(a Keras \.keras model\? loadKerasModel reads it\)/],
      [new TextEncoder().encode(' {"modelTopology": {}}'), /JSON text \(a TF\.js model\.json\? loadTfjsModel reads it\)/],
      [Uint8Array.of(10, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32, 32, 32), /safetensors file/],
      [Uint8Array.of(0x08, 0x07, 0x12, 0x04), /protobuf message \(an ONNX model\?/],
      [Uint8Array.of(1, 2, 3), /got a file starting 01 02 03\./],
    ];
    for (const [b, re] of cases) {
      const e = await read(b).catch((x) => x);
      expect(e).toBeInstanceOf(CheckpointError);
      expect(e.message).toMatch(/^loadModel: expected a bilstm-attn model file/);
      expect(e.message).toMatch(re);
    }
  });

  it('refuses every truncation, naming what it expected and got', async () => {
    const bytes = await write();
    for (let cut = 0; cut < bytes.length; cut++) {
      const e = await read(bytes.subarray(0, cut)).catch((x) => x);
      if (!(e instanceof CheckpointError)) throw new Error(`cut at ${cut}: ${e}`);
      expect(e.message).toMatch(/expected .*got/);
    }
    const e = await read(Uint8Array.from([...bytes, 0])).catch((x) => x);
    expect(e.message).toMatch(/expected the file to end after its checksum at byte \d+, got more bytes/);
  });

  it('refuses every single-byte flip, header and payload', async () => {
    const bytes = await write();
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes.slice();
      b[i] ^= 1 << (i % 8);
      const e = await read(b).catch((x) => x);
      if (!(e instanceof CheckpointError)) throw new Error(`flip at ${i}: no CheckpointError (${e})`);
    }
  });

  it('refuses a newer format version', async () => {
    const b = (await write()).slice();
    b[8] = 2;
    await expect(read(b)).rejects.toThrow(/expected a model file of format version 1, got version 2, written by a newer bilstm-attn: upgrade/);
  });

  it('refuses headers that lie, with valid checksums', async () => {
    const bytes = await write();
    const lies: [(h: any) => void, RegExp][] = [
      [(h) => { h.tensors[0].shape = [3, 6]; }, /tensor 0 \(a\/kernel\) bytes = 18 x 4 for shape \[3,6\] float32 in the header, got 60/],
      [(h) => { h.tensors[1].offset = 48; }, /tensor 1 \(a\/bias\) offset at or after 60 .*got 48, overlapping it/],
      [(h) => { h.tensors[1].offset = -16; }, /tensor 1 \(a\/bias\) offset, a non-negative multiple of 16/],
      [(h) => { h.tensors[1].offset = 72; }, /offset, a non-negative multiple of 16/],
      [(h) => { h.tensors[3].offset = 112; }, /tensor 3 \(h\) to end within the payload of 112 bytes in the header, got an end at 126/],
      [(h) => { h.tensors[0].dtype = 'int8'; }, /dtype float32 or float16 in the header, got "int8"/],
      [(h) => { h.tensors[2].name = 'a/kernel'; }, /to have a name of its own in the header, got a second tensor named a\/kernel/],
      [(h) => { h.payloadBytes = 2 ** 40; }, /payloadBytes, a multiple of 16 up to 4 GiB in the header, got 1099511627776/],
      [(h) => { h.tensors[0].shape = [1e9, 1e9]; h.tensors[0].bytes = 4e18; }, /bytes = /],
      [(h) => { h.format = 'other'; }, /format "bilstm-attn" in the header, got "other"/],
      [(h) => { h.tensors = 'x'; }, /a tensors array in the header/],
    ];
    for (const [lie, re] of lies) await expect(read(withHeader(bytes, lie))).rejects.toThrow(re);
    // and the untouched rebuild still reads: the lies above are what fails
    await read(withHeader(bytes, () => {}));
  });

  it('aborts the sink when a tensor yields the wrong number of bytes', async () => {
    const short = [{ ...TENSORS[0], data: TENSORS[0].data.subarray(0, 8) }];
    await expect(write({}, short.map((t, i) => ({ ...t, shape: TENSORS[i].shape })))).rejects.toThrow(/save: expected 60 bytes of a\/kernel, got 8/);
  });
});
