// Keras model configs (Keras 2 and Keras 3 forms, Sequential and Functional) -> our Sequential config: what carries
// over, what is refused and how the messages read.
import { describe, it, expect } from 'vitest';
import { planKerasModel, type KerasPlanOptions } from '../../../src/interop/keras/config.js';
import { ConfigError, Sequential, initSync } from '../../../src/index.js';

const K2: KerasPlanOptions = { kerasVersion: '2.15.0', where: 'loadKerasModel', customObjects: { AttentionLayer: 'attention' } };
const K3: KerasPlanOptions = { ...K2, kerasVersion: '3.3.3' };

const k2 = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });
const k3 = (class_name: string, config: Record<string, unknown>, input_shape?: (number | null)[]) =>
  ({ module: 'keras.layers', class_name, config, registered_name: null, ...(input_shape ? { build_config: { input_shape } } : {}) });

const keras2Sequential = { class_name: 'Sequential', config: { name: 'clf', layers: [
  k2('InputLayer', { batch_input_shape: [null, 10], dtype: 'float32', sparse: false, ragged: false, name: 'embedding_input' }),
  k2('Embedding', { name: 'embedding', trainable: true, batch_input_shape: [null, 10], input_dim: 20, output_dim: 8, mask_zero: true, input_length: 10, embeddings_regularizer: { class_name: 'L2', config: { l2: 0.01 } } }),
  k2('Bidirectional', { name: 'bidirectional', trainable: true, merge_mode: 'concat', layer: k2('LSTM', { name: 'lstm', units: 4, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true, return_sequences: true, go_backwards: false, dropout: 0.2, recurrent_dropout: 0.1 }) }),
  { class_name: 'Custom>AttentionLayer', config: { name: 'attention_layer', trainable: true } },
  k2('Dense', { name: 'dense', trainable: true, units: 1, activation: 'sigmoid', use_bias: true }),
] } };

