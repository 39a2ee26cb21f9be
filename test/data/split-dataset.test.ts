// splitDataset and seededPermutation: seeds outside uint32 refused (2^32 + 7 gave seed 7's split, named by the
// caller) and labels outside classNames refused as ValueErrors naming the row.
import { describe, it, expect } from 'vitest';
import { splitDataset, seededPermutation } from '../../src/index.js';
import { BilstmError } from '../../src/errors.js';

const ds = () => ({ texts: Array.from({ length: 50 }, (_, i) => `t${i}`), labels: new Int32Array(50).map((_, i) => i % 2), classNames: ['a', 'b'] });

describe('splitDataset', () => {
  it('a seed past 32 bits is refused (or used), not silently folded onto another seed', () => {
    // `state = seed | 0`: 2**32 + 7 draws seed 7's permutation, 2**53 seed 0's
    const r = (() => { try { return splitDataset(ds(), { seed: 2 ** 32 + 7 }); } catch (e) { return e; } })();
    if (r instanceof Error) { expect(r).toBeInstanceOf(BilstmError); return; }
    expect(Array.from(seededPermutation(50, 2 ** 32 + 7))).not.toEqual(Array.from(seededPermutation(50, 7)));
  });

  it('labels that do not index classNames are refused', () => {
    // the dataset check covers texts/labels lengths and classNames being an array, not label range
    expect(() => splitDataset({ texts: ['x', 'y'], labels: new Int32Array([0, 5]), classNames: ['a'] })).toThrow(BilstmError);
    expect(() => splitDataset({ texts: ['x'], labels: new Int32Array([-1]), classNames: ['a', 'b'] })).toThrow(BilstmError);
  });
});
