// Tests for the names demo data set loader: counts, class separation, encoding and split determinism; datasets.names.
import { describe, it, expect } from 'vitest';
import { datasets } from '../../../src/index.js';
import { loadNames, encodeName, nameLists, seededPermutation, VOCAB_SIZE } from '../../../src/data/datasets/names.js';

const LISTS = await nameLists();
const DEFAULT = await loadNames();

describe('nameLists', () => {
  const { female, male, overlap } = LISTS;

  it('has the expected counts', () => {
    // stdlib 0.2.x: 4951 female / 3898 male raw entries; 4944 / 3897 after lower-case de-dup; 419 in both.
    expect(overlap.length).toBe(419);
    expect(female.length).toBe(4944 - 419);
    expect(male.length).toBe(3897 - 419);
  });

  it('classes do not overlap and contain no duplicates', () => {
    const m = new Set(male);
    expect(female.some((s) => m.has(s))).toBe(false);
    expect(new Set(female).size).toBe(female.length);
    expect(m.size).toBe(male.length);
    for (const s of overlap) {
      expect(female).not.toContain(s);
      expect(male).not.toContain(s);
    }
  });

  it('is lower-cased', () => {
    for (const s of [...female, ...male]) expect(s).toBe(s.toLowerCase());
  });
});

describe('encodeName', () => {
  it('maps a-z to 1-26, post-pads with 0', () => {
    expect(Array.from(encodeName('abz', 5))).toEqual([1, 2, 26, 0, 0]);
  });
  it('lower-cases', () => {
    expect(Array.from(encodeName('Anna', 4))).toEqual([1, 14, 14, 1]);
  });
  it('maps anything else to 27', () => {
    expect(Array.from(encodeName('jo-ann', 8))).toEqual([10, 15, 27, 1, 14, 14, 0, 0]);
    expect(Array.from(encodeName("é1 '", 4))).toEqual([27, 27, 27, 27]);
  });
  it('truncates at the end, default length 16', () => {
    const e = encodeName('abcdefghijklmnopqrstuvwxyz');
    expect(e.length).toBe(16);
    expect(Array.from(e)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(Array.from(encodeName('', 3))).toEqual([0, 0, 0]);
  });
});

describe('seededPermutation', () => {
  it('is a permutation and deterministic', () => {
    const p = seededPermutation(1000, 7);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seededPermutation(1000, 7)).toEqual(p);
    expect(seededPermutation(1000, 8)).not.toEqual(p);
  });
  it('handles tiny n', () => {
    expect(Array.from(seededPermutation(0))).toEqual([]);
    expect(Array.from(seededPermutation(1))).toEqual([0]);
  });
  it('pins its output (guards against accidental changes to the generator)', () => {
    expect(Array.from(seededPermutation(10, 1))).toEqual([3, 1, 4, 9, 2, 0, 8, 5, 7, 6]);
  });
});

