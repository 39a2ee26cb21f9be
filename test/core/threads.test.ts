// Threads: a model trained with 2 threads (shared memory, worker threads) gives the same weight bytes and
// predictions as with 1 thread; also with spatial dropout, both global poolings and Keras 3 hard sigmoids.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { init, info, sequential, layers } from '../../src/index.js';
import { handoffSettings, liveWorkers, takeBacks } from '../../src/core/threads.js';
import { ids } from '../helpers/models.js';

async function train(threads: number, pooled: false | 'avg' | 'max' = false) {
  await init({ threads });
  const used = info();
  const T = 12;
  const m = sequential({ seed: 7, layers: [
    // big enough that both the Bi-LSTM (> 1 M flops) and the optimizer (> 65536 parameters) go to the worker
    layers.embedding({ inputDim: 2000, outputDim: 32, inputLength: T, maskZero: true }),
    ...(pooled ? [
      layers.spatialDropout1D({ rate: 0.2 }),
      layers.bidirectional({ layer: layers.lstm({ units: 16, returnSequences: true, recurrentActivation: 'hardSigmoidKeras3' as const }) }),
      layers.dense({ units: 8, activation: 'hardSigmoidKeras3' as const }),
      pooled === 'avg' ? layers.globalAveragePooling1D() : layers.globalMaxPooling1D(),
    ] : [
      layers.batchNormalization(),
      layers.dropout({ rate: 0.2 }),
      layers.bidirectional({ layer: layers.lstm({ units: 16, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
    ]),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const N = 48;
  const x = ids(N * T, 3, 0, 1999);
  for (let i = 0; i < N; i++) for (let t = 3 + (i % 9); t < T; t++) x[i * T + t] = 0; // post-padding
  const y = Float32Array.from({ length: N }, (_, i) => x[i * T] % 2);
  const before = info().handoffs;
  await m.fit({ data: x, shape: [N, T] }, y, { epochs: 3, batchSize: 16, verbose: 0 });
  const handed = info().handoffs - before;
  const w = m.getWeights().map((v) => Array.from(new Uint32Array(v.data.buffer)));
  const p = Array.from(new Uint32Array(m.predict({ data: x, shape: [N, T] }).data.buffer));
  return { used, w, p, handed };
}

/** A free-length model (embedding without inputLength) trained and run at two lengths, T = 12 then T = 7. */
async function trainFree(threads: number) {
  await init({ threads });
  const m = sequential({ seed: 9, layers: [
    layers.embedding({ inputDim: 2000, outputDim: 32, maskZero: true }),
    layers.bidirectional({ layer: layers.lstm({ units: 16, returnSequences: true }) }),
    layers.globalAveragePooling1D(),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const N = 32;
  const before = info().handoffs;
  const p: number[][] = [];
  for (const T of [12, 7]) {
    const x = ids(N * T, T, 0, 1999);
    for (let i = 0; i < N; i++) for (let t = 2 + (i % (T - 2)); t < T; t++) x[i * T + t] = 0;
    const y = Float32Array.from({ length: N }, (_, i) => x[i * T] % 2);
    await m.fit({ data: x, shape: [N, T] }, y, { epochs: 2, batchSize: 16, verbose: 0 });
    p.push(Array.from(new Uint32Array(m.predict({ data: x, shape: [N, T] }).data.buffer)));
  }
  const w = m.getWeights().map((v) => Array.from(new Uint32Array(v.data.buffer)));
  return { used: info(), w, p, handed: info().handoffs - before };
}

/**
 * A batch big enough that the row-parallel layers cut their rows across threads (runRows: embedding gather,
 * attention forward and backward, above 6e4 multiply-adds), masked, with attention over sequences or pooled; returns
 * the hand-offs counted, the weight bytes, the predictions and the attention weights.
 */
async function trainRows(threads: number, attentionSequences: boolean) {
  await init({ threads });
  const T = 20, N = 128;
  const m = sequential({ seed: 5, layers: [
    layers.embedding({ inputDim: 500, outputDim: 64, inputLength: T, maskZero: true }),
    layers.bidirectional({ layer: layers.lstm({ units: 16, returnSequences: true }) }),
    layers.attention({ returnSequences: attentionSequences }),
    ...(attentionSequences ? [layers.globalAveragePooling1D()] : []),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const x = ids(N * T, 11, 0, 499);
  for (let i = 0; i < N; i++) for (let t = 4 + (i % 13); t < T; t++) x[i * T + t] = 0; // post-padding
  const y = Float32Array.from({ length: N }, (_, i) => x[i * T + 1] % 2);
  const before = info().handoffs;
  await m.fit({ data: x, shape: [N, T] }, y, { epochs: 2, batchSize: 64, verbose: 0 });
  const handed = info().handoffs - before;
  const w = m.getWeights().map((v) => Array.from(new Uint32Array(v.data.buffer)));
  const mid = info().handoffs;
  const r = m.predict({ data: x, shape: [N, T] }, { batchSize: 64, returnAttention: true });
  return { handed, handedPredict: info().handoffs - mid, w, p: Array.from(new Uint32Array(r.data.buffer)), a: Array.from(new Uint32Array(r.attention[0].data.buffer)) };
}

/** The workload A (vocabulary 30, T 16, embedding 32, Bi-LSTM 32): 0.52 M flops per bidirectional forward at batch 1. */
function modelA() {
  const m = sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: 30, outputDim: 32, inputLength: 16 }),
    layers.bidirectional({ layer: layers.lstm({ units: 32, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return m;
}

/** Waits (up to `ms`) until at most n workers are alive: a worker's exit event comes after it leaves its loop. */
async function workersDownTo(n: number, ms = 10_000): Promise<number> {
  for (let i = 0; i < ms / 20 && liveWorkers() > n; i++) await new Promise((r) => setTimeout(r, 20));
  return liveWorkers();
}

describe('threads: hand-off of small work to a polling worker (default settings)', () => {
  const defaults = handoffSettings();
  afterAll(async () => { handoffSettings(defaults); await init({ threads: 1 }); });

  it('hands an A-sized bidirectional at batch 1 to a ready worker, with the bytes of 1 thread', async () => {
    const x = { data: ids(16, 5, 1, 29), shape: [1, 16] };
    await init({ threads: 1 });
    const one = Array.from(new Uint32Array(modelA().predict(x).data.buffer));
    await init({ threads: 2 });
    // small work goes only to a polling worker: here it polls 20 ms after each list, even when descheduled (a busy
    // test machine), so it stays polling between calls; a list may still be taken back before it is scheduled
    handoffSettings({ spinMicros: 20_000, gapMicros: 0 });
    const m = modelA();
    try {
      await m.ready();
      const before = info().handoffs;
      for (let i = 0; i < 4000 && info().handoffs === before; i++) {
        expect(Array.from(new Uint32Array(m.predict(x).data.buffer))).toEqual(one);
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 1));
      }
      expect(info().handoffs).toBeGreaterThan(before);
      expect(Array.from(new Uint32Array(m.predict(x).data.buffer))).toEqual(one);
    } finally {
      m.dispose();
      handoffSettings(defaults);
    }
  });

  it('a list the worker has not started when this thread is free is taken back and run here, with the same bytes', async () => {
    const x = { data: ids(16, 6, 1, 29), shape: [1, 16] };
    await init({ threads: 1 });
    const one = Array.from(new Uint32Array(modelA().predict(x).data.buffer));
    await init({ threads: 2 });
    // a sleeping worker (no polling) gets every list: waking it takes longer than this thread's own list (14 us)
    handoffSettings({ spinMicros: 0, coldFlops: 0 });
    const m = modelA();
    try {
      await m.ready();
      const before = takeBacks();
      for (let i = 0; i < 2000 && takeBacks() === before; i++) {
        expect(Array.from(new Uint32Array(m.predict(x).data.buffer))).toEqual(one);
      }
      expect(takeBacks()).toBeGreaterThan(before);
      for (let i = 0; i < 20; i++) expect(Array.from(new Uint32Array(m.predict(x).data.buffer))).toEqual(one);
    } finally {
      m.dispose();
      handoffSettings(defaults);
    }
  });

  it('dispose ends a worker that is polling (a 10 s spin budget: the exit is seen while polling)', async () => {
    // this describe runs first in this file (its own process): the only workers are its models'
    expect(await workersDownTo(0)).toBe(0);
    await init({ threads: 2 });
    handoffSettings({ spinMicros: 1e7, gapMicros: 0 }); // from its start, and no stop when descheduled
    const m = modelA();
    await m.ready();
    expect(liveWorkers()).toBe(1);
    const x = { data: ids(16, 5, 1, 29), shape: [1, 16] };
    for (let i = 0; i < 50; i++) m.predict(x); // lists handed off restart the 10 s
    m.dispose();
    expect(await workersDownTo(0, 2000)).toBe(0); // well before the budget ends
  });
});

describe('threads', () => {
  const defaults = handoffSettings();
  // every list goes to the worker, asleep or not, and runs there (none taken back), so hand-offs can be counted
  beforeAll(() => { handoffSettings({ takeBack: false, coldFlops: 0 }); });
  afterAll(async () => { handoffSettings(defaults); await init({ threads: 1 }); });

  it('2 threads give the same weight bytes and predictions as 1', async () => {
    const one = await train(1);
    const two = await train(2);
    expect(one.used.threads).toBe(1);
    expect(two.used.threads).toBe(2);
    expect(two.used.sharedMemory).toBe(true);
    expect(one.handed).toBe(0);
    expect(two.handed).toBeGreaterThanOrEqual(9 * 3); // forward, backward and optimizer of each of 9 steps
    expect(two.w).toEqual(one.w);
    expect(two.p).toEqual(one.p);
  });

  for (const pool of ['avg', 'max'] as const) {
    it(`the same with spatialDropout1D, hardSigmoidKeras3 gates and activations and global ${pool} pooling (masked)`, async () => {
      const one = await train(1, pool);
      const two = await train(2, pool);
      expect(two.used.threads).toBe(2);
      expect(two.handed).toBeGreaterThanOrEqual(9 * 3);
      expect(two.w).toEqual(one.w);
      expect(two.p).toEqual(one.p);
    });
  }

  for (const seq of [false, true]) {
    it(`the same with the embedding gather and the attention (${seq ? 'sequences' : 'pooled'}, masked) cut across threads by rows`, async () => {
      const one = await trainRows(1, seq);
      const two = await trainRows(2, seq);
      // each of 4 steps: embedding forward, bidirectional forward (a queue of parts), attention forward, attention
      // backward, bidirectional backward (the parts' recurrences, then the weight gradients and dx: two queues) and
      // its dx sum (the optimizer's 40 k parameters stay on this thread); then 2 predict batches: bidirectional (its
      // preparation, then its queue of parts, which read the embedding's rows from its table: no gather), attention
      expect(two.handed).toBe(4 * 7);
      expect(two.handedPredict).toBe(2 * 3);
      expect(two.w).toEqual(one.w);
      expect(two.p).toEqual(one.p);
      expect(two.a).toEqual(one.a);
    });
  }

  it('predictions from cached input projections (each direction makes its table on its own thread) have the bytes of 1 thread without them', async () => {
    const run = async (threads: number, cache: boolean) => {
      await init({ threads });
      const m = modelA();
      await m.ready();
      if (cache) m.cacheInputProjections();
      const x = ids(5 * 16, 21, 0, 29);
      const before = info().handoffs;
      const p = [1, 5].map((n) => Array.from(new Uint32Array(m.predict({ data: x.subarray(0, n * 16), shape: [n, 16] }, { batchSize: n }).data.buffer)));
      return { p, handed: info().handoffs - before };
    };
    const one = await run(1, false);
    const two = await run(2, true);
    expect(two.handed).toBeGreaterThanOrEqual(2);
    expect(two.p).toEqual(one.p);
  });

  it('predictions in parts (each Bi-LSTM direction\'s rows cut into parts that both threads take from one queue) have the bytes of 1 thread', async () => {
    // batches of 33-70 rows (2-4 parts per direction, parts of unequal size), a mask, an inner layer that goes
    // backwards (both directions flip), small and large vocabularies (the distinct-id table or none) and cached
    // input projections
    const T = 9;
    const run = async (threads: number, V: number, goBackwards: boolean, cache: boolean) => {
      await init({ threads });
      const m = sequential({ seed: 3, layers: [
        layers.embedding({ inputDim: V, outputDim: 12, inputLength: T, maskZero: true }),
        layers.bidirectional({ layer: layers.lstm({ units: 12, returnSequences: true, goBackwards }) }),
        layers.attention({ returnSequences: false }),
        layers.dense({ units: 1, activation: 'sigmoid' }),
      ]});
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      await m.ready();
      if (cache) m.cacheInputProjections();
      const out: number[][] = [];
      const before = info().handoffs;
      for (const n of [33, 50, 70]) {
        const x = ids(n * T, n + V, 0, V - 1);
        for (let i = 0; i < n; i += 3) for (let t = T - 1 - (i % 5); t < T; t++) x[i * T + t] = 0; // post-padding
        out.push(Array.from(new Uint32Array(m.predict({ data: x, shape: [n, T] }, { batchSize: n }).data.buffer)));
      }
      const handed = info().handoffs - before;
      m.dispose();
      return { out, handed };
    };
    for (const [V, goBackwards, cache] of [[20, false, false], [5000, false, false], [5000, true, false], [300, false, true]] as [number, boolean, boolean][]) {
      const one = await run(1, V, goBackwards, cache);
      const two = await run(2, V, goBackwards, cache);
      expect(two.out, `V ${V}, goBackwards ${goBackwards}, cached ${cache}`).toEqual(one.out);
      expect(one.out.flat().some((v, i, a) => v !== a[0])).toBe(true);
      expect(two.handed).toBeGreaterThanOrEqual(3); // at least each batch's queue went to the worker
    }
  });

  it('predictions of batches of 1-5 (each direction writes its half of the concat output as it goes, on this thread, or copies it, on the worker) have the bytes of 1 thread', async () => {
    const T = 11;
    const run = async (threads: number, maskZero: boolean, goBackwards: boolean) => {
      await init({ threads });
      const m = sequential({ seed: 5, layers: [
        layers.embedding({ inputDim: 4000, outputDim: 24, inputLength: T, maskZero }),
        layers.bidirectional({ layer: layers.lstm({ units: 20, returnSequences: true, goBackwards }) }),
        layers.attention({ returnSequences: true }),
        layers.dense({ units: 3 }),
      ]});
      m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      await m.ready();
      const before = info().handoffs; // (every list goes to the worker here: see beforeAll)
      const out: number[][] = [];
      for (const n of [1, 2, 5]) {
        const x = ids(n * T, 40 + n, 1, 3999);
        if (maskZero) for (let i = 0; i < n; i++) for (let t = T - 1 - 2 * i; t < T; t++) x[i * T + t] = 0; // post-padding
        for (let r = 0; r < 20; r++) {
          const p = Array.from(new Uint32Array(m.predict({ data: x, shape: [n, T] }).data.buffer));
          if (r === 0) out.push(p); else expect(p).toEqual(out[out.length - 1]);
        }
      }
      const handed = info().handoffs - before;
      m.dispose();
      return { out, handed };
    };
    for (const [maskZero, goBackwards] of [[false, false], [false, true], [true, false]] as [boolean, boolean][]) {
      const one = await run(1, maskZero, goBackwards);
      const two = await run(2, maskZero, goBackwards);
      expect(two.out, `maskZero ${maskZero}, goBackwards ${goBackwards}`).toEqual(one.out);
      expect(new Set(one.out.flat()).size).toBeGreaterThan(30);
      expect(two.handed).toBeGreaterThan(0);
    }
  });

  it('the same for a free-length model trained and run at two lengths', async () => {
    const one = await trainFree(1);
    const two = await trainFree(2);
    expect(two.used.threads).toBe(2);
    expect(two.handed).toBeGreaterThanOrEqual(8 * 2);
    expect(two.w).toEqual(one.w);
    expect(two.p).toEqual(one.p);
  });
});
