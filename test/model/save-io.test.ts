// Saving and loading when the I/O misbehaves: a WritableStream with highWaterMark 0 (its ready never resolves: the
// save hung and the model stayed "saving"), a header past what loadModel reads (refused before writing, not a file
// that never loads), file-system and network failures (typed errors naming the path or URL, not bare EISDIR or
// "terminated"), and a second save after a layer's trainable changed while a first still streams (it re-laid the
// optimizer state under the first: a torn file with a valid checksum).
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { initSync, loadModel, BilstmError, CheckpointError, StateError, ValueError, type Sequential } from '../../src/index.js';
import { fileModel, fileData } from '../helpers/files.js';

initSync();
const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-save-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('save to a WritableStream with highWaterMark 0 completes, and the model trains after', async () => {
  const m = fileModel();
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const want = (await m.save())!;
  const chunks: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({ write(c) { chunks.push(c.slice()); } }, new CountQueuingStrategy({ highWaterMark: 0 }));
  const outcome = await Promise.race([
    m.save(stream).then(() => 'saved'),
    new Promise((r) => setTimeout(() => r(`still pending after 3 s, ${chunks.length} chunks written`), 3000)),
  ]);
  expect(outcome).toBe('saved');
  expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(want))).toBe(0);
  const { x, y } = fileData(16);
  await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // (was: "fit: expected no save in progress, got one.")
});

it('a header past 64 MiB (65 MiB of userDefinedMetadata) is refused before writing; 1 MiB saves and loads', async () => {
  const m = fileModel();
  m.metadata = { userDefinedMetadata: { vocab: 'x'.repeat(65 * 2 ** 20) } };
  const chunks: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write(c) { chunks.push(c); } });
  // (was: saved, then "loadModel: expected a header of 2 bytes to 64 MiB, got a header length of 68157617 bytes.")
  await expect(m.save(sink)).rejects.toThrow(ValueError);
  await expect(m.save()).rejects.toThrow(/^save: expected the header \(architecture, compile config, metadata\) to be at most 64 MiB, got \d+ bytes\./);
  expect(chunks.length, 'bytes written before the refusal').toBe(0);
  m.metadata = { userDefinedMetadata: { vocab: 'x'.repeat(2 ** 20) } };
  expect((await loadModel((await m.save())!)).metadata.userDefinedMetadata).toEqual({ vocab: 'x'.repeat(2 ** 20) });
}, 60_000);

it('a save in flight writes the model as it was when save() was called', async () => {
  const { x, y } = fileData(48);
  const m: Sequential = fileModel();
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const want = (await m.save())!;

  const chunks: Uint8Array[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const slow = new WritableStream<Uint8Array>({ async write(c) { chunks.push(c.slice()); await gate; } });
  const first = m.save(slow);
  await new Promise((r) => setTimeout(r, 10)); // the first save has written its header and waits on the stream
  m.layers[7].trainable = false; // (a plain flag: not refused while saving)
  // a second save, e.g. a ModelCheckpoint or a snapshot for serving, would lay the optimizer state out again
  await expect(m.save()).rejects.toThrow(StateError);
  await expect(m.save()).rejects.toThrow(/^save: expected the trainable weights of the save in progress, got another set/);
  m.layers[7].trainable = true;
  release();
  await first;

  const got = Buffer.concat(chunks);
  await loadModel(new Uint8Array(got)); // loads: the checksum covers the torn bytes
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(got, Buffer.from(want))).toBe(0); // (the first file's optimizer slots were zeroed)
});

describe('I/O failures are typed errors naming what failed', () => {
  it('save to a path that is an existing directory: a BilstmError naming the path', async () => {
    const target = join(dir, 'models');
    mkdirSync(target);
    const e = await fileModel().save(target).then(() => null, (x: Error) => x);
    expect(e).not.toBeNull();
    expect(readdirSync(dir)).toEqual(['models']); // the temporary file is removed (this part holds)
    expect(e).toBeInstanceOf(BilstmError); // (was a bare Error: EISDIR ... rename '...tmp' -> '...models')
    expect(e!.message).toMatch(/^save: /);
    expect(e!.message).toContain(JSON.stringify(target));
  });

  it('loadModel(URL) whose connection drops mid-body: a CheckpointError naming the URL', async () => {
    const bytes = (await fileModel().save())!;
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, 1000));
      setTimeout(() => res.destroy(), 50);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = new URL(`http://127.0.0.1:${(srv.address() as { port: number }).port}/m.bilstm`);
      const e = await loadModel(url).then(() => null, (x: Error) => x);
      expect(e).not.toBeNull();
      expect(e).toBeInstanceOf(CheckpointError); // (was a bare TypeError: terminated)
      expect(e!.message).toContain(url.href);
    } finally {
      srv.close();
    }
  });
});