describe('planKerasModel', () => {
  it('turns a Keras 2 Sequential into ours, hard_sigmoid as Keras 2 computes it, and notes what only shaped training', () => {
    const plan = planKerasModel(keras2Sequential, { ...K2, customObjects: { AttentionLayer: { layer: 'attention', returnSequences: false } } });
    expect(plan.inputShape).toEqual([10]);
    expect(plan.model.config.layers.map((l) => l.className)).toEqual(['Embedding', 'Bidirectional', 'Attention', 'Dense']);
    expect(plan.model.config.layers[0].config).toEqual({ name: 'embedding', trainable: true, inputDim: 20, outputDim: 8, maskZero: true, inputLength: 10 });
    const lstm = (plan.model.config.layers[1].config.layer as { config: Record<string, unknown> }).config;
    expect(lstm.recurrentActivation).toBe('hardSigmoid');
    expect(plan.model.config.layers[2].config.returnSequences).toBe(false);
    expect(plan.notes).toEqual(['embedding: embeddings_regularizer not imported (fit here trains without it)']);
    // the LSTM's dropout on its inputs and on h_{t-1} trains here as in Keras
    expect(lstm.dropout).toBe(0.2);
    expect(lstm.recurrentDropout).toBe(0.1);
    const m = Sequential.fromConfig(plan.model);
    expect(m.weightNames).toEqual(['embedding/embeddings', 'bidirectional/forward_lstm/kernel', 'bidirectional/forward_lstm/recurrent_kernel', 'bidirectional/forward_lstm/bias',
      'bidirectional/backward_lstm/kernel', 'bidirectional/backward_lstm/recurrent_kernel', 'bidirectional/backward_lstm/bias', 'attention_layer/W', 'attention_layer/b', 'dense/kernel', 'dense/bias']);
  });

  it('turns a GRU into ours: reset_after as written, else the default of the Keras that wrote it; a CuDNNGRU into a GRU with reset_after', () => {
    const layersOf = (resetAfter?: boolean) => [
      k2('Embedding', { name: 'e', batch_input_shape: [null, 6], input_dim: 9, output_dim: 4 }),
      k2('GRU', { name: 'g', units: 3, return_sequences: true, recurrent_activation: 'hard_sigmoid', ...(resetAfter === undefined ? {} : { reset_after: resetAfter }) }),
      k2('Bidirectional', { name: 'bi', merge_mode: 'ave', layer: k2('CuDNNGRU', { name: 'cg', units: 2, return_sequences: false }) }),
    ];
    const plan = (version: string, resetAfter?: boolean) => planKerasModel({ class_name: 'Sequential', config: { name: 'k', layers: layersOf(resetAfter) } }, { ...K2, kerasVersion: version });
    for (const [version, want] of [['2.3.1', false], ['2.2.4', false], ['tfjs-layers 4.22.0', false], ['2.15.0', true], ['2.4.0', true], ['3.3.3', true]] as const) {
      expect(plan(version).model.config.layers[1].config.resetAfter, version).toBe(want);
      expect(plan(version, !want).model.config.layers[1].config.resetAfter, version).toBe(!want);
    }
    const p = plan('2.3.1');
    expect(p.model.config.layers.map((l) => l.className)).toEqual(['Embedding', 'GRU', 'Bidirectional']);
    expect(p.model.config.layers[1].config).toMatchObject({ units: 3, recurrentActivation: 'hardSigmoid', activation: 'tanh', returnSequences: true, goBackwards: false });
    expect(p.model.config.layers[1].config).not.toHaveProperty('unitForgetBias');
    expect(p.model.config.layers[2].config).toMatchObject({ mergeMode: 'ave', layer: { className: 'GRU', config: { units: 2, resetAfter: true, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true } } });
    initSync();
    const m = Sequential.fromConfig(p.model);
    expect(m.weightNames).toEqual(['e/embeddings', 'g/kernel', 'g/recurrent_kernel', 'g/bias', 'bi/forward_cg/kernel', 'bi/forward_cg/recurrent_kernel', 'bi/forward_cg/bias',
      'bi/backward_cg/kernel', 'bi/backward_cg/recurrent_kernel', 'bi/backward_cg/bias']);
    expect(m.getWeights().map((w) => w.shape)).toEqual([[9, 4], [4, 9], [3, 9], [9], [3, 6], [2, 6], [2, 6], [3, 6], [2, 6], [2, 6]]);
  });

  it('carries dropout and recurrent_dropout inside (0, 1) and drops a rate of 1 (Keras applies none then)', () => {
    initSync();
    const plan = (dropout: number, rd: number) => planKerasModel({ class_name: 'Sequential', config: { name: 's', layers: [
      k2('LSTM', { name: 'lstm', units: 4, batch_input_shape: [null, 5, 3], dropout, recurrent_dropout: rd }),
      k2('Dense', { name: 'dense', units: 1 }),
    ] } }, K3).model;
    expect(plan(0.2, 0.5).config.layers[0].config).toMatchObject({ dropout: 0.2, recurrentDropout: 0.5 });
    for (const [d, rd] of [[1, 1], [0, 1], [1, 0]]) {
      const cfg = plan(d, rd);
      expect(cfg.config.layers[0].config).not.toHaveProperty('recurrentDropout');
      expect(cfg.config.layers[0].config).not.toHaveProperty('dropout');
      expect(() => Sequential.fromConfig(cfg)).not.toThrow();
    }
  });

  it('turns a CuDNNLSTM (alone or in a Bidirectional) into an LSTM with tanh and sigmoid, keeping its options', () => {
    const plan = planKerasModel({ class_name: 'Sequential', config: { name: 'k', layers: [
      k2('Embedding', { name: 'e', batch_input_shape: [null, 6], input_dim: 9, output_dim: 4, mask_zero: false }),
      k2('CuDNNLSTM', { name: 'cu_dnnlstm_1', units: 3, return_sequences: true, return_state: false, go_backwards: true, stateful: false, unit_forget_bias: true, kernel_regularizer: { class_name: 'L2', config: { l2: 0.1 } } }),
      k2('Bidirectional', { name: 'bi', merge_mode: 'sum', layer: k2('CuDNNLSTM', { name: 'cu_dnnlstm_2', units: 2, return_sequences: false }) }),
    ] } }, K2);
    const [, one, bi] = plan.model.config.layers;
    expect(one).toEqual({ className: 'LSTM', config: { name: 'cu_dnnlstm_1', trainable: true, units: 3, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, unitForgetBias: true, returnSequences: true, goBackwards: true, zeroOutputForMask: false } });
    expect(bi.config.layer).toEqual({ className: 'LSTM', config: { name: 'cu_dnnlstm_2', units: 2, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, unitForgetBias: true, returnSequences: false, goBackwards: false } });
    expect(plan.layers.map((l) => l.kerasClass)).toEqual(['Embedding', 'CuDNNLSTM', 'Bidirectional']);
    expect(plan.notes).toEqual(['cu_dnnlstm_1: kernel_regularizer not imported (fit here trains without it)']);
    // a mask a global pooling consumed (keepdims too: Keras's compute_mask returns None) does not reach it (a review)
    const pooled = planKerasModel({ class_name: 'Sequential', config: { name: 'k', layers: [
      k2('Embedding', { name: 'e', batch_input_shape: [null, 6], input_dim: 9, output_dim: 4, mask_zero: true }),
      k2('GlobalAveragePooling1D', { name: 'p', data_format: 'channels_last', keepdims: true }),
      k2('CuDNNLSTM', { name: 'cu', units: 3 }),
    ] } }, K2);
    expect(pooled.model.config.layers[2].className).toBe('LSTM');
  });

  it('imports GaussianNoise and GaussianDropout; leaves out AlphaDropout and ActivityRegularization (training only), with notes', () => {
    const plan = planKerasModel({ class_name: 'Sequential', config: { name: 'k', layers: [
      k2('GaussianNoise', { name: 'noise', stddev: 0.1, batch_input_shape: [null, 5, 3] }),
      k2('LSTM', { name: 'l', units: 2, return_sequences: true }),
      k2('GaussianDropout', { name: 'gd', rate: 0.2 }), k2('AlphaDropout', { name: 'ad', rate: 0.1 }),
      k2('GlobalMaxPooling1D', { name: 'p' }), k2('ActivityRegularization', { name: 'ar', l1: 0.01, l2: 0 }),
      k2('Dense', { name: 'd', units: 1, activation: 'sigmoid' }),
    ] } }, K2);
    expect(plan.model.config.layers.map((l) => l.className)).toEqual(['GaussianNoise', 'LSTM', 'GaussianDropout', 'GlobalMaxPooling1D', 'Dense']);
    expect(plan.model.config.layers[0].config).toMatchObject({ stddev: 0.1, inputShape: [5, 3] });
    expect(plan.notes).toEqual([
      'ad: AlphaDropout(rate 0.1) not imported (inference is the same: it acts in training only; fit here trains without it)',
      'ar: ActivityRegularization(l1 0.01, l2 0) not imported (inference is the same: it acts in training only; fit here trains without it)',
    ]);
    expect(() => Sequential.fromConfig(plan.model)).not.toThrow();
    const first = planKerasModel({ class_name: 'Sequential', config: { layers: [k2('AlphaDropout', { name: 'a', rate: 0.1, batch_input_shape: [null, 4, 2] }), k2('LSTM', { name: 'l', units: 2 })] } }, K2);
    expect(first.model.config.layers[0].config.inputShape).toEqual([4, 2]); // the declared shape of the layer left out
    // an LSTM given one of the activations only Dense has: refused when the model is built, naming it
    const lstmGelu = planKerasModel({ class_name: 'Sequential', config: { layers: [k2('LSTM', { name: 'l', units: 2, activation: 'gelu', batch_input_shape: [null, 3, 2] })] } }, K2);
    expect(() => Sequential.fromConfig(lstmGelu.model)).toThrow(/layers.lstm\(l\): expected activation to be one of linear, sigmoid, tanh, relu, hardSigmoid, hardSigmoidKeras3, got "gelu"/);
  });

  it("maps Keras's activation layers: LeakyReLU (alpha, Keras 3's negative_slope), ReLU (plain, relu6, leaky), ELU(1), Softmax(-1)", () => {
    const plan = planKerasModel({ class_name: 'Sequential', config: { name: 'k', layers: [
      k2('Dense', { name: 'd', units: 3, batch_input_shape: [null, 2] }),
      k2('LeakyReLU', { name: 'a', alpha: 0.1 }), k2('LeakyReLU', { name: 'b', negative_slope: 0.2 }), k2('LeakyReLU', { name: 'c' }),
      k2('ReLU', { name: 'r', max_value: null, negative_slope: 0, threshold: 0 }), k2('ReLU', { name: 'r6', max_value: 6 }),
      k2('ReLU', { name: 'rl', negative_slope: 0.05 }), k2('ELU', { name: 'e', alpha: 1 }), k2('Softmax', { name: 's', axis: -1 }),
    ] } }, K2);
    expect(plan.model.config.layers.slice(1).map((l) => [l.className, l.config.alpha ?? l.config.activation])).toEqual([
      ['LeakyReLU', 0.1], ['LeakyReLU', 0.2], ['LeakyReLU', 0.3], ['Activation', 'relu'], ['Activation', 'relu6'], ['LeakyReLU', 0.05], ['Activation', 'elu'], ['Activation', 'softmax']]);
    expect(() => Sequential.fromConfig(plan.model)).not.toThrow();
    // and under TimeDistributed (on [batch, time, features]: the layer itself, named as the wrapper)
    const td = planKerasModel({ class_name: 'Sequential', config: { layers: [k2('LSTM', { name: 'l', units: 2, return_sequences: true, batch_input_shape: [null, 4, 3] }),
      k2('TimeDistributed', { name: 'tdl', layer: k2('LeakyReLU', { name: 'x', alpha: 0.1 }) })] } }, K2);
    expect(td.model.config.layers[1]).toEqual({ className: 'LeakyReLU', config: { name: 'tdl', trainable: true, alpha: 0.1 } });
    // a custom attention before a TimeDistributed or a CuDNNLSTM returns sequences (they need [batch, time, features]; a review)
    for (const after of [k2('TimeDistributed', { name: 'td', layer: k2('Dense', { name: 'd', units: 2, activation: 'softmax' }) }), k2('CuDNNLSTM', { name: 'cu', units: 2 })]) {
      const p = planKerasModel({ class_name: 'Sequential', config: { name: 's', layers: [
        k2('Embedding', { name: 'e', batch_input_shape: [null, 6], input_dim: 9, output_dim: 4 }),
        k2('Bidirectional', { name: 'b', layer: k2('LSTM', { name: 'l', units: 3, return_sequences: true }) }),
        { class_name: 'AttentionLayer', config: { name: 'att' } }, after] } }, K2);
      expect(p.model.config.layers[2].config.returnSequences, after.class_name).toBe(true);
    }
    for (const [cfg, re] of [
      [k2('ReLU', { name: 'r', max_value: 4 }), /layer r \(ReLU\): expected a plain ReLU, one with max_value 6 \(relu6\) or one with a negative_slope alone \(a LeakyReLU\)/],
      [k2('ELU', { name: 'e', alpha: 0.5 }), /layer e \(ELU\): expected alpha 1 \(elu\), got 0.5/],
      [k2('Softmax', { name: 's', axis: 1 }), /layer s \(Softmax\): expected axis -1 \(the last\), got 1/],
    ] as [Record<string, unknown>, RegExp][]) {
      expect(() => planKerasModel({ class_name: 'Sequential', config: { layers: [k2('Dense', { name: 'd', units: 3, batch_input_shape: [null, 4, 2] }), cfg] } }, K2)).toThrow(re);
    }
  });

  it('reads Keras 3: InputLayer batch_shape, hard_sigmoid as relu6(x + 3) / 6, pooling inferred from the next layer\'s build shape', () => {
    const cfg = { module: 'keras', class_name: 'Sequential', config: { name: 'sequential', layers: [
      k3('InputLayer', { batch_shape: [null, 7], dtype: 'int32', sparse: false, name: 'input_layer' }),
      k3('Embedding', { name: 'embedding', input_dim: 20, output_dim: 8, mask_zero: false }, [null, 7]),
      k3('LSTM', { name: 'lstm', units: 4, activation: 'tanh', recurrent_activation: 'hard_sigmoid', return_sequences: true }, [null, 7, 8]),
      { module: null, class_name: 'AttentionLayer', registered_name: 'Custom>AttentionLayer', config: { name: 'att', trainable: true }, build_config: { input_shape: [null, 7, 4] } },
      k3('Dense', { name: 'dense', units: 1, activation: 'sigmoid' }, [null, 4]),
    ] } };
    const plan = planKerasModel(cfg, K3);
    expect(plan.inputShape).toEqual([7]);
    expect(plan.model.config.layers[0].config.inputLength).toBe(7);
    expect(plan.model.config.layers[1].config.recurrentActivation).toBe('hardSigmoidKeras3');
    expect(plan.model.config.layers[2].config.returnSequences).toBe(false);
  });

  it('imports a Functional straight chain (Keras 2 and Keras 3 node forms) as a Sequential', () => {
    const k2f = { class_name: 'Functional', config: { name: 'model', layers: [
      { class_name: 'InputLayer', name: 'ids', config: { batch_input_shape: [null, 5], name: 'ids' }, inbound_nodes: [] },
      { class_name: 'Embedding', name: 'emb', config: { name: 'emb', input_dim: 9, output_dim: 3 }, inbound_nodes: [[['ids', 0, 0, {}]]] },
      { class_name: 'LSTM', name: 'lstm', config: { name: 'lstm', units: 2 }, inbound_nodes: [[['emb', 0, 0, {}]]] },
      { class_name: 'Dense', name: 'out', config: { name: 'out', units: 1, activation: 'sigmoid' }, inbound_nodes: [[['lstm', 0, 0, {}]]] },
    ], input_layers: [['ids', 0, 0]], output_layers: [['out', 0, 0]] } };
    expect(planKerasModel(k2f, K2).model.config.layers.map((l) => l.config.name)).toEqual(['emb', 'lstm', 'out']);
    const t = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 5], dtype: 'float32', keras_history: [name, 0, 0] } });
    const k3f = { module: 'keras', class_name: 'Functional', config: { name: 'f', layers: [
      { module: 'keras.layers', class_name: 'InputLayer', name: 'ids', config: { batch_shape: [null, 5], name: 'ids' }, inbound_nodes: [] },
      { module: 'keras.layers', class_name: 'Dense', name: 'out', config: { name: 'out', units: 1 }, inbound_nodes: [{ args: [t('mid')], kwargs: {} }] },
      { module: 'keras.layers', class_name: 'Dense', name: 'mid', config: { name: 'mid', units: 3, activation: 'relu' }, inbound_nodes: [{ args: [t('ids')], kwargs: {} }] },
    ], input_layers: ['ids', 0, 0], output_layers: ['out', 0, 0] } };
    const plan = planKerasModel(k3f, K3);
    expect(plan.model.config.layers.map((l) => l.config.name)).toEqual(['mid', 'out']);
    expect(plan.model.config.layers[0].config.inputShape).toEqual([5]);
  });

  it('refuses what it cannot take, naming the layer, what it expected and what it found', () => {
    const branch = { class_name: 'Functional', config: { name: 'm', layers: [
      { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 4], name: 'in' }, inbound_nodes: [] },
      { class_name: 'Dense', name: 'a', config: { name: 'a', units: 2 }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'Dense', name: 'b', config: { name: 'b', units: 2 }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'Concatenate', name: 'cat', config: { name: 'cat' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
    ], input_layers: [['in', 0, 0]], output_layers: [['cat', 0, 0]] } };
    const cases: [unknown, RegExp][] = [
      [branch, /expected a straight chain from one input to one output, got cat \(Concatenate\) taking 2 inputs \(a, b\)/],
      [{ class_name: 'Sequential', config: { layers: [k2('Attention', { name: 'att' })] } }, /layer att \(Attention\): Keras's built-in Attention is not this package's attention layer/],
      // (no customObjects hint for Keras's own GRU: a review found it suggested { "GRU": 'attention' }); a class that
      // may be a custom attention layer gets it
      [{ class_name: 'Sequential', config: { layers: [k2('ConvLSTM1D', { name: 'rnn', filters: 3 })] } }, /layer rnn: expected one of InputLayer, Embedding, .*got class "ConvLSTM1D"\.$/],
      [{ class_name: 'Sequential', config: { layers: [k2('MyAtt', { name: 'my' })] } }, /got class "MyAtt"\. A custom attention layer with weights W \[F, 1\] and b \[T, 1\] maps to ours with customObjects: \{ "MyAtt": 'attention' \}\.$/],
      [{ class_name: 'Sequential', config: { layers: [k2('LSTM', { name: 'l', units: 3, return_state: true })] } }, /layer l \(LSTM\): expected return_state false, got true/],
      [{ class_name: 'Sequential', config: { layers: [k2('Dense', { name: 'd', units: 3, activation: 'hard_silu' })] } }, /layer d: expected activation to be one of linear, sigmoid, tanh, relu, softmax, hard_sigmoid, elu, selu, relu6, softplus, softsign, swish, silu, gelu, mish, got "hard_silu"/],
      [{ class_name: 'Sequential', config: { layers: [k2('BatchNormalization', { name: 'bn', axis: 1, center: true, scale: true })] } }, /layer bn \(BatchNormalization\): expected axis -1 \(the last\), got 1/],
      [{ class_name: 'Sequential', config: { layers: [{ class_name: 'MyAttention', config: { name: 'my' } }] } }, /customObjects: \{ "MyAttention": 'attention' \}/],
      [{ class_name: 'Sequential', config: { layers: [{ class_name: 'Custom>AttentionLayer', config: { name: 'att' } }, k2('Dense', { name: 'd', units: 1 })] } }, /layer att \(Custom>AttentionLayer\): expected to know whether it returns sequences .* returnSequences: false/],
      [{ class_name: 'MyModel', config: {} }, /expected a Sequential or Functional model, got class "MyModel"/],
      // CuDNNLSTM: no activation options (cuDNN fixes tanh and sigmoid), no mask (Keras refuses one), no GRU in a Bidirectional
      [{ class_name: 'Sequential', config: { layers: [k2('CuDNNLSTM', { name: 'cu', units: 3, activation: 'relu' })] } }, /layer cu \(CuDNNLSTM\): expected no activation option \(cuDNN fixes them\), got "relu"/],
      [{ class_name: 'Sequential', config: { layers: [k2('CuDNNLSTM', { name: 'cu', units: 3, stateful: true })] } }, /layer cu \(CuDNNLSTM\): expected stateful false, got true/],
      [{ class_name: 'Sequential', config: { layers: [k2('Embedding', { name: 'e', input_dim: 5, output_dim: 2, mask_zero: true }), k2('Bidirectional', { name: 'bi', layer: k2('CuDNNLSTM', { name: 'cu', units: 3, return_sequences: true }) })] } }, /layer bi \(Bidirectional\): expected no mask reaching a cuDNN layer \(Keras refuses one/],
      [{ class_name: 'Sequential', config: { layers: [k2('Masking', { name: 'm', batch_input_shape: [null, 4, 2] }), k2('Dropout', { name: 'd', rate: 0.1 }), k2('CuDNNLSTM', { name: 'cu', units: 3 })] } }, /layer cu \(CuDNNLSTM\): expected no mask reaching a cuDNN layer/],
      [{ class_name: 'Sequential', config: { layers: [k2('Bidirectional', { name: 'bi', layer: k2('ConvLSTM1D', { name: 'g', filters: 3 }) })] } }, /layer bi \(Bidirectional\): expected to wrap an LSTM, a GRU, a SimpleRNN, a CuDNNLSTM or a CuDNNGRU, got "ConvLSTM1D"/],
      // GRU: CuDNNGRU fixes its activations and reset_after; a mask reaching one is refused; both directions alike
      [{ class_name: 'Sequential', config: { layers: [k2('CuDNNGRU', { name: 'cg', units: 3, reset_after: false })] } }, /layer cg \(CuDNNGRU\): expected no reset_after option \(cuDNN fixes it\), got false/],
      [{ class_name: 'Sequential', config: { layers: [k2('CuDNNGRU', { name: 'cg', units: 3, return_state: true })] } }, /layer cg \(CuDNNGRU\): expected return_state false, got true/],
      [{ class_name: 'Sequential', config: { layers: [k2('Embedding', { name: 'e', input_dim: 5, output_dim: 2, mask_zero: true }), k2('CuDNNGRU', { name: 'cg', units: 3 })] } }, /layer cg \(CuDNNGRU\): expected no mask reaching a cuDNN layer/],
      [{ class_name: 'Sequential', config: { layers: [k2('GRU', { name: 'g', units: 3, reset_after: 'yes' })] } }, /layer g \(GRU\): expected reset_after true or false, got "yes"/],
      [{ class_name: 'Sequential', config: { layers: [k2('GRU', { name: 'g', units: 3, stateful: true })] } }, /layer g \(GRU\): expected stateful false, got true/],
      [{ class_name: 'Sequential', config: { layers: [k2('Bidirectional', { name: 'bi', layer: k2('GRU', { name: 'g', units: 3, reset_after: true }), backward_layer: k2('GRU', { name: 'h', units: 3, reset_after: false, go_backwards: true }) })] } }, /layer bi \(Bidirectional\): expected a backward layer like the forward one \(resetAfter true\), got false/],
      // TimeDistributed: of a layer that acts on each step's features alone, on [batch, time, features]
      [{ class_name: 'Sequential', config: { layers: [k2('TimeDistributed', { name: 'td', layer: k2('LSTM', { name: 'l', units: 3 }) })] } }, /layer td \(TimeDistributed\): expected to wrap a Dense, Activation, Dropout, LeakyReLU, ReLU, ELU, Softmax, got "LSTM"/],
      [{ class_name: 'Sequential', config: { layers: [k2('Dense', { name: 'd', units: 3, batch_input_shape: [null, 4] }), k2('TimeDistributed', { name: 'td', layer: k2('Dense', { name: 'e', units: 2 }) })] } }, /layer td \(TimeDistributed\): expected input \[batch, time, features\] \(rank 3\), got "rank 2"/],
    ];
    for (const [cfg, re] of cases) {
      let err: unknown = null;
      try { planKerasModel(cfg, K2); } catch (e) { err = e; }
      expect(err, re.source).toBeInstanceOf(ConfigError);
      expect((err as Error).message, re.source).toMatch(re);
    }
  });
});
