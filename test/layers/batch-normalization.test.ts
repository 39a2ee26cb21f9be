// Batch normalization against PyTorch float64 fixtures (test/fixtures/batchnorm.json): training (batch statistics,
// biased variance, Keras moving-average update) and inference (moving statistics).
import { describe, it } from 'vitest';
import { layers } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';

interface Mode { y: Arr; dx: Arr; dgamma: Arr; dbeta: Arr; new_moving_mean?: Arr; new_moving_variance?: Arr }
interface F { dims: { B: number; T: number; C: number }; epsilon: number; momentum: number; x: Arr; gamma: Arr; beta: Arr; moving_mean: Arr; moving_variance: Arr; r: Arr; training: Mode; inference: Mode }

describe('batchNormalization vs PyTorch', () => {
  const f = fixture<F>('batchnorm');
  const { B, T, C } = f.dims;
  const w = [f.gamma.data, f.beta.data, f.moving_mean.data, f.moving_variance.data];
  for (const mode of ['training', 'inference'] as const) {
    it(mode, () => {
      const l = layers.batchNormalization({ momentum: f.momentum, epsilon: f.epsilon });
      const r = runLayer(l, [T, C], B, f.x.data, f.r.data, { weights: w, training: mode === 'training' });
      const e = f[mode];
      expectClose(r.y, e.y.data, 1e-5, 1e-4, 'y');
      expectClose(r.dx!, e.dx.data, 1e-5, 1e-4, 'dx');
      if (mode === 'training') {
        expectClose(r.grads[0], e.dgamma.data, 1e-5, 1e-4, 'dgamma');
        expectClose(r.grads[1], e.dbeta.data, 1e-5, 1e-4, 'dbeta');
        expectClose(r.weights[2], e.new_moving_mean!.data, 1e-6, 1e-5, 'moving_mean');
        expectClose(r.weights[3], e.new_moving_variance!.data, 1e-6, 1e-5, 'moving_variance');
      } else {
        expectClose(r.weights[2], Float32Array.from(f.moving_mean.data), 0, 0, 'moving_mean unchanged');
      }
    });
  }
});
