// Keras-compatible `padSequences` (tf.keras.utils.pad_sequences) producing a dense Int32Array batch.
import { ConfigError, describeValue } from '../errors.js';

export type PadMode = 'pre' | 'post';

export interface PadSequencesOptions {
  /** Output length. Defaults to the length of the longest sequence (0 when there are none). */
  maxlen?: number;
  /** Where to add padding: 'pre' (default, like Keras) pads at the start, 'post' at the end. */
  padding?: PadMode;
  /** Where to cut sequences longer than maxlen: 'pre' (default, like Keras) drops values
   *  from the start (keeps the last maxlen), 'post' drops values from the end. */
  truncating?: PadMode;
  /** Padding value. Default 0. */
  value?: number;
}

export interface IntBatch {
  data: Int32Array;
  shape: [number, number];
}

/**
 * Pads/truncates each sequence to a common length, Keras `pad_sequences` semantics
 * (dtype int32): default `padding: 'pre'`, `truncating: 'pre'`, `value: 0`, and `maxlen`
 * defaulting to the longest sequence. Empty sequences become rows of `value`.
 * Values are stored as int32 (non-integers truncate toward zero, like numpy's astype).
 */
export function padSequences(sequences: ArrayLike<number>[], options: PadSequencesOptions = {}): IntBatch {
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  const value = options.value ?? 0;
  if (padding !== 'pre' && padding !== 'post') {
    throw new ConfigError(`padSequences: expected padding 'pre' or 'post', got ${describeValue(padding)}.`);
  }
  if (truncating !== 'pre' && truncating !== 'post') {
    throw new ConfigError(`padSequences: expected truncating 'pre' or 'post', got ${describeValue(truncating)}.`);
  }
  const n = sequences.length;
  let maxlen: number;
  if (options.maxlen === undefined || options.maxlen === null) {
    maxlen = 0;
    for (let i = 0; i < n; i++) maxlen = Math.max(maxlen, sequences[i]!.length);
  } else {
    maxlen = options.maxlen;
    if (!Number.isInteger(maxlen) || maxlen < 0) {
      throw new ConfigError(`padSequences: expected maxlen to be a non-negative integer, got ${describeValue(maxlen)}.`);
    }
  }

  const data = new Int32Array(n * maxlen);
  if (value !== 0) data.fill(value);
  if (maxlen === 0) return { data, shape: [n, 0] };

  for (let i = 0; i < n; i++) {
    const s = sequences[i]!;
    const len = s.length;
    if (len === 0) continue;
    // Truncate: take [start, start + keep) of s.
    const keep = len < maxlen ? len : maxlen;
    const start = truncating === 'pre' ? len - keep : 0;
    // Pad: place the kept values at the end ('pre') or at the start ('post') of the row.
    const rowOffset = i * maxlen + (padding === 'pre' ? maxlen - keep : 0);
    for (let j = 0; j < keep; j++) data[rowOffset + j] = s[start + j]!;
  }
  return { data, shape: [n, maxlen] };
}
