// Masked LSTM, Bi-LSTM, attention, batch norm and the masked whole model against PyTorch float64 fixtures written
// with an explicit per-step mask loop (test/fixtures/generate_masked.py): post- and pre-padded, length 1, all masked,
// a hole in the middle; pad positions hold random values that must be ignored.
import { describe, it, expect } from 'vitest';
import { layers, sequential, initSync } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';
import type { Attention } from '../../src/layers/attention.js';

initSync();

interface Dims { B: number; T: number; I: number; H: number; F: number; C: number; V: number; D: number }
type Case = Record<string, unknown> & { name: string; returnSequences: boolean; goBackwards?: boolean; x: Arr; mask: Arr; y: Arr; r: Arr; dx: Arr };
const d = (c: Case, k: string) => (c[k] as Arr).data;

describe('masked layers vs PyTorch', () => {
  const lstm = fixture<{ dims: Dims; cases: Case[] }>('masked_lstm');
  for (const c of lstm.cases) {
    it(`lstm ${c.name}`, () => {
      const { B, T, I, H } = lstm.dims;
      const l = layers.lstm({ units: H, returnSequences: c.returnSequences, goBackwards: c.goBackwards });
      const r = runLayer(l, [T, I], B, c.x.data, c.r.data, { weights: [d(c, 'kernel'), d(c, 'recurrent_kernel'), d(c, 'bias')], mask: c.mask.data });
      expectClose(r.y, c.y.data, 1e-5, 1e-4, 'y');
      expectClose(r.dx!, c.dx.data, 1e-5, 1e-4, 'dx');
      ['dkernel', 'drecurrent_kernel', 'dbias'].forEach((k, i) => expectClose(r.grads[i], d(c, k), 1e-5, 1e-4, k));
    });
  }

  const bi = fixture<{ dims: Dims; cases: Case[] }>('masked_bilstm');
  const names = ['fw_kernel', 'fw_recurrent_kernel', 'fw_bias', 'bw_kernel', 'bw_recurrent_kernel', 'bw_bias'];
  for (const c of bi.cases) {
    it(`bidirectional ${c.name}`, () => {
      const { B, T, I, H } = bi.dims;
      const l = layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: c.returnSequences }) });
      const r = runLayer(l, [T, I], B, c.x.data, c.r.data, { weights: names.map((n) => d(c, n)), mask: c.mask.data });
      expectClose(r.y, c.y.data, 1e-5, 1e-4, 'y');
      expectClose(r.dx!, c.dx.data, 1e-5, 1e-4, 'dx');
      names.forEach((n, i) => expectClose(r.grads[i], d(c, `d${n}`), 1e-5, 1e-4, `d${n}`));
    });
  }

  const att = fixture<{ dims: Dims; cases: Case[] }>('masked_attention');
  for (const c of att.cases) {
    it(`attention ${c.name}`, () => {
      const { B, T, F } = att.dims;
      const l = layers.attention({ returnSequences: c.returnSequences });
      const r = runLayer(l, [T, F], B, c.x.data, c.r.data, { weights: [d(c, 'W'), d(c, 'b')], mask: c.mask.data });
      expectClose(r.y, c.y.data, 1e-6, 1e-5, 'y');
      expectClose(r.arena.f32((l as Attention).a, B * T), d(c, 'a'), 1e-6, 1e-5, 'a');
      expectClose(r.dx!, c.dx.data, 1e-6, 1e-5, 'dx');
      expectClose(r.grads[0], d(c, 'dW'), 1e-6, 1e-5, 'dW');
      expectClose(r.grads[1], d(c, 'db'), 1e-6, 1e-5, 'db');
    });
  }

  it('batch normalization (statistics over real steps, Keras 3)', () => {
    const f = fixture<Record<string, unknown> & { dims: Dims; x: Arr; mask: Arr; r: Arr; training: Record<string, Arr> }>('masked_batchnorm');
    const { B, T, C } = f.dims;
    const w = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((k) => (f[k] as Arr).data);
    const r = runLayer(layers.batchNormalization(), [T, C], B, f.x.data, f.r.data, { weights: w, mask: f.mask.data });
    const e = f.training;
    expectClose(r.y, e.y.data, 1e-5, 1e-4, 'y');
    expectClose(r.dx!, e.dx.data, 1e-5, 1e-4, 'dx');
    expectClose(r.grads[0], e.dgamma.data, 1e-5, 1e-4, 'dgamma');
    expectClose(r.grads[1], e.dbeta.data, 1e-5, 1e-4, 'dbeta');
    expectClose(r.weights[2], e.new_moving_mean.data, 1e-6, 1e-5, 'moving_mean');
    expectClose(r.weights[3], e.new_moving_variance.data, 1e-6, 1e-5, 'moving_variance');
  });

  it('whole model with maskZero: predictions, attention, loss and every gradient', () => {
    interface W { name: string; shape: number[]; data: number[] }
    const f = fixture<{ dims: Dims; ids: Arr; y: Arr; weights: W[]; p: Arr; loss: number; grads: W[]; a: Arr }>('masked_model');
    const { V, D, H, T } = f.dims;
    const m = sequential({ layers: [
      layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    m.setWeights(f.weights.map((w) => ({ data: Float32Array.from(w.data), shape: w.shape })));
    const x = { data: Int32Array.from(f.ids.data), shape: f.ids.shape };
    const p = m.predict(x, { returnAttention: true });
    expectClose(p.data, f.p.data, 1e-6, 1e-5, 'p');
    expectClose(p.attention[0].data, f.a.data, 1e-6, 1e-5, 'a');
    const g = m.computeGradients(x, f.y.data);
    expect(g.loss).toBeCloseTo(f.loss, 6);
    g.grads.forEach((gr, i) => expectClose(gr.data, f.grads[i].data, 1e-6, 2e-4, `d loss / d ${f.grads[i].name}`));
  });
});
