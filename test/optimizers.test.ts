// Optimizers against hand-written Keras update rules computed in float64 (test/fixtures/optimizers.json).
import { describe, it } from 'vitest';
import { sequential, layers, optimizers, initSync, type Optimizer } from '../src/index.js';
import { fixture, type Arr } from './helpers/layer.js';
import { expectClose } from './helpers/kernels.js';

interface Case { name: string; config: Record<string, number | string | boolean>; params: Arr[] }

function make(c: Case['config']): Optimizer {
  const lr = c.learning_rate as number;
  if (c.optimizer === 'adam') return optimizers.adam({ learningRate: lr, beta1: c.beta_1 as number, beta2: c.beta_2 as number, epsilon: c.epsilon as number });
  if (c.optimizer === 'sgd') return optimizers.sgd({ learningRate: lr, momentum: c.momentum as number, nesterov: c.nesterov as boolean });
  return optimizers.rmsprop({ learningRate: lr, rho: c.rho as number, momentum: c.momentum as number, epsilon: c.epsilon as number });
}

initSync();

describe('optimizers vs Keras rules', () => {
  const f = fixture<{ p0: Arr; grads: Arr[]; cases: Case[] }>('optimizers');
  const n = f.p0.data.length;
  for (const c of f.cases) {
    it(c.name, () => {
      // A linear model y = x . K with x = 1 and MSE-free gradient injection: a dense layer with no bias whose kernel
      // [1, n] is the parameter vector; the loss sum(y * g) / 1 (MSE with crafted labels) gives dK = g exactly.
      const m = sequential({ layers: [layers.dense({ units: n, useBias: false, inputShape: [1] })] });
      m.compile({ optimizer: make(c.config), loss: 'meanSquaredError' });
      m.setWeights([{ data: Float32Array.from(f.p0.data), shape: [1, n] }]);
      f.grads.forEach((g, step) => {
        // MSE over n outputs: dL/dy_j = 2 (y_j - t_j) / n; choose t = y - g n / 2 so that dL/dK = g
        const y = m.predict([[1]]).data;
        const t = Array.from(y, (v, j) => v - (g.data[j] * n) / 2);
        m.trainOnBatch([[1]], [t]);
        expectClose(m.getWeights()[0].data, c.params[step].data, 1e-6, 1e-5, `${c.name} step ${step + 1}`);
      });
    });
  }
});
