// init() options: the embedded core, a precompiled module ({ module }) or bytes ({ wasm }) give the same model bytes;
// anything else is refused with a clear ConfigError; info() names the runtime.
import { describe, it, expect, afterAll, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, initSync, info, sequential, layers, ConfigError } from '../../src/index.js';
import { handoffSettings } from '../../src/core/threads.js';
import { ids } from '../helpers/models.js';
import { decodeBase64 } from '../../src/core/wasm.js';
import { WASM_BASE64 } from '../../src/core/wasm-binary.js';

const BYTES = readFileSync(new URL('../../build/bilstm.wasm', import.meta.url));
const MT_BYTES = readFileSync(new URL('../../build/bilstm.mt.wasm', import.meta.url));

/** Weight bytes after 2 steps of a model whose dense kernel (300 x 256 > 65536 parameters) sends the optimizer's
 *  update to the worker threads (fit waits for them to start), and how many hand-offs that took. */
async function threadedBytes(): Promise<{ w: number[]; handed: number }> {
  // the optimizer's small lists would often be taken back (run here) before a sleeping worker wakes: not here
  const settings = handoffSettings();
  handoffSettings({ takeBack: false });
  const m = sequential({ seed: 4, layers: [layers.dense({ units: 256, inputShape: [300], activation: 'tanh' }), layers.dense({ units: 1 })] });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const x = { data: Float32Array.from(ids(4 * 300, 9, -50, 50), (v) => v / 50), shape: [4, 300] };
  const before = info().handoffs;
  await m.fit(x, [1, -1, 0.5, 0], { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  handoffSettings(settings);
  return { w: m.getWeights().flatMap((v) => Array.from(new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length))), handed: info().handoffs - before };
}

/** How many f32x4.add / f32x4.mul instructions (0xfd 0xe4 0x01, 0xfd 0xe6 0x01) the code section of a binary holds. */
function simdOps(b: Uint8Array): number {
  let i = 8, n = 0;
  const leb = () => { let v = 0, sh = 0, c; do { c = b[i++]; v |= (c & 0x7f) << sh; sh += 7; } while (c & 0x80); return v >>> 0; };
  while (i < b.length) {
    const id = b[i++], size = leb(), end = i + size;
    if (id === 10) for (let j = i; j + 2 < end; j++) if (b[j] === 0xfd && (b[j + 1] === 0xe4 || b[j + 1] === 0xe6) && b[j + 2] === 0x01) n++;
    i = end;
  }
  return n;
}

function trainedBytes(): number[] {
  const T = 6;
  const m = sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: 30, outputDim: 4, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const x = { data: ids(8 * T, 5, 1, 29), shape: [8, T] };
  const y = Float32Array.from({ length: 8 }, (_, i) => i % 2);
  for (let s = 0; s < 3; s++) m.trainOnBatch(x, y);
  return m.getWeights().flatMap((w) => Array.from(new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)));
}

