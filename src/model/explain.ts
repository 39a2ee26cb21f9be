// explain(): raw texts -> tokenizer -> padSequences -> predict with attention -> per text the real tokens, their
// attention weights (every attention layer), the probabilities and the predicted label, as plain JSON.
import { ConfigError, ValueError, describeValue, isPlainObject, checkOptionKeys } from '../errors.js';
import { Tokenizer, tokenizerFromJSON } from '../data/tokenizer.js';
import { padSequences, type PadMode } from '../data/pad-sequences.js';
import { Embedding } from '../layers/embedding.js';
import { Attention } from '../layers/attention.js';
import type { Sequential } from './sequential.js';

export interface ExplainOptions {
  /** Sequence length; default model.metadata.preprocessing.maxlen, else the model's input length. */
  maxlen?: number;
  /** Default model.metadata.preprocessing.padding, else 'pre' (Keras's pad_sequences default). */
  padding?: PadMode;
  /** Default model.metadata.preprocessing.truncating, else 'pre' (Keras's pad_sequences default). */
  truncating?: PadMode;
  /** Batch size of the prediction (default 32). */
  batchSize?: number;
}

/** One attention layer's weights over a text's real tokens. */
export interface TokenAttention {
  /** The attention layer's name. */
  layer: string;
  /** One weight per token of `tokens`, as the model computed it (not renormalized). */
  weights: number[];
  /** The weight the layer gave padding steps (0 under maskZero; 1 - sum(weights) up to rounding otherwise). */
  paddingWeight: number;
}

/** What explain() returns per text; plain JSON (JSON.stringify round-trips it). */
export interface Explanation {
  /** The input text. */
  text: string;
  /** The tokens the model saw, in order: the tokenizer's word (or character) for each id kept after truncation.
   *  An out-of-vocabulary word shows as the tokenizer's oovToken (what the model saw); without an oovToken the
   *  tokenizer drops it, so it is not here either. tokens.join(' ') equals tokenizer.sequencesToTexts([ids])[0]. */
  tokens: string[];
  /** The ids of `tokens` (no padding). */
  ids: number[];
  /** The first attention layer's weights, one per token (= attention[0].weights). */
  weights: number[];
  /** Every attention layer in model order. */
  attention: TokenAttention[];
  /** The model's output row: [p(class 1)] for a single sigmoid unit, else one probability per class. */
  probabilities: number[];
  /** The predicted class id: p > 0.5 with one output unit, else the argmax (first on ties). */
  classId: number;
  /** model.metadata.labels[classId] when labels are set, else classId. */
  label: string | number;
  /** The probability of the predicted class (1 - p for class 0 of a single sigmoid unit). */
  probability: number;
}

function checkMode(v: unknown, name: string): PadMode | undefined {
  if (v === undefined) return undefined;
  if (v !== 'pre' && v !== 'post') throw new ConfigError(`explain: expected ${name} to be 'pre' or 'post', got ${describeValue(v)}.`);
  return v;
}

function resolveTokenizer(tok: Tokenizer | string | null | undefined, model: Sequential): Tokenizer {
  if (tok instanceof Tokenizer) return tok;
  const src = tok ?? model.metadata.tokenizer;
  if (typeof src === 'string') return tokenizerFromJSON(src);
  if (isPlainObject(src)) return tokenizerFromJSON(JSON.stringify(src));
  throw new ConfigError(`explain: expected a tokenizer (a Tokenizer, its toJSON() string, or model.metadata.tokenizer), got ${describeValue(src)}.`);
}

/**
 * Explains the model's prediction for each text: the texts go through the tokenizer and padSequences with the
 * model's preprocessing metadata, then `model.predict(x, { returnAttention: true })`. `tokenizer` may be a Tokenizer,
 * its toJSON() string, or null to use model.metadata.tokenizer. The model must take token ids (an embedding first)
 * and have an attention layer; its output must be [N, classes].
 */
