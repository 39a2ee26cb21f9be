// Losses (Keras names and semantics): which kernel runs, whether it fuses with the last layer's sigmoid or softmax
// (computed from logits, unclipped, as tf.keras does, fromLogits or not), how labels are laid out, and the loss options of Keras's loss
// classes (fromLogits, labelSmoothing) with the public `losses` namespace that builds them.
import { ConfigError, describeValue, didYouMean, isPlainObject } from '../errors.js';

export type LossName = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

/**
 * A loss with options, as Keras's loss classes take them (`keras.losses.BinaryCrossentropy(from_logits=True,
 * label_smoothing=0.1)`): `losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 })` builds one, and
 * compile takes it where it takes a loss name. fromLogits: the model's output is the logits (a last layer without
 * sigmoid/softmax), the loss applies the sigmoid or softmax itself, and predictions stay logits. labelSmoothing s in
 * [0, 1]: binary labels become y (1 - s) + s / 2, categorical ones y (1 - s) + s / K (float32, as Keras 2).
 */
export interface LossConfig {
  name: LossName;
  fromLogits?: boolean;
  labelSmoothing?: number;
}

/** A compiled loss: its name and both options (defaults filled in). */
export interface Loss { name: LossName; fromLogits: boolean; labelSmoothing: number }

const NAMES = {
  binaryCrossentropy: 'binaryCrossentropy', binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy', sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  meanSquaredError: 'meanSquaredError', mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError',
} as const satisfies Record<string, LossName>;
/** compile's loss names: this library's and Keras's snake_case ones. */
export type LossString = keyof typeof NAMES;
const ALIASES: Record<string, LossName | undefined> = NAMES;

/** The options each loss takes (Keras's: sparse categorical cross-entropy has no label smoothing, MSE neither). */
const OPTIONS: Record<LossName, readonly ('fromLogits' | 'labelSmoothing')[]> = {
  binaryCrossentropy: ['fromLogits', 'labelSmoothing'],
  categoricalCrossentropy: ['fromLogits', 'labelSmoothing'],
  sparseCategoricalCrossentropy: ['fromLogits'],
  meanSquaredError: [],
};

/** compile's loss: a name (or Keras's snake_case alias), or a LossConfig; checked, with the defaults filled in. */
export function getLoss(spec: unknown, where = 'compile'): Loss {
  if (typeof spec === 'string') {
    const name = ALIASES[spec];
    if (!name) throw new ConfigError(`${where}: expected loss to be one of ${Object.keys(ALIASES).join(', ')}, got ${JSON.stringify(spec)}.${didYouMean(spec, Object.keys(ALIASES))}`);
    return { name, fromLogits: false, labelSmoothing: 0 };
  }
  if (!isPlainObject(spec)) {
    throw new ConfigError(`${where}: expected loss to be a loss name or { name, fromLogits, labelSmoothing } (losses.binaryCrossentropy({ ... })), got ${describeValue(spec)}.`);
  }
  const name = typeof spec.name === 'string' ? ALIASES[spec.name] : undefined;
  if (!name) throw new ConfigError(`${where}: expected loss.name to be one of ${Object.keys(ALIASES).join(', ')}, got ${describeValue(spec.name)}.${didYouMean(spec.name, Object.keys(ALIASES))}`);
  return { name, ...lossOptions(name, spec, `${where}: loss ${name}`) };
}

/** Checks a loss's options (known keys for that loss, a boolean fromLogits, labelSmoothing a number in [0, 1]). */
function lossOptions(name: LossName, o: Record<string, unknown>, where: string): { fromLogits: boolean; labelSmoothing: number } {
  const known = OPTIONS[name];
  for (const k of Object.keys(o)) {
    if (k === 'name' || (known as readonly string[]).includes(k)) continue;
    const takes = known.length ? `its options are ${known.join(', ')}` : 'it takes no options';
    throw new ConfigError(`${where}: expected no option ${JSON.stringify(k)} (${takes}).${didYouMean(k, known)}`);
  }
  const fromLogits = o.fromLogits ?? false;
  if (typeof fromLogits !== 'boolean') throw new ConfigError(`${where}: expected fromLogits to be true or false, got ${describeValue(fromLogits)}.`);
  const labelSmoothing = o.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ConfigError(`${where}: expected labelSmoothing to be a number in [0, 1], got ${describeValue(labelSmoothing)}.`);
  }
  return { fromLogits, labelSmoothing };
}

/** What getCompileConfig stores: the name alone when both options are their defaults (files keep their bytes). */
export function lossConfig(l: Loss): LossName | LossConfig {
  if (!l.fromLogits && l.labelSmoothing === 0) return l.name;
  const c: LossConfig = { name: l.name };
  if (l.fromLogits) c.fromLogits = true;
  if (l.labelSmoothing !== 0) c.labelSmoothing = l.labelSmoothing;
  return c;
}

/**
 * The activation whose logits the loss uses directly when the model ends in it, with fromLogits or without: tf.keras
 * (and Keras 3 on TensorFlow) takes a sigmoid's or softmax's input as the logits whatever from_logits says
 * (backend._get_logits, with a warning when from_logits=True), so a loss fromLogits on a model ending in sigmoid
 * trains as the same loss without it.
 */
export function fusedActivation(loss: Loss): 'sigmoid' | 'softmax' | null {
  if (loss.name === 'binaryCrossentropy') return 'sigmoid';
  if (loss.name === 'categoricalCrossentropy' || loss.name === 'sparseCategoricalCrossentropy') return 'softmax';
  return null;
}

function factory<N extends LossName>(name: N) {
  return (options: Omit<LossConfig, 'name'> = {}): LossConfig => {
    if (!isPlainObject(options)) throw new ConfigError(`losses.${name}: expected options { ${OPTIONS[name].join(', ')} }, got ${describeValue(options)}.`);
    // (the options given, checked; only those the loss takes, so compile takes the result)
    const config = lossConfig({ name, ...lossOptions(name, options, `losses.${name}`) });
    return typeof config === 'string' ? { name } : config;
  };
}

/**
 * Losses with options, for compile (Keras's `keras.losses.BinaryCrossentropy(from_logits=True)`):
 * `model.compile({ optimizer: 'adam', loss: losses.binaryCrossentropy({ fromLogits: true }) })`.
 */
export const losses = {
  binaryCrossentropy: factory('binaryCrossentropy'),
  categoricalCrossentropy: factory('categoricalCrossentropy'),
  sparseCategoricalCrossentropy: factory('sparseCategoricalCrossentropy') as (options?: { fromLogits?: boolean }) => LossConfig,
  meanSquaredError: factory('meanSquaredError') as () => LossConfig,
};
