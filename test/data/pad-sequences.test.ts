// Tests for padSequences: the examples of the Keras `pad_sequences` documentation, every case of
// test/fixtures/pad_sequences.json (keras_preprocessing's own outputs, compared exactly), feature vectors, errors.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { padSequences, type PadSequencesOptions, type PadDtype } from '../../src/data/pad-sequences.js';
import { BilstmError, ConfigError, ShapeError, ValueError } from '../../src/errors.js';

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

interface FixtureCase {
  name: string;
  sequences: unknown[];
  kwargs: { maxlen?: number | null; padding?: string; truncating?: string; value?: number; dtype?: PadDtype };
  shape?: number[];
  dtype?: PadDtype;
  data?: number[];
  error?: string;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/pad_sequences.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

describe('padSequences = keras_preprocessing pad_sequences (test/fixtures/pad_sequences.json)', () => {
  const outputs = fixture.cases.filter((c) => c.error === undefined);
  // Keras fails on maxlen 0 with a non-empty sequence (its s[-0:] keeps everything): we give rows of length 0.
  const maxlen0 = fixture.cases.filter((c) => c.error !== undefined && c.kwargs.maxlen === 0);
  const errors = fixture.cases.filter((c) => c.error !== undefined && c.kwargs.maxlen !== 0);

  it('has the cases it should', () => {
    expect(outputs.length).toBeGreaterThan(250);
    expect(outputs.some((c) => c.shape!.length === 3 && c.shape![2] === 3 && c.dtype === 'float32')).toBe(true);
    expect(outputs.some((c) => c.kwargs.maxlen === 0)).toBe(true);
    expect(maxlen0.length).toBe(8);
    expect(errors.length).toBe(7);
  });

  it.each(outputs.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = padSequences(c.sequences as number[][], c.kwargs as PadSequencesOptions);
    expect(r.shape).toEqual(c.shape);
    expect(r.data).toBeInstanceOf(c.dtype === 'int32' ? Int32Array : Float32Array);
    expect(Array.from(r.data)).toEqual(c.data);
  });

  it.each(maxlen0.map((c) => [c.name, c] as const))('%s: rows of length 0 where Keras fails', (_name, c) => {
    const r = padSequences(c.sequences as number[][], c.kwargs as PadSequencesOptions);
    expect(r.shape).toEqual([c.sequences.length, 0]);
    expect(r.data.length).toBe(0);
  });

  it.each(errors.map((c) => [c.name, c] as const))('%s: fails as Keras does', (_name, c) => {
    expect(() => padSequences(c.sequences as number[][], c.kwargs as PadSequencesOptions)).toThrow(BilstmError);
  });
});

describe('padSequences: feature vectors [T, F] and dtype', () => {
  it('nested vectors -> Float32Array [N, maxlen, F] filled with value', () => {
    const r = padSequences([[[1, 2, 3]], [[4, 5, 6], [7, 8, 9.5]], []], { value: -1 });
    expect(r.data).toBeInstanceOf(Float32Array);
    expect(r.shape).toEqual([3, 2, 3]);
    expect(Array.from(r.data)).toEqual([-1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9.5, -1, -1, -1, -1, -1, -1]);
  });

  it('{ data, shape: [T, F] } equals the nested form, typed arrays included', () => {
    const nested = [[[1, 2], [3, 4], [5, 6]], [[7, 8]]];
    const flat = [{ data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] }, { data: [7, 8], shape: [1, 2] }];
    const opts = { maxlen: 2, padding: 'post', truncating: 'post', value: 0.25 } as const;
    expect(padSequences(flat, opts)).toEqual(padSequences(nested, opts));
    expect(Array.from(padSequences(flat, opts).data)).toEqual([1, 2, 3, 4, 7, 8, 0.25, 0.25]);
  });

  it("dtype 'int32' on vectors truncates toward zero; 'float32' on ids keeps fractions", () => {
    const r = padSequences([[[1.9, -1.9]]], { dtype: 'int32', maxlen: 2 });
    expect(r.data).toBeInstanceOf(Int32Array);
    expect(r.shape).toEqual([1, 2, 2]);
    expect(Array.from(r.data)).toEqual([0, 0, 1, -1]);
    const f = padSequences([[1.5, -2.25]], { dtype: 'float32' });
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f.data)).toEqual([1.5, -2.25]);
    expect(Array.from(padSequences([[1.5, -2.7]]).data)).toEqual([1, -2]);
  });

  it('F comes from the first non-empty sequence; only kept steps are checked (as Keras)', () => {
    expect(padSequences([[], [[1, 2, 3]]]).shape).toEqual([2, 1, 3]);
    const r = padSequences([[[1, 2, 3]], [[9, 9], [4, 5, 6]]], { maxlen: 1 });
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('errors name the sequence, what was expected and what was found', () => {
    expect(() => padSequences([[[1, 2, 3]], [[1, 2]]])).toThrow(ShapeError);
    expect(() => padSequences([[[1, 2, 3]], [[1, 2]]])).toThrow('padSequences: expected step 0 of sequence 1 to be a feature vector of length 3 (as the first non-empty sequence\'s), got length 2.');
    expect(() => padSequences([[], [[1, 2, 3]], [1, 2]] as never)).toThrow('padSequences: expected sequence 2 to hold feature vectors of length 3 like sequence 1, got ids (numbers).');
    expect(() => padSequences([[1, 2], [[1, 2, 3]]] as never)).toThrow('padSequences: expected sequence 1 to hold ids (numbers) like sequence 0, got feature vectors of length 3.');
    expect(() => padSequences([[[1, 2, 3]], { data: [1, 2], shape: [1, 2] }])).toThrow('padSequences: expected sequence 1 to hold feature vectors of length 3 like sequence 0, got feature vectors of length 2.');
    expect(() => padSequences([[1, 'a']] as never)).toThrow(ValueError);
    expect(() => padSequences([[1, 'a']] as never)).toThrow('padSequences: expected a number at sequence 0, step 1, got "a".');
    expect(() => padSequences([[[1, null]]] as never)).toThrow('padSequences: expected a number at sequence 0, step 0, feature 1, got null.');
    expect(() => padSequences([[1, NaN]])).toThrow("padSequences: expected a finite number within int32 range at sequence 0, step 1 (dtype 'int32'), got NaN. Use dtype 'float32' for other values.");
    expect(() => padSequences([[2 ** 31]])).toThrow(ValueError);
    expect(Array.from(padSequences([[NaN, 2 ** 31]], { dtype: 'float32' }).data)).toEqual([NaN, 2 ** 31]);
    expect(() => padSequences([{ data: [1, 2, 3], shape: [2, 2] }])).toThrow('padSequences: expected sequence 0 of shape [2, 2] to have 4 values, got 3.');
    expect(() => padSequences([{ data: [1], shape: [1, 1, 1] }] as never)).toThrow('padSequences: expected sequence 0 to have shape [T] or [T, F], got [1, 1, 1].');
    expect(() => padSequences([5] as never)).toThrow('padSequences: expected sequence 0 to be an array (of ids or of feature vectors) or { data, shape }, got 5.');
    expect(() => padSequences([[1]], { dtype: 'float64' as never })).toThrow(`padSequences: expected dtype 'int32' or 'float32', got "float64".`);
    expect(() => padSequences([[1]], { value: NaN })).toThrow(ConfigError);
    expect(Array.from(padSequences([[1]], { value: NaN, dtype: 'float32', maxlen: 2 }).data)).toEqual([NaN, 1]);
  });
});
