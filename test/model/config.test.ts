// Model, optimizer and compile configs: Sequential.fromConfig(JSON of getConfig()) is the same model (config, names,
// summary, initial weight bytes, predictions, training), optimizers.fromConfig inverts optimizer.getConfig(), and
// compileFromConfig inverts getCompileConfig(). Bad configs fail with a ConfigError that says where.
import { describe, it, expect } from 'vitest';
import {
  Sequential, sequential, layers, optimizers, Adam, SGD, RMSprop, ConfigError, type Optimizer,
} from '../../src/index.js';
import { smallData, weightBytes } from '../helpers/models.js';
import { isPlainJson, viaJson } from '../helpers/json.js';

/** The reference model of the issue, with non-default options along the way. */
function referenceModel(seed = 2024): Sequential {
  return sequential({ seed, name: 'reference', layers: [
    layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7, maskZero: true }),
    layers.batchNormalization({ momentum: 0.9 }),
    layers.activation({ activation: 'tanh' }),
    layers.dropout({ rate: 0.25 }),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true, recurrentInitializer: { name: 'orthogonal', gain: 0.9 } }) }),
    layers.attention({ returnSequences: false }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}

const quiet = () => {};

describe('Sequential.getConfig / fromConfig', () => {
  it('the reference model round-trips: config, layer and weight names, summary, weight bytes, predictions', () => {
    const m = referenceModel();
    const config = m.getConfig();
    expect(isPlainJson(config)).toBe(true);
    expect(config.className).toBe('Sequential');
    expect(config.config.seed).toBe(2024);
    expect(config.config.name).toBe('reference');
    expect(config.config.layers.map((l) => l.className)).toEqual(
      ['Embedding', 'BatchNormalization', 'Activation', 'Dropout', 'Bidirectional', 'Attention', 'Dropout', 'Dense']);

    const r = Sequential.fromConfig(viaJson(config));
    expect(r.getConfig()).toStrictEqual(config);
    expect(r.name).toBe(m.name);
    expect(r.seed).toBe(m.seed);
    expect(r.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    expect(r.weightNames).toEqual(m.weightNames);
    expect(r.weightNames.filter((n) => n.includes('forward_forward'))).toEqual([]);
    expect(r.summary(undefined, undefined, quiet)).toBe(m.summary(undefined, undefined, quiet));
    expect(weightBytes(r)).toEqual(weightBytes(m));

    const { x } = smallData(9, 3);
    for (let i = 0; i < x.data.length; i += 4) x.data[i] = 0; // padding, so the mask matters
    const pm = m.predict(x, { returnAttention: true }), pr = r.predict(x, { returnAttention: true });
    expect(new Uint32Array(pr.data.buffer)).toEqual(new Uint32Array(pm.data.buffer));
    expect(new Uint32Array(pr.attention[0].data.buffer)).toEqual(new Uint32Array(pm.attention[0].data.buffer));
    // and once more: the rebuilt model's config rebuilds the same model
    expect(Sequential.fromConfig(viaJson(r.getConfig())).getConfig()).toStrictEqual(config);
  });

  it('with the compile config, training the rebuilt model gives the same weight bytes (dropout, shuffling, optimizer)', async () => {
    const m = referenceModel(5);
    m.compile({ optimizer: optimizers.rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true, clipnorm: 1 }), loss: 'binary_crossentropy', metrics: ['acc'] });
    const r = Sequential.fromConfig(viaJson(m.getConfig()));
    r.compileFromConfig(viaJson(m.getCompileConfig()));
    expect(r.getCompileConfig()).toStrictEqual(m.getCompileConfig());
    const { x, y } = smallData(40, 11);
    const hm = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const hr = await r.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(hr.history).toEqual(hm.history);
    expect(Object.keys(hr.history)).toContain('acc');
    expect(weightBytes(r)).toEqual(weightBytes(m));
  });

  it('the seed in the config decides the initial weights', () => {
    const config = referenceModel(1).getConfig();
    const other = viaJson(config);
    other.config.seed = 2;
    expect(weightBytes(Sequential.fromConfig(other))).not.toEqual(weightBytes(Sequential.fromConfig(config)));
  });

  it('fromConfig uses the saved names and draws no new unique names', () => {
    const suffix = (name: string) => Number(/_(\d+)$/.exec(name)?.[1] ?? 0);
    const config = viaJson(referenceModel().getConfig());
    const before = layers.dense({ units: 1 }).name;
    const m0 = sequential().name;
    const r = Sequential.fromConfig(config);
    const after = layers.dense({ units: 1 }).name;
    expect(suffix(after)).toBe(suffix(before) + 1);
    expect(suffix(sequential().name)).toBe(suffix(m0) + 1);
    expect(r.layers.map((l) => l.name)).toEqual(config.config.layers.map((l) => l.config.name));
  });

  it('a first layer with inputShape (not an embedding) keeps it as batchInputShape', () => {
    const m = sequential({ seed: 3, layers: [
      layers.masking({ maskValue: -1, inputShape: [6, 2] }),
      layers.lstm({ units: 3, unitForgetBias: false, biasInitializer: { name: 'constant', value: 0.1 } }),
      layers.dense({ units: 2, activation: 'softmax', kernelInitializer: 'glorotNormal' }),
    ]});
    const config = m.getConfig();
    expect(config.config.layers[0].config.batchInputShape).toEqual([null, 6, 2]);
    const r = Sequential.fromConfig(viaJson(config));
    expect(r.getConfig()).toStrictEqual(config);
    expect(r.outputShape).toEqual([2]);
    expect(weightBytes(r)).toEqual(weightBytes(m));
    const x = { data: Float32Array.from({ length: 3 * 12 }, (_, i) => (i % 5 === 0 ? -1 : Math.sin(i))), shape: [3, 6, 2] };
    expect(new Uint32Array(r.predict(x).data.buffer)).toEqual(new Uint32Array(m.predict(x).data.buffer));
  });

  it('a model without a declared input shape round-trips and is built from the data as before', () => {
    const m = sequential({ layers: [layers.dense({ units: 2, useBias: false })] });
    const r = Sequential.fromConfig(viaJson(m.getConfig()));
    expect(r.getConfig()).toStrictEqual(m.getConfig());
    expect(r.predict([[1, 2, 3]]).shape).toEqual([1, 2]);
  });

  it('bad model configs say where', () => {
    const good = viaJson(referenceModel().getConfig());
    const bad: [unknown, string | RegExp][] = [
      [null, "Sequential.fromConfig: expected { className: 'Sequential', config: { name, seed, layers } } (what model.getConfig() returns), got null."],
      [{ ...good, className: 'Functional' }, "Sequential.fromConfig: expected className to be 'Sequential' (the only model class), got \"Functional\"."],
      [good.config, "Sequential.fromConfig: expected className to be 'Sequential' (the only model class), got undefined."],
      [{ ...good, weights: [] }, /^Sequential\.fromConfig: expected .*, got an unknown key "weights"\.$/],
      [{ className: 'Sequential', config: { ...good.config, optimizer: 'adam' } }, 'Sequential.fromConfig: expected config keys among name, seed, layers, got an unknown key "optimizer".'],
      [{ className: 'Sequential', config: { ...good.config, seed: -3 } }, 'Sequential.fromConfig: expected seed to be a non-negative integer, got -3.'],
      [{ className: 'Sequential', config: { ...good.config, seed: '7' } }, 'Sequential.fromConfig: expected seed to be a non-negative integer, got "7".'],
      [{ className: 'Sequential', config: { ...good.config, name: 3 } }, 'Sequential.fromConfig: expected name to be a non-empty string, got 3.'],
      [{ className: 'Sequential', config: { ...good.config, layers: {} } }, 'Sequential.fromConfig: expected layers to be an array of { className, config }, got {}.'],
      [{ className: 'Sequential', config: { ...good.config, layers: [good.config.layers[0], { className: 'ConvLSTM1D', config: {} }] } },
        'Sequential.fromConfig: layers[1]: layers.deserialize: expected className to be one of Embedding, Masking, LSTM, GRU, SimpleRNN, Bidirectional, Attention, Dense, Activation, BatchNormalization, Dropout, SpatialDropout1D, GlobalAveragePooling1D, GlobalMaxPooling1D, Flatten, LeakyReLU, RepeatVector, Conv1D, MaxPooling1D, AveragePooling1D, GaussianNoise, GaussianDropout, got "ConvLSTM1D".'],
    ];
    const withBadUnits = viaJson(good);
    withBadUnits.config.layers[7].config.units = 1.5;
    bad.push([withBadUnits, `Sequential.fromConfig: layers[7]: layers.dense(${good.config.layers[7].config.name}): expected units to be a positive integer, got 1.5.`]);
    const withBadInner = viaJson(good);
    (withBadInner.config.layers[4].config.layer as { config: Record<string, unknown> }).config.goBackwards = 'true';
    bad.push([withBadInner, /^Sequential\.fromConfig: layers\[4\]: layers\.lstm\(lstm(_\d+)?\): expected goBackwards to be true or false, got "true"\.$/]);
    for (const [c, msg] of bad) {
      let err: unknown;
      try { Sequential.fromConfig(c); } catch (e) { err = e; }
      expect(err, String(msg)).toBeInstanceOf(ConfigError);
      if (typeof msg === 'string') expect((err as Error).message).toBe(msg);
      else expect((err as Error).message).toMatch(msg);
    }
  });
});

