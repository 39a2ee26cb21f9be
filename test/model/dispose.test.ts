// model.dispose(): every later call is a StateError, a second dispose does nothing, the model's workers end; and the
// memory loops of bench/memory.ts, CI-sized, in a child process of their own (RSS is per process; gc is exposed there).
import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { init, loadModel, layers, StateError, type Sequential } from '../../src/index.js';
import { liveWorkers } from '../../src/core/threads.js';
import { smallModel, smallData } from '../helpers/models.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Waits (up to 10 s) until at most n workers are alive: a worker's exit event comes after it leaves its loop. */
async function workersDownTo(n: number): Promise<number> {
  for (let i = 0; i < 500 && liveWorkers() > n; i++) await new Promise((r) => setTimeout(r, 20));
  return liveWorkers();
}

describe('model.dispose', () => {
  afterAll(async () => { await init({ threads: 1 }); });

  it('makes every later call a StateError that names the call; a second dispose does nothing', async () => {
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const { x, y } = smallData(8);
    m.trainOnBatch(x, y);
    const bytes = (await m.save())!;
    const p = m.predict(x).data;
    expect(m.memoryBytes).toBeGreaterThan(0);
    m.dispose();
    expect(m.isDisposed).toBe(true);
    expect(m.memoryBytes).toBe(0);
    m.dispose();
    const calls: [string, () => unknown][] = [
      ['predict', () => m.predict(x)],
      ['evaluate', () => m.evaluate(x, y)],
      ['predictOnBatch', () => m.predictOnBatch(x)],
      ['testOnBatch', () => m.testOnBatch(x, y)],
      ['trainOnBatch', () => m.trainOnBatch(x, y)],
      ['computeGradients', () => m.computeGradients(x, y)],
      ['attentionWeights', () => m.attentionWeights(x)],
      ['getWeights', () => m.getWeights()],
      ['setWeights', () => m.setWeights([])],
      ['summary', () => m.summary(undefined, undefined, () => {})],
      ['countParams', () => m.countParams()],
      ['compile', () => m.compile({ optimizer: 'sgd', loss: 'mse' })],
      ['getConfig', () => m.getConfig()],
      ['getCompileConfig', () => m.getCompileConfig()],
      ['weightNames', () => m.weightNames],
      ['trainableWeights', () => m.trainableWeights],
      ['outputShape', () => m.outputShape],
      ['sequential.add', () => m.add(layers.dense({ units: 1 }))],
      ['sequential.pop', () => m.pop()],
    ];
    for (const [name, call] of calls) {
      expect(call, name).toThrow(StateError);
      expect(call, name).toThrow(new RegExp(`^${name}: expected a model that is not disposed, got ${m.name}, whose memory and threads model\\.dispose\\(\\) gave back\\.`));
    }
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/^fit: expected a model that is not disposed/);
    await expect(m.save()).rejects.toThrow(/^save: expected a model that is not disposed/);
    // what it saved before is a model of its own
    const back = await loadModel(bytes);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(p));
    back.dispose();
    // a model disposed before its first use refuses too
    const fresh = smallModel(4);
    fresh.dispose();
    expect(() => fresh.predict(x)).toThrow(/^predict: expected a model that is not disposed/);
  });

  it('ends the model\'s worker threads (2 threads), also of a model disposed in a callback of its fit', async () => {
    await init({ threads: 2 });
    const before = liveWorkers();
    const m = smallModel(5);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await m.ready();
    expect(liveWorkers()).toBe(before + 1);
    m.dispose();
    expect(await workersDownTo(before)).toBe(before);

    const m2: Sequential = smallModel(6);
    m2.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(32);
    const fit = m2.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: { onBatchEnd: (b) => { if (b === 1) m2.dispose(); } } });
    await expect(fit).rejects.toThrow(/^fit: expected a model that is not disposed/);
    expect(await workersDownTo(before)).toBe(before);
  });

  it('gives the memory back over create -> fit -> dispose cycles and mixed calls; dropped models\' workers end after gc', async () => {
    const args = ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx', 'bench/memory.ts', '--json',
      '--cycles', '20', '--cycle-warmup', '5', '--dropped', '8', '--calls', '500', '--warmup', '300', '--mixed-threads', '1'];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    const r = JSON.parse(stdout);
    // 20 cycles with 2 threads: no worker outlives its model, none piles up, RSS holds (each leaked model held ~7 MB)
    expect(r.cycles.workersLeft).toBe(0);
    expect(r.cycles.peakLiveWorkers).toBeLessThanOrEqual(2);
    expect(r.cycles.growthMB).toBeLessThanOrEqual(10);
    // dropped without dispose: their workers were alive (this loop can see a leak) and end once collected
    expect(r.dropped.workersHeld).toBe(8);
    expect(r.dropped.workersLeft).toBe(0);
    expect(r.dropped.rssAfterGcMB - r.dropped.rssStartMB).toBeLessThan((r.dropped.rssHeldMB - r.dropped.rssStartMB) / 2);
    // 500 mixed calls of varying batch sizes and lengths after warm-up: the Wasm memories keep their size, RSS holds
    expect(r.mixed.calls).toBe(500);
    for (const op of ['fit', 'predict', 'evaluate', 'computeGradients', 'save', 'load']) expect(r.mixed.counts[op], op).toBeGreaterThan(40);
    expect(r.mixed.wasmSizeChanges).toBe(0);
    expect(r.mixed.wasmBytesEnd).toEqual(r.mixed.wasmBytesAfterWarmup);
    expect(r.mixed.growthMB).toBeLessThanOrEqual(5);
    expect(r.mixed.workersLeft).toBe(0);
  }, 120_000);
});
