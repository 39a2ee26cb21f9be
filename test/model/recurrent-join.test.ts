// Recurrent layers (and Bidirectionals of them) moved between models, a refused construction, with input-projection
// tables: predictions stay the bytes of predictions without tables.
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const buf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('join/leave with projection tables', () => {
  for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) for (const bi of [false, true]) {
    it(`${cell} bidirectional=${bi}`, () => {
      initSync();
      const T = 6, V = 25;
      const x = { data: ids(8 * T, 5, 0, V - 1), shape: [8, T] };
      const emb = layers.embedding({ inputDim: V, outputDim: 6, inputLength: T, maskZero: true });
      const r = (layers[cell] as (a: object) => never)({ units: 5, returnSequences: false });
      const rec = bi ? layers.bidirectional({ layer: r }) : r;
      const m1 = sequential({ seed: 1, layers: [emb, rec, layers.dense({ units: 2, name: 'head1' })] });
      const p1 = m1.predict(x).data.slice();
      m1.cacheInputProjections();
      expect(buf(m1.predict(x).data).equals(buf(p1))).toBe(true);
      // a refused construction: duplicate names
      expect(() => sequential({ seed: 2, layers: [emb, rec, layers.dense({ units: 1, name: (rec as { name: string }).name })] })).toThrow();
      expect(buf(m1.predict(x).data).equals(buf(p1))).toBe(true);
      // moved for good, to a model with another embedding vocabulary
      const emb2 = layers.embedding({ inputDim: V + 7, outputDim: 6, inputLength: T, maskZero: true });
      const m2 = sequential({ seed: 3, layers: [emb2, rec, layers.dense({ units: 2, name: 'head2' })] });
      const x2 = { data: ids(8 * T, 6, 0, V + 6), shape: [8, T] };
      const q = m2.predict(x2).data.slice();
      m2.cacheInputProjections();
      expect(buf(m2.predict(x2).data).equals(buf(q))).toBe(true);
      expect(buf(m2.predict({ data: x2.data.slice(0, T), shape: [1, T] }).data).equals(buf(q.slice(0, 2)))).toBe(true);
      // and back after a pop
      const p = m2.pop(); m2.pop();
      const m3 = sequential({ seed: 4, layers: [emb, rec, p] });
      const s = m3.predict(x).data.slice();
      m3.cacheInputProjections();
      expect(buf(m3.predict(x).data).equals(buf(s))).toBe(true);
    });
  }
});