describe('optimizer configs', () => {
  const all: Optimizer[] = [
    optimizers.adam(),
    optimizers.adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, amsgrad: true, lazy: true, globalClipnorm: 2 }),
    optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipvalue: 0.5 }),
    optimizers.rmsprop({ learningRate: 0.005, rho: 0.7, momentum: 0.3, epsilon: 1e-5, centered: true, clipnorm: 3 }),
  ];

  it('optimizers.fromConfig(getConfig()) is the same optimizer, and trains to the same bytes', () => {
    for (const o of all) {
      const config = o.getConfig();
      expect(isPlainJson(config)).toBe(true);
      const r = optimizers.fromConfig(viaJson(config));
      expect(r.constructor).toBe(o.constructor);
      expect(r.getConfig()).toStrictEqual(config);
      expect(r).not.toBe(o);
      const train = (opt: Optimizer) => {
        const m = referenceModel(9);
        m.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
        const { x, y } = smallData(6, 4);
        m.trainOnBatch(x, y); m.trainOnBatch(x, y);
        return weightBytes(m);
      };
      expect(train(r)).toEqual(train(optimizers.fromConfig(viaJson(config))));
    }
    expect(optimizers.fromConfig({ name: 'sgd' })).toBeInstanceOf(SGD);
    expect(optimizers.fromConfig({ name: 'rmsprop' })).toBeInstanceOf(RMSprop);
    expect(optimizers.fromConfig({ name: 'adam' })).toBeInstanceOf(Adam);
  });

  it('compile accepts an optimizer config', () => {
    const m = referenceModel();
    m.compile({ optimizer: { name: 'sgd', learningRate: 0.3 }, loss: 'mse' });
    expect(m.optimizer).toBeInstanceOf(SGD);
    expect(m.getCompileConfig()).toStrictEqual({ optimizer: { name: 'sgd', learningRate: 0.3, momentum: 0, nesterov: false }, loss: 'meanSquaredError', metrics: [] });
  });

  it('bad optimizer configs', () => {
    const bad: [unknown, string][] = [
      [{ name: 'adagrad' }, 'optimizers.fromConfig: expected name to be one of adam, sgd, rmsprop, got "adagrad".'],
      [{ learningRate: 0.1 }, 'optimizers.fromConfig: expected name to be one of adam, sgd, rmsprop, got undefined.'],
      ['adam', 'optimizers.fromConfig: expected { name, ...options } (what optimizer.getConfig() returns), got "adam".'],
      [{ name: 'sgd', beta1: 0.9 }, 'optimizers.fromConfig: expected sgd options among learningRate, momentum, nesterov, clipnorm, globalClipnorm, clipvalue, got an unknown option "beta1".'],
      [{ name: 'adam', amsgrad: 'yes' }, 'optimizers.adam: expected amsgrad to be true or false, got "yes".'],
      [{ name: 'rmsprop', rho: 1 }, 'optimizers.rmsprop: expected rho in [0, 1), got 1.'],
      [{ name: 'sgd', learningRate: null }, 'optimizers.sgd: expected learningRate >= 0, got null.'],
    ];
    for (const [c, msg] of bad) {
      expect(() => optimizers.fromConfig(c)).toThrow(ConfigError);
      expect(() => optimizers.fromConfig(c)).toThrow(msg);
    }
  });
});

