// Losses (Keras names and semantics): which kernel runs, whether it fuses with the last layer's sigmoid or softmax
// (computed from logits, unclipped, as tf.keras does), and how labels are laid out.
import { ConfigError, didYouMean } from '../errors.js';

export type LossName = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

const ALIASES: Record<string, LossName> = {
  binaryCrossentropy: 'binaryCrossentropy', binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy', sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  meanSquaredError: 'meanSquaredError', mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError',
};

export function getLoss(spec: unknown): LossName {
  const l = typeof spec === 'string' ? ALIASES[spec] : undefined;
  if (!l) throw new ConfigError(`compile: expected loss to be one of ${Object.keys(ALIASES).join(', ')}, got ${JSON.stringify(spec)}.${didYouMean(spec, Object.keys(ALIASES))}`);
  return l;
}

/** The activation whose logits the loss uses directly when the model ends in it. */
export function fusedActivation(loss: LossName): 'sigmoid' | 'softmax' | null {
  if (loss === 'binaryCrossentropy') return 'sigmoid';
  if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') return 'softmax';
  return null;
}
