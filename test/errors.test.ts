// The error helpers: edit distance, the "Did you mean" suggestion for unknown names, the options check; and each
// public place that takes a name suggests the closest valid one.
import { describe, it, expect } from 'vitest';
import { editDistance, didYouMean, checkOptionKeys } from '../src/errors.js';
import { sequential, layers, optimizers, ConfigError } from '../src/index.js';
import { smallModel } from './helpers/models.js';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and adjacent swaps once each', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('adam', 'adam')).toBe(0);
    expect(editDistance('adam', 'adm')).toBe(1);
    expect(editDistance('adam', 'adamw')).toBe(1);
    expect(editDistance('adam', 'odam')).toBe(1);
    expect(editDistance('dense', 'dnese')).toBe(1); // a swap, not two substitutions
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('didYouMean', () => {
  const losses = ['binaryCrossentropy', 'binary_crossentropy', 'categoricalCrossentropy', 'mse'];
  it('suggests the closest name, ignoring case and underscores, first in list order on a tie', () => {
    expect(didYouMean('binaryCrossEntropy', losses)).toBe(' Did you mean "binaryCrossentropy"?');
    expect(didYouMean('BINARY_CROSSENTROPY', losses)).toBe(' Did you mean "binaryCrossentropy"?');
    expect(didYouMean('categoricalCrosentropy', losses)).toBe(' Did you mean "categoricalCrossentropy"?');
    expect(didYouMean('mes', losses)).toBe(' Did you mean "mse"?');
  });
  it('suggests nothing for a far name, a non-string, an empty or an exact one', () => {
    expect(didYouMean('hinge', losses)).toBe('');
    expect(didYouMean('msle', ['mse', 'mae'])).toBe(''); // a short name one letter off is likely another real name
    expect(didYouMean('gelu', ['relu', 'tanh'])).toBe('');
    expect(didYouMean('sdg', ['adam', 'sgd'])).toBe(' Did you mean "sgd"?'); // but a swap is a typo
    expect(didYouMean('xyz', ['mse'])).toBe('');
    expect(didYouMean(3, losses)).toBe('');
    expect(didYouMean('', losses)).toBe('');
    expect(didYouMean('mse', ['mse'])).toBe('');
  });
});

describe('checkOptionKeys', () => {
  it('takes undefined and known keys; refuses other types and unknown keys, suggesting the closest', () => {
    expect(() => checkOptionKeys(undefined, 'f', ['batchSize'])).not.toThrow();
    expect(() => checkOptionKeys({ batchSize: 2 }, 'f', ['batchSize'])).not.toThrow();
    expect(() => checkOptionKeys(5, 'f', ['batchSize'])).toThrow(new ConfigError('f: expected options { batchSize }, got 5.'));
    expect(() => checkOptionKeys({ batchsize: 2 }, 'f', ['batchSize', 'epochs'])).toThrow(
      new ConfigError('f: expected options among batchSize, epochs, got an unknown option "batchsize". Did you mean "batchSize"?'));
  });
});

