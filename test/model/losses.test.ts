// Loss kernels against PyTorch float64 (test/fixtures/losses.json): value and gradient w.r.t. logits or
// probabilities, for every loss the model compiles (Keras 2 clipped BCE; cross-entropies; MSE), and the
// cross-entropies with Keras 2 label smoothing (the kernels smooth the raw labels themselves).
import { describe, it, expect } from 'vitest';
import { fixture, type Arr } from '../helpers/layer.js';
import { kernelArena, buf, expectClose } from '../helpers/kernels.js';

interface Case { name: string; from_logits: boolean; label_smoothing?: number; y_true: Arr; y_pred: Arr; per_sample: Arr; loss: number; grad: Arr }

describe('losses vs PyTorch', () => {
  const f = fixture<{ cases: Case[] }>('losses');
  for (const c of f.cases) {
    if (c.name === 'bce_probs_k3') continue; // Keras 3's form; we follow Keras 2 (README)
    it(c.name, () => {
      const a = kernelArena();
      const [M, N] = c.y_pred.shape;
      let yt = c.y_true.data;
      if (c.name.startsWith('scce')) { // class ids -> one-hot, as the model does
        yt = new Array(M * N).fill(0);
        c.y_true.data.forEach((k, m) => { yt[m * N + k] = 1; });
      }
      const d = buf(a, M * N), p = buf(a, c.y_pred.data), y = buf(a, yt), ls = c.label_smoothing ?? 0;
      let sum: number;
      if (c.name.startsWith('bce')) sum = c.from_logits ? a.k.bce_logits(d, p, y, 0, M, N, 1 / M, ls) : a.k.bce_probs(d, p, y, 0, M, N, 1 / M, ls);
      else if (c.name === 'mse') sum = a.k.mse(d, p, y, 0, M, N, 1 / M);
      else if (c.from_logits) {
        const sm = buf(a, M * N);
        a.k.softmax_forward(sm, p, M, N);
        sum = a.k.cce_logits(d, p, sm, y, 0, M, N, 1 / M, ls);
      } else if (c.name.startsWith('scce')) sum = a.k.scce_probs(d, p, y, 0, M, N, 1 / M);
      else sum = a.k.cce_probs(d, p, y, 0, M, N, 1 / M, ls);
      expect(sum / M).toBeCloseTo(c.loss, 5);
      expectClose(a.f32(d, M * N), c.grad.data, 1e-5, 1e-4, `${c.name} gradient`);
    });
  }
});
