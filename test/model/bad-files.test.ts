// loadModel on bad files: every one a CheckpointError naming what it found and expected, nothing returned, and the
// process keeps working. Seeded truncations and byte flips over header and payload, a newer version, foreign files,
// and headers that lie (with both checksums recomputed, so the header checks themselves are what refuses them).
// bench/files.ts runs the same classes at 1,000 cases each.
import { describe, it, expect } from 'vitest';
import { initSync, loadModel, CheckpointError, type Sequential } from '../../src/index.js';
import { fileModel, fileData, withHeader, headerOf, picks, weightsSha } from '../helpers/files.js';

initSync();
const { x, y } = fileData(24);
const CASES = 150;

let good: Uint8Array;
let goodModel: Sequential;

async function goodFile(): Promise<Uint8Array> {
  if (good) return good;
  goodModel = fileModel();
  goodModel.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await goodModel.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  good = (await goodModel.save())!;
  return good;
}

async function refused(bytes: Uint8Array | unknown, what: string): Promise<CheckpointError> {
  const e = await loadModel(bytes).then(() => null, (x) => x);
  if (!(e instanceof CheckpointError)) throw new Error(`${what}: expected a CheckpointError, got ${e === null ? 'a model' : e}`);
  expect(e.message, what).toMatch(/^loadModel: (.+: )?expected .+, got .+/s);
  return e;
}

