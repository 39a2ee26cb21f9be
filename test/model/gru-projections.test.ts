// cacheInputProjections with GRUs: free length (T changing per call), batch sizes, 2 threads, a wide embedding.
import { describe, it, expect } from 'vitest';
import { sequential, layers, init, type Sequential } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
function batch(n: number, T: number, V: number, seed: number) {
  const x = ids(n * T, seed, 1, V - 1);
  for (let i = 0; i < n; i++) for (let t = T - (i % 4); t < T; t++) x[i * T + t] = 0;
  return { data: x, shape: [n, T] };
}
const V = 50;
const makers: Record<string, (T: number | null) => Sequential> = {
  'free-length GRU -> pooling': (T) => sequential({ seed: 2, layers: [
    layers.embedding({ inputDim: V, outputDim: 20, maskZero: true, ...(T ? { inputLength: T } : {}) }),
    layers.gru({ units: 19, returnSequences: true }), layers.globalAveragePooling1D(), layers.dense({ units: 1 })] }),
  'Bi-GRU reset before, sum, last state': (T) => sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: V, outputDim: 33, maskZero: true, ...(T ? { inputLength: T } : {}) }),
    layers.bidirectional({ layer: layers.gru({ units: 17, resetAfter: false }), mergeMode: 'sum' }), layers.dense({ units: 1 })] }),
  'Bi-GRU concat sequences, wide embedding': (T) => sequential({ seed: 4, layers: [
    layers.embedding({ inputDim: V, outputDim: 300, ...(T ? { inputLength: T } : {}) }),
    layers.bidirectional({ layer: layers.gru({ units: 16, returnSequences: true }) }), layers.globalMaxPooling1D(), layers.dense({ units: 1 })] }),
};

describe('GRU input projections', () => {
  for (const threads of [1, 2]) for (const [name, make] of Object.entries(makers)) {
    it(`${name}, ${threads} thread(s): the bytes of the plain path at several T and batch sizes, after fit`, async () => {
      await init({ threads });
      const plain = make(null), cached = make(null);
      cached.setWeights(plain.getWeights());
      cached.cacheInputProjections();
      for (const [T, n] of [[7, 5], [12, 1], [3, 33], [7, 2]]) {
        const x = batch(n, T, V, T * 10 + n);
        expect(bits(cached.predict(x)), `T ${T} n ${n}`).toEqual(bits(plain.predict(x)));
      }
      for (const m of [plain, cached]) m.compile({ optimizer: 'adam', loss: 'mse' });
      const x = batch(16, 8, V, 5), y = Float32Array.from({ length: 16 }, (_, i) => i % 2);
      await plain.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      await cached.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      for (const [T, n] of [[8, 16], [5, 3]]) {
        const xx = batch(n, T, V, T + n);
        expect(bits(cached.predict(xx)), `after fit T ${T} n ${n}`).toEqual(bits(plain.predict(xx)));
      }
      plain.dispose(); cached.dispose();
    });
  }
});
