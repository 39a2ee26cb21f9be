// Keras config fields that change what the model computes or how it trains, which the importer dropped without a
// word (a review against tf-keras 2.15 and Keras 3.15 sources): an LSTM's activation null (Keras's
// activations.get(None) is linear; it was imported as tanh), trainable false on the LSTM a Bidirectional wraps and on a
// Functional model itself (Keras freezes those weights), and Keras 3 LoRA and tf-keras BatchNormalization
// virtual_batch_size, which act in training only (now said in kerasImport.notes, as regularizers are).
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, exportKeras } from '../../../src/index.js';
import { editKeras, toFunctional, legacyH5, rand, pred } from '../../helpers/keras-files.js';

initSync();
const notesOf = (m: { metadata: { userDefinedMetadata?: unknown } }) => ((m.metadata.userDefinedMetadata as { kerasImport: { notes: string[] } }).kerasImport.notes).join('\n');

describe('LSTM activation null', () => {
  it('computes the identity as Keras does', async () => {
    const T = 4, F = 3, H = 2;
    const k = rand(F * 4 * H, 1, 1), rk = rand(H * 4 * H, 2, 1), b = rand(4 * H, 3, 1);
    const cfg = { class_name: 'Sequential', config: { name: 'sequential', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, T, F], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
      { class_name: 'LSTM', config: { name: 'lstm', trainable: true, units: H, activation: null, recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, time_major: false, unroll: false, unit_forget_bias: true, dropout: 0, recurrent_dropout: 0, implementation: 2 } },
    ] } };
    const bytes = await legacyH5(cfg, '2.15.0', [
      { name: 'input_1', weights: [] },
      { name: 'lstm', weights: [{ name: 'lstm/lstm_cell/kernel:0', data: k, shape: [F, 4 * H] }, { name: 'lstm/lstm_cell/recurrent_kernel:0', data: rk, shape: [H, 4 * H] }, { name: 'lstm/lstm_cell/bias:0', data: b, shape: [4 * H] }] },
    ]);
    const m = await loadKerasModel(bytes);
    const ref = sequential({ layers: [layers.lstm({ units: H, activation: 'linear', inputShape: [T, F] })] });
    ref.setWeights([{ data: k, shape: [F, 4 * H] }, { data: rk, shape: [H, 4 * H] }, { data: b, shape: [4 * H] }]);
    const x = { data: rand(2 * T * F, 9, 3), shape: [2, T, F] };
    expect(pred(m, x)).toEqual(pred(ref, x));
  });
});

describe('Bidirectional wrapping a non-trainable LSTM', () => {
  it('keeps the LSTM frozen', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.bidirectional({ layer: layers.lstm({ units: 3 }) }), layers.dense({ units: 1 })] });
    const bytes = await exportKeras(m);
    // what Keras 3 writes for Bidirectional(LSTM(3, trainable=False)): the wrapper trainable, forward/backward layers not
    const edited = await editKeras(bytes, (c) => {
      const bi = c.config.layers[2].config;
      bi.layer.config.trainable = false;
      bi.backward_layer.config.trainable = false;
      return c;
    });
    const back = await loadKerasModel(edited);
    const trainable = back.trainableWeights.map((w) => w.name);
    // Keras: ['embedding/embeddings', 'dense/kernel', 'dense/bias']
    expect(trainable.filter((n) => n.startsWith('bidirectional'))).toEqual([]);
    expect(trainable.length).toBe(3);
  });
});

describe('Functional trainable false', () => {
  it('freezes every layer, as Keras from_config does', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const edited = await editKeras(await exportKeras(m), (c) => {
      for (const l of c.config.layers) if (l.class_name !== 'InputLayer') l.config.trainable = false;
      c.config.layers[3].config.trainable = true; // the head turned back on after model.trainable = False
      const f = toFunctional(c);
      f.config.trainable = false;
      return f;
    });
    const back = await loadKerasModel(edited);
    expect(back.trainableWeights.map((w) => w.name)).toEqual([]);
  });
});

describe('BatchNormalization virtual_batch_size', () => {
  it('is said in the notes (training only)', async () => {
    const T = 4, F = 3, H = 2;
    const cfg = { class_name: 'Sequential', config: { name: 'sequential', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, T, F], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
      { class_name: 'BatchNormalization', config: { name: 'batch_normalization', trainable: true, axis: [2], momentum: 0.99, epsilon: 0.001, center: true, scale: true, virtual_batch_size: 2 } },
      { class_name: 'LSTM', config: { name: 'lstm', trainable: true, units: H, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: false, stateful: false } },
    ] } };
    const bytes = await legacyH5(cfg, '2.15.0', [
      { name: 'input_1', weights: [] },
      { name: 'batch_normalization', weights: ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n, i) => ({ name: `batch_normalization/${n}:0`, data: rand(F, 10 + i, 0.2, 1), shape: [F] })) },
      { name: 'lstm', weights: [{ name: 'lstm/lstm_cell/kernel:0', data: rand(F * 4 * H, 1), shape: [F, 4 * H] }, { name: 'lstm/lstm_cell/recurrent_kernel:0', data: rand(H * 4 * H, 2), shape: [H, 4 * H] }, { name: 'lstm/lstm_cell/bias:0', data: rand(4 * H, 3), shape: [4 * H] }] },
    ]);
    const m = await loadKerasModel(bytes);
    expect(notesOf(m)).toMatch(/batch_normalization: virtual_batch_size 2 not imported \(inference is the same; fit here normalizes over the whole batch\)/);
  });
});

describe('Dense lora_rank', () => {
  it('is said in the notes (the merged kernel predicts; Keras trains the factors)', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.lstm({ units: 3 }), layers.dense({ units: 2 })] });
    const edited = await editKeras(await exportKeras(m), (c) => { Object.assign(c.config.layers[3].config, { lora_rank: 1, lora_alpha: 1 }); return c; });
    const back = await loadKerasModel(edited);
    expect(notesOf(back)).toMatch(/dense\w*: lora_rank 1 not imported \(the saved kernel holds the factors merged in, so inference is the same; fit here trains the kernel itself, which Keras keeps frozen\)/);
  });
});