export function explain(model: Sequential, tokenizer: Tokenizer | string | null, texts: readonly string[], options: ExplainOptions = {}): Explanation[] {
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
    const bad = Array.isArray(texts) ? `texts[${texts.findIndex((t) => typeof t !== 'string')}] = ${describeValue(texts.find((t) => typeof t !== 'string'))}` : describeValue(texts);
    throw new ValueError(`explain: expected texts to be an array of strings, got ${bad}.`);
  }
  if (!isPlainObject(options as unknown)) throw new ConfigError(`explain: expected options to be an object, got ${describeValue(options)}.`);
  checkOptionKeys(options, 'explain', ['maxlen', 'padding', 'truncating', 'batchSize']);
  const tok = resolveTokenizer(tokenizer, model);
  model.build();
  const first = model.layers[0];
  if (!(first instanceof Embedding)) {
    throw new ConfigError(`explain: expected a model that takes token ids (an embedding first), got ${first.className} first.`);
  }
  if (!model.layers.some((l) => l instanceof Attention)) {
    throw new ConfigError(`explain: expected a model with an attention layer, got none (layers: ${model.layers.map((l) => l.className).join(', ')}).`);
  }
  const out = model.outputShape;
  if (out.length !== 1 || out[0] === null) {
    throw new ConfigError(`explain: expected a model whose output is [batch, classes], got [batch, ${out.join(', ')}].`);
  }
  const pre = model.metadata.preprocessing ?? {};
  const inputLength = first.inputShape[0] as number;
  const maxlen = options.maxlen ?? pre.maxlen ?? inputLength;
  if (maxlen !== inputLength) {
    throw new ConfigError(`explain: expected maxlen to equal the model's input length ${inputLength}, got ${describeValue(maxlen)}${options.maxlen === undefined ? ' (model.metadata.preprocessing.maxlen)' : ''}.`);
  }
  // the weights are read per token: an attention over another length (a conv1d, pooling or repeatVector before it)
  // has no step per token
  const off = model.layers.find((l): l is Attention => l instanceof Attention && l.inputShape[0] !== inputLength);
  if (off) throw new ConfigError(`explain: expected each attention layer to weigh the input's ${inputLength} steps (one per token), got ${off.name} over ${off.inputShape[0]} steps (a layer before it changes the length).`);
  const padding = checkMode(options.padding, 'padding') ?? checkMode(pre.padding, 'preprocessing.padding') ?? 'pre';
  const truncating = checkMode(options.truncating, 'truncating') ?? checkMode(pre.truncating, 'preprocessing.truncating') ?? 'pre';

  // every id the tokenizer gives has its word (a tokenizer JSON whose index_word lacks one is refused, not undefined)
  const wordOf = (id: number): string => {
    const w = tok.indexWord.get(id);
    if (w === undefined) throw new ValueError(`explain: expected the tokenizer to have a word for every id it gives, got id ${id} with none in its indexWord (an inconsistent tokenizer JSON?).`);
    return w;
  };
  const seqs = tok.textsToSequences(texts);
  const x = padSequences(seqs, { maxlen, padding, truncating });
  const r = model.predict(x, { returnAttention: true, batchSize: options.batchSize });
  const K = out[0];
  const labels = model.metadata.labels;
  return seqs.map((seq, n) => {
    const k = Math.min(seq.length, maxlen);
    const kept = seq.length <= maxlen ? seq : truncating === 'pre' ? seq.slice(seq.length - maxlen) : seq.slice(0, maxlen);
    const start = padding === 'pre' ? maxlen - k : 0;
    const attention = r.attention.map(({ layer, data }) => {
      const row = data.subarray(n * maxlen, (n + 1) * maxlen);
      let paddingWeight = 0;
      for (let t = 0; t < maxlen; t++) if (t < start || t >= start + k) paddingWeight += row[t];
      return { layer, weights: Array.from(row.subarray(start, start + k)), paddingWeight };
    });
    const probabilities = Array.from(r.data.subarray(n * K, (n + 1) * K));
    let classId = 0;
    if (K === 1) classId = probabilities[0] > 0.5 ? 1 : 0;
    else for (let j = 1; j < K; j++) if (probabilities[j] > probabilities[classId]) classId = j;
    const probability = K === 1 && classId === 0 ? 1 - probabilities[0] : probabilities[K === 1 ? 0 : classId];
    return {
      text: texts[n],
      tokens: kept.map((id) => wordOf(id)),
      ids: kept,
      weights: attention[0].weights.slice(),
      attention,
      probabilities,
      classId,
      label: labels && classId < labels.length ? labels[classId] : classId,
      probability,
    };
  });
}