describe('getCompileConfig / compileFromConfig', () => {
  it('is null before compile and round-trips after', () => {
    const m = referenceModel();
    expect(m.getCompileConfig()).toBeNull();
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.003, amsgrad: true }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const c = m.getCompileConfig()!;
    expect(isPlainJson(c)).toBe(true);
    expect(c).toStrictEqual({
      optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true, lazy: false },
      loss: 'binaryCrossentropy', metrics: ['accuracy'],
    });
    const r = referenceModel();
    r.compileFromConfig(viaJson(c));
    expect(r.getCompileConfig()).toStrictEqual(c);
    expect(r.optimizer).not.toBe(m.optimizer);
    // the returned config is a copy
    c.metrics.push('acc');
    expect(m.getCompileConfig()!.metrics).toEqual(['accuracy']);
  });

  it('carries weightedMetrics only when there are some (an optional key)', () => {
    const m = referenceModel();
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy', 'f1'] });
    const c = m.getCompileConfig()!;
    expect(c.weightedMetrics).toEqual(['accuracy', 'f1']);
    const r = referenceModel();
    r.compileFromConfig(viaJson(c));
    expect(r.getCompileConfig()).toStrictEqual(c);
    expect(r.metricsNames).toEqual(['loss', 'accuracy', 'weighted_accuracy', 'f1']);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'], weightedMetrics: [] });
    expect('weightedMetrics' in m.getCompileConfig()!).toBe(false);
  });

  it('bad compile configs', () => {
    const m = referenceModel();
    expect(() => m.compileFromConfig(null)).toThrow('compileFromConfig: expected { optimizer, loss, metrics, weightedMetrics } (what model.getCompileConfig() returns), got null.');
    expect(() => m.compileFromConfig({ optimizer: { name: 'adam' }, loss: 'mse', lossWeights: [1] })).toThrow('compileFromConfig: expected keys among optimizer, loss, metrics, weightedMetrics, got an unknown key "lossWeights".');
    expect(() => m.compileFromConfig({ optimizer: { name: 'adam' }, loss: 'mse', weightedMetrics: ['auroc'] })).toThrow(/^compile: expected each of weightedMetrics to be one of /);
    expect(() => m.compileFromConfig({ optimizer: { name: 'adam' }, loss: 'hinge' })).toThrow(/^compile: expected loss to be one of .*, got "hinge"\.$/);
    expect(() => m.compileFromConfig({ optimizer: 'adam', loss: 'mse' })).toThrow(ConfigError);
    expect(m.getCompileConfig()).toBeNull();
  });
});
