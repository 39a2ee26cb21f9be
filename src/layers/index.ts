// The `layers` namespace: factory functions in the TF.js style (layers.dense({ units: 1 })), one per layer class, and
// serialize/deserialize to and from { className, config }.
import { Embedding, type EmbeddingArgs } from './embedding.js';
import { LSTM, type LSTMArgs } from './lstm.js';
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
import { serializeLayer, deserializeLayer } from './serialization.js';

export const layers = {
  embedding: (args: EmbeddingArgs) => new Embedding(args),
  lstm: (args: LSTMArgs) => new LSTM(args),
  bidirectional: (args: BidirectionalArgs) => new Bidirectional(args),
  attention: (args?: AttentionArgs) => new Attention(args),
  dense: (args: DenseArgs) => new Dense(args),
  activation: (args: ActivationArgs) => new ActivationLayer(args),
  batchNormalization: (args?: BatchNormalizationArgs) => new BatchNormalization(args),
  dropout: (args: DropoutArgs) => new Dropout(args),
  spatialDropout1D: (args: SpatialDropout1DArgs) => new SpatialDropout1D(args),
  globalAveragePooling1D: (args?: GlobalAveragePooling1DArgs) => new GlobalAveragePooling1D(args),
  globalMaxPooling1D: (args?: GlobalMaxPooling1DArgs) => new GlobalMaxPooling1D(args),
  masking: (args?: MaskingArgs) => new Masking(args),
  /** { className, config } of a layer, as in a model config (Keras `layers.serialize`). */
  serialize: serializeLayer,
  /** The layer a { className, config } describes, with its saved name (Keras `layers.deserialize`). */
  deserialize: deserializeLayer,
};

export { Embedding, LSTM, Bidirectional, Attention, Dense, ActivationLayer, BatchNormalization, Dropout, SpatialDropout1D,
  GlobalAveragePooling1D, GlobalMaxPooling1D, Masking };
export type { EmbeddingArgs, LSTMArgs, BidirectionalArgs, AttentionArgs, DenseArgs, ActivationArgs, BatchNormalizationArgs, DropoutArgs, SpatialDropout1DArgs,
  GlobalAveragePooling1DArgs, GlobalMaxPooling1DArgs, MaskingArgs };
