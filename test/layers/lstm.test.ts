// LSTM and Bidirectional layers against PyTorch float64 fixtures (test/fixtures/lstm.json, bilstm.json).
import { describe, it } from 'vitest';
import { layers } from '../../src/index.js';
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
