// Pool: a kernel failure on the calling thread while the worker still runs its part of the same lists leaves the
// pool idle and usable: the next call gives the bytes of 1 thread, and dispose() ends the worker. The failure is
// simulated by a kernels look-alike on the pool (as the Wasm abort import throws a StateError) that fails on the
// calling thread in a Bi-LSTM part's lstm_forward_packed. Before the fix, run/runQueue skipped waiting for the worker:
// the next call threw "expected the worker thread to run its kernels", later calls gave other bytes and the weights
// were overwritten (the worker, still in the failed queue's loop, read the next posting as queue offsets), and a
// dispose() at once left the worker thread alive (its "done" overwrote the exit).
import { describe, it, expect, afterAll } from 'vitest';
import { init, sequential, layers } from '../../src/index.js';
import { StateError } from '../../src/errors.js';
import { liveWorkers, handoffSettings } from '../../src/core/threads.js';
import { ids } from '../helpers/models.js';

const T = 40, V = 3000, N = 64;
const bits = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));

function model() {
  const m = sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: V, outputDim: 32, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: 64, returnSequences: true }) }),
    layers.globalAveragePooling1D(),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return m;
}

describe('pool: a kernel failure on the calling thread while the worker runs its part of a queue', () => {
  afterAll(async () => { await init({ threads: 1 }); });

  it('leaves the pool usable: the next predictions have the bytes of 1 thread', async () => {
    const x = { data: ids(N * T, 5, 1, V - 1), shape: [N, T] };
    await init({ threads: 1 });
    const m1 = model();
    const want = bits(m1.predict(x, { batchSize: N }).data);
    const m1w = m1.getWeights().map((w) => bits(w.data));
    m1.dispose();

    await init({ threads: 2 });
    const m = model();
    await m.ready();
    expect(bits(m.predict(x, { batchSize: N }).data)).toEqual(want);
    const pool = (m as unknown as { arena: { pool: { k: Record<string, unknown> } } }).arena.pool;
    const k = pool.k;
    let armed = false;
    const stub: Record<string, unknown> = { ...k };
    const real = k.lstm_forward_packed as (...a: number[]) => number;
    stub.lstm_forward_packed = (...a: number[]) => {
      if (armed) { armed = false; throw new StateError('bilstm-attn: expected the Wasm kernels to run to the end, got an abort at 1:1 (simulated).'); }
      return real(...a);
    };
    // 10 rounds: the failure on this thread, then at once the same call again (the worker is typically still running
    // the failed call's remaining parts)
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      pool.k = stub;
      armed = true;
      // (the simulated failure, or in a later round the damage of an earlier one)
      expect(() => m.predict(x, { batchSize: N })).toThrow(StateError);
      pool.k = k;
      let outcome: string;
      try {
        outcome = JSON.stringify(bits(m.predict(x, { batchSize: N }).data)) === JSON.stringify(want) ? 'same bytes' : 'other bytes';
      } catch (e) {
        outcome = `${(e as Error).name}: ${(e as Error).message}`;
      }
      outcomes.push(outcome);
    }
    // predict changes no weight: they must still be the 1-thread model's bytes
    const weightsIntact = JSON.stringify(m.getWeights().map((w) => bits(w.data))) === JSON.stringify(m1w);
    m.dispose();
    await init({ threads: 1 });
    expect({ outcomes, weightsIntact }).toEqual({ outcomes: Array(10).fill('same bytes'), weightsIntact: true });
  });
  it('dispose() right after such a failure ends the model\'s worker thread', async () => {
    const x = { data: ids(N * T, 6, 1, V - 1), shape: [N, T] };
    await init({ threads: 2 });
    const down = async (n: number, ms: number) => {
      for (let i = 0; i < ms / 20 && liveWorkers() > n; i++) await new Promise((r) => setTimeout(r, 20));
      return liveWorkers();
    };
    const base = await down(0, 5000);
    const leaked: number[] = [];
    for (let round = 0; round < 5; round++) {
      const m = model();
      await m.ready();
      m.predict(x, { batchSize: N });
      const pool = (m as unknown as { arena: { pool: { k: Record<string, unknown> } } }).arena.pool;
      const stub: Record<string, unknown> = { ...pool.k };
      stub.lstm_forward_packed = () => { throw new StateError('bilstm-attn: expected the Wasm kernels to run to the end, got an abort at 1:1 (simulated).'); };
      pool.k = stub;
      expect(() => m.predict(x, { batchSize: N })).toThrow(/simulated/);
      m.dispose(); // at once: the worker may still be running the failed queue's other parts
      leaked.push(await down(base, 3000) - base);
    }
    await init({ threads: 1 });
    // every model's worker has exited within 3 s of its dispose
    expect(leaked).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('pool: a failure on the worker', () => {
  it("is a StateError carrying the worker's error message (a Wasm trap: memory access out of bounds), and the pool runs on", async () => {
    await init({ threads: 2 });
    const m = model();
    await m.ready();
    const x = { data: ids(N * T, 7, 1, V - 1), shape: [N, T] };
    const want = bits(m.predict(x, { batchSize: N }).data);
    const pool = (m as unknown as { arena: { pool: { run(lists: [string, number[]][][], flops?: number): void } } }).arena.pool;
    // the first list runs here, the second on the worker (never taken back: handoffSettings takeBack false), where
    // zero_fill past the end of the memory traps
    const before = handoffSettings();
    handoffSettings({ takeBack: false });
    expect(() => pool.run([[], [['zero_fill', [0xfffff000, 4096]]]], Infinity)).toThrow(/^bilstm-attn: expected the worker thread to run its kernels, got a failure: .*out of bounds.* \(an internal error: please report it\)\.$/);
    handoffSettings({ takeBack: before.takeBack });
    expect(bits(m.predict(x, { batchSize: N }).data)).toEqual(want);
    m.dispose();
    await init({ threads: 1 });
  });

  // V8 tells a worker's instance that the shared memory grew through an interrupt the worker handles at its next
  // stack check: a Wasm call made straight from a polling loop right after a grow, whose memory.fill touches the new
  // pages, trapped "memory access out of bounds" (2-9 in 10,000 lists in a standalone probe; 0 with memory.grow(0) on
  // the worker first). The pool's worker calls its kernels through a closure, whose entry is such a check, so this
  // test passed with the fix stashed too (3 runs): it guards the behaviour, should V8 inline that closure. A CI run
  // saw one unexplained worker failure in the 2-thread per-id training test, whose table is allocated past the plan
  // (a grow) on the first per-id batch.
  it('runs a list posted right after the memory grew, touching the new pages (20,000 grows, each then a list)', async () => {
    await init({ threads: 2 });
    const m = model();
    await m.ready();
    const arena = (m as unknown as { arena: { memory: WebAssembly.Memory; pool: { run(lists: [string, number[]][][], flops?: number): void } } }).arena;
    const before = handoffSettings();
    handoffSettings({ takeBack: false });
    let failures = 0, first = '';
    try {
      // first lists without a grow, so that the worker's loop is optimized (its list runner inlined: no stack check,
      // where V8 handles interrupts, between taking a list and its first kernel)
      const top = arena.memory.buffer.byteLength;
      for (let i = 0; i < 50_000; i++) arena.pool.run([[], [['zero_fill', [top - 64, 16]]]], Infinity);
      const start = arena.memory.buffer.byteLength / 65536;
      const n = Math.min(20_000, 65_536 - start);
      expect(n).toBeGreaterThan(10_000);
      for (let i = 0; i < n; i++) {
        const end = (arena.memory.grow(1) + 1) * 65536;
        try { arena.pool.run([[], [['zero_fill', [end - 64, 16]]]], Infinity); } catch (e) { failures++; first ||= (e as Error).message; }
      }
    } finally {
      handoffSettings({ takeBack: before.takeBack });
    }
    expect({ failures, first }).toEqual({ failures: 0, first: '' });
    m.dispose();
    await init({ threads: 1 });
  });
});
