// Layer configs: every option of every layer class survives getConfig -> JSON -> fromConfig (same config, same
// weights and outputs for the same seed), and bad configs fail with a ConfigError naming the layer, the option, what
// was expected and what was found.
import { describe, it, expect } from 'vitest';
import {
  layers, Layer, Embedding, Masking, LSTM, Bidirectional, Attention, Dense, ActivationLayer, BatchNormalization, Dropout,
  SpatialDropout1D, GlobalAveragePooling1D, GlobalMaxPooling1D,
  ConfigError, type ConfigDict,
} from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { isPlainJson, viaJson } from '../helpers/json.js';

/** Seeded floats in [-1, 1) for layer inputs. */
function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = (s >>> 8) / 2 ** 23 - 1; }
  return out;
}

interface Case {
  make: () => Layer;
  fromConfig: (c: unknown) => Layer;
  /** The config with every option not at its default (written out: an option getConfig drops fails here). */
  expected: ConfigDict;
  inShape: number[];
  ids?: boolean;
  training?: boolean;
}

const cases: Record<string, Case> = {
  Embedding: {
    make: () => layers.embedding({ name: 'emb_all', trainable: false, inputShape: [6], inputDim: 9, outputDim: 3, inputLength: 6,
      embeddingsInitializer: { name: 'randomUniform', minval: -0.2, maxval: 0.3 }, maskZero: true }),
    fromConfig: Embedding.fromConfig,
    expected: { name: 'emb_all', trainable: false, batchInputShape: [null, 6], inputDim: 9, outputDim: 3, inputLength: 6,
      embeddingsInitializer: { name: 'randomUniform', minval: -0.2, maxval: 0.3 }, maskZero: true },
    inShape: [6], ids: true,
  },
  Masking: {
    make: () => layers.masking({ name: 'mask_all', trainable: false, batchInputShape: [4, 5, 3], maskValue: -1.5 }),
    fromConfig: Masking.fromConfig,
    expected: { name: 'mask_all', trainable: false, batchInputShape: [4, 5, 3], maskValue: -1.5 },
    inShape: [5, 3],
  },
  LSTM: {
    make: () => layers.lstm({ name: 'lstm_all', trainable: false, units: 3, activation: 'relu', recurrentActivation: 'hardSigmoid',
      kernelInitializer: { name: 'randomNormal', mean: 0.1, stddev: 0.2 }, recurrentInitializer: { name: 'orthogonal', gain: 0.5 },
      biasInitializer: { name: 'constant', value: 0.25 }, unitForgetBias: false, returnSequences: true, goBackwards: true,
      zeroOutputForMask: true }),
    fromConfig: LSTM.fromConfig,
    expected: { name: 'lstm_all', trainable: false, units: 3, activation: 'relu', recurrentActivation: 'hardSigmoid', useBias: true,
      kernelInitializer: { name: 'randomNormal', mean: 0.1, stddev: 0.2 }, recurrentInitializer: { name: 'orthogonal', gain: 0.5 },
      biasInitializer: { name: 'constant', value: 0.25 }, unitForgetBias: false, returnSequences: true, goBackwards: true,
      zeroOutputForMask: true, dropout: 0, recurrentDropout: 0 },
    inShape: [5, 2],
  },
  'LSTM without bias': {
    make: () => layers.lstm({ name: 'lstm_nobias', units: 2, useBias: false, biasInitializer: 'ones', kernelInitializer: 'leCunUniform' }),
    fromConfig: LSTM.fromConfig,
    expected: { name: 'lstm_nobias', trainable: true, units: 2, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: false,
      kernelInitializer: 'leCunUniform', recurrentInitializer: 'orthogonal', biasInitializer: 'ones', unitForgetBias: true,
      returnSequences: false, goBackwards: false, zeroOutputForMask: false, dropout: 0, recurrentDropout: 0 },
    inShape: [4, 3],
  },
  'LSTM with Keras 3 hard sigmoids': {
    make: () => layers.lstm({ name: 'lstm_k3', units: 3, activation: 'hardSigmoidKeras3', recurrentActivation: 'hardSigmoidKeras3', returnSequences: true }),
    fromConfig: LSTM.fromConfig,
    expected: { name: 'lstm_k3', trainable: true, units: 3, activation: 'hardSigmoidKeras3', recurrentActivation: 'hardSigmoidKeras3', useBias: true,
      kernelInitializer: 'glorotUniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros', unitForgetBias: true,
      returnSequences: true, goBackwards: false, zeroOutputForMask: false, dropout: 0, recurrentDropout: 0 },
    inShape: [5, 2],
  },
  Bidirectional: {
    make: () => layers.bidirectional({ name: 'bi_all', trainable: false, inputShape: [5, 2], mergeMode: 'ave',
      layer: layers.lstm({ name: 'inner', units: 3, returnSequences: true, recurrentActivation: 'hardSigmoid', kernelInitializer: 'heUniform' }) }),
    fromConfig: Bidirectional.fromConfig,
    // (the wrapped layer's trainable is written as the wrapper's: Keras sets both together)
    expected: { name: 'bi_all', trainable: false, batchInputShape: [null, 5, 2], mergeMode: 'ave', layer: { className: 'LSTM', config: {
      name: 'inner', trainable: false, units: 3, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true,
      kernelInitializer: 'heUniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros', unitForgetBias: true,
      returnSequences: true, goBackwards: false, zeroOutputForMask: false, dropout: 0, recurrentDropout: 0 } } },
    inShape: [5, 2],
  },
  Attention: {
    make: () => layers.attention({ name: 'att_all', trainable: false, returnSequences: false,
      wInitializer: { name: 'uniform', minval: -0.3, maxval: 0.1 }, bInitializer: 'ones' }),
    fromConfig: Attention.fromConfig,
    expected: { name: 'att_all', trainable: false, returnSequences: false, wInitializer: { name: 'uniform', minval: -0.3, maxval: 0.1 }, bInitializer: 'ones' },
    inShape: [5, 3],
  },
  Dense: {
    make: () => layers.dense({ name: 'dense_all', trainable: false, inputShape: [4], units: 2, activation: 'softmax', useBias: false,
      kernelInitializer: 'heUniform', biasInitializer: 'ones' }),
    fromConfig: Dense.fromConfig,
    expected: { name: 'dense_all', trainable: false, batchInputShape: [null, 4], units: 2, activation: 'softmax', useBias: false,
      kernelInitializer: 'heUniform', biasInitializer: 'ones' },
    inShape: [4],
  },
  Activation: {
    make: () => layers.activation({ name: 'act_all', trainable: false, activation: 'hardSigmoid' }),
    fromConfig: ActivationLayer.fromConfig,
    expected: { name: 'act_all', trainable: false, activation: 'hardSigmoid' },
    inShape: [3, 4],
  },
  'Activation (hardSigmoidKeras3)': {
    make: () => layers.activation({ name: 'act_k3', activation: 'hardSigmoidKeras3' }),
    fromConfig: ActivationLayer.fromConfig,
    expected: { name: 'act_k3', trainable: true, activation: 'hardSigmoidKeras3' },
    inShape: [3, 4],
  },
  'Dense (hardSigmoidKeras3)': {
    make: () => layers.dense({ name: 'dense_k3', units: 3, activation: 'hardSigmoidKeras3' }),
    fromConfig: Dense.fromConfig,
    expected: { name: 'dense_k3', trainable: true, units: 3, activation: 'hardSigmoidKeras3', useBias: true,
      kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' },
    inShape: [4],
  },
  BatchNormalization: {
    make: () => layers.batchNormalization({ name: 'bn_all', trainable: false, axis: -1, momentum: 0.9, epsilon: 0.01,
      gammaInitializer: { name: 'constant', value: 2 }, betaInitializer: 'ones', movingMeanInitializer: { name: 'randomNormal', stddev: 0.1 },
      movingVarianceInitializer: { name: 'constant', value: 3 } }),
    fromConfig: BatchNormalization.fromConfig,
    expected: { name: 'bn_all', trainable: false, axis: -1, momentum: 0.9, epsilon: 0.01, betaInitializer: 'ones',
      gammaInitializer: { name: 'constant', value: 2 }, movingMeanInitializer: { name: 'randomNormal', stddev: 0.1 },
      movingVarianceInitializer: { name: 'constant', value: 3 } },
    inShape: [3, 4],
  },
  'BatchNormalization (training)': {
    make: () => layers.batchNormalization({ name: 'bn_train', momentum: 0.5, epsilon: 0.1 }),
    fromConfig: BatchNormalization.fromConfig,
    expected: { name: 'bn_train', trainable: true, axis: -1, momentum: 0.5, epsilon: 0.1, betaInitializer: 'zeros',
      gammaInitializer: 'ones', movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones' },
    inShape: [3, 4], training: true,
  },
  Dropout: {
    make: () => layers.dropout({ name: 'drop_all', trainable: false, rate: 0.3, seed: 7 }),
    fromConfig: Dropout.fromConfig,
    expected: { name: 'drop_all', trainable: false, rate: 0.3, seed: 7 },
    inShape: [3, 4], training: true,
  },
  SpatialDropout1D: {
    make: () => layers.spatialDropout1D({ name: 'sdrop_all', trainable: false, rate: 0.4, seed: 3 }),
    fromConfig: SpatialDropout1D.fromConfig,
    expected: { name: 'sdrop_all', trainable: false, rate: 0.4, seed: 3 },
    inShape: [3, 4], training: true,
  },
  GlobalAveragePooling1D: {
    make: () => layers.globalAveragePooling1D({ name: 'gap_all', trainable: false, inputShape: [3, 4], dataFormat: 'channels_last', keepdims: true }),
    fromConfig: GlobalAveragePooling1D.fromConfig,
    expected: { name: 'gap_all', trainable: false, batchInputShape: [null, 3, 4], dataFormat: 'channels_last', keepdims: true },
    inShape: [3, 4],
  },
  GlobalMaxPooling1D: {
    make: () => layers.globalMaxPooling1D({ name: 'gmp_all', trainable: false, keepdims: true }),
    fromConfig: GlobalMaxPooling1D.fromConfig,
    expected: { name: 'gmp_all', trainable: false, dataFormat: 'channels_last', keepdims: true },
    inShape: [3, 4],
  },
};

describe('every option round-trips through getConfig / fromConfig', () => {
  for (const [label, c] of Object.entries(cases)) {
    it(label, () => {
      const original = c.make();
      const config = original.getConfig();
      expect(config).toStrictEqual(c.expected);
      expect(isPlainJson(config)).toBe(true);
      const rebuilt = c.fromConfig(viaJson(config));
      expect(rebuilt.constructor).toBe(original.constructor);
      expect(rebuilt.name).toBe(original.name);
      expect(rebuilt.getConfig()).toStrictEqual(config);
      // layers.deserialize(layers.serialize(x)) is the same path by class name
      const again = layers.deserialize(viaJson(layers.serialize(original)));
      expect(again.getConfig()).toStrictEqual(config);

      // Same seed -> same initial weights, outputs and gradients, bit for bit
      const B = 2;
      const n = B * c.inShape.reduce((a, b) => a * b, 1);
      const x = c.ids ? Array.from({ length: n }, (_, i) => (i * 5) % 9) : floats(n, 3);
      const run = (l: Layer) => runLayer(l, c.inShape, B, x, null, { ids: c.ids, seed: 11, training: c.training ?? false });
      const a = run(original), b = run(rebuilt);
      expect(b.layer.weights.map((w) => w.name)).toEqual(a.layer.weights.map((w) => w.name));
      expect(b.weights).toEqual(a.weights);
      expect(b.y).toEqual(a.y);
      const dy = floats(a.y.length, 5);
      const ga = runLayer(c.make(), c.inShape, B, x, dy, { ids: c.ids, seed: 11, training: c.training ?? false });
      const gb = runLayer(c.fromConfig(viaJson(config)), c.inShape, B, x, dy, { ids: c.ids, seed: 11, training: c.training ?? false });
      expect(gb.grads).toEqual(ga.grads);
      expect(gb.dx).toEqual(ga.dx);
    });
  }

  it('defaults: a layer made with no options lists every option in its config, and round-trips', () => {
    const all = [
      layers.embedding({ inputDim: 3, outputDim: 2 }), layers.masking(), layers.lstm({ units: 1 }),
      layers.bidirectional({ layer: layers.lstm({ units: 1 }) }), layers.attention(), layers.dense({ units: 1 }),
      layers.activation({ activation: 'relu' }), layers.batchNormalization(), layers.dropout({ rate: 0 }),
      layers.spatialDropout1D({ rate: 0.5 }), layers.globalAveragePooling1D(), layers.globalMaxPooling1D(),
    ];
    for (const l of all) {
      const config = l.getConfig();
      expect(isPlainJson(config)).toBe(true);
      expect(Object.keys(config).slice(0, 2)).toEqual(['name', 'trainable']);
      expect(layers.deserialize(viaJson(layers.serialize(l))).getConfig()).toStrictEqual(config);
    }
    expect(Object.keys(all[2].getConfig())).toEqual(['name', 'trainable', 'units', 'activation', 'recurrentActivation', 'useBias',
      'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'unitForgetBias', 'returnSequences', 'goBackwards',
      'zeroOutputForMask', 'dropout', 'recurrentDropout']);
  });

  it('a config is a fresh copy: changing it, or the options object given, does not change the layer', () => {
    const init = { name: 'randomUniform' as const, minval: -0.1, maxval: 0.1 };
    const l = layers.dense({ units: 2, kernelInitializer: init });
    init.maxval = 5;
    const c = l.getConfig();
    (c.kernelInitializer as { maxval: number }).maxval = 9;
    expect(l.getConfig().kernelInitializer).toEqual({ name: 'randomUniform', minval: -0.1, maxval: 0.1 });
    expect(l.kernelInitializer).toEqual({ name: 'randomUniform', minval: -0.1, maxval: 0.1 });
  });

  it('trainable set after construction is what the config says', () => {
    const l = layers.dense({ units: 1 });
    l.trainable = false;
    expect(Dense.fromConfig(viaJson(l.getConfig())).trainable).toBe(false);
  });
});

describe('bidirectional keeps the wrapped layer as given', () => {
  it('a rebuild has forward_<inner> / backward_<inner> layers and the same weight names (not forward_forward_)', () => {
    const bi = layers.bidirectional({ name: 'bi_names', layer: layers.lstm({ name: 'enc', units: 2, returnSequences: true }) });
    const rebuilt = Bidirectional.fromConfig(viaJson(bi.getConfig()));
    expect(rebuilt.forwardLayer.name).toBe('forward_enc');
    expect(rebuilt.backwardLayer.name).toBe('backward_enc');
    expect(rebuilt.layer.name).toBe('enc');
    bi.build([4, 3]); rebuilt.build([4, 3]);
    expect(rebuilt.weights.map((w) => w.name)).toEqual(bi.weights.map((w) => w.name));
    expect(bi.weights.map((w) => w.name)).toEqual([
      'bi_names/forward_enc/kernel', 'bi_names/forward_enc/recurrent_kernel', 'bi_names/forward_enc/bias',
      'bi_names/backward_enc/kernel', 'bi_names/backward_enc/recurrent_kernel', 'bi_names/backward_enc/bias']);
    // the saved inner layer is the one given: forward direction, its own zeroOutputForMask
    expect((bi.getConfig().layer as { config: ConfigDict }).config).toMatchObject({ name: 'enc', goBackwards: false, zeroOutputForMask: false });
  });

  it('a goBackwards inner layer stays goBackwards (the backward copy is the forward one flipped)', () => {
    const bi = layers.bidirectional({ layer: layers.lstm({ units: 2, goBackwards: true }) });
    const rebuilt = Bidirectional.fromConfig(viaJson(bi.getConfig()));
    expect([rebuilt.forwardLayer.goBackwards, rebuilt.backwardLayer.goBackwards]).toEqual([true, false]);
  });
});

describe('bad configs', () => {
  const lstmKeys = 'name, trainable, inputShape, batchInputShape, units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias, returnSequences, goBackwards, zeroOutputForMask, dropout, recurrentDropout';

  it('an unknown className lists the known classes', () => {
    expect(() => layers.deserialize({ className: 'ConvLSTM1D', config: { units: 2 } })).toThrow(ConfigError);
    expect(() => layers.deserialize({ className: 'ConvLSTM1D', config: { units: 2 } })).toThrow(
      'layers.deserialize: expected className to be one of Embedding, Masking, LSTM, GRU, SimpleRNN, Bidirectional, Attention, Dense, Activation, BatchNormalization, Dropout, SpatialDropout1D, GlobalAveragePooling1D, GlobalMaxPooling1D, Flatten, LeakyReLU, RepeatVector, Conv1D, MaxPooling1D, AveragePooling1D, GaussianNoise, GaussianDropout, got "ConvLSTM1D".');
    expect(() => layers.deserialize({ className: 'toString', config: {} })).toThrow(/expected className to be one of .*, got "toString"\./);
    expect(() => layers.deserialize({ config: {} })).toThrow(/expected className to be one of .*, got undefined\./);
    expect(() => layers.deserialize({ className: 'Dense', config: { units: 1 }, weights: [] })).toThrow('layers.deserialize: expected only the keys className and config, got "weights".');
    expect(() => layers.deserialize([])).toThrow('layers.deserialize: expected { className, config }, got [].');
  });

  it('an unknown option names the class and lists the known options', () => {
    expect(() => LSTM.fromConfig({ units: 2, recurrentDropot: 0 })).toThrow(ConfigError);
    expect(() => LSTM.fromConfig({ units: 2, recurrentDropot: 0 })).toThrow(`LSTM.fromConfig: expected options among ${lstmKeys}, got an unknown option "recurrentDropot".`);
    expect(() => Embedding.fromConfig({ inputDim: 3, outputDim: 2, weights: [[1, 2]] })).toThrow(/^Embedding\.fromConfig: expected options among .*, got an unknown option "weights"\.$/);
    expect(() => Dense.fromConfig(null)).toThrow('Dense.fromConfig: expected a config object (what getConfig() returns), got null.');
    expect(() => Dense.fromConfig(layers.dense({ units: 1 }))).toThrow('Dense.fromConfig: expected a config object (what getConfig() returns), got an instance of Dense.');
  });

  it('bad values name the layer and the option, what was expected and what was found', () => {
    const bad: [() => unknown, string | RegExp][] = [
      [() => LSTM.fromConfig({ name: 'l1', units: -1 }), 'layers.lstm(l1): expected units to be a positive integer, got -1.'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, returnSequences: 'yes' }), 'layers.lstm(l1): expected returnSequences to be true or false, got "yes".'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, recurrentActivation: 'gelu' }), 'layers.lstm(l1): expected recurrentActivation to be one of linear, sigmoid, tanh, relu, hardSigmoid, hardSigmoidKeras3, got "gelu".'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, kernelInitializer: 'xavier' }), 'layers.lstm(l1): expected kernelInitializer to be one of zeros, ones, glorotUniform, glorotNormal, heUniform, leCunUniform, uniform, randomUniform, normal, randomNormal, orthogonal, constant (or { name, ...parameters }), got "xavier".'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, recurrentInitializer: { name: 'orthogonal', seed: 3 } }), 'layers.lstm(l1): expected recurrentInitializer orthogonal to have parameters among gain, got "seed".'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, biasInitializer: { name: 'constant', value: '1' } }), 'layers.lstm(l1): expected biasInitializer.value to be a finite number, got "1".'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, recurrentDropout: -0.2 }), 'layers.lstm(l1): expected recurrentDropout to be a rate in [0, 1), got -0.2.'],
      [() => LSTM.fromConfig({ name: 'l1', units: 2, dropout: 1 }), 'layers.lstm(l1): expected dropout to be a rate in [0, 1), got 1.'],
      [() => Embedding.fromConfig({ name: 'e1', inputDim: 4, outputDim: 2, maskZero: 1 }), 'layers.embedding(e1): expected maskZero to be true or false, got 1.'],
      [() => Embedding.fromConfig({ name: 'e1', inputDim: 4, outputDim: 2, embeddingsInitializer: { name: 'zeros', value: 1 } }), 'layers.embedding(e1): expected embeddingsInitializer zeros to have no parameters, got "value".'],
      [() => Masking.fromConfig({ name: 'm1', maskValue: 'pad' }), 'layers.masking(m1): expected maskValue to be a finite number, got "pad".'],
      [() => layers.masking({ name: 'm1', maskValue: Infinity }), 'layers.masking(m1): expected maskValue to be a finite number, got Infinity.'],
      [() => Bidirectional.fromConfig({ name: 'b1', mergeMode: 'toString', layer: { className: 'LSTM', config: { units: 1 } } }), 'layers.bidirectional(b1): expected mergeMode to be one of concat, sum, mul, ave, got "toString".'],
      [() => Bidirectional.fromConfig({ name: 'b1', layer: { className: 'ConvLSTM1D', config: { units: 1 } } }), `Bidirectional.fromConfig: expected layer to be { className: 'LSTM', 'GRU' or 'SimpleRNN', config: {...} } (only those can be wrapped), got {"className":"ConvLSTM1D","config":{"units":1}}.`],
      [() => Bidirectional.fromConfig({ name: 'b1', layer: { className: 'LSTM', config: { name: 'i1', units: 0 } } }), 'layers.lstm(i1): expected units to be a positive integer, got 0.'],
      [() => Attention.fromConfig({ name: 'a1', bInitializer: 'glorot_uniform' }), /^layers\.attention\(a1\): expected bInitializer to be one of .*, got "glorot_uniform"\. Did you mean "glorotUniform"\?$/],
      [() => Dense.fromConfig({ name: 'd1', units: 2, useBias: 'false' }), 'layers.dense(d1): expected useBias to be true or false, got "false".'],
      [() => Dense.fromConfig({ name: 'd1', units: 2, activation: 'hardSwish' }), 'layers.dense(d1): expected activation to be one of linear, sigmoid, tanh, relu, hardSigmoid, hardSigmoidKeras3, softmax, elu, selu, relu6, softplus, softsign, swish, gelu, mish, got "hardSwish".'],
      [() => ActivationLayer.fromConfig({ name: 'a2', activation: 3 }), /^layers\.activation\(a2\): expected activation to be one of .*, got 3\.$/],
      [() => BatchNormalization.fromConfig({ name: 'n1', momentum: '0.9' }), 'layers.batchNormalization(n1): expected momentum to be a number in [0, 1], got "0.9".'],
      [() => BatchNormalization.fromConfig({ name: 'n1', epsilon: 0 }), 'layers.batchNormalization(n1): expected epsilon to be a finite number > 0, got 0.'],
      [() => BatchNormalization.fromConfig({ name: 'n1', axis: 1 }), 'layers.batchNormalization(n1): expected axis -1 (only the last axis is supported), got axis 1.'],
      [() => BatchNormalization.fromConfig({ name: 'n1', gammaInitializer: { name: 'uniform', maxval: null } }), 'layers.batchNormalization(n1): expected gammaInitializer.maxval to be a finite number, got null.'],
      [() => Dropout.fromConfig({ name: 'r1', rate: 2 }), 'layers.dropout(r1): expected rate in [0, 1], got 2.'],
      [() => Dropout.fromConfig({ name: 'r1', rate: 0.5, seed: -1 }), 'layers.dropout(r1): expected seed to be a non-negative integer, got -1.'],
      [() => Dropout.fromConfig({ name: 'r1', rate: 0.5, noiseShape: [1, 4] }), 'layers.dropout(r1): noiseShape is not supported yet, got [1,4].'],
      [() => SpatialDropout1D.fromConfig({ name: 's1', rate: -0.1 }), 'layers.spatialDropout1D(s1): expected rate in [0, 1], got -0.1.'],
      [() => layers.spatialDropout1D({ name: 's1', rate: 0.1, seed: 1.5 }), 'layers.spatialDropout1D(s1): expected seed to be a non-negative integer, got 1.5.'],
      [() => layers.spatialDropout1D({ name: 's1', rate: 0.1, trainable: 1 as unknown as boolean }), 'layers.spatialDropout1D(s1): expected trainable to be true or false, got 1.'],
      [() => GlobalAveragePooling1D.fromConfig({ name: 'p1', dataFormat: 'channels_first' }), "layers.globalAveragePooling1D(p1): expected dataFormat 'channels_last' (input [batch, time, features]), got 'channels_first': [batch, features, time] input is not supported; transpose it to [batch, time, features]."],
      [() => layers.globalMaxPooling1D({ name: 'p2', dataFormat: 'channels_first' as 'channels_last' }), "layers.globalMaxPooling1D(p2): expected dataFormat 'channels_last' (input [batch, time, features]), got 'channels_first': [batch, features, time] input is not supported; transpose it to [batch, time, features]."],
      [() => GlobalMaxPooling1D.fromConfig({ name: 'p2', dataFormat: 'NWC' }), "layers.globalMaxPooling1D(p2): expected dataFormat to be 'channels_last', got \"NWC\"."],
      [() => GlobalAveragePooling1D.fromConfig({ name: 'p1', keepdims: 'no' }), 'layers.globalAveragePooling1D(p1): expected keepdims to be true or false, got "no".'],
      [() => GlobalMaxPooling1D.fromConfig({ name: 'p2', mask: true }), /^GlobalMaxPooling1D\.fromConfig: expected options among name, trainable, inputShape, batchInputShape, dataFormat, keepdims, got an unknown option "mask"\.$/],
      [() => SpatialDropout1D.fromConfig({ name: 's1', rate: 0.1, noiseShape: null }), /^SpatialDropout1D\.fromConfig: expected options among name, trainable, inputShape, batchInputShape, rate, seed, got an unknown option "noiseShape"\.$/],
      [() => Dense.fromConfig({ name: 'd2', units: 1, trainable: 'no' }), 'layers.dense(d2): expected trainable to be true or false, got "no".'],
      [() => Dense.fromConfig({ name: 'd2', units: 1, batchInputShape: [null, 0] }), 'layers.dense(d2): expected batchInputShape to be an array of at least 2 positive integers or nulls, got [null,0].'],
      [() => Dense.fromConfig({ name: 'd2', units: 1, inputShape: [3], batchInputShape: [null, 4] }), 'layers.dense(d2): expected inputShape and batchInputShape to agree, got inputShape [3] and batchInputShape [null, 4]. Give one of them.'],
      [() => BatchNormalization.fromConfig({ name: '' }), 'layers.batchNormalization: expected name to be a non-empty string, got "".'],
    ];
    for (const [f, msg] of bad) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err, String(msg)).toBeInstanceOf(ConfigError);
      if (typeof msg === 'string') expect((err as Error).message).toBe(msg);
      else expect((err as Error).message).toMatch(msg);
    }
  });
});