describe('loadNames', () => {
  const d = DEFAULT;
  const { female, male } = LISTS;
  const n = female.length + male.length;

  it('has the expected shapes and sizes (80/20)', () => {
    const nTest = Math.round(n * 0.2);
    expect(d.vocabSize).toBe(28);
    // every id is below VOCAB_SIZE and a-z (ids 1-26) and padding (0) all occur
    const seen = new Set([...d.xTrain.data, ...d.xTest.data]);
    expect(Math.max(...seen)).toBeLessThan(VOCAB_SIZE);
    for (let c = 0; c <= 26; c++) expect(seen.has(c), `id ${c}`).toBe(true);
    expect(d.xTest.shape).toEqual([nTest, 16]);
    expect(d.xTrain.shape).toEqual([n - nTest, 16]);
    expect(d.yTest.shape).toEqual([nTest]);
    expect(d.yTrain.shape).toEqual([n - nTest]);
    expect(d.xTrain.data).toBeInstanceOf(Int32Array);
    expect(d.yTrain.data).toBeInstanceOf(Float32Array);
    expect(d.xTrain.data.length).toBe((n - nTest) * 16);
    expect(d.namesTrain.length).toBe(n - nTest);
    expect(d.namesTest.length).toBe(nTest);
  });

  it('train and test are disjoint and cover every name once', () => {
    const all = [...d.namesTrain, ...d.namesTest];
    expect(new Set(all).size).toBe(n);
    const train = new Set(d.namesTrain);
    expect(d.namesTest.some((s) => train.has(s))).toBe(false);
  });

  it('labels: 1 = female, 0 = male, and rows match encodeName', () => {
    const f = new Set(female);
    const check = (names: string[], x: { data: Int32Array }, y: { data: Float32Array }) => {
      let ones = 0;
      names.forEach((name, i) => {
        expect(y.data[i]).toBe(f.has(name) ? 1 : 0);
        ones += y.data[i]!;
        expect(Array.from(x.data.subarray(i * 16, (i + 1) * 16))).toEqual(Array.from(encodeName(name, 16)));
      });
      return ones;
    };
    const onesTrain = check(d.namesTrain, d.xTrain, d.yTrain);
    const onesTest = check(d.namesTest, d.xTest, d.yTest);
    expect(onesTrain + onesTest).toBe(female.length);
  });

  it('ids are in 0..27', () => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of [...d.xTrain.data, ...d.xTest.data]) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect(lo).toBe(0);
    expect(hi).toBe(27);
  });

  it('the split is deterministic and depends on the seed', async () => {
    const again = await loadNames();
    expect(again.namesTest).toEqual(d.namesTest);
    expect(again.xTrain.data).toEqual(d.xTrain.data);
    expect(again.yTrain.data).toEqual(d.yTrain.data);
    const other = await loadNames({ seed: 2 });
    expect(other.namesTest).not.toEqual(d.namesTest);
    // Pinned: the default split (seed 1) must not change silently.
    expect(d.namesTest.slice(0, 5)).toEqual(['baudoin', 'fayina', 'perrine', 'gaylord', 'gertrude']);
  });

  it('split is shuffled (both classes on both sides)', () => {
    const testFemaleFrac = d.yTest.data.reduce((a, b) => a + b, 0) / d.yTest.data.length;
    expect(testFemaleFrac).toBeGreaterThan(0.45);
    expect(testFemaleFrac).toBeLessThan(0.68);
  });

  it('honours a custom shuffle, maxLen and testFraction', async () => {
    const identity = (k: number) => Int32Array.from({ length: k }, (_, i) => i);
    const r = await loadNames({ shuffle: identity, maxLen: 4, testFraction: 0.5 });
    expect(r.xTrain.shape[1]).toBe(4);
    expect(r.namesTest[0]).toBe(female[0]);
    expect(r.namesTrain[r.namesTrain.length - 1]).toBe(male[male.length - 1]);
    await expect(loadNames({ shuffle: (k) => new Int32Array(k) })).rejects.toThrow(/loadNames: expected shuffle\(n\) to return a permutation of 0..8002, got 0 at 1 twice/);
  });
});

describe('datasets.names', () => {
  it('gives raw lower-cased names, female = 0 and male = 1, split as loadNames splits them', async () => {
    const ds = await datasets.names();
    const { female, male } = LISTS;
    expect(ds.classNames).toEqual(['female', 'male']);
    expect(ds.texts).toEqual(female.concat(male));
    expect(ds.labels.subarray(0, female.length).every((v) => v === 0)).toBe(true);
    expect(ds.labels.subarray(female.length).every((v) => v === 1)).toBe(true);
    // the same seeded permutation as loadNames: the same test names in the same order, labels flipped
    expect(ds.test.texts).toEqual(DEFAULT.namesTest);
    expect(ds.train.texts).toEqual(DEFAULT.namesTrain);
    expect([...ds.test.labels]).toEqual([...DEFAULT.yTest.data].map((v) => 1 - v));
    const other = await datasets.names({ seed: 3, testFraction: 0.5 });
    expect(other.test.texts).toHaveLength(Math.round(ds.texts.length * 0.5));
    expect(other.test.texts.slice(0, 50)).not.toEqual(ds.test.texts.slice(0, 50));
  });
});
