// Tests for padSequences against the examples in the Keras `pad_sequences` documentation.
import { describe, it, expect } from 'vitest';
import { padSequences } from '../../src/data/pad-sequences.js';
import { ConfigError } from '../../src/errors.js';

const rows = (r: { data: Int32Array; shape: [number, number] }): number[][] => {
  const [n, m] = r.shape;
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(Array.from(r.data.subarray(i * m, (i + 1) * m)));
  return out;
};

describe('padSequences (Keras semantics)', () => {
  const sequence = [[1], [2, 3], [4, 5, 6]];

  it('defaults: maxlen = longest, pre-padding with 0, int32', () => {
    const r = padSequences(sequence);
    expect(r.data).toBeInstanceOf(Int32Array);
    expect(r.shape).toEqual([3, 3]);
    expect(rows(r)).toEqual([[0, 0, 1], [0, 2, 3], [4, 5, 6]]);
  });

  it('value=-1', () => {
    expect(rows(padSequences(sequence, { value: -1 }))).toEqual([[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]);
  });

  it("padding='post'", () => {
    expect(rows(padSequences(sequence, { padding: 'post' }))).toEqual([[1, 0, 0], [2, 3, 0], [4, 5, 6]]);
  });

  it('maxlen=2 truncates from the start by default', () => {
    const r = padSequences(sequence, { maxlen: 2 });
    expect(r.shape).toEqual([3, 2]);
    expect(rows(r)).toEqual([[0, 1], [2, 3], [5, 6]]);
  });

  it("truncating='post' drops values from the end", () => {
    expect(rows(padSequences(sequence, { maxlen: 2, truncating: 'post' }))).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('padding and truncating are independent', () => {
    expect(rows(padSequences([[1], [1, 2, 3, 4]], { maxlen: 3, padding: 'post', truncating: 'pre' }))).toEqual([
      [1, 0, 0],
      [2, 3, 4],
    ]);
    expect(rows(padSequences([[1], [1, 2, 3, 4]], { maxlen: 3, padding: 'pre', truncating: 'post' }))).toEqual([
      [0, 0, 1],
      [1, 2, 3],
    ]);
  });

  it('maxlen larger than every sequence', () => {
    expect(rows(padSequences([[7, 8]], { maxlen: 4 }))).toEqual([[0, 0, 7, 8]]);
    expect(rows(padSequences([[7, 8]], { maxlen: 4, padding: 'post', value: 9 }))).toEqual([[7, 8, 9, 9]]);
  });

  it('empty sequences become rows of the padding value', () => {
    expect(rows(padSequences([[], [1, 2]], { value: 5 }))).toEqual([[5, 5], [1, 2]]);
  });

  it('no sequences', () => {
    const r = padSequences([]);
    expect(r.shape).toEqual([0, 0]);
    expect(r.data.length).toBe(0);
    expect(padSequences([], { maxlen: 4 }).shape).toEqual([0, 4]);
  });

  it('does not mutate its input', () => {
    const s = [[1, 2, 3], [4]];
    padSequences(s, { maxlen: 2 });
    expect(s).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects bad options', () => {
    expect(() => padSequences(sequence, { padding: 'mid' as never })).toThrow(ConfigError);
    expect(() => padSequences(sequence, { padding: 'mid' as never })).toThrow(`padSequences: expected padding 'pre' or 'post', got "mid".`);
    expect(() => padSequences(sequence, { truncating: 'x' as never })).toThrow(`padSequences: expected truncating 'pre' or 'post', got "x".`);
    expect(() => padSequences(sequence, { maxlen: -1 })).toThrow('padSequences: expected maxlen to be a non-negative integer, got -1.');
    expect(() => padSequences(sequence, { maxlen: 1.5 })).toThrow(ConfigError);
  });
});
