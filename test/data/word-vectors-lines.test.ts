// loadWordVectors on lines it misread: a phrase ending in a number on line 1 ("room 101", refused as a wrong dim), a
// number past float32 (stored as Infinity), and a wrong dim hidden behind a numeric first word (found 0, no error).
import { describe, it, expect } from 'vitest';
import { loadWordVectors } from '../../src/data/word-vectors.js';
import { BilstmError } from '../../src/errors.js';

const enc = new TextEncoder();

describe('loadWordVectors', () => {
  it('a phrase word ending in a number on the first line is read, not refused as a dim mismatch', async () => {
    // README: "the last `dim` fields of a line are the numbers, so words may hold spaces". Lines 2.. take it fine;
    // on line 1 the dim heuristic (word-vectors.ts:88-95) mistakes the phrase's "101" for a vector number.
    const text = 'room 101 0.5 0.25\nthe 1 2\n';
    const wi = { wordIndex: { 'room 101': 1, the: 2 } };
    const later = await loadWordVectors(enc.encode('the 1 2\nroom 101 0.5 0.25\n'), wi, { dim: 2 });
    expect(Array.from(later.weights)).toEqual([0, 0, 0.5, 0.25, 1, 2]);
    const r = await loadWordVectors(enc.encode(text), wi, { dim: 2 }); // throws ConfigError "... Pass dim: 3."
    expect(Array.from(r.weights)).toEqual([0, 0, 0.5, 0.25, 1, 2]);
  });

  it('a number outside float32 range is refused naming its line, not stored as Infinity', async () => {
    // NUMBER accepts "3.5e38"; Float32Array stores Infinity; the embedding later refuses it naming a flat index only.
    const p = loadWordVectors(enc.encode('the 3.5e38 1\ncat 1 2\n'), { wordIndex: { the: 1, cat: 2 } }, { dim: 2 });
    const r = await p.catch((e: unknown) => e);
    if (!(r instanceof Error)) expect(Array.from((r as { weights: Float32Array }).weights).every(Number.isFinite)).toBe(true);
    expect(r).toBeInstanceOf(BilstmError);
    expect((r as Error).message).toMatch(/line 1/);
  });

  it('a dim smaller than the file\'s is caught when the first word is a number too (else every word silently misses)', async () => {
    // 3 numbers per word, dim 2 given: with a first word "the" this is a ConfigError "Pass dim: 3" (tested);
    // with a first word "0" (a file sorted by word) the check is skipped and found = 0, missing = all.
    const wi = { wordIndex: { '0': 1, the: 2 } };
    await expect(loadWordVectors(enc.encode('the 1 2 3\n0 4 5 6\n'), wi, { dim: 2 })).rejects.toThrow(/Pass dim: 3/);
    await expect(loadWordVectors(enc.encode('0 4 5 6\nthe 1 2 3\n'), wi, { dim: 2 })).rejects.toThrow(/Pass dim: 3/);
  });
});
