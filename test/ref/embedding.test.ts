// Reference embedding: lookup, the dense gradient with repeated ids by central differences, and first-appearance row order.
import { describe, it, expect } from 'vitest';
import { rand } from '../helpers/kernels.js';
import { embeddingForward, embeddingBackward, distinctRows, embeddingMask } from './embedding.js';
import { gradCheck, weights } from './check.js';

describe('ref embedding', () => {
  it('looks rows up and sums repeated ids in the gradient', () => {
    const V = 6, D = 3, ids = [4, 0, 4, 2, 4];
    const E = rand(V * D, 1), r = weights(ids.length * D, 2);
    const y = embeddingForward(ids, E, ids.length, D);
    expect(Array.from(y.subarray(0, D))).toEqual(Array.from(E.subarray(4 * D, 5 * D)));
    const dE = embeddingBackward(r, ids, V, ids.length, D);
    gradCheck(() => embeddingForward(ids, E, ids.length, D), E, dE, r, 'dE');
    expect(dE[1 * D]).toBe(0);
  });

  it('lists distinct ids in order of first appearance', () => {
    expect(distinctRows([5, 1, 5, 0, 1, 7])).toEqual([5, 1, 0, 7]);
  });

  it('mask_zero masks id 0 only', () => {
    expect(Array.from(embeddingMask([3, 0, 1, 0]))).toEqual([1, 0, 1, 0]);
  });
});
