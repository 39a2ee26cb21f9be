// textClassifier: the reference text model the CLI trains, Embedding(maskZero) -> Bi-LSTM, Bi-GRU or Bi-SimpleRNN (returnSequences) ->
// attention -> [dropout] -> Dense, with the head and loss chosen by the number of classes.
import { ConfigError, describeValue, checkOptionKeys } from '../errors.js';
import { layers } from '../layers/index.js';
import { sequential, type Sequential } from './sequential.js';

export interface TextClassifierArgs {
  /** Token ids 1..vocabSize-1 (0 is padding, masked). */
  vocabSize: number;
  /** Tokens per text (the attention layer has one bias per step). */
  maxlen: number;
  /** Number of classes: 2 gives one sigmoid unit, more a softmax over them. */
  classes: number;
  /** Embedding size (default 32). */
  embeddingDim?: number;
  /** Units per direction (default 32). */
  units?: number;
  /** The recurrent layer in the Bidirectional: 'lstm' (default), 'gru' (Keras 3's GRU: resetAfter true) or 'simpleRNN'. */
  cell?: 'lstm' | 'gru' | 'simpleRNN';
  /** Dropout rate before the output layer; 0 (default) adds no layer. */
  dropout?: number;
  /** The model's seed (default: the library's DEFAULT_SEED). */
  seed?: number;
}

/**
 * The reference text classifier, not compiled: `loss` is what to compile it with (binaryCrossentropy for 2 classes,
 * with labels 0/1; sparseCategoricalCrossentropy for more, with class ids).
 */
export function textClassifier(args: TextClassifierArgs): { model: Sequential; loss: 'binaryCrossentropy' | 'sparseCategoricalCrossentropy' } {
  checkOptionKeys(args, 'textClassifier', ['vocabSize', 'maxlen', 'classes', 'embeddingDim', 'units', 'cell', 'dropout', 'seed']);
  const classes = args?.classes;
  if (!Number.isInteger(classes) || classes < 2) throw new ConfigError(`textClassifier: expected classes to be an integer >= 2, got ${describeValue(classes)}.`);
  const dropout = args.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new ConfigError(`textClassifier: expected dropout to be a rate in [0, 1), got ${describeValue(args.dropout)}.`);
  const cell = args.cell ?? 'lstm';
  if (cell !== 'lstm' && cell !== 'gru' && cell !== 'simpleRNN') throw new ConfigError(`textClassifier: expected cell to be 'lstm', 'gru' or 'simpleRNN', got ${describeValue(args.cell)}.`);
  const binary = classes === 2;
  const model = sequential({ ...(args.seed === undefined ? {} : { seed: args.seed }), layers: [
    layers.embedding({ inputDim: args.vocabSize, outputDim: args.embeddingDim ?? 32, inputLength: args.maxlen, maskZero: true }),
    layers.bidirectional({ layer: layers[cell]({ units: args.units ?? 32, returnSequences: true }), mergeMode: 'concat' }),
    layers.attention({ returnSequences: false }),
    ...(dropout > 0 ? [layers.dropout({ rate: dropout })] : []),
    layers.dense({ units: binary ? 1 : classes, activation: binary ? 'sigmoid' : 'softmax' }),
  ]});
  return { model, loss: binary ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy' };
}
