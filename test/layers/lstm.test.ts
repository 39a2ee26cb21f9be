// LSTM and Bidirectional layers against PyTorch float64 fixtures (test/fixtures/lstm.json, bilstm.json), and the
// input products per distinct embedding id (inference and training) against the products per position.
import { describe, it, expect } from 'vitest';
import { layers, sequential, initSync, init, type Layer } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';

interface LstmCase { name: string; returnSequences: boolean; goBackwards: boolean; x: Arr; kernel: Arr; recurrent_kernel: Arr; bias: Arr; y: Arr; r: Arr; dx: Arr; dkernel: Arr; drecurrent_kernel: Arr; dbias: Arr }
interface Dims { B: number; T: number; I: number; H: number }

describe('lstm vs PyTorch', () => {
  const f = fixture<{ dims: Dims; cases: LstmCase[] }>('lstm');
  for (const c of f.cases) {
    it(`${c.name}: returnSequences ${c.returnSequences}, goBackwards ${c.goBackwards}`, () => {
      const { B, T, I, H } = f.dims;
      const l = layers.lstm({ units: H, returnSequences: c.returnSequences, goBackwards: c.goBackwards });
      const r = runLayer(l, [T, I], B, c.x.data, c.r.data, { weights: [c.kernel.data, c.recurrent_kernel.data, c.bias.data] });
      expectClose(r.y, c.y.data, 1e-5, 1e-4, 'y');
      expectClose(r.dx!, c.dx.data, 1e-5, 1e-4, 'dx');
      expectClose(r.grads[0], c.dkernel.data, 1e-5, 1e-4, 'dkernel');
      expectClose(r.grads[1], c.drecurrent_kernel.data, 1e-5, 1e-4, 'drecurrent_kernel');
      expectClose(r.grads[2], c.dbias.data, 1e-5, 1e-4, 'dbias');
    });
  }
});

interface BiCase { name: string; returnSequences: boolean; x: Arr; y: Arr; r: Arr; dx: Arr; [k: string]: unknown }

describe('bidirectional lstm vs PyTorch', () => {
  const f = fixture<{ dims: Dims; cases: BiCase[] }>('bilstm');
  const names = ['fw_kernel', 'fw_recurrent_kernel', 'fw_bias', 'bw_kernel', 'bw_recurrent_kernel', 'bw_bias'];
  for (const c of f.cases) {
    it(`${c.name}: returnSequences ${c.returnSequences}, concat`, () => {
      const { B, T, I, H } = f.dims;
      const l = layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: c.returnSequences }) });
      const r = runLayer(l, [T, I], B, c.x.data, c.r.data, { weights: names.map((n) => (c[n] as Arr).data) });
      expectClose(r.y, c.y.data, 1e-5, 1e-4, 'y');
      expectClose(r.dx!, c.dx.data, 1e-5, 1e-4, 'dx');
      names.forEach((n, i) => expectClose(r.grads[i], (c[`d${n}`] as Arr).data, 1e-5, 1e-4, `d${n}`));
    });
  }
});

// In inference an LSTM whose input is an embedding's output computes bias + E[id] . W once per distinct id of the
// batch (when at most 3/4 of the positions are distinct) instead of once per position: the same sums, so the same
// bytes. A linear activation between the two (a copy into another buffer) turns it off, which gives the reference.
describe('lstm on an embedding, inference: the input product per distinct id', () => {
  for (const bidi of [false, true]) for (const maskZero of [false, true]) {
    it(`gives the same bytes as the product per position (${bidi ? 'bidirectional' : 'one-way, goBackwards'}, maskZero ${maskZero})`, () => {
      initSync();
      const V = 6, T = 11, D = 10, H = 9;
      const build = (copy: boolean) => sequential({ seed: 4, layers: [
        layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero }),
        ...(copy ? [layers.activation({ activation: 'linear' })] : []),
        bidi ? layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) })
          : layers.lstm({ units: H, returnSequences: true, goBackwards: true }),
        layers.attention({}),
        layers.dense({ units: 3, activation: 'softmax' }),
      ] });
      const fast = build(false), ref = build(true);
      ref.setWeights(fast.getWeights());
      // 2, 5 and 40 rows: ids repeat (V = 6), so the table is used; a batch of 1 with T = 11 repeats as well
      for (const n of [1, 2, 5, 40]) {
        const ids = Int32Array.from({ length: n * T }, (_, i) => (i * 5 + (i >> 3)) % V);
        const x = { data: ids, shape: [n, T] };
        const got = fast.predict(x, { batchSize: n }).data, want = ref.predict(x, { batchSize: n }).data;
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `batch ${n}`).toBe(true);
        // and spread over rows: not a constant output
        expect(new Set(Array.from(got)).size).toBeGreaterThan(Math.min(n, 3));
      }
      fast.dispose(); ref.dispose();
    });
  }
});

