// The `layers` namespace: factory functions in the TF.js style (layers.dense({ units: 1 })), one per layer class, and
// serialize/deserialize to and from { className, config }.
import { Embedding, type EmbeddingArgs } from './embedding.js';
import { LSTM, type LSTMArgs } from './lstm.js';
import { GRU, type GRUArgs } from './gru.js';
import { SimpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
import { Bidirectional, type BidirectionalArgs } from './bidirectional.js';
import { Attention, type AttentionArgs } from './attention.js';
import { Dense, type DenseArgs } from './dense.js';
import { ActivationLayer, type ActivationArgs } from './activation.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { SpatialDropout1D, type SpatialDropout1DArgs } from './spatial-dropout1d.js';
import { GlobalAveragePooling1D, type GlobalAveragePooling1DArgs } from './global-average-pooling1d.js';
import { GlobalMaxPooling1D, type GlobalMaxPooling1DArgs } from './global-max-pooling1d.js';
import { Masking, type MaskingArgs } from './masking.js';
import { Flatten, type FlattenArgs } from './flatten.js';
import { LeakyReLU, type LeakyReLUArgs } from './leaky-relu.js';
import { RepeatVector, type RepeatVectorArgs } from './repeat-vector.js';
import { Conv1D, type Conv1DArgs } from './conv1d.js';
import { MaxPooling1D, type MaxPooling1DArgs } from './max-pooling1d.js';
import { AveragePooling1D, type AveragePooling1DArgs } from './average-pooling1d.js';
import { GaussianNoise, GaussianDropout, type GaussianNoiseArgs, type GaussianDropoutArgs } from './gaussian-noise.js';
import { serializeLayer, deserializeLayer } from './serialization.js';
import { BASE_KEYS } from './layer.js';
import { GLOBAL_POOLING_KEYS } from './global-pooling1d.js';
import { checkOptionKeys } from '../errors.js';

/** Each factory's options beyond the base ones (name, trainable, inputShape, batchInputShape): a misspelt option is
 *  a ConfigError suggesting the closest, not silently a default. */
const KEYS: Record<string, readonly string[]> = {
  embedding: ['inputDim', 'outputDim', 'inputLength', 'embeddingsInitializer', 'maskZero', 'weights'],
  lstm: ['units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer',
    'biasInitializer', 'unitForgetBias', 'returnSequences', 'goBackwards', 'zeroOutputForMask', 'dropout', 'recurrentDropout'],
  gru: ['units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer',
    'biasInitializer', 'returnSequences', 'goBackwards', 'resetAfter', 'zeroOutputForMask', 'dropout', 'recurrentDropout'],
  simpleRNN: ['units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
    'returnSequences', 'goBackwards', 'zeroOutputForMask', 'dropout', 'recurrentDropout'],
  bidirectional: ['layer', 'mergeMode'],
  attention: ['returnSequences', 'wInitializer', 'bInitializer'],
  dense: ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
  activation: ['activation'],
  batchNormalization: ['axis', 'momentum', 'epsilon', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer'],
  dropout: ['rate', 'noiseShape', 'seed'],
  spatialDropout1D: ['rate', 'seed'],
  globalAveragePooling1D: GLOBAL_POOLING_KEYS,
  globalMaxPooling1D: GLOBAL_POOLING_KEYS,
  masking: ['maskValue'],
  flatten: ['dataFormat'],
  leakyReLU: ['alpha'],
  repeatVector: ['n'],
  conv1d: ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'dataFormat'],
  maxPooling1D: ['poolSize', 'strides', 'padding', 'dataFormat'],
  averagePooling1D: ['poolSize', 'strides', 'padding', 'dataFormat'],
  gaussianNoise: ['stddev', 'seed'],
  gaussianDropout: ['rate', 'seed'],
};

function checked<A>(factory: string, args: A): A {
  checkOptionKeys(args, `layers.${factory}`, [...BASE_KEYS, ...KEYS[factory]]);
  return args;
}

export const layers = {
  embedding: (args: EmbeddingArgs) => new Embedding(checked('embedding', args)),
  lstm: (args: LSTMArgs) => new LSTM(checked('lstm', args)),
  gru: (args: GRUArgs) => new GRU(checked('gru', args)),
  simpleRNN: (args: SimpleRNNArgs) => new SimpleRNN(checked('simpleRNN', args)),
  bidirectional: (args: BidirectionalArgs) => new Bidirectional(checked('bidirectional', args)),
  attention: (args?: AttentionArgs) => new Attention(checked('attention', args)),
  dense: (args: DenseArgs) => new Dense(checked('dense', args)),
  activation: (args: ActivationArgs) => new ActivationLayer(checked('activation', args)),
  batchNormalization: (args?: BatchNormalizationArgs) => new BatchNormalization(checked('batchNormalization', args)),
  dropout: (args: DropoutArgs) => new Dropout(checked('dropout', args)),
  spatialDropout1D: (args: SpatialDropout1DArgs) => new SpatialDropout1D(checked('spatialDropout1D', args)),
  globalAveragePooling1D: (args?: GlobalAveragePooling1DArgs) => new GlobalAveragePooling1D(checked('globalAveragePooling1D', args)),
  globalMaxPooling1D: (args?: GlobalMaxPooling1DArgs) => new GlobalMaxPooling1D(checked('globalMaxPooling1D', args)),
  masking: (args?: MaskingArgs) => new Masking(checked('masking', args)),
  flatten: (args?: FlattenArgs) => new Flatten(checked('flatten', args)),
  leakyReLU: (args?: LeakyReLUArgs) => new LeakyReLU(checked('leakyReLU', args)),
  repeatVector: (args: RepeatVectorArgs) => new RepeatVector(checked('repeatVector', args)),
  conv1d: (args: Conv1DArgs) => new Conv1D(checked('conv1d', args)),
  maxPooling1D: (args?: MaxPooling1DArgs) => new MaxPooling1D(checked('maxPooling1D', args)),
  averagePooling1D: (args?: AveragePooling1DArgs) => new AveragePooling1D(checked('averagePooling1D', args)),
  gaussianNoise: (args: GaussianNoiseArgs) => new GaussianNoise(checked('gaussianNoise', args)),
  gaussianDropout: (args: GaussianDropoutArgs) => new GaussianDropout(checked('gaussianDropout', args)),
  /** { className, config } of a layer, as in a model config (Keras `layers.serialize`). */
  serialize: serializeLayer,
  /** The layer a { className, config } describes, with its saved name (Keras `layers.deserialize`). */
  deserialize: deserializeLayer,
};

export { Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Attention, Dense, ActivationLayer, BatchNormalization, Dropout, SpatialDropout1D,
  GlobalAveragePooling1D, GlobalMaxPooling1D, Masking, Flatten, LeakyReLU, RepeatVector, Conv1D, MaxPooling1D, AveragePooling1D, GaussianNoise, GaussianDropout };
export type { EmbeddingArgs, LSTMArgs, GRUArgs, SimpleRNNArgs, BidirectionalArgs, AttentionArgs, DenseArgs, ActivationArgs, BatchNormalizationArgs, DropoutArgs, SpatialDropout1DArgs,
  GlobalAveragePooling1DArgs, GlobalMaxPooling1DArgs, MaskingArgs, FlattenArgs, LeakyReLUArgs, RepeatVectorArgs, Conv1DArgs, MaxPooling1DArgs, AveragePooling1DArgs, GaussianNoiseArgs, GaussianDropoutArgs };
