// The whole small model against PyTorch float64 (test/fixtures/model.json): predictions, BCE-from-logits loss, every
// gradient through computeGradients, and three Keras-Adam steps through trainOnBatch; the same with Keras 2 label
// smoothing, on a model ending in sigmoid and on one ending in its logits with a loss fromLogits.
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers, losses, initSync, type LossConfig } from '../../src/index.js';
import { fixture, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';

initSync();

interface W { name: string; shape: number[]; data: number[] }
interface F {
  dims: { B: number; T: number; V: number; D: number; H: number; F: number };
  ids: Arr; y: Arr; weights: W[]; logits: Arr; p: Arr; loss: number; grads: W[];
  adam: { config: { learning_rate: number }; steps: number; losses: number[]; loss_after: number; after_adam: W[] };
  smoothed: { label_smoothing: number; y: Arr; loss: number; grads: W[]; adam: { losses: number[]; loss_after: number; after_adam: W[] } };
}

function build(f: F, { activation = 'sigmoid', loss = 'binaryCrossentropy' }: { activation?: 'sigmoid' | 'linear'; loss?: string | LossConfig } = {}) {
  const { V, D, H, T } = f.dims;
  const m = sequential({ layers: [
    layers.embedding({ inputDim: V, outputDim: D, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation }),
  ]});
  m.compile({ optimizer: optimizers.adam({ learningRate: f.adam.config.learning_rate }), loss });
  m.setWeights(f.weights.map((w) => ({ data: Float32Array.from(w.data), shape: w.shape })));
  return m;
}

describe('whole model vs PyTorch', () => {
  const f = fixture<F>('model');
  const x = { data: Int32Array.from(f.ids.data), shape: f.ids.shape };

  it('predicts, computes the loss and every gradient as PyTorch does', () => {
    const m = build(f);
    expect(m.getWeights().map((w) => w.shape)).toEqual(f.weights.map((w) => w.shape));
    expectClose(m.predict(x).data, f.p.data, 1e-6, 1e-5, 'p');
    const g = m.computeGradients(x, f.y.data);
    expect(g.loss).toBeCloseTo(f.loss, 6);
    g.grads.forEach((gr, i) => expectClose(gr.data, f.grads[i].data, 1e-6, 2e-4, `d loss / d ${f.grads[i].name}`));
    const [l] = m.evaluate(x, f.y.data);
    expect(l).toBeCloseTo(f.loss, 6);
  });

  it('takes three Keras-Adam steps to the same weights', () => {
    const m = build(f);
    f.adam.losses.forEach((lossBefore) => {
      const [l] = m.trainOnBatch(x, f.y.data);
      expect(l).toBeCloseTo(lossBefore, 5);
    });
    m.getWeights().forEach((w, i) => expectClose(w.data, f.adam.after_adam[i].data, 2e-6, 1e-4, `${f.adam.after_adam[i].name} after adam`));
    expect(m.evaluate(x, f.y.data)[0]).toBeCloseTo(f.adam.loss_after, 5);
  });

  // keras.losses.BinaryCrossentropy(label_smoothing=0.2): on the sigmoid model (the loss from its logits, fused) and,
  // with from_logits=True, on the model whose last Dense is linear (its predictions are the logits)
  const s = f.smoothed.label_smoothing;
  const variants = [
    { what: 'sigmoid output, labelSmoothing', activation: 'sigmoid' as const, loss: losses.binaryCrossentropy({ labelSmoothing: s }), out: f.p },
    { what: 'logits output, fromLogits + labelSmoothing', activation: 'linear' as const, loss: losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: s }), out: f.logits },
  ];
  for (const v of variants) {
    it(`label smoothing ${s} (${v.what}): predictions, loss, every gradient and three Adam steps as PyTorch on Keras's smoothed labels`, () => {
      const m = build(f, v);
      expectClose(m.predict(x).data, v.out.data, 1e-6, 1e-5, 'predictions');
      const g = m.computeGradients(x, f.y.data);
      expect(g.loss).toBeCloseTo(f.smoothed.loss, 6);
      expect(Math.abs(f.smoothed.loss - f.loss)).toBeGreaterThan(1e-3); // (the smoothing matters)
      g.grads.forEach((gr, i) => expectClose(gr.data, f.smoothed.grads[i].data, 1e-6, 2e-4, `d loss / d ${f.smoothed.grads[i].name}`));
      expect(m.evaluate(x, f.y.data)[0]).toBeCloseTo(f.smoothed.loss, 6);
      f.smoothed.adam.losses.forEach((lossBefore) => expect(m.trainOnBatch(x, f.y.data)[0]).toBeCloseTo(lossBefore, 5));
      m.getWeights().forEach((w, i) => expectClose(w.data, f.smoothed.adam.after_adam[i].data, 2e-6, 1e-4, `${f.smoothed.adam.after_adam[i].name} after adam`));
      expect(m.evaluate(x, f.y.data)[0]).toBeCloseTo(f.smoothed.adam.loss_after, 5);
    });
  }
});
