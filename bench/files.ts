// The model file's suites for bench/run.ts: workload B's model saved and loaded (bytes and a path), and loadModel
// on bad files at scale: 1,000 seeded truncations, 1,000 seeded byte flips (header and payload), 1,000 seeded lies in
// the tensor manifest and the 19 named lies of test/model/bad-files.test.ts (each with both checksums recomputed),
// 100 newer or zero format versions, the 7 foreign formats and 1,000 seeded random files. Every bad file must be a
// CheckpointError whose message reads "loadModel: ... expected ..., got ...". Each suite checks its result first:
// the loaded model predicts the saved one's bits, and the good file loads before and after the bad ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sequential, layers, loadModel, CheckpointError, type Sequential } from '../src/index.js';
import { fileModel, fileData, withHeader, headerOf, picks } from '../test/helpers/files.js';
import { SHAPES, workloadModel, lcgIds } from './workloads.mjs';

/** A benchmark.js case as bench/run.ts takes it. */
export interface FileCase { name: string; afn: () => Promise<void>; value: (hz: number) => number; unit: string; note?: (v: number, sample: number[]) => string }

const bits = (m: Sequential, x: { data: Int32Array; shape: number[] }) => Array.from(new Uint32Array(m.predict(x).data.buffer));
const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
function check(cond: boolean, what: string): void { if (!cond) throw new Error(`bench: ${what}`); }

/**
 * Workload B's model (trained one step, so its Adam state is in the file) saved and loaded: to and from bytes, and
 * to and from a file in a temporary directory (removed by cleanup()). The loaded model must predict 4 rows bit for bit.
 */
export async function roundTripCases(w: keyof typeof SHAPES = 'B'): Promise<{ cases: FileCase[]; fileBytes: number; cleanup(): void }> {
  const { V, T, B } = SHAPES[w];
  const m = workloadModel({ sequential, layers }, w) as Sequential;
  const ids = lcgIds(B * T, 1, V - 1);
  m.trainOnBatch({ data: ids, shape: [B, T] }, new Float32Array(B).map((_, i) => ids[i * T] % 2));
  const rows = { data: lcgIds(4 * T, 1, V - 1, 5), shape: [4, T] };
  const want = bits(m, rows);
  const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-bench-'));
  const path = join(dir, `${w}.bilstm`);
  const bytes = (await m.save())!;
  await m.save(path);
  for (const [from, src] of [['bytes', bytes], ['path', path]] as const) {
    const l = await loadModel(src);
    check(same(bits(l, rows), want), `${w} loaded from ${from}: predictions differ from the saved model's`);
    check(l.state.iterations === m.state.iterations, `${w} loaded from ${from}: iterations ${l.state.iterations}, saved ${m.state.iterations}`);
  }
  const ms = (hz: number) => 1000 / hz;
  // the mean moves with whatever else runs on the machine; the fastest call shows what the code can do
  const fastest = (_: number, sample: number[]) => `fastest ${(Math.min(...sample) * 1000).toFixed(1)} ms of ${sample.length}`;
  const cases: FileCase[] = [
    { name: `${w} save (bytes)`, afn: async () => { await m.save(); } },
    { name: `${w} load (bytes)`, afn: async () => { await loadModel(bytes); } },
    { name: `${w} save + load (bytes)`, afn: async () => { await loadModel((await m.save())!); } },
    { name: `${w} save + load (path, fsync)`, afn: async () => { await m.save(path); await loadModel(path); } },
  ].map((c) => ({ ...c, value: ms, unit: 'ms', note: fastest }));
  return { cases, fileBytes: bytes.length, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BadFileClass { name: string; cases: number; refused: number; ms: number }

/** One good file of the small reference-shaped model (test/helpers/files.ts) and every class of bad file made from it. */
export async function badFiles(n = 1000): Promise<BadFileClass[]> {
  const { x, y } = fileData(24);
  const good0 = fileModel();
  good0.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await good0.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const good = (await good0.save())!;
  const want = bits(good0, x);
  const h0 = headerOf(good);
  const payloadStart = Math.ceil((24 + new DataView(good.buffer).getUint32(12, true)) / 16) * 16;
  const loadsWell = async (when: string) => check(same(bits(await loadModel(good), x), want), `the good file ${when}: predictions differ`);
  await loadsWell('before the bad ones');

  const classes: { name: string; make: () => Uint8Array[] }[] = [
    { name: `truncated (0, 1, 8, 23, 24 and ${n - 5} seeded cut points)`, make: () => [0, 1, 8, 23, 24, ...picks(n - 5, good.length, 11)].map((c) => good.subarray(0, c)) },
    { name: `one byte flipped, ${n / 2} in the prefix and header, ${n / 2} in the payload and checksum`, make: () => [
      ...picks(n / 2, payloadStart, 12), ...picks(n / 2, good.length - payloadStart, 13).map((i) => payloadStart + i),
    ].map((i) => { const c = good.slice(); c[i] ^= 1 + (i % 255); return c; }) },
    { name: 'newer or zero format version', make: () => [0, 2, 3, 255, 2 ** 32 - 1, ...picks(95, 2 ** 31, 14).map((v) => v + 2)].map((v) => {
      const c = good.slice(); new DataView(c.buffer).setUint32(8, v >>> 0, true); return c;
    }) },
    { name: 'foreign (Keras .h5 and .keras, TF.js JSON, safetensors, ONNX, empty, text)', make: () => foreign() },
    { name: `random bytes (${n} seeded files of 0-4,095 bytes)`, make: () => picks(n, 4096, 15).map((len, i) => {
      const b = Uint8Array.from(lcgIds(len, 0, 255, 1000 + i));
      if (i % 2 === 0 && len >= 8) b.set([0x89, 0x42, 0x49, 0x4c, 0x53, 0x54, 0x4d, 0x0a]); // half start with our magic
      return b;
    }) },
    { name: 'named header lies, checksums recomputed (the 19 of the tests)', make: () => namedLies().map((lie) => withHeader(good, lie)) },
    { name: `seeded manifest lies, checksums recomputed (${n}: offset moved or unaligned, shape, shape and bytes, dtype, names swapped, a tensor missing or extra, payloadBytes)`, make: () => manifestLies(h0, n).map((lie) => withHeader(good, lie)) },
  ];
  const out: BadFileClass[] = [];
  for (const c of classes) {
    const files = c.make();
    let refused = 0;
    const t0 = performance.now();
    for (const [i, f] of files.entries()) {
      const e = await loadModel(f).then(() => null, (err) => err);
      if (!(e instanceof CheckpointError) || !/^loadModel: (.+: )?expected .+, got .+/s.test(e.message)) {
        throw new Error(`bench: bad file ${i} of "${c.name}" gave ${e === null ? 'a model' : String(e)}, expected a CheckpointError`);
      }
      refused++;
    }
    out.push({ name: c.name, cases: files.length, refused, ms: performance.now() - t0 });
  }
  await loadsWell('after the bad ones');
  return out;
}

function foreign(): Uint8Array[] {
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(100)]),
    Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...text('config.json')]),
    text('{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}'),
    Uint8Array.from([14, 0, 0, 0, 0, 0, 0, 0, ...text('{"__metadata__":{}}')]),
    Uint8Array.from([0x08, 0x08, 0x12, 0x07, ...text('pytorch'), 0x3a, 0x10]),
    new Uint8Array(0),
    text('hello world, not a model'),
  ];
}