// Training as well, when at most 1/4 of a batch's positions are distinct (a small vocabulary: characters; or
// padding): forward takes bias + E[id] . W once per distinct id (the table in memory only backward writes), the same
// bits as per position; backward sums dz per id first, then takes the kernel's gradient E[ids]^T . S and the
// embedding's per id, S . W^T (the same sums regrouped: close to the per-position gradients, not the same bits). A
// linear activation between embedding and LSTM (a copy) turns both off, which gives the reference. Every layer
// shape that reaches it: one-way (returnSequences or not, goBackwards or not) and bidirectional (every merge mode),
// I < H (S in hseq) and I > H (S in dx of its own), masked or not, a frozen embedding, a dropout between; batches
// from 22 to 1,100 positions (2 threads: parts, the weight gradients as lists of their own from 1,024 rows), per id
// and per position in turn on the same memory. 2 threads give the bytes of 1.
describe('lstm on an embedding, training: the products per distinct id', () => {
  type Cfg = { bidi: boolean; rs: boolean; gb: boolean; merge: 'concat' | 'sum' | 'mul' | 'ave'; D: number; H: number; maskZero: boolean; frozen?: boolean; dropout?: boolean };
  const V = 40, T = 11;
  const build = (cfg: Cfg, copy: boolean) => {
    const inner = () => layers.lstm({ units: cfg.H, returnSequences: cfg.rs, goBackwards: cfg.gb });
    const m = sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: V, outputDim: cfg.D, inputLength: T, maskZero: cfg.maskZero, trainable: !cfg.frozen }),
      ...(cfg.dropout ? [layers.dropout({ rate: 0 })] : []),
      ...(copy ? [layers.activation({ activation: 'linear' })] : []),
      cfg.bidi ? layers.bidirectional({ layer: inner(), mergeMode: cfg.merge }) : inner(),
      ...(cfg.rs ? [layers.attention({ returnSequences: false })] : []),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    return m;
  };
  // ids 0-5 (few distinct), or with `spread` k ids from 1..k in turn (k of the positions distinct)
  const batch = (n: number, salt: number, spread = 0) => {
    const ids = Int32Array.from({ length: n * T }, (_, i) => (spread ? 1 + ((i * 7 + salt) % spread) : (i * 5 + (i >> 3) + n + salt) % 6));
    for (let b = 0; b < n; b++) if (ids[b * T] === 0) ids[b * T] = 1; // (no all-padding row under maskZero)
    return { n, x: { data: ids, shape: [n, T] }, y: Float32Array.from({ length: n }, (_, i) => (ids[i * T] + ids[i * T + 1]) % 2) };
  };
  // 2 rows of 22 distinct ids: more than 3/4 of the positions (per position); the others per id, one of them half
  // distinct (11 of 22 positions)
  const batches = [batch(2, 0, V - 1), batch(5, 1), batch(2, 3, 11), batch(24, 2), batch(40, 3), batch(100, 5), batch(5, 4)];
  const cfgs: Cfg[] = [];
  for (const [D, H] of [[6, 9], [16, 20], [24, 12]]) for (const maskZero of [false, true]) {
    for (const rs of [true, false]) for (const gb of [false, true]) cfgs.push({ bidi: false, rs, gb, merge: 'concat', D, H, maskZero });
    for (const rs of [true, false]) for (const merge of ['concat', 'sum', 'mul', 'ave'] as const) cfgs.push({ bidi: true, rs, gb: false, merge, D, H, maskZero });
  }
  cfgs.push({ bidi: true, rs: true, gb: false, merge: 'concat', D: 6, H: 8, maskZero: true, frozen: true });
  cfgs.push({ bidi: true, rs: true, gb: false, merge: 'concat', D: 6, H: 8, maskZero: true, dropout: true });
  cfgs.push({ bidi: false, rs: true, gb: false, merge: 'concat', D: 6, H: 8, maskZero: true, dropout: true });
  const name = (c: Cfg) => `${c.bidi ? `bidirectional ${c.merge}` : `one-way${c.gb ? ' goBackwards' : ''}`}, ${c.rs ? 'sequences' : 'last output'}, I ${c.D} H ${c.H}${c.maskZero ? ', masked' : ''}${c.frozen ? ', frozen embedding' : ''}${c.dropout ? ', dropout between' : ''}`;
  for (const cfg of cfgs) {
    it(`${name(cfg)}: the loss bits and close gradients and weights of the products per position; 2 threads the bytes of 1`, async () => {
      const run = async (threads: number) => {
        await init({ threads });
        const fast = build(cfg, false), ref = build(cfg, true);
        const w0 = fast.getWeights();
        const l = fast.layers.find((q) => q.className === 'LSTM' || q.className === 'Bidirectional')!;
        const lstm = (l.className === 'LSTM' ? l : (l as unknown as { forwardLayer: Layer }).forwardLayer) as unknown as { idRows(): number };
        let perId = 0;
        for (const { n, x, y } of batches) {
          fast.setWeights(w0); ref.setWeights(w0);
          const gf = fast.computeGradients(x, y), gr = ref.computeGradients(x, y);
          if (lstm.idRows() > 0) perId++;
          expect(gf.loss, `loss, batch ${n}`).toBe(gr.loss);
          gf.grads.forEach((g, i) => {
            const want = gr.grads[i].data, scale = Math.max(1e-30, ...Array.from(want, Math.abs));
            expectClose(g.data, want, 1e-5 * scale, 1e-4, `gradient ${i}, batch ${n}`);
          });
        }
        expect(perId, 'batches that took the per-id path').toBe(batches.length - 1);
        // steps on per-id and per-position batches in turn, on the same memory (stale buffers would show here)
        fast.setWeights(w0); ref.setWeights(w0);
        for (const { x, y } of [...batches, ...batches]) { fast.trainOnBatch(x, y); ref.trainOnBatch(x, y); }
        const wf = fast.getWeights(), wr = ref.getWeights();
        wf.forEach((w, i) => expectClose(w.data, wr[i].data, 1e-5, 1e-4, `weights ${i} after the steps`));
        expect(wf.some((w, i) => w.data.some((v, j) => v !== w0[i].data[j]))).toBe(true);
        const bytes = wf.map((v) => Array.from(new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length)));
        fast.dispose(); ref.dispose();
        return bytes;
      };
      const one = await run(1), two = await run(2);
      await init({ threads: 1 });
      expect(two).toEqual(one);
    });
  }

  it('reserves the per-id table only when a training batch takes that path, once per plan (not in inference, not per position)', async () => {
    await init({ threads: 1 });
    const cfg: Cfg = { bidi: true, rs: true, gb: false, merge: 'concat', D: 6, H: 8, maskZero: false };
    const m = build(cfg, false);
    const top = () => (m as unknown as { arena: { mark(): number } }).arena.mark();
    // 6 and 39 ids over 264 positions: both per id
    const few = batch(24, 2), wide = { x: { data: Int32Array.from({ length: 24 * T }, (_, i) => 1 + (i % (V - 1))), shape: [24, T] }, y: new Float32Array(24) };
    m.predict(few.x);
    const t0 = top();
    m.trainOnBatch(wide.x, wide.y);
    const t1 = top();
    m.predict(wide.x);
    // both directions' tables: [floor(3/4 of 24 x T), 4H] each, 16-aligned
    const table = Math.ceil((Math.floor((3 * 24 * T) / 4) * 4 * cfg.H * 4) / 16) * 16;
    expect(t1 - t0).toBe(2 * table);
    m.trainOnBatch(few.x, few.y);
    m.trainOnBatch(wide.x, wide.y);
    expect(top(), 'no second table in the same plan').toBe(t1);
    // every position distinct (per position) and inference leave it alone
    const m2 = build(cfg, false), top2 = () => (m2 as unknown as { arena: { mark(): number } }).arena.mark();
    const spread = batch(24, 1, V - 1);
    m2.predict(spread.x);
    const s0 = top2();
    m2.trainOnBatch({ data: Int32Array.from({ length: 2 * T }, (_, i) => 1 + i), shape: [2, T] }, new Float32Array(2));
    m2.predict(few.x);
    expect(top2(), 'per position and inference').toBe(s0);
    m.dispose(); m2.dispose();
  });

  // A Bidirectional's backward sums its directions' input gradients both per id or both per position: with room in the
  // 4 GiB memory past the plan for one direction's table but not two (memory nearly full: a stub of fits() with 1.5
  // tables left), both take the products per position rather than the forward direction alone per id (which gave
  // wrong embedding rows on 1 thread and a TypeError in the 2-thread parts path).
  for (const threads of [1, 2]) {
    it(`a Bidirectional with room for one direction's per-id table but not two takes both per position (${threads} thread${threads > 1 ? 's: parts' : ''})`, async () => {
      await init({ threads });
      const cfg: Cfg = { bidi: true, rs: true, gb: false, merge: 'concat', D: 6, H: 8, maskZero: false };
      const fast = build(cfg, false), ref = build(cfg, true);
      ref.setWeights(fast.getWeights());
      const b = batch(24, 2);
      fast.predict(b.x); ref.predict(b.x); // planned for these 24 rows
      const arena = (fast as unknown as { arena: { fits(n: number): boolean; mark(): number } }).arena;
      const table = Math.floor((3 * 24 * T) / 4) * 4 * cfg.H * 4, limit = arena.mark() + 1.5 * table;
      const fits = arena.fits;
      arena.fits = (n: number) => arena.mark() + n <= limit;
      const gf = fast.computeGradients(b.x, b.y);
      arena.fits = fits;
      const bidi = fast.layers[1] as unknown as { forwardLayer: { idRows(): number }; backwardLayer: { idRows(): number } };
      expect([bidi.forwardLayer.idRows(), bidi.backwardLayer.idRows()], 'per-id rows of each direction').toEqual([0, 0]);
      const gr = ref.computeGradients(b.x, b.y);
      expect(gf.loss).toBe(gr.loss);
      gf.grads.forEach((g, i) => {
        const want = gr.grads[i].data, scale = Math.max(1e-30, ...Array.from(want, Math.abs));
        expectClose(g.data, want, 1e-5 * scale, 1e-4, `gradient ${i} (${gr.grads[i].shape})`);
      });
      fast.dispose(); ref.dispose();
      await init({ threads: 1 });
    });
  }
});
