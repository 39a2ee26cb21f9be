// Embedding kernels (assembly/embedding.ts) against the f64 reference: lookup, first-appearance row slots, the
// row-sparse gradient scattered back to dense, slot reset, the mask_zero mask, and NaN confined to its row.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, ibuf, read, rand, expectClose } from '../helpers/kernels.js';
import { embeddingForward, embeddingBackward, distinctRows, embeddingMask } from '../ref/embedding.js';
import { SIZES, f32rand, plus, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

const idsOf = (N: number, V: number, seed: number) => Array.from(rand(N, seed, 0, V), Math.floor);

describe('embedding kernels', () => {
  it('forward copies rows exactly for N and D in {1, 3, 4, 5, 17, 64}', () => {
    for (const N of SIZES) for (const D of SIZES) scoped(a, () => {
      const V = 11, ids = idsOf(N, V, N * 100 + D), E = f32rand(V * D, D);
      const py = buf(a, N * D);
      k.embedding_forward(py, ibuf(a, ids), buf(a, E), N, D);
      expect(Array.from(read(a, py, N * D))).toEqual(Array.from(embeddingForward(ids, E, N, D)));
    });
  });

  it('rows, backward and scatter give the dense reference gradient; reset restores the slots', () => {
    for (const N of [1, 5, 17, 64]) for (const D of [1, 3, 4, 5, 17]) scoped(a, () => {
      const V = 13, ids = idsOf(N, V, N + 7 * D), dy = f32rand(N * D, N * D);
      const pslot = ibuf(a, new Array(V).fill(-1)), prows = ibuf(a, new Array(N).fill(0)), pids = ibuf(a, ids);
      const count = k.embedding_rows(pslot, prows, pids, N);
      const rows = distinctRows(ids);
      expect(count).toBe(rows.length);
      expect(Array.from(a.i32(prows, count))).toEqual(rows);
      const slot = Array.from(a.i32(pslot, V));
      for (let v = 0; v < V; v++) expect(slot[v]).toBe(rows.indexOf(v));
      const e0 = f32rand(count * D, 99);
      const pdE = buf(a, e0);
      k.embedding_backward(pdE, buf(a, dy), pids, pslot, N, D);
      const dense0 = f32rand(V * D, 98), pdense = buf(a, dense0);
      k.embedding_rows_scatter(pdense, pdE, prows, count, D);
      // the pre-existing row contents land on their ids too
      const pre = new Float64Array(V * D);
      rows.forEach((id, r) => { for (let j = 0; j < D; j++) pre[id * D + j] = e0[r * D + j]; });
      expectClose(read(a, pdense, V * D), plus(plus(dense0, pre), embeddingBackward(dy, ids, V, N, D)), 1e-6, 1e-5, `N=${N} D=${D}`);
      k.embedding_rows_reset(pslot, prows, count);
      expect(Array.from(a.i32(pslot, V)).every((s) => s === -1)).toBe(true);
    });
  });

  it('rows_add_indexed sums the rows of each distinct id\'s positions: the bits of embedding_backward, the reference sums', () => {
    for (const N of [1, 5, 17, 64]) for (const D of [1, 3, 4, 5, 17, 128]) scoped(a, () => {
      const V = 13, ids = idsOf(N, V, 3 * N + D), dy = f32rand(N * D, 7 * N + D);
      const pslot = ibuf(a, new Array(V).fill(-1)), prows = ibuf(a, new Array(N).fill(0)), pids = ibuf(a, ids);
      const count = k.embedding_rows(pslot, prows, pids, N);
      const pidx = ibuf(a, new Array(N).fill(0));
      k.embedding_slots(pidx, pids, pslot, N);
      const start = f32rand(count * D, 5);
      const want = buf(a, start), got = buf(a, start), pdy = buf(a, dy);
      k.embedding_backward(want, pdy, pids, pslot, N, D);
      k.rows_add_indexed(got, pdy, pidx, N, D);
      expect(Array.from(a.i32(got, count * D)), `N=${N} D=${D}`).toEqual(Array.from(a.i32(want, count * D)));
      // and the sums themselves: row r = start + the rows of its id's positions
      const dense = embeddingBackward(dy, ids, V, N, D), ref = new Float64Array(count * D);
      distinctRows(ids).forEach((id, r) => { for (let j = 0; j < D; j++) ref[r * D + j] = start[r * D + j] + dense[id * D + j]; });
      expectClose(read(a, got, count * D), ref, 1e-6, 1e-5, `sums N=${N} D=${D}`);
    });
  });

  it('NaN in dy reaches only the row of its id', () => {
    scoped(a, () => {
      const V = 6, D = 5, ids = [2, 4, 2, 0], N = ids.length, dy = f32rand(N * D, 1);
      dy[1 * D + 4] = NaN;   // sample 1 -> id 4, last (tail) column
      const pslot = ibuf(a, new Array(V).fill(-1)), prows = ibuf(a, new Array(N).fill(0)), pids = ibuf(a, ids);
      const count = k.embedding_rows(pslot, prows, pids, N);
      const pdE = buf(a, count * D);
      k.embedding_backward(pdE, buf(a, dy), pids, pslot, N, D);
      const dE = read(a, pdE, count * D);
      dE.forEach((v, i) => expect(Number.isNaN(v), `index ${i}`).toBe(i === 1 * D + 4));
    });
  });

  it('embedding_mask is 1 exactly where the id is not 0', () => {
    for (const N of SIZES) scoped(a, () => {
      const ids = idsOf(N, 4, N + 500), pm = buf(a, new Float64Array(N).fill(NaN));
      k.embedding_mask(pm, ibuf(a, ids), N);
      expect(Array.from(read(a, pm, N))).toEqual(Array.from(embeddingMask(ids)));
    });
  });
});
