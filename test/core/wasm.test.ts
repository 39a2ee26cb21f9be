// init() options: the embedded core, a precompiled module ({ module }) or bytes ({ wasm }) give the same model bytes;
// anything else is refused with a clear ConfigError; info() names the runtime.
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, initSync, info, sequential, layers, ConfigError } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const BYTES = readFileSync(new URL('../../build/bilstm.wasm', import.meta.url));

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

  it('info() names the runtime and what init chose', async () => {
    await init({ threads: 1 });
    const i = info();
    expect(i.runtime).toBe('node');
    expect(i.runtimeVersion).toBe(process.versions.node);
    expect(i.threads).toBe(1);
    expect(i.simd).toBe(true);
    expect(i.workers).toBe('none');
  });
});

describe('package', () => {
  it('each Wasm core stays within 64 KB (issue 5 target)', () => {
    for (const f of ['bilstm.wasm', 'bilstm.mt.wasm']) {
      const n = readFileSync(new URL(`../../build/${f}`, import.meta.url)).length;
      expect(n, f).toBeLessThanOrEqual(64 * 1024);
    }
  });
});