type Lie = (h: Record<string, any>) => void;
const count = (shape: number[]) => shape.reduce((p, q) => p * q, 1);

/** The header lies of test/model/bad-files.test.ts (the tests also check each message). */
function namedLies(): Lie[] {
  return [
    (h) => { h.model.config.layers[1].className = 'Conv2D'; },
    (h) => { h.model.config.layers[4].config.layer.config.units = 6; },
    (h) => { h.tensors[0].name = 'embedding/other'; },
    (h) => { h.tensors.pop(); },
    (h) => { h.compile = null; },
    (h) => { h.tensors = h.tensors.filter((t: { name: string }) => !t.name.startsWith('optimizer/')); },
    (h) => { h.tensors[1].offset = -16; },
    (h) => { h.tensors[2].offset = h.tensors[1].offset; },
    (h) => { h.tensors[0].shape = [13, 7]; },
    (h) => { h.payloadBytes = 2 ** 52; },
    (h) => { h.model.config.layers[0].config.inputDim = 2 ** 40; },
    (h) => { h.inputShape = [1e12]; h.model.config.layers[0].config.inputLength = 1e12; },
    (h) => { h.weightsDtype = 'int4'; },
    (h) => { h.weightsDtype = 'float16'; },
    (h) => { h.training.streams = { 'x/y': -1 }; },
    (h) => { h.training.iterations = 1.5; },
    (h) => { h.metadata = { color: 'red' }; },
    (h) => { delete h.model; },
    (h) => { h.format = 'keras'; },
  ];
}

/** n seeded lies about the tensors (every one must be refused: the manifest no longer matches the model or the bytes). */
function manifestLies(h0: Record<string, any>, n: number): Lie[] {
  const T = h0.tensors.length;
  const r = lcgIds(4 * n, 0, 2 ** 30, 16);
  return Array.from({ length: n }, (_, i): Lie => {
    const [kind, ti, a, b] = [r[4 * i] % 8, r[4 * i + 1] % T, r[4 * i + 2], r[4 * i + 3]];
    const d = 1 + (a % 4);
    return (h) => {
      const t = h.tensors[ti];
      switch (kind) {
        case 0: t.offset += (b % 2 ? 16 : -16) * d; break; // moved onto a neighbour, before 0 or past the payload
        case 1: t.offset += 1 + (a % 15); break; // unaligned
        case 2: { const j = b % t.shape.length; t.shape[j] += t.shape[j] > d && b % 2 ? -d : d; break; } // shape, bytes unchanged
        case 3: { t.shape[b % t.shape.length] += d; t.bytes = count(t.shape) * 4; break; } // shape and bytes agree, the model disagrees
        case 4: t.dtype = t.dtype === 'float32' ? 'float16' : 'float32'; t.bytes = count(t.shape) * (t.dtype === 'float16' ? 2 : 4); break;
        case 5: { const o = h.tensors[(ti + 1 + (b % (T - 1))) % T]; [t.name, o.name] = [o.name, t.name]; break; } // two names swapped
        case 6: if (b % 2) h.tensors.splice(ti, 1); else h.tensors.splice(ti, 0, { ...t, name: `${t.name}/copy` }); break; // one missing or one extra
        default: h.payloadBytes = b % 2 ? h.payloadBytes + 16 * d : Math.max(0, h.payloadBytes - 16 * d); break; // payload size
      }
    };
  });
}
