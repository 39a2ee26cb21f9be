// model.save and loadModel: byte-identical round trips (masks, attention), resume (50 steps = 25 + save + load + 25),
// includeOptimizer false, float16 files, every source and target form, metadata, and the same bytes twice.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initSync, loadModel, StateError, ConfigError, MemoryError, ValueError, type Sequential } from '../../src/index.js';
import { fileModel, fileData, weightsSha, headerOf } from '../helpers/files.js';

initSync();
const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { x, y } = fileData(48);
const compile = (m: Sequential) => m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });

async function trained(steps = 12): Promise<Sequential> {
  const m = fileModel();
  compile(m);
  await m.fit(x, y, { epochs: steps / 6, batchSize: 8, verbose: 0 });
  return m;
}

function predictBytes(m: Sequential): number[] {
  const p = m.predict(x, { returnAttention: true }) as { data: Float32Array; attention: { data: Float32Array }[] };
  return [...new Uint32Array(p.data.buffer), ...new Uint32Array(p.attention[0].data.buffer)];
}

describe('save -> loadModel', () => {
  it('gives the same architecture, weights, predictions and attention bit for bit, and saves to the same bytes again', async () => {
    const m = await trained();
    const bytes = (await m.save())!;
    const l = await loadModel(bytes);
    expect(l.getConfig()).toEqual(m.getConfig());
    expect(l.getCompileConfig()).toEqual(m.getCompileConfig());
    expect(l.weightNames).toEqual(m.weightNames);
    expect(weightsSha(l)).toBe(weightsSha(m));
    expect(predictBytes(l)).toEqual(predictBytes(m));
    expect(l.state).toEqual(m.state);
    expect(await l.save()).toEqual(bytes);
    expect(await m.save()).toEqual(bytes);
  });

  it('a file keeps compile weightedMetrics: the loaded model logs and weighs them as the saved one', async () => {
    const m = fileModel();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const l = await loadModel((await m.save())!);
    expect(l.getCompileConfig()).toStrictEqual(m.getCompileConfig());
    expect(l.getCompileConfig()!.weightedMetrics).toEqual(['accuracy']);
    const sw = Array.from({ length: 48 }, (_, i) => (i % 3) * 0.5);
    const r = l.evaluate(x, y, { sampleWeight: sw });
    expect(l.metricsNames).toEqual(['loss', 'accuracy', 'weighted_accuracy']);
    expect(r).toEqual(m.evaluate(x, y, { sampleWeight: sw }));
    expect(Math.abs(r[1] - r[2])).toBeGreaterThan(1e-3);
  });

  it('resumes: 12 steps, save, load, 12 more gives the weights of 24 uninterrupted (dropout, batch norm, Adam)', async () => {
    const whole = await trained(24);
    const half = await trained(12);
    const l = await loadModel((await half.save())!);
    await l.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(weightsSha(l)).toBe(weightsSha(whole));
    expect(l.state).toEqual(whole.state);
  });

  it('includeOptimizer false: a smaller file that predicts the same; fit starts a fresh optimizer from the compile config', async () => {
    const m = await trained();
    const full = (await m.save())!;
    const lean = (await m.save(undefined, { includeOptimizer: false }))!;
    // Adam keeps two slots per trainable weight: the payload shrinks to a third
    const trainable = m.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(headerOf(full).payloadBytes - headerOf(lean).payloadBytes).toBeGreaterThanOrEqual(2 * 4 * trainable);
    expect(lean.length).toBeLessThan(full.length);
    expect(headerOf(lean).optimizerState).toBe(false);
    const l = await loadModel(lean);
    expect(predictBytes(l)).toEqual(predictBytes(m));
    expect(l.getCompileConfig()).toEqual(m.getCompileConfig());
    expect(l.optimizer!.iterations).toBe(0);
    // a fresh optimizer on the same weights: what Keras does after loading without optimizer state
    const fresh = fileModel();
    fresh.setWeights(m.getWeights());
    fresh.compileFromConfig(m.getCompileConfig());
    (fresh as unknown as { streams: { restore(s: Record<string, number>): void } }).streams.restore(l.state.streams);
    await l.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    await fresh.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(weightsSha(l)).toBe(weightsSha(fresh));
  });

  it('float16: about half the size, predictions within 1e-3, and training refused', async () => {
    const m = await trained();
    const f32 = (await m.save(undefined, { includeOptimizer: false }))!;
    const f16 = (await m.save(undefined, { weightsDtype: 'float16' }))!;
    const h = headerOf(f16);
    const tensors = h.tensors.length;
    expect(h.payloadBytes).toBeLessThanOrEqual(headerOf(f32).payloadBytes / 2 + 16 * tensors);
    expect(f16.length).toBeLessThan(f32.length);
    expect([h.weightsDtype, h.inferenceOnly, h.optimizerState]).toEqual(['float16', true, false]);
    const l = await loadModel(f16);
    const a = m.predict(x).data, b = l.predict(x).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-3);
    expect(worst).toBeGreaterThan(0);
    // halves split across chunk borders (odd chunk sizes) land the same
    const odd = await loadModel((async function* () { for (let i = 0; i < f16.length; i += 333) yield f16.slice(i, i + 333); })());
    expect(Array.from(odd.predict(x).data)).toEqual(Array.from(b));
    expect(weightsSha(odd)).toBe(weightsSha(l));
    await expect(l.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(StateError);
    await expect(l.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/fit: expected a model that can be trained, got a model loaded from a float16 file/);
    expect(() => l.trainOnBatch(x, y)).toThrow(/trainOnBatch: expected a model that can be trained/);
    // saving it again keeps it float16 (its weights are half precision)
    expect(headerOf((await l.save())!).weightsDtype).toBe('float16');
    await expect(l.save(undefined, { weightsDtype: 'float32' })).rejects.toThrow(/save: expected weightsDtype 'float16' \(or none\) for a model loaded from a float16 file .*got 'float32'/);
  });

  it('float16 refuses a weight it cannot hold (|w| >= 65520 would be Infinity), before writing; 65504 and 65519 save', async () => {
    const m = await trained(6);
    const w = m.getWeights(), k = w.length - 2; // the dense kernel
    for (const [v, ok] of [[65504, true], [-65519, true], [65520, false], [-1e5, false], [3e38, false]] as const) {
      const ws = w.map((t) => ({ data: t.data.slice(), shape: t.shape }));
      ws[k].data[ws[k].data.length - 1] = v;
      m.setWeights(ws);
      if (ok) {
        const back = await loadModel((await m.save(undefined, { weightsDtype: 'float16' }))!);
        expect(back.getWeights()[k].data.at(-1), `${v} through float16`).toBe(v === 65504 ? 65504 : -65504);
        continue;
      }
      const chunks: Uint8Array[] = [];
      const sink = new WritableStream<Uint8Array>({ write(c) { chunks.push(c); } });
      await expect(m.save(sink, { weightsDtype: 'float16' }), `${v}`).rejects.toThrow(ValueError);
      await expect(m.save(undefined, { weightsDtype: 'float16' })).rejects.toThrow(new RegExp(`save: expected weights float16 can hold for weightsDtype 'float16' .*got ${String(Math.fround(v)).replace('+', '\\+')} in \\w+/kernel at flat index ${ws[k].data.length - 1}\\. Save as float32`));
      expect(chunks.length, 'bytes written before the refusal').toBe(0);
      expect((await m.save(undefined, { weightsDtype: 'float32' }))!.length, 'float32 still saves').toBeGreaterThan(0);
    }
  });

  it('metadata is saved and restored; createdBy names the package; bad metadata is refused before writing', async () => {
    const m = await trained(6);
    m.metadata = { labels: ['male', 'female'], preprocessing: { maxlen: 9, padding: 'post', truncating: 'post' }, userDefinedMetadata: { run: 7, tags: ['a'] } };
    const l = await loadModel((await m.save())!);
    expect(l.metadata).toEqual({ ...m.metadata, createdBy: 'bilstm-attn 0.1.0' });
    expect(headerOf((await m.save())!).metadata.createdBy).toMatch(/^bilstm-attn \d+\.\d+\.\d+$/);
    expect(() => { m.metadata = { color: 'red' } as never; }).toThrow(/metadata: expected keys among userDefinedMetadata, labels, .*got "color"\. Put your own fields in userDefinedMetadata/);
    (m as unknown as { meta: unknown }).meta = { userDefinedMetadata: { f: () => 1 } };
    await expect(m.save()).rejects.toThrow(/save: metadata: expected metadata\.userDefinedMetadata\.f to be plain JSON/);
    (m as unknown as { meta: unknown }).meta = { userDefinedMetadata: { v: NaN } };
    await expect(m.save()).rejects.toThrow(ConfigError);
  });

  it('checks its options', async () => {
    const m = await trained(6);
    await expect(m.save(undefined, { weightsDtype: 'int8' as never })).rejects.toThrow(/save: expected weightsDtype 'float32' or 'float16', got "int8"/);
    await expect(m.save(undefined, { includeOptimizer: 'yes' as never })).rejects.toThrow(/save: expected includeOptimizer to be true or false, got "yes"/);
    await expect(m.save(undefined, { compress: true } as never)).rejects.toThrow(/save: expected options among includeOptimizer, weightsDtype, got an unknown option "compress"\./);
    await expect(m.save(42 as never)).rejects.toThrow(/save: expected a path, a WritableStream or no target/);
  });
});