describe('init options', () => {
  afterAll(async () => { await init(); });

  it('embedded core, { wasm: bytes }, { module } and initSync({ module }) give the same bytes', async () => {
    await init();
    const embedded = trainedBytes();
    await init({ wasm: BYTES });
    expect(trainedBytes()).toEqual(embedded);
    await init({ module: new WebAssembly.Module(BYTES) });
    expect(trainedBytes()).toEqual(embedded);
    initSync({ module: await WebAssembly.compile(BYTES) });
    expect(trainedBytes()).toEqual(embedded);
  });

  it('init({ threadsModule }) and init({ threadsWasm }) run 2 threads on the given core, with the bytes of 1 thread', async () => {
    await init({ threads: 1 });
    const one = await threadedBytes();
    expect(one.handed).toBe(0);
    for (const opts of [{ threadsModule: new WebAssembly.Module(MT_BYTES) }, { threadsWasm: MT_BYTES }]) {
      await init({ threads: 2, ...opts });
      expect(info().threads).toBe(2);
      expect(info().sharedMemory).toBe(true);
      const two = await threadedBytes();
      expect(two.handed).toBeGreaterThan(0);
      expect(two.w).toEqual(one.w);
    }
    // each slot examines the core it is given: the other core (same exports, the other kind of memory) is refused
    await expect(init({ threads: 2, threadsModule: new WebAssembly.Module(BYTES) })).rejects.toThrow(
      new ConfigError('init: expected threadsModule to be the shared-memory core (build/bilstm.mt.wasm, bilstm-attn/wasm-threads), got a module that does not link to a shared memory (the other core?).'));
    await expect(init({ threads: 2, threadsWasm: BYTES })).rejects.toThrow(/expected threadsWasm to be the shared-memory core/);
    await expect(init({ module: new WebAssembly.Module(MT_BYTES) })).rejects.toThrow(
      new ConfigError('init: expected module to be the single-thread core (build/bilstm.wasm, bilstm-attn/wasm), got a module that does not link to an unshared memory (the other core?).'));
    expect(() => initSync({ wasm: MT_BYTES })).toThrow(/expected wasm to be the single-thread core/);
    await init({ threads: 1, module: new WebAssembly.Module(BYTES) });
  });

  it('refuses what is not the core, saying what it expected', async () => {
    await expect(init({ module: {} as WebAssembly.Module })).rejects.toThrow(ConfigError);
    await expect(init({ module: {} as WebAssembly.Module })).rejects.toThrow(/expected module to be a WebAssembly.Module, got Object/);
    const other = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); // an empty module
    await expect(init({ module: other })).rejects.toThrow(/expected module to be the bilstm-attn core \(exports lstm_forward, imports env.memory\), got a module exporting \[\]/);
    await expect(init({ wasm: Uint8Array.from([1, 2, 3]) as BufferSource })).rejects.toThrow(/expected wasm to be a valid WebAssembly binary, got 3 bytes that do not validate/);
    await expect(init({ wasm: 'abc' as unknown as BufferSource })).rejects.toThrow(/expected wasm to be the bytes of the Wasm core/);
    await expect(init({ threads: 0 })).rejects.toThrow(/expected threads to be an integer in \[1, 64\], got 0/);
    expect(() => initSync({ wasm: new Uint8Array(4) as BufferSource })).toThrow(/do not validate/);
    expect(() => initSync({ wasm: 'abc' as unknown as BufferSource })).toThrow(/initSync: expected wasm to be the bytes of the Wasm core/);
  });

  it('init({ spinMicros }) sets how long workers poll for work (info() and the hand-off settings show it; the default is 500 again on the next init without it); the bytes stay those of 1 thread', async () => {
    const x = { data: ids(3 * 7, 8, 1, 10), shape: [3, 7] };
    const model = () => sequential({ seed: 6, layers: [layers.embedding({ inputDim: 11, outputDim: 8, inputLength: 7 }),
      layers.bidirectional({ layer: layers.lstm({ units: 8, returnSequences: true }) }), layers.attention({}), layers.dense({ units: 1 })] });
    const bits = (m: ReturnType<typeof model>) => Array.from(new Uint32Array(m.predict(x).data.buffer));
    await init({ threads: 1 });
    const one = bits(model());
    try {
      await init({ threads: 2, spinMicros: 0 });
      expect(info().spinMicros).toBe(0);
      expect(handoffSettings().spinMicros).toBe(0);
      const m = model();
      await m.ready();
      for (let i = 0; i < 5; i++) expect(bits(m)).toEqual(one);
      m.dispose();
      await init({ threads: 2, spinMicros: 2000 });
      expect(info().spinMicros).toBe(2000);
      await init({ threads: 2 });
      expect(info().spinMicros).toBe(500);
      for (const bad of [-1, 1.5, 1e7, '10', NaN]) {
        await expect(init({ threads: 2, spinMicros: bad as number })).rejects.toThrow(ConfigError);
      }
      await expect(init({ spinMicros: -1 })).rejects.toThrow(/init: expected spinMicros to be an integer number of microseconds in \[0, 1000000\], got -1\./);
      expect(info().spinMicros).toBe(500); // a refused init changes nothing
    } finally {
      await init({ threads: 1 });
    }
  });

  it('info() names the runtime and what init chose', async () => {
    await init({ threads: 1 });
    const i = info();
    expect(i.runtime).toBe('node');
    expect(i.runtimeVersion).toBe(process.versions.node);
    expect(i.threads).toBe(1);
    expect(i.workers).toBe('none');
  });
});

describe('package', () => {
  it('both cores compute with Wasm SIMD (info().simd is a constant; the kernels are what makes it true)', () => {
    for (const f of ['bilstm.wasm', 'bilstm.mt.wasm']) {
      const n = simdOps(readFileSync(new URL(`../../build/${f}`, import.meta.url)));
      expect(n, f).toBeGreaterThan(50);
    }
    // the counter finds none in a module without SIMD
    expect(simdOps(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]))).toBe(0);
  });

  it('each Wasm core stays within 64 KB (issue 5 target)', () => {
    for (const f of ['bilstm.wasm', 'bilstm.mt.wasm']) {
      const n = readFileSync(new URL(`../../build/${f}`, import.meta.url)).length;
      expect(n, f).toBeLessThanOrEqual(64 * 1024);
    }
  });
});

describe('decodeBase64 (the embedded cores)', () => {
  it('gives the bytes of build/bilstm.wasm through the native decoder and through the fallback loop', () => {
    const want = new Uint8Array(readFileSync(new URL('../../build/bilstm.wasm', import.meta.url)));
    const same = (got: Uint8Array) => got.length === want.length && got.every((v, i) => v === want[i]);
    expect(same(decodeBase64(WASM_BASE64))).toBe(true);
    const fromBase64 = (Uint8Array as { fromBase64?: unknown }).fromBase64;
    vi.stubGlobal('Buffer', undefined);
    try {
      if (fromBase64) delete (Uint8Array as { fromBase64?: unknown }).fromBase64;
      expect(same(decodeBase64(WASM_BASE64))).toBe(true);
    } finally {
      vi.unstubAllGlobals();
      if (fromBase64) (Uint8Array as { fromBase64?: unknown }).fromBase64 = fromBase64;
    }
  });
});
