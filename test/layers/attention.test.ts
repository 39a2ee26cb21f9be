// The attention layer (both modes) against PyTorch float64 fixtures (test/fixtures/attention.json), and
// model.attentionWeights() against the float64 reference.
import { describe, it, expect } from 'vitest';
import { layers, sequential, ConfigError } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose, rand } from '../helpers/kernels.js';
import { attentionForward } from '../ref/attention.js';
import { denseForward, TANH } from '../ref/dense.js';
import type { Attention } from '../../src/layers/attention.js';

interface Case { name: string; returnSequences: boolean; x: Arr; W: Arr; b: Arr; y: Arr; a: Arr; r: Arr; dx: Arr; dW: Arr; db: Arr }

describe('attention vs PyTorch', () => {
  const f = fixture<{ dims: { B: number; T: number; F: number }; cases: Case[] }>('attention');
  for (const c of f.cases) {
    it(`${c.name}: returnSequences ${c.returnSequences}`, () => {
      const { B, T, F } = f.dims;
      const l = layers.attention({ returnSequences: c.returnSequences });
      const r = runLayer(l, [T, F], B, c.x.data, c.r.data, { weights: [c.W.data, c.b.data] });
      expect(l.outputShape).toEqual(c.returnSequences ? [T, F] : [F]);
      expectClose(r.y, c.y.data, 1e-6, 1e-5, 'y');
      expectClose(r.arena.f32((l as Attention).a, B * T), c.a.data, 1e-6, 1e-5, 'attention weights a');
      expectClose(r.dx!, c.dx.data, 1e-6, 1e-5, 'dx');
      expectClose(r.grads[0], c.dW.data, 1e-6, 1e-5, 'dW');
      expectClose(r.grads[1], c.db.data, 1e-6, 1e-5, 'db');
    });
  }
});

describe('model.attentionWeights() vs the float64 reference', () => {
  it('gives softmax_t(tanh(x_t . W + b_t)) per sample, [B, T], for the named attention layer, at any batch size', () => {
    const B = 5, T = 6, F = 3;
    const m = sequential({ seed: 4, layers: [
      layers.dense({ units: F, activation: 'tanh', inputShape: [T, 2] }),
      layers.attention({ name: 'att1', returnSequences: true }),
      layers.attention({ name: 'att2', returnSequences: false }),
      layers.dense({ units: 1 }),
    ] });
    // weights of scale 2, so the attention is far from uniform (the initial bias of 0 and small W give a_t near 1/T)
    const shapes = m.getWeights().map((w) => w.shape);
    m.setWeights(shapes.map((s, k) => ({ data: Float32Array.from(rand(s.reduce((p, q) => p * q, 1), 40 + k, -2, 2)), shape: s })));
    const w = m.getWeights().map((v) => Float64Array.from(v.data));
    const x = Float32Array.from(rand(B * T * 2, 3, -1, 1));
    // the layers below each attention, in float64: dense(tanh) then the first attention's x * a
    const h = denseForward(x, w[0], w[1], B * T, 2, F, TANH);
    const a1 = attentionForward(h, w[2], w[3], B, T, F, true);
    const a2 = attentionForward(a1.y, w[4], w[5], B, T, F, false);
    for (const [name, ref] of [['att1', a1.a], ['att2', a2.a]] as const) {
      let spread = 0;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) spread = Math.max(spread, Math.abs(ref[b * T + t] - 1 / T));
      expect(spread, `${name}: the reference is far from uniform`).toBeGreaterThan(0.05);
      for (const batchSize of [undefined, 2]) {
        const got = m.attentionWeights({ data: x, shape: [B, T, 2] }, { layer: name, batchSize });
        expect(got.shape).toEqual([B, T]);
        expectClose(got.data, ref, 1e-6, 1e-5, `${name} batchSize ${batchSize}`);
      }
    }
    // without a name: the first attention layer
    expectClose(m.attentionWeights({ data: x, shape: [B, T, 2] }).data, a1.a, 1e-6, 1e-5, 'first attention layer');
    expect(() => m.attentionWeights({ data: x, shape: [B, T, 2] }, { layer: 'nope' })).toThrow(ConfigError);
  });
});