describe('sources and targets', () => {
  it('saves to a path and a WritableStream, and loads from a path, URL, Response, Blob, ArrayBuffer, stream and async iterable', async () => {
    const m = await trained(6);
    const bytes = (await m.save())!;
    const path = join(dir, 'm.bilstm');
    expect(await m.save(path)).toBeUndefined();
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    const chunks: Uint8Array[] = [];
    await m.save(new WritableStream<Uint8Array>({ write(c) { chunks.push(c.slice()); } }));
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes));
    const want = predictBytes(m);
    const stream = () => new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000)); c.close(); } });
    const sources: [string, () => unknown][] = [
      ['path', () => path],
      ['file URL', () => new URL(`file://${path}`)],
      ['Response', () => new Response(stream())],
      ['Blob', () => new Blob([bytes as BlobPart])],
      ['ArrayBuffer', () => bytes.slice().buffer],
      ['ReadableStream', () => stream()],
      ['async iterable', () => (async function* () { for (let i = 0; i < bytes.length; i += 333) yield bytes.slice(i, i + 333); })()],
    ];
    for (const [what, make] of sources) {
      const l = await loadModel(make());
      expect(predictBytes(l), what).toEqual(want);
    }
  });

  it('refuses bad options', async () => {
    await expect(loadModel(new Uint8Array(0), 'fast' as never)).rejects.toThrow(/loadModel: expected options \{ onProgress, signal \}, got "fast"/);
    await expect(loadModel(new Uint8Array(0), { onProgress: 1 } as never)).rejects.toThrow(ConfigError);
  });

  it('reports progress up to 1 and stops on abort, leaving nothing behind', async () => {
    const bytes = (await (await trained(6)).save())!;
    const seen: number[] = [];
    await loadModel(new Blob([bytes as BlobPart]), { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(loadModel(bytes, { signal: ac.signal })).rejects.toThrow('stop');
    const ac2 = new AbortController();
    const slow = (async function* () { for (let i = 0; i < bytes.length; i += 100) { if (i === 1000) ac2.abort(new Error('midway')); yield bytes.slice(i, i + 100); } })();
    await expect(loadModel(slow, { signal: ac2.signal })).rejects.toThrow('midway');
  });

  it('a failed save to a path leaves an existing file untouched', async () => {
    const m = await trained(6);
    const path = join(dir, 'keep.bilstm');
    writeFileSync(path, 'old');
    (m as unknown as { meta: unknown }).meta = { userDefinedMetadata: { bad: 1n } };
    await expect(m.save(path)).rejects.toThrow(ConfigError);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('refuses to return more than 2 GiB as bytes, before writing anything', async () => {
    const { memorySink } = await import('../../src/io/sinks.js');
    expect(() => memorySink('save', 2 ** 31, 2 ** 31 + 1)).toThrow(MemoryError);
    expect(() => memorySink('save', 2 ** 31, 2 ** 31 + 1)).toThrow(/save: expected at most 2147483648 bytes \(2 GiB\) to hold in memory, got 2147483649 bytes \(2 GiB\)\. Pass a path or a WritableStream/);
  });
});

describe('save and load, edge cases', () => {
  it('a layer unfrozen after training saves real optimizer slots (fit after load matches)', async () => {
    const make = () => { const m = fileModel(); compile(m); return m; };
    const a = make(), b = make();
    for (const m of [a, b]) {
      m.layers[7].trainable = false;
      await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
      m.layers[7].trainable = true;
    }
    const l = await loadModel((await a.save())!);
    await l.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(l.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
    expect(weightsSha(l)).toBe(weightsSha(b));
  });

  it('refuses to train or change the model while a save is writing it, and trains again after', async () => {
    const m = await trained(6);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const slow = new WritableStream<Uint8Array>({ async write() { await gate; } });
    const saving = m.save(slow);
    await new Promise((r) => setTimeout(r, 10));
    await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/fit: expected no save in progress, got one\. Await model\.save\(\) first\./);
    expect(() => m.trainOnBatch(x, y)).toThrow(StateError);
    expect(() => m.setWeights(m.getWeights())).toThrow(/setWeights: expected no save in progress/);
    release();
    await saving;
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  });

  it('saves the same bytes whichever random stream a model used first', async () => {
    const a = fileModel(), b = fileModel();
    compile(a); compile(b);
    // a meets its dropout streams (computeGradients) before the shuffle stream (fit); b the other way round
    a.computeGradients(x, y);
    await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    b.computeGradients(x, y);
    // the models' names differ (fresh layers get fresh names), so compare the saved state as written
    const ta = JSON.stringify(headerOf((await a.save())!).training), tb = JSON.stringify(headerOf((await b.save())!).training);
    expect(Object.keys(JSON.parse(ta).streams).length).toBeGreaterThan(3);
    expect(ta).toBe(tb);
  });

  it('refuses a file shorter than its header says before building anything', async () => {
    const bytes = (await (await trained(6)).save())!;
    await expect(loadModel(bytes.subarray(0, bytes.length - 100))).rejects.toThrow(new RegExp(`loadModel: expected a file of ${bytes.length} bytes \\(as its header says\\), got ${bytes.length - 100} \\(it is truncated\\)`));
  });
});