describe('unknown names suggest the closest valid one', () => {
  const cases: [string, () => unknown, string][] = [
    ['loss', () => smallModel(1).compile({ optimizer: 'adam', loss: 'binaryCrossEntropy' as 'binaryCrossentropy' }),
      'got "binaryCrossEntropy". Did you mean "binaryCrossentropy"?'],
    ['optimizer name', () => smallModel(1).compile({ optimizer: 'adma' as 'adam', loss: 'mse' }), 'got "adma". Did you mean "adam"?'],
    ['optimizer config name', () => optimizers.fromConfig({ name: 'rmsporp' }), 'got "rmsporp". Did you mean "rmsprop"?'],
    ['optimizer option', () => optimizers.adam({ learningrate: 0.1 } as object), 'got an unknown option "learningrate". Did you mean "learningRate"?'],
    ['compile option', () => smallModel(1).compile({ optimizer: 'adam', loss: 'mse', metric: ['acc'] } as never), 'got an unknown option "metric". Did you mean "metrics"?'],
    ['metric', () => smallModel(1).compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy' as 'accuracy'] }), 'got "acuracy". Did you mean "accuracy"?'],
    ['activation', () => layers.dense({ units: 1, activation: 'sigmod' as 'sigmoid' }), 'got "sigmod". Did you mean "sigmoid"?'],
    ['recurrent activation', () => layers.lstm({ units: 1, recurrentActivation: 'hard_sigmoid' as 'hardSigmoid' }), 'got "hard_sigmoid". Did you mean "hardSigmoid"?'],
    ['initializer', () => layers.dense({ units: 1, kernelInitializer: 'glorot_uniform' as 'glorotUniform' }), 'got "glorot_uniform". Did you mean "glorotUniform"?'],
    ['initializer by config', () => layers.dense({ units: 1, kernelInitializer: { name: 'orthogonl' } as never }), 'Did you mean "orthogonal"?'],
    ['layer class', () => layers.deserialize({ className: 'Dnese', config: { units: 1 } }), 'got "Dnese". Did you mean "Dense"?'],
    ['layer class in a model config', () => sequential().constructor.prototype.constructor.fromConfig({ className: 'Sequential', config: { name: 's', layers: [{ className: 'LTSM', config: { units: 1 } }] } }), 'Did you mean "LSTM"?'],
    ['layer option', () => layers.dense({ units: 1, activaton: 'relu' } as never), 'got an unknown option "activaton". Did you mean "activation"?'],
    ['layer option (base)', () => layers.lstm({ units: 1, inputshape: [3, 2] } as never), 'got an unknown option "inputshape". Did you mean "inputShape"?'],
    ['layer option in a config', () => layers.deserialize({ className: 'Dense', config: { unit: 1 } }), 'got an unknown option "unit". Did you mean "units"?'],
    ['predict option', () => smallModel(1).predict([[1, 2, 3, 4, 5, 6, 7]], { batchsize: 1 } as object), 'got an unknown option "batchsize". Did you mean "batchSize"?'],
  ];
  it('every layer factory checks its option names (a base option and one of its own pass)', () => {
    for (const [name, make] of Object.entries(layers)) {
      if (name === 'serialize' || name === 'deserialize') continue;
      expect(() => (make as (a: object) => unknown)({ name: `x_${name}`, bogus: 1 }), name).toThrow(new RegExp(`^layers\\.${name}: expected options among name, trainable, .*got an unknown option "bogus"\\.$`));
    }
    expect(() => layers.dense(undefined as never)).toThrow(new ConfigError('layers.dense: expected an options object, got undefined.'));
    expect(() => layers.lstm(5 as never)).toThrow(new ConfigError('layers.lstm: expected options { name, trainable, inputShape, batchInputShape, units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias, returnSequences, goBackwards, zeroOutputForMask, dropout, recurrentDropout }, got 5.'));
  });

  it('model, init and loader options are checked by name too', async () => {
    const { init, loadModel, loadWordVectors, splitDataset } = await import('../src/index.js');
    expect(() => sequential({ layer: [] } as never)).toThrow(new ConfigError('sequential: expected options among layers, seed, name, got an unknown option "layer". Did you mean "layers"?'));
    expect(() => sequential(5 as never)).toThrow(new ConfigError('sequential: expected options { layers, seed, name }, got 5.'));
    await expect(init({ thread: 2 } as never)).rejects.toThrow(new ConfigError('init: expected options among threads, module, wasm, threadsModule, threadsWasm, spinMicros, got an unknown option "thread". Did you mean "threads"?'));
    await expect(loadModel(new Uint8Array(0), { onprogress: () => {} } as never)).rejects.toThrow(new ConfigError('loadModel: expected options among onProgress, signal, got an unknown option "onprogress". Did you mean "onProgress"?'));
    await expect(loadWordVectors(new Uint8Array(0), { wordIndex: {} }, { dim: 3, dimm: 2 } as never)).rejects.toThrow(/^loadWordVectors: expected options among dim, onProgress, signal, got an unknown option "dimm"\. Did you mean "dim"\?$/);
    const ds = { texts: ['a', 'b'], labels: Int32Array.of(0, 1), classNames: ['x', 'y'] };
    expect(() => splitDataset(ds, { testfraction: 0.5 } as never)).toThrow(/^splitDataset: expected options among testFraction, seed, got an unknown option "testfraction"\. Did you mean "testFraction"\?$/);
    expect(() => splitDataset(5 as never)).toThrow(new ConfigError('splitDataset: expected a dataset { texts, labels: Int32Array of as many, classNames } (what loadCsv, loadTextFolder and datasets give), got 5.'));
    expect(() => splitDataset({ ...ds, labels: [0, 1] } as never)).toThrow(ConfigError);
    expect(splitDataset(ds, { testFraction: 0.5 }).test.texts.length).toBe(1);
    const { loadKerasModel, loadTfjsModel } = await import('../src/index.js');
    await expect(loadKerasModel(new Uint8Array(4), { customobjects: {} } as never)).rejects.toThrow(/^loadKerasModel: expected options among customObjects, onProgress, signal, got an unknown option "customobjects"\. Did you mean "customObjects"\?$/);
    await expect(loadTfjsModel({ files: {} }, { sginal: null } as never)).rejects.toThrow(/^loadTfjsModel: .*got an unknown option "sginal"\. Did you mean "signal"\?$/);
    await expect(smallModel(1).save(undefined, { includeoptimizer: true } as never)).rejects.toThrow(/^save: .*got an unknown option "includeoptimizer"\. Did you mean "includeOptimizer"\?$/);
  });

  it.each(cases)('%s', (_name, run, tail) => {
    let err: unknown;
    try { run(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const m = (err as Error).message;
    expect(m).toMatch(/: expected .*, got /);
    expect(m.endsWith(tail)).toBe(true);
  });
});
