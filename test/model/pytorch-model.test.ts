// The whole small model against PyTorch float64 (test/fixtures/model.json): predictions, BCE-from-logits loss, every
// gradient through computeGradients, and three Keras-Adam steps through trainOnBatch.
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers, initSync } from '../../src/index.js';
import { fixture, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';

initSync();

interface W { name: string; shape: number[]; data: number[] }
interface F {
  dims: { B: number; T: number; V: number; D: number; H: number; F: number };
  ids: Arr; y: Arr; weights: W[]; logits: Arr; p: Arr; loss: number; grads: W[];
  adam: { config: { learning_rate: number }; steps: number; losses: number[]; loss_after: number; after_adam: W[] };
}

function build(f: F) {
  const { V, D, H, T } = f.dims;
  const m = sequential({ layers: [
    layers.embedding({ inputDim: V, outputDim: D, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: optimizers.adam({ learningRate: f.adam.config.learning_rate }), loss: 'binaryCrossentropy' });
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
});
