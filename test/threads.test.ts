// Threads: a model trained with 2 threads (shared memory, worker threads) gives the same weight bytes and
// predictions as with 1 thread.
import { describe, it, expect, afterAll } from 'vitest';
import { init, info, sequential, layers } from '../src/index.js';
import { ids } from './helpers/models.js';

async function train(threads: number) {
  await init({ threads });
  const used = info();
  const T = 12;
  const m = sequential({ seed: 7, layers: [
    layers.embedding({ inputDim: 20, outputDim: 6, inputLength: T, maskZero: true }),
    layers.batchNormalization(),
    layers.dropout({ rate: 0.2 }),
    layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const N = 48;
  const x = ids(N * T, 3, 0, 19);
  for (let i = 0; i < N; i++) for (let t = 3 + (i % 9); t < T; t++) x[i * T + t] = 0; // post-padding
  const y = Float32Array.from({ length: N }, (_, i) => x[i * T] % 2);
  await m.fit({ data: x, shape: [N, T] }, y, { epochs: 3, batchSize: 16, verbose: 0 });
  const w = m.getWeights().map((v) => Array.from(new Uint32Array(v.data.buffer)));
  const p = Array.from(new Uint32Array(m.predict({ data: x, shape: [N, T] }).data.buffer));
  return { used, w, p };
}

describe('threads', () => {
  afterAll(async () => { await init({ threads: 1 }); });

  it('2 threads give the same weight bytes and predictions as 1', async () => {
    const one = await train(1);
    const two = await train(2);
    expect(one.used.threads).toBe(1);
    expect(two.used.threads).toBe(2);
    expect(two.used.sharedMemory).toBe(true);
    expect(two.w).toEqual(one.w);
    expect(two.p).toEqual(one.p);
  });
});
