// Keras-compatible `padSequences` (keras_preprocessing / tf.keras.utils.pad_sequences): sequences of ids -> a dense
// [N, maxlen] batch, sequences of feature vectors [T, F] -> [N, maxlen, F]; int32 or float32 like Keras's dtype.
import { ConfigError, MemoryError, ShapeError, ValueError, checkOptionKeys, describeValue, fmtShape } from '../errors.js';

export type PadMode = 'pre' | 'post';
export type PadDtype = 'int32' | 'float32';

export interface PadSequencesOptions {
  /** Output length. Defaults to the length of the longest sequence (0 when there are none). */
  maxlen?: number | null;
  /** Where to add padding: 'pre' (default, like Keras) pads at the start, 'post' at the end. */
  padding?: PadMode;
  /** Where to cut sequences longer than maxlen: 'pre' (default, like Keras) drops values
   *  from the start (keeps the last maxlen), 'post' drops values from the end. */
  truncating?: PadMode;
  /** Padding value. Default 0 (with int32 it truncates toward zero, as numpy's np.full does). */
  value?: number;
  /** Output type: 'int32' (Int32Array; non-integers truncate toward zero, like numpy's astype) or 'float32'.
   *  Default 'int32' for sequences of ids (as Keras), 'float32' for sequences of feature vectors. */
  dtype?: PadDtype;
}

/** One sequence of feature vectors: T steps of F numbers, nested or flat with its shape. */
export type FeatureSequence = ArrayLike<ArrayLike<number>> | { data: ArrayLike<number>; shape: readonly [number, number] | readonly number[] };

export interface IntBatch {
  data: Int32Array;
  shape: [number, number];
}
export interface FloatBatch {
  data: Float32Array;
  shape: [number, number];
}
export interface IntFeatureBatch {
  data: Int32Array;
  shape: [number, number, number];
}
export interface FloatFeatureBatch {
  data: Float32Array;
  shape: [number, number, number];
}
export type PaddedBatch = IntBatch | FloatBatch | IntFeatureBatch | FloatFeatureBatch;

type IdOptions<D extends PadDtype> = Omit<PadSequencesOptions, 'dtype'> & { dtype: D };

/**
 * Pads/truncates each sequence to a common length, Keras `pad_sequences` semantics: default `padding: 'pre'`,
 * `truncating: 'pre'`, `value: 0`, and `maxlen` defaulting to the longest sequence. Empty sequences become rows of
 * `value`. Ids give [N, maxlen] (Int32Array by default); feature vectors (each [T, F]) give [N, maxlen, F]
 * (Float32Array by default), F taken from the first non-empty sequence. As in Keras, only the steps kept after
 * truncation are checked. Unlike Keras: no sequences with maxlen unset gives [0, 0] (numpy fails on max of
 * nothing), and maxlen 0 gives rows of length 0 (Keras's s[-0:] keeps the whole sequence and fails).
 */
export function padSequences(sequences: ArrayLike<number>[], options?: PadSequencesOptions & { dtype?: 'int32' }): IntBatch;
export function padSequences(sequences: ArrayLike<number>[], options: IdOptions<'float32'>): FloatBatch;
export function padSequences(sequences: FeatureSequence[], options?: PadSequencesOptions & { dtype?: 'float32' }): FloatFeatureBatch;
export function padSequences(sequences: FeatureSequence[], options: IdOptions<'int32'>): IntFeatureBatch;
export function padSequences(sequences: (ArrayLike<number> | FeatureSequence)[], options?: PadSequencesOptions): PaddedBatch;
export function padSequences(sequences: (ArrayLike<number> | FeatureSequence)[], options: PadSequencesOptions = {}): PaddedBatch {
  const where = 'padSequences';
  checkOptionKeys(options, where, ['maxlen', 'padding', 'truncating', 'value', 'dtype']);
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  const value = options.value ?? 0;
  if (padding !== 'pre' && padding !== 'post') {
    throw new ConfigError(`${where}: expected padding 'pre' or 'post', got ${describeValue(padding)}.`);
  }
  if (truncating !== 'pre' && truncating !== 'post') {
    throw new ConfigError(`${where}: expected truncating 'pre' or 'post', got ${describeValue(truncating)}.`);
  }
  if (options.dtype !== undefined && options.dtype !== 'int32' && options.dtype !== 'float32') {
    throw new ConfigError(`${where}: expected dtype 'int32' or 'float32', got ${describeValue(options.dtype)}.`);
  }
  if (typeof value !== 'number') throw new ConfigError(`${where}: expected value to be a number, got ${describeValue(value)}.`);
  if (!Array.isArray(sequences)) {
    throw new ConfigError(`${where}: expected an array of sequences, got ${describeValue(sequences)}.`);
  }
  const n = sequences.length;
  const seqs = sequences.map((s, i) => view(s, i));

  let maxlen: number;
  if (options.maxlen === undefined || options.maxlen === null) {
    maxlen = 0;
    for (const s of seqs) maxlen = Math.max(maxlen, s.length);
  } else {
    maxlen = options.maxlen;
    if (!Number.isInteger(maxlen) || maxlen < 0) {
      throw new ConfigError(`${where}: expected maxlen to be a non-negative integer, got ${describeValue(maxlen)}.`);
    }
  }

  // The sample shape (F, or null for ids) of the first non-empty sequence, as Keras.
  const first = seqs.findIndex((s) => s.length > 0);
  const F = first < 0 ? null : seqs[first]!.features;
  const dtype = options.dtype ?? (F === null ? 'int32' : 'float32');
  // (a fraction truncates toward zero, as numpy's int32 cast in Keras; a value past int32 would wrap around)
  if (dtype === 'int32' && !(Math.trunc(value) >= -(2 ** 31) && Math.trunc(value) < 2 ** 31)) {
    throw new ConfigError(`${where}: expected value to be a number in int32's range [-2147483648, 2147483647] with dtype 'int32', got ${value}.`);
  }
  const width = F ?? 1;
  const size = n * maxlen * width;
  // The batch is for a model whose activations share wasm32's 4 GiB: refuse before allocating (else a RangeError).
  if (size * 4 > 2 ** 32) throw new MemoryError(`${where}: expected a padded batch of at most 4294967296 bytes (4 GiB, the Wasm memory), got ${fmtShape(F === null ? [n, maxlen] : [n, maxlen, F])}: ${size * 4} bytes. Lower maxlen.`);
  const data = dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  if (value !== 0) data.fill(value);
  const shape = (F === null ? [n, maxlen] : [n, maxlen, F]) as PaddedBatch['shape'];

  for (let i = 0; i < n && maxlen > 0; i++) {
    const s = seqs[i]!;
    const len = s.length;
    if (len === 0) continue;
    if ((s.features === null) !== (F === null) || (s.fixed && s.features !== F)) {
      const expected = F === null ? 'ids (numbers)' : `feature vectors of length ${F}`;
      const got = s.features === null ? 'ids (numbers)' : `feature vectors of length ${s.features}`;
      throw new ShapeError(`${where}: expected sequence ${i} to hold ${expected} like sequence ${first}, got ${got}.`);
    }
    // Truncate: take steps [start, start + keep) of s.
    const keep = len < maxlen ? len : maxlen;
    const start = truncating === 'pre' ? len - keep : 0;
    // Pad: place the kept steps at the end ('pre') or at the start ('post') of the row.
    const rowOffset = (i * maxlen + (padding === 'pre' ? maxlen - keep : 0)) * width;
    for (let j = 0; j < keep; j++) s.copyStep(start + j, data, rowOffset + j * width, dtype, width);
  }
  return { data, shape } as PaddedBatch;
}

