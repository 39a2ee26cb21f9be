// Keras import (fixed after a review; each test failed before its fix): the planner's rank tracking (config.ts rankAfter) says global pooling always gives rank 2, but with
// keepdims true it gives [batch, 1, F] (rank 3). tf.keras's BatchNormalization.build rewrites axis to non-negative
// indices (tf_keras/layers/normalization/batch_normalization.py: `self.axis = tf_utils.validate_axis(self.axis,
// input_shape)`), so a tf.keras .h5 holds axis [2] for a BN after GlobalAveragePooling1D(keepdims=True): a valid
// last-axis BN that the importer refuses as "expected axis -1 (the last)".
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, type Sequential } from '../../../src/index.js';
import { legacyH5, rand, pred } from '../../helpers/keras-files.js';

initSync();

describe('BatchNormalization after GlobalAveragePooling1D(keepdims=True) in a tf.keras .h5', () => {
  it('tf.keras 2.15: Input [6, 3] -> LSTM(4, seq) -> GAP1D(keepdims) -> BN(axis [2]) -> Dense(1) imports and predicts as built here', async () => {
    const T = 6, F = 3, H = 4;
    const k = rand(F * 4 * H, 1), rk = rand(H * 4 * H, 2), b = rand(4 * H, 3);
    const gamma = rand(H, 4, 0.3, 1), beta = rand(H, 5), mm = rand(H, 6), mv = rand(H, 7, 0.2, 0.8), dk = rand(H, 8), db = rand(1, 9);
    const cfg = { class_name: 'Sequential', config: { name: 'sequential', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, T, F], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
      { class_name: 'LSTM', config: { name: 'lstm', trainable: true, units: H, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: true, return_state: false, go_backwards: false, stateful: false, time_major: false, unroll: false, unit_forget_bias: true, dropout: 0, recurrent_dropout: 0, implementation: 2 } },
      { class_name: 'GlobalAveragePooling1D', config: { name: 'global_average_pooling1d', trainable: true, data_format: 'channels_last', keepdims: true } },
      // what tf.keras writes after build: axis resolved to [2] (input rank 3)
      { class_name: 'BatchNormalization', config: { name: 'batch_normalization', trainable: true, axis: [2], momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
      { class_name: 'Dense', config: { name: 'dense', trainable: true, units: 1, activation: 'linear', use_bias: true } },
    ] } };
    const bytes = await legacyH5(cfg, '2.15.0', [
      { name: 'input_1', weights: [] },
      { name: 'lstm', weights: [{ name: 'lstm/lstm_cell/kernel:0', data: k, shape: [F, 4 * H] }, { name: 'lstm/lstm_cell/recurrent_kernel:0', data: rk, shape: [H, 4 * H] }, { name: 'lstm/lstm_cell/bias:0', data: b, shape: [4 * H] }] },
      { name: 'global_average_pooling1d', weights: [] },
      { name: 'batch_normalization', weights: [{ name: 'batch_normalization/gamma:0', data: gamma, shape: [H] }, { name: 'batch_normalization/beta:0', data: beta, shape: [H] },
        { name: 'batch_normalization/moving_mean:0', data: mm, shape: [H] }, { name: 'batch_normalization/moving_variance:0', data: mv, shape: [H] }] },
      { name: 'dense', weights: [{ name: 'dense/kernel:0', data: dk, shape: [H, 1] }, { name: 'dense/bias:0', data: db, shape: [1] }] },
    ]);
    const ref = sequential({ layers: [layers.lstm({ units: H, returnSequences: true, inputShape: [T, F] }), layers.globalAveragePooling1D({ keepdims: true }),
      layers.batchNormalization(), layers.dense({ units: 1 })] });
    ref.setWeights([k, rk, b, gamma, beta, mm, mv, dk, db].map((d, i) => ({ data: d, shape: [[F, 4 * H], [H, 4 * H], [4 * H], [H], [H], [H], [H], [H, 1], [1]][i] })));
    const x = { data: rand(3 * T * F, 10, 1), shape: [3, T, F] };
    const m = await loadKerasModel(bytes); // refused: "layer batch_normalization (BatchNormalization): expected axis -1 (the last), got [2]"
    expect(pred(m, x)).toEqual(pred(ref, x));
  });
  it('Keras 2.3.1 (no InputLayer in a Sequential config): BatchNormalization(axis=2, batch_input_shape=(None, 6, 3)) first imports and predicts as built here', async () => {
    // keras 2.3.1 keras/engine/sequential.py get_config: `for layer in self.layers` (no InputLayer), the first layer
    // carries batch_input_shape; keras/layers/normalization.py get_config: `'axis': self.axis` as given. planKerasModel
    // sets `rank` only for an InputLayer (it now does for batch_input_shape too), so a BN first with axis 2 was refused.
    const T = 6, F = 3, H = 2;
    const gamma = rand(F, 4, 0.3, 1), beta = rand(F, 5), mm = rand(F, 6), mv = rand(F, 7, 0.2, 0.8);
    const k = rand(F * 4 * H, 1), rk = rand(H * 4 * H, 2), b = rand(4 * H, 3);
    const cfg = { class_name: 'Sequential', config: { name: 'sequential_1', layers: [
      { class_name: 'BatchNormalization', config: { name: 'batch_normalization_1', trainable: true, batch_input_shape: [null, T, F], dtype: 'float32', axis: 2, momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
      { class_name: 'LSTM', config: { name: 'lstm_1', trainable: true, units: H, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: false, stateful: false, unroll: false, implementation: 2 } },
    ] } };
    const bytes = await legacyH5(cfg, '2.3.1', [
      { name: 'batch_normalization_1', weights: [{ name: 'batch_normalization_1/gamma:0', data: gamma, shape: [F] }, { name: 'batch_normalization_1/beta:0', data: beta, shape: [F] },
        { name: 'batch_normalization_1/moving_mean:0', data: mm, shape: [F] }, { name: 'batch_normalization_1/moving_variance:0', data: mv, shape: [F] }] },
      { name: 'lstm_1', weights: [{ name: 'lstm_1/kernel:0', data: k, shape: [F, 4 * H] }, { name: 'lstm_1/recurrent_kernel:0', data: rk, shape: [H, 4 * H] }, { name: 'lstm_1/bias:0', data: b, shape: [4 * H] }] },
    ]);
    const ref = sequential({ layers: [layers.batchNormalization({ inputShape: [T, F] }), layers.lstm({ units: H })] });
    ref.setWeights([gamma, beta, mm, mv, k, rk, b].map((d, i) => ({ data: d, shape: [[F], [F], [F], [F], [F, 4 * H], [H, 4 * H], [4 * H]][i] })));
    const x = { data: rand(3 * T * F, 10, 1), shape: [3, T, F] };
    const m = await loadKerasModel(bytes); // refused: "expected axis -1 (the last), got 2"
    expect(pred(m, x)).toEqual(pred(ref, x));
  });
});
