// Labelled texts as every loader returns them (datasets, CSV, text folders) and the seeded train/test split.
import { ConfigError, ValueError, checkOptionKeys, describeValue, isPlainObject } from '../errors.js';

/** Texts with one class per text: `labels[i]` indexes `classNames` (sorted, so the same data gives the same ids). */
export interface TextDataset {
  texts: string[];
  labels: Int32Array;
  classNames: string[];
}

/** A dataset with its seeded held-out split; `train` and `test` share `classNames`. */
export interface SplitTextDataset extends TextDataset {
  train: TextDataset;
  test: TextDataset;
}

export interface SplitOptions {
  /** Fraction of the texts held out for testing, rounded to the nearest count. Default 0.2. */
  testFraction?: number;
  /** Seed of the integer-only permutation. Default 1. */
  seed?: number;
}

/**
 * Deterministic permutation of 0..n-1 using only 32-bit integer arithmetic: a splitmix32
 * generator (Math.imul, shifts, xors) driving a Fisher-Yates shuffle with rejection sampling
 * (no modulo bias). Same (n, seed) -> same permutation on every platform.
 */
export function seededPermutation(n: number, seed = 1, where = 'seededPermutation'): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${where}: expected n to be a non-negative integer, got ${n}.`);
  // uint32: each seed its own permutation (2^32 + 7 would act as 7)
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ConfigError(`${where}: expected seed to be an integer in [0, 4294967295], got ${describeValue(seed)}.`);
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0; // uint32
  };
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const bound = i + 1;
    // Largest multiple of `bound` that fits in 2^32; values at/above it are rejected. Exact integer math.
    const limit = 4294967296 - (4294967296 % bound);
    let r = next();
    while (r >= limit) r = next();
    const j = r % bound;
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  return perm;
}

/** The rows `idx` of a dataset, in that order. */
export function takeRows(ds: TextDataset, idx: ArrayLike<number>): TextDataset {
  const texts: string[] = new Array(idx.length);
  const labels = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) { texts[k] = ds.texts[idx[k]]; labels[k] = ds.labels[idx[k]]; }
  return { texts, labels, classNames: ds.classNames.slice() };
}

/**
 * A seeded split: a permutation of the rows is drawn, its first round(n * testFraction) entries are the test set and
 * the rest the training set, both in permutation order (already shuffled).
 */
export function splitDataset(ds: TextDataset, options: SplitOptions = {}): SplitTextDataset {
  const d = ds as Partial<TextDataset> | null;
  if (!isPlainObject(d) || !Array.isArray(d.texts) || !(d.labels instanceof Int32Array) || d.labels.length !== d.texts.length || !Array.isArray(d.classNames)) {
    throw new ConfigError(`splitDataset: expected a dataset { texts, labels: Int32Array of as many, classNames } (what loadCsv, loadTextFolder and datasets give), got ${describeValue(ds)}.`);
  }
  checkOptionKeys(options, 'splitDataset', ['testFraction', 'seed']);
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 1;
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction <= 1)) throw new ConfigError(`splitDataset: expected testFraction in [0, 1], got ${describeValue(options.testFraction)}.`);
  const n = ds.texts.length;
  const K = d.classNames!.length;
  const bad = ds.labels.findIndex((l) => !(l >= 0 && l < K));
  if (bad >= 0) throw new ValueError(`splitDataset: expected labels in [0, ${K - 1}] (indices into classNames), got ${ds.labels[bad]} at row ${bad}.`);
  const perm = seededPermutation(n, seed, 'splitDataset');
  const nTest = Math.round(n * testFraction);
  return { ...ds, test: takeRows(ds, perm.subarray(0, nTest)), train: takeRows(ds, perm.subarray(nTest)) };
}
