// Layers to and from plain JSON, TF.js style: { className, config } with config = layer.getConfig(). The registry of
// class names is the list of layers a config may hold.
import { Layer, type SerializedLayer } from './layer.js';
import { Embedding } from './embedding.js';
import { Masking } from './masking.js';
import { LSTM } from './lstm.js';
import { GRU } from './gru.js';
import { SimpleRNN } from './simple-rnn.js';
import { Bidirectional } from './bidirectional.js';
import { Attention } from './attention.js';
import { Dense } from './dense.js';
import { ActivationLayer } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Dropout } from './dropout.js';
import { SpatialDropout1D } from './spatial-dropout1d.js';
import { GlobalAveragePooling1D } from './global-average-pooling1d.js';
import { GlobalMaxPooling1D } from './global-max-pooling1d.js';
import { Flatten } from './flatten.js';
import { LeakyReLU } from './leaky-relu.js';
import { RepeatVector } from './repeat-vector.js';
import { Conv1D } from './conv1d.js';
import { MaxPooling1D } from './max-pooling1d.js';
import { AveragePooling1D } from './average-pooling1d.js';
import { GaussianNoise, GaussianDropout } from './gaussian-noise.js';
import { ConfigError, describeValue, isPlainObject, didYouMean } from '../errors.js';

/** className -> fromConfig, in the order error messages list them. */
const CLASSES: Record<string, (config: unknown) => Layer> = {
  Embedding: Embedding.fromConfig,
  Masking: Masking.fromConfig,
  LSTM: LSTM.fromConfig,
  GRU: GRU.fromConfig,
  SimpleRNN: SimpleRNN.fromConfig,
  Bidirectional: Bidirectional.fromConfig,
  Attention: Attention.fromConfig,
  Dense: Dense.fromConfig,
  Activation: ActivationLayer.fromConfig,
  BatchNormalization: BatchNormalization.fromConfig,
  Dropout: Dropout.fromConfig,
  SpatialDropout1D: SpatialDropout1D.fromConfig,
  GlobalAveragePooling1D: GlobalAveragePooling1D.fromConfig,
  GlobalMaxPooling1D: GlobalMaxPooling1D.fromConfig,
  Flatten: Flatten.fromConfig,
  LeakyReLU: LeakyReLU.fromConfig,
  RepeatVector: RepeatVector.fromConfig,
  Conv1D: Conv1D.fromConfig,
  MaxPooling1D: MaxPooling1D.fromConfig,
  AveragePooling1D: AveragePooling1D.fromConfig,
  GaussianNoise: GaussianNoise.fromConfig,
  GaussianDropout: GaussianDropout.fromConfig,
};

/** The class names deserializeLayer knows. */
export const layerClassNames: readonly string[] = Object.keys(CLASSES);

/** { className, config } of a layer (Keras `layers.serialize`). */
export function serializeLayer(layer: Layer): SerializedLayer {
  return { className: layer.className, config: layer.getConfig() };
}

/** The layer a { className, config } describes (Keras `layers.deserialize`), with its saved name. */
export function deserializeLayer(serialized: unknown): Layer {
  const where = 'layers.deserialize';
  if (!isPlainObject(serialized)) throw new ConfigError(`${where}: expected { className, config }, got ${describeValue(serialized)}.`);
  const extra = Object.keys(serialized).find((k) => k !== 'className' && k !== 'config');
  if (extra !== undefined) throw new ConfigError(`${where}: expected only the keys className and config, got ${JSON.stringify(extra)}.`);
  const { className, config } = serialized;
  if (typeof className !== 'string' || !Object.hasOwn(CLASSES, className)) {
    throw new ConfigError(`${where}: expected className to be one of ${layerClassNames.join(', ')}, got ${describeValue(className)}.${didYouMean(className, layerClassNames)}`);
  }
  return CLASSES[className](config);
}