interface SeqView {
  length: number;
  /** Numbers per step: null for ids; for nested arrays the length of step 0 (each step is checked when copied). */
  features: number | null;
  /** features is the declared shape's (a { data, shape } sequence). */
  fixed: boolean;
  copyStep(t: number, out: Int32Array | Float32Array, at: number, dtype: PadDtype, F: number): void;
}

function put(v: unknown, out: Int32Array | Float32Array, at: number, dtype: PadDtype, i: number, pos: string): void {
  if (typeof v !== 'number') throw new ValueError(`padSequences: expected a number at sequence ${i}${pos}, got ${describeValue(v)}.`);
  if (dtype === 'int32' && !(v > -2147483649 && v < 2147483648)) {
    throw new ValueError(`padSequences: expected a finite number within int32 range at sequence ${i}${pos} (dtype 'int32'), got ${v}. Use dtype 'float32' for other values.`);
  }
  out[at] = v;
}

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function view(s: unknown, i: number): SeqView {
  if (s !== null && typeof s === 'object' && !isArrayLike(s) && 'data' in s && 'shape' in s) {
    const { data, shape } = s as { data: ArrayLike<unknown>; shape: readonly number[] };
    const dims = Array.isArray(shape) ? shape : [];
    if ((dims.length !== 1 && dims.length !== 2) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`padSequences: expected sequence ${i} to have shape [T] or [T, F], got ${Array.isArray(shape) ? fmtShape(shape) : describeValue(shape)}.`);
    }
    const T = dims[0]!, F = dims.length === 2 ? dims[1]! : null;
    const need = T * (F ?? 1);
    if (!isArrayLike(data) || data.length !== need) {
      throw new ShapeError(`padSequences: expected sequence ${i} of shape ${fmtShape(dims)} to have ${need} values, got ${isArrayLike(data) ? data.length : describeValue(data)}.`);
    }
    const w = F ?? 1;
    return {
      length: T,
      features: F,
      fixed: true,
      copyStep(t, out, at, dtype) {
        for (let f = 0; f < w; f++) put(data[t * w + f], out, at + f, dtype, i, F === null ? `, step ${t}` : `, step ${t}, feature ${f}`);
      },
    };
  }
  if (!isArrayLike(s)) throw new ShapeError(`padSequences: expected sequence ${i} to be an array (of ids or of feature vectors) or { data, shape }, got ${describeValue(s)}.`);
  const len = s.length;
  const head = len > 0 ? s[0] : undefined;
  if (len === 0 || !isArrayLike(head)) {
    return {
      length: len,
      features: null,
      fixed: true,
      copyStep(t, out, at, dtype) { put(s[t], out, at, dtype, i, `, step ${t}`); },
    };
  }
  return {
    length: len,
    features: head.length,
    fixed: false,
    copyStep(t, out, at, dtype, F) {
      const step = s[t];
      if (!isArrayLike(step) || step.length !== F) {
        throw new ShapeError(`padSequences: expected step ${t} of sequence ${i} to be a feature vector of length ${F} (as the first non-empty sequence's), got ${isArrayLike(step) ? `length ${step.length}` : describeValue(step)}.`);
      }
      for (let f = 0; f < F; f++) put(step[f], out, at + f, dtype, i, `, step ${t}, feature ${f}`);
    },
  };
}
