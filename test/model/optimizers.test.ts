// Optimizers against hand-written Keras update rules computed in float64 (test/fixtures/optimizers.json).
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers, initSync, type Optimizer } from '../../src/index.js';
import { fixture, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';

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

describe('gradient clipping (Keras rules) and lazy Adam', () => {
  // One dense layer y = x . K + b with x = [1]: dK = dL/dy, db = dL/dy; MSE labels chosen so that dL/dy = g.
  function stepWith(opt: Optimizer, g: number[]): { K: Float32Array; b: Float32Array } {
    const n = g.length;
    const m = sequential({ layers: [layers.dense({ units: n, inputShape: [1], kernelInitializer: 'zeros' })] });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const t = g.map((v) => -(v * n) / 2);
    m.trainOnBatch([[1]], [t]);
    const w = m.getWeights();
    return { K: w[0].data, b: w[1].data };
  }

  it('clipnorm scales each tensor to norm c when larger', () => {
    const g = [3, 4]; // norm 5
    const r = stepWith(optimizers.sgd({ learningRate: 1, clipnorm: 1 }), g);
    expectClose(r.K, [-0.6, -0.8], 1e-7, 1e-6, 'K');
    expectClose(r.b, [-0.6, -0.8], 1e-7, 1e-6, 'b');
  });

  it('globalClipnorm scales all tensors by c / global norm', () => {
    const g = [3, 4]; // K and b each have norm 5: global norm sqrt(50)
    const r = stepWith(optimizers.sgd({ learningRate: 1, globalClipnorm: 1 }), g);
    const s = 1 / Math.sqrt(50);
    expectClose(r.K, [-3 * s, -4 * s], 1e-7, 1e-6, 'K');
  });

  it('clipvalue clips elementwise; clipnorm with globalClipnorm is an error', () => {
    const r = stepWith(optimizers.sgd({ learningRate: 1, clipvalue: 0.5 }), [3, -0.25]);
    expectClose(r.K, [-0.5, 0.25], 1e-7, 1e-6, 'K');
    expect(() => optimizers.adam({ clipnorm: 1, globalClipnorm: 1 })).toThrow(/at most one of clipnorm and globalClipnorm/);
    expect(() => optimizers.sgd({ clipnorm: -1 })).toThrow(/expected clipnorm > 0/);
  });

  it('Adam decays every embedding row (Keras) unless lazy, which leaves untouched rows alone', () => {
    const run = (lazy: boolean) => {
      const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 4, outputDim: 2, inputLength: 1 }), layers.lstm({ units: 1 }), layers.dense({ units: 1 })] });
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.1, lazy }), loss: 'mse' });
      const w0 = m.getWeights()[0].data.slice();
      m.trainOnBatch([[1]], [1]);
      m.trainOnBatch([[2]], [1]); // row 1 untouched now, but its moments are non-zero
      return { w0, w: m.getWeights()[0].data };
    };
    const keras = run(false), lazy = run(true);
    expect(keras.w[2]).not.toBe(keras.w0[2]);   // row 1 moved again in step 2
    expect(lazy.w[0]).toBe(lazy.w0[0]);          // row 0 never touched
    expect(lazy.w[6]).toBe(lazy.w0[6]);          // row 3 never touched
    expect(keras.w[6]).toBe(keras.w0[6]);        // zero moments: an untouched row with m = 0 does not move
  });
});
