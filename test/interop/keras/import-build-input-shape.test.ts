// Keras import (fixed after a review; each test failed before its fix): Keras 2.2.x / 2.3.x Sequential.get_config writes `build_input_shape` when the model was built with
// model.build(shape) and its first layer got no input_shape (keras-team/keras 2.3.1 keras/engine/sequential.py:
// `if self._build_input_shape: config['build_input_shape'] = self._build_input_shape`; from_config:
// `if not model.inputs and build_input_shape: model.build(build_input_shape)`; tf_keras/engine/sequential.py the same
// for legacy .h5 configs). planKerasModel (src/interop/keras/config.ts) ignores it, so the model has no input shape
// and the import is refused as "cannot be built".
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, exportKeras, ConfigError, type Sequential } from '../../../src/index.js';
import { legacyH5, rand, pred } from '../../helpers/keras-files.js';

initSync();

describe('Sequential build_input_shape', () => {
  it('Keras 2.3.1 Sequential with build_input_shape and no batch_input_shape', async () => {
    const T = 5, F = 3, H = 4;
    const k = rand(F * 4 * H, 1), rk = rand(H * 4 * H, 2), b = rand(4 * H, 3), dk = rand(H, 4), db = rand(1, 5);
    const cfg = { class_name: 'Sequential', config: { name: 'sequential_1', layers: [
      { class_name: 'LSTM', config: { name: 'lstm_1', trainable: true, units: H, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: false, stateful: false, unroll: false, implementation: 2, return_state: false, dropout: 0, recurrent_dropout: 0, unit_forget_bias: true } },
      { class_name: 'Dense', config: { name: 'dense_1', trainable: true, units: 1, activation: 'linear', use_bias: true } },
    ], build_input_shape: [null, T, F] } };
    const bytes = await legacyH5(cfg, '2.3.1', [
      { name: 'lstm_1', weights: [{ name: 'lstm_1/kernel:0', data: k, shape: [F, 4 * H] }, { name: 'lstm_1/recurrent_kernel:0', data: rk, shape: [H, 4 * H] }, { name: 'lstm_1/bias:0', data: b, shape: [4 * H] }] },
      { name: 'dense_1', weights: [{ name: 'dense_1/kernel:0', data: dk, shape: [H, 1] }, { name: 'dense_1/bias:0', data: db, shape: [1] }] },
    ]);
    const m = await loadKerasModel(bytes);
    const ref = sequential({ layers: [layers.lstm({ units: H, inputShape: [T, F] }), layers.dense({ units: 1 })] });
    ref.setWeights([{ data: k, shape: [F, 4 * H] }, { data: rk, shape: [H, 4 * H] }, { data: b, shape: [4 * H] }, { data: dk, shape: [H, 1] }, { data: db, shape: [1] }]);
    const x = { data: rand(2 * T * F, 9, 1), shape: [2, T, F] };
    expect(pred(m, x)).toEqual(pred(ref, x));
  });
});