describe('loadModel refuses bad files', () => {
  it(`truncated at ${CASES} seeded cut points (header and payload)`, async () => {
    const b = await goodFile();
    const cuts = [0, 1, 8, 23, 24, ...picks(CASES - 5, b.length, 11)];
    for (const cut of cuts) await refused(b.subarray(0, cut), `cut at ${cut} of ${b.length}`);
  });

  it(`with ${CASES} seeded single-byte flips (header and payload)`, async () => {
    const b = await goodFile();
    const at = [...picks(CASES / 2, 600, 12), ...picks(CASES / 2, b.length, 13)];
    for (const i of at) {
      const c = b.slice();
      c[i] ^= 1 + (i % 255);
      await refused(c, `flip at ${i}`);
    }
  });

  it('written by a newer format version, with the fix', async () => {
    const c = (await goodFile()).slice();
    c[8] = 2;
    const e = await refused(c, 'version 2');
    expect(e.message).toMatch(/expected a model file of format version 1, got version 2, written by a newer bilstm-attn: upgrade the package/);
  });

  it('foreign: Keras .h5 and .keras, TF.js model.json, safetensors, ONNX, empty, text, each naming what reads it', async () => {
    const text = (s: string) => new TextEncoder().encode(s);
    const cases: [Uint8Array, RegExp][] = [
      [Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(100)]), /HDF5 file \(a Keras \.h5 model\? loadKerasModel reads it\)/],
      [Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...text('config.json')]), /zip archive \(a Keras \.keras model\? loadKerasModel reads it\)/],
      [text('{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}'), /JSON text \(a TF\.js model\.json\? loadTfjsModel reads it\)/],
      [Uint8Array.from([14, 0, 0, 0, 0, 0, 0, 0, ...text('{"__metadata__":{}}')]), /safetensors file \(PyTorch weights\? loadTorchWeights reads them into a model\)/],
      [Uint8Array.from([0x08, 0x08, 0x12, 0x07, ...text('pytorch'), 0x3a, 0x10]), /protobuf message \(an ONNX model\? bilstm-attn writes ONNX with exportOnnx but does not read it\)/],
      [new Uint8Array(0), /an empty file \(0 bytes\)/],
      [text('hello world, not a model'), /a file starting 68 65 6c 6c 6f 20 77 6f/],
    ];
    for (const [b, re] of cases) expect((await refused(b, re.source)).message).toMatch(re);
  });

  it('whose header lies (valid checksums): each names the field, what it expected and what it found', async () => {
    const b = await goodFile();
    const h0 = headerOf(b);
    const lies: [string, (h: Record<string, any>) => void, RegExp][] = [
      ['unknown layer class', (h) => { h.model.config.layers[1].className = 'Conv2D'; },
        /describe a model this package can build.*layers\[1\].*Conv2D/],
      ['weight shape unlike the model', (h) => { h.model.config.layers[4].config.layer.config.units = 6; },
        /expected tensor \d+ to be bidirectional\/forward_lstm\/kernel \[6, 24\] float32, got bidirectional\/forward_lstm\/kernel \[6, 20\] float32/],
      ['tensor renamed', (h) => { h.tensors[0].name = 'embedding/other'; },
        /expected tensor 0 to be embedding\/embeddings \[13, 6\] float32, got embedding\/other \[13, 6\] float32/],
      ['tensor missing', (h) => { h.tensors.pop(); },
        new RegExp(`expected ${h0.tensors.length} tensors for this model .*got ${h0.tensors.length - 1} in the file`)],
      ['optimizer state without a compile config', (h) => { h.compile = null; },
        /expected a compile config beside the optimizer state in the header, got null/],
      ['optimizer state claimed but absent', (h) => { h.tensors = h.tensors.filter((t: { name: string }) => !t.name.startsWith('optimizer/')); },
        /tensors for this model .*got \d+ in the file/],
      ['negative offset', (h) => { h.tensors[1].offset = -16; }, /tensor 1 \(.*\) offset, a non-negative multiple of 16 in the header, got -16/],
      ['overlapping offsets', (h) => { h.tensors[2].offset = h.tensors[1].offset; }, /tensor 2 .* offset at or after \d+ .*overlapping it/],
      ['shape that does not match its bytes', (h) => { h.tensors[0].shape = [13, 7]; }, /tensor 0 \(embedding\/embeddings\) bytes = 91 x 4/],
      ['absurd payload', (h) => { h.payloadBytes = 2 ** 52; }, /payloadBytes, a multiple of 16 up to 4 GiB in the header, got 4503599627370496/],
      ['absurd vocabulary', (h) => { h.model.config.layers[0].config.inputDim = 2 ** 40; },
        /describe a model this package can build.*(4 GiB|fit)/],
      ['absurd input length', (h) => { h.inputShape = [1e12]; h.model.config.layers[0].config.inputLength = 1e12; },
        /describe a model this package can build|expected tensor/],
      ['bad weightsDtype', (h) => { h.weightsDtype = 'int4'; }, /expected weightsDtype 'float32' or 'float16' in the header, got "int4"/],
      ['float16 claimed for float32 tensors', (h) => { h.weightsDtype = 'float16'; }, /expected tensor 0 to be embedding\/embeddings \[13, 6\] float16, got embedding\/embeddings \[13, 6\] float32/],
      ['bad stream positions', (h) => { h.training.streams = { 'x/y': -1 }; }, /training\.streams/],
      ['bad iterations', (h) => { h.training.iterations = 1.5; }, /expected training \{ iterations, streams \} in the header/],
      ['bad metadata', (h) => { h.metadata = { color: 'red' }; }, /the header's metadata: expected keys among/],
      ['no model', (h) => { delete h.model; }, /expected model, an architecture \{ className, config \} in the header, got undefined/],
      ['not the format', (h) => { h.format = 'keras'; }, /expected format "bilstm-attn" in the header, got "keras"/],
    ];
    for (const [what, lie, re] of lies) {
      const e = await refused(withHeader(b, lie), what);
      expect(e.message, what).toMatch(re);
    }
    // the rebuild itself is sound: without a lie it loads
    expect(weightsSha(await loadModel(withHeader(b, () => {})))).toBe(weightsSha(goodModel));
  });

  it('leaves the process working: a good file loads after every kind of failure', async () => {
    const b = await goodFile();
    await refused(b.subarray(0, b.length - 1), 'last byte cut');
    const c = b.slice(); c[c.length - 100] ^= 0xff;
    await refused(c, 'payload flip');
    const l = await loadModel(b);
    expect(weightsSha(l)).toBe(weightsSha(goodModel));
    expect(Array.from(l.predict(x).data)).toEqual(Array.from(goodModel.predict(x).data));
  });

  it('refuses sources it cannot read, as ConfigErrors naming the forms it takes', async () => {
    await expect(loadModel(42)).rejects.toThrow(/loadModel: expected a path, URL, Request, Response, Uint8Array, ArrayBuffer, Blob, ReadableStream or async iterable of Uint8Array, got number 42/);
    await expect(loadModel('/nonexistent/model.bilstm')).rejects.toThrow(CheckpointError);
  });
});
