// LSTM and Bidirectional layers against PyTorch float64 fixtures (test/fixtures/lstm.json, bilstm.json), and the
// input products per distinct embedding id (inference and training) against the products per position.
import { describe, it, expect } from 'vitest';
import { layers, sequential, initSync, init } from '../../src/index.js';
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
// linear activation between embedding and LSTM (a copy) turns both off, which gives the reference. 2 threads (each
// Bi-LSTM direction's rows in parts) give the bytes of 1.
describe('lstm on an embedding, training: the products per distinct id', () => {
  for (const bidi of [false, true]) for (const maskZero of [false, true]) {
    it(`${bidi ? 'bidirectional' : 'one-way, goBackwards'}, maskZero ${maskZero}: the loss bits and close gradients of the product per position; 2 threads the bytes of 1`, async () => {
      const V = 6, T = 11, D = 10, H = 9;
      const build = (copy: boolean) => {
        const m = sequential({ seed: 4, layers: [
          layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero }),
          ...(copy ? [layers.activation({ activation: 'linear' })] : []),
          bidi ? layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) })
            : layers.lstm({ units: H, returnSequences: true, goBackwards: true }),
          layers.attention({ returnSequences: false }),
          layers.dense({ units: 1, activation: 'sigmoid' }),
        ] });
        m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        return m;
      };
      const run = async (threads: number) => {
        await init({ threads });
        const fast = build(false), ref = build(true);
        const w0 = fast.getWeights();
        // batches of 2 (22 positions: 6 ids may be more than 1/4 of them, per position), 5 and 40 (in parts on 2
        // threads), each from the same weights, then a training step on each
        const batches = [2, 5, 40].map((n) => {
          const ids = Int32Array.from({ length: n * T }, (_, i) => (i * 5 + (i >> 3) + n) % V);
          return { n, x: { data: ids, shape: [n, T] }, y: Float32Array.from({ length: n }, (_, i) => (ids[i * T] + ids[i * T + 1]) % 2) };
        });
        for (const { n, x, y } of batches) {
          fast.setWeights(w0); ref.setWeights(w0);
          const gf = fast.computeGradients(x, y), gr = ref.computeGradients(x, y);
          expect(gf.loss, `loss, batch ${n}`).toBe(gr.loss);
          expect(gf.grads.length).toBe(gr.grads.length);
          gf.grads.forEach((g, i) => {
            const want = gr.grads[i].data, scale = Math.max(...Array.from(want, Math.abs));
            expect(scale, `gradient ${i} is not all zeros`).toBeGreaterThan(0);
            expectClose(g.data, want, 1e-5 * scale, 1e-4, `gradient ${i}, batch ${n}`);
          });
        }
        fast.setWeights(w0);
        for (const { x, y } of batches) fast.trainOnBatch(x, y);
        const w = fast.getWeights().map((v) => Array.from(new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length)));
        fast.dispose(); ref.dispose();
        return w;
      };
      const one = await run(1), two = await run(2);
      await init({ threads: 1 });
      expect(two).toEqual(one);
    });
  }
});
