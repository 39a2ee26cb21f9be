// The attention layer (both modes) against PyTorch float64 fixtures (test/fixtures/attention.json).
import { describe, it, expect } from 'vitest';
import { layers } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';
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
