// Keras import (fixed after a review; each test failed before its fix): customObjects attention mapping (load-keras-model.ts match / fixAttentionLength).
// 1. The attention layer's two weights are matched by position, swapped only when the shapes tell (W [F,1] vs
//    b [T,1]); the names the .h5 records (weight_names: att_bias:0, att_weight:0) are ignored. A custom class that
//    creates b before W (its h5 weight_names order = layer.weights order = creation order, tf_keras
//    saving/legacy/hdf5_format.py save_weights_to_hdf5_group: `weights = _legacy_weights(layer)`,
//    `weight_names = [w.name.encode("utf8") for w in weights]`) with F == T gets b loaded as W and W as b, silently.
// 2. The most copied Keras attention layer (the Kaggle `Attention(step_dim)`: `self.W = self.add_weight((input_shape[-1],),
//    name='{}_W')`, `self.b = self.add_weight((input_shape[1],), name='{}_b')`; call: eij = reshape(dot(reshape(x,
//    (-1, F)), reshape(W, (F, 1))), (-1, T)) + b; tanh; a = exp(eij) / (sum + K.epsilon()); sum(x * a, axis=1)) is our
//    layer with W [F] and b [T] (same values, same flat order) but is refused with a CheckpointError on the shapes.
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, type Sequential } from '../../../src/index.js';
import { legacyH5, rand, pred, type W } from '../../helpers/keras-files.js';

initSync();

/** Embedding(V, D, T) -> LSTM(H, seq) -> custom attention (pooled) -> Dense(1): a Keras 2.3.1 .h5, attention weights as given. */
async function model(T: number, H: number, att: W[], attClass = 'AttentionLayer') {
  const V = 9, D = 3;
  const emb = rand(V * D, 1), k = rand(D * 4 * H, 2), rk = rand(H * 4 * H, 3), b = rand(4 * H, 4), dk = rand(H, 5), db = rand(1, 6);
  const cfg = { class_name: 'Sequential', config: { name: 'sequential_1', layers: [
    { class_name: 'Embedding', config: { name: 'embedding_1', input_dim: V, output_dim: D, input_length: T, mask_zero: false, batch_input_shape: [null, T] } },
    { class_name: 'LSTM', config: { name: 'lstm_1', units: H, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: true, go_backwards: false } },
    { class_name: attClass, config: { name: 'attention_1', trainable: true } },
    { class_name: 'Dense', config: { name: 'dense_1', units: 1, activation: 'linear', use_bias: true } },
  ] } };
  const bytes = await legacyH5(cfg, '2.3.1', [
    { name: 'embedding_1', weights: [{ name: 'embedding_1/embeddings:0', data: emb, shape: [V, D] }] },
    { name: 'lstm_1', weights: [{ name: 'lstm_1/kernel:0', data: k, shape: [D, 4 * H] }, { name: 'lstm_1/recurrent_kernel:0', data: rk, shape: [H, 4 * H] }, { name: 'lstm_1/bias:0', data: b, shape: [4 * H] }] },
    { name: 'attention_1', weights: att },
    { name: 'dense_1', weights: [{ name: 'dense_1/kernel:0', data: dk, shape: [H, 1] }, { name: 'dense_1/bias:0', data: db, shape: [1] }] },
  ]);
  const ref = sequential({ layers: [layers.embedding({ inputDim: V, outputDim: D, inputLength: T }), layers.lstm({ units: H, returnSequences: true }), layers.attention({ returnSequences: false }), layers.dense({ units: 1 })] });
  const Wd = att.find((w) => /W|weight/.test(w.name))!.data, bd = att.find((w) => /_b:|bias|\/b:/.test(w.name))!.data;
  ref.setWeights([{ data: emb, shape: [V, D] }, { data: k, shape: [D, 4 * H] }, { data: rk, shape: [H, 4 * H] }, { data: b, shape: [4 * H] },
    { data: Wd, shape: [H, 1] }, { data: bd, shape: [T, 1] }, { data: dk, shape: [H, 1] }, { data: db, shape: [1] }]);
  const x = { data: Int32Array.from({ length: 4 * T }, (_, i) => 1 + (i * 5) % 8), shape: [4, T] };
  return { bytes, ref, x };
}

describe('custom attention weights', () => {
  it('b created before W, F == T: matched by name', async () => {
    const T = 4, H = 4;
    const { bytes, ref, x } = await model(T, H, [{ name: 'attention_1/att_bias:0', data: rand(T, 7, 2), shape: [T, 1] }, { name: 'attention_1/att_weight:0', data: rand(H, 8, 2), shape: [H, 1] }]);
    const m = await loadKerasModel(bytes, { customObjects: { AttentionLayer: { layer: 'attention', returnSequences: false } } });
    expect(pred(m, x)).toEqual(pred(ref, x));
  });
  it('W [F], b [T] (Kaggle Attention)', async () => {
    const T = 5, H = 4;
    const { bytes, ref, x } = await model(T, H, [{ name: 'attention_1/attention_1_W:0', data: rand(H, 8, 2), shape: [H] }, { name: 'attention_1/attention_1_b:0', data: rand(T, 7, 2), shape: [T] }], 'Attention');
    const m = await loadKerasModel(bytes, { customObjects: { Attention: { layer: 'attention', returnSequences: false } } });
    expect(pred(m, x)).toEqual(pred(ref, x));
  });
});
