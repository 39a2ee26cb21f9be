// loadWordVectors: GloVe- and word2vec-like texts (words with spaces, CRLF, chunk borders inside UTF-8 characters),
// V from numWords and the largest id, found/missing counts, errors naming the line; the matrix in an embedding.
import { describe, it, expect, beforeAll } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWordVectors, type WordVectors } from '../../src/data/word-vectors.js';
import { init, sequential, layers } from '../../src/index.js';
import { CheckpointError, ConfigError, MemoryError, ShapeError, ValueError } from '../../src/errors.js';

const enc = new TextEncoder();

/** The text as an async iterable of chunks of 1..7 bytes (a fixed pattern), so borders fall inside characters. */
async function* chunked(text: string, sizes = [1, 7, 2, 5, 3, 6, 4]): AsyncGenerator<Uint8Array> {
  const b = enc.encode(text);
  for (let at = 0, k = 0; at < b.length; k++) {
    const n = sizes[k % sizes.length]!;
    yield b.slice(at, at + n);
    at += n;
  }
}

const rows = (r: WordVectors): number[][] => {
  const [V, E] = r.shape;
  return Array.from({ length: V }, (_, i) => Array.from(r.weights.subarray(i * E, (i + 1) * E)));
};
const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

const GLOVE = [
  'the 0.1 0.2 -0.3',
  'café 1 2 3',             // 2-byte character
  '. . . 4e-1 -5E+0 .5',   // a word with spaces
  '日本 7 8 9',              // 3-byte characters
  'the 9 9 9',              // a later line of the same word: the first wins
  'unused word 1 1 1',
  '😀 -1 -2 -3',            // 4 bytes
].join('\n');
const tokenizer = { wordIndex: new Map([['the', 1], ['café', 2], ['. . .', 3], ['日本', 4], ['absent', 5], ['😀', 6]]) };

describe('loadWordVectors', () => {
  it('GloVe text: rows by id, row 0 and unknown words zero, first line of a word wins', async () => {
    const r = await loadWordVectors(enc.encode(GLOVE), tokenizer, { dim: 3 });
    expect(r.shape).toEqual([7, 3]);
    expect(r.weights).toBeInstanceOf(Float32Array);
    expect(rows(r)).toEqual([[0, 0, 0], f32([0.1, 0.2, -0.3]), [1, 2, 3], f32([0.4, -5, 0.5]), [7, 8, 9], [0, 0, 0], [-1, -2, -3]]);
    expect(r.found).toBe(5);
    expect(r.missing).toBe(1);
  });

  it('the same from chunks of 1..7 bytes (borders inside UTF-8 characters) and with CRLF lines', async () => {
    const whole = await loadWordVectors(enc.encode(GLOVE), tokenizer, { dim: 3 });
    for (const sizes of [[1], [2], [3], [7, 1, 4], [5, 6, 2, 3]]) {
      expect(await loadWordVectors(chunked(GLOVE, sizes), tokenizer, { dim: 3 })).toEqual(whole);
    }
    expect(await loadWordVectors(chunked(GLOVE.replaceAll('\n', '\r\n') + '\r\n'), tokenizer, { dim: 3 })).toEqual(whole);
  });

  it('word2vec text: the "count dim" header is skipped, trailing spaces allowed; a Record wordIndex', async () => {
    const text = '3 2\nthe 0.5 -0.5 \nnew york 1.25 2.5 \n</s> 3 4 \n';
    const r = await loadWordVectors(chunked(text), { wordIndex: { the: 2, 'new york': 1, '</s>': 3 } }, { dim: 2 });
    expect(rows(r)).toEqual([[0, 0], [1.25, 2.5], [0.5, -0.5], [3, 4]]);
    expect([r.found, r.missing]).toEqual([3, 0]);
    await expect(loadWordVectors(enc.encode(text), { wordIndex: { the: 1 } }, { dim: 3 })).rejects.toThrow(
      'loadWordVectors: expected vectors of dim 3, got a word2vec header "3 2" (line 1) declaring dim 2.');
  });

  it('V = min(numWords, largest id + 1): ids from numWords on are left out', async () => {
    const r = await loadWordVectors(enc.encode(GLOVE), { ...tokenizer, numWords: 3 }, { dim: 3 });
    expect(r.shape).toEqual([3, 3]);
    expect(rows(r)).toEqual([[0, 0, 0], f32([0.1, 0.2, -0.3]), [1, 2, 3]]);
    expect([r.found, r.missing]).toEqual([2, 0]);
    const big = await loadWordVectors(enc.encode(GLOVE), { ...tokenizer, numWords: 100 }, { dim: 3 });
    expect(big.shape).toEqual([7, 3]);
    const none = await loadWordVectors(enc.encode(''), { wordIndex: {} }, { dim: 3 });
    expect([none.shape, none.found, none.missing]).toEqual([[0, 3], 0, 0]);
  });

  it('reads a file by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wv-'));
    writeFileSync(join(dir, 'v.txt'), GLOVE);
    expect(await loadWordVectors(join(dir, 'v.txt'), tokenizer, { dim: 3 })).toEqual(await loadWordVectors(enc.encode(GLOVE), tokenizer, { dim: 3 }));
  });

  it('errors name the line, what was expected and what was found', async () => {
    const bad = (text: string, dim = 3) => loadWordVectors(chunked(text), tokenizer, { dim });
    await expect(bad('the 1 2 3\ncafé 1 2\n')).rejects.toThrow(CheckpointError);
    await expect(bad('the 1 2 3\r\ncafé 1 2\r\n')).rejects.toThrow('loadWordVectors: expected line 2 to hold a word and 3 numbers separated by spaces, got 3 fields.');
    await expect(bad('the 1 2 3\n\nunused 1\n')).rejects.toThrow('loadWordVectors: expected line 3 to hold a word and 3 numbers separated by spaces, got 2 fields.');
    await expect(bad('the 1 2 3\ncafé 1 x 3\n')).rejects.toThrow('loadWordVectors: expected number 2 of 3 on line 2 (the word "café") to be a decimal number, got "x".');
    await expect(bad('the 1 2 0x10\n')).rejects.toThrow(CheckpointError);
    await expect(bad('the 1 2 3 4 5\n')).rejects.toThrow('loadWordVectors: expected 3 numbers after each word (dim), got 5 numbers after "the" on line 1. Pass dim: 5.');
    await expect(bad('the 1 2 3\n', 0)).rejects.toThrow(ConfigError);
    await expect(loadWordVectors(enc.encode(GLOVE), { wordIndex: { a: -1 } }, { dim: 3 })).rejects.toThrow(ValueError);
    await expect(loadWordVectors(enc.encode(GLOVE), {} as never, { dim: 3 })).rejects.toThrow(ConfigError);
  });

  it('a matrix past 4 GiB is a MemoryError naming its size and the limit, before allocating or reading', async () => {
    const huge = { wordIndex: { the: 1, far: 2 ** 21 } }; // V = 2^21 + 1 rows of 512 floats: just over 4 GiB
    const err = await loadWordVectors(enc.encode(GLOVE), huge, { dim: 512 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as Error).message).toBe('loadWordVectors: expected a [V, dim] float32 matrix of at most 4294967296 bytes (4 GiB, the Wasm memory), got [2097153, 512]: 4294969344 bytes. Lower the tokenizer\'s numWords or dim.');
  });
});

describe('layers.embedding({ weights })', () => {
  beforeAll(async () => { await init(); });

  it('an embedding built with the loaded matrix predicts with those rows', async () => {
    const wv = await loadWordVectors(chunked(GLOVE), tokenizer, { dim: 3 });
    const m = sequential({ layers: [layers.embedding({ inputDim: wv.shape[0], outputDim: wv.shape[1], inputLength: 4, weights: [{ data: wv.weights, shape: wv.shape }] })] });
    wv.weights.fill(42); // the layer keeps its own copy
    const p = m.predict({ data: new Int32Array([1, 4, 0, 6]), shape: [1, 4] });
    expect(p.shape).toEqual([1, 4, 3]);
    expect(Array.from(p.data)).toEqual([...f32([0.1, 0.2, -0.3]), 7, 8, 9, 0, 0, 0, -1, -2, -3]);
  });

  it('checks the matrix is [inputDim, outputDim] in the constructor', () => {
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, weights: [[[1, 2], [3, 4]]] })).toThrow(ShapeError);
    expect(() => layers.embedding({ name: 'emb', inputDim: 3, outputDim: 2, weights: [{ data: new Float32Array(6), shape: [2, 3] }] })).toThrow(
      'layers.embedding(emb): expected weights[0] of shape [inputDim, outputDim] = [3, 2], got [2, 3].');
    expect(() => layers.embedding({ name: 'emb', inputDim: 3, outputDim: 2, weights: [new Float32Array(6)] as never })).toThrow(
      'layers.embedding(emb): expected weights[0] of shape [inputDim, outputDim] = [3, 2], got [6].');
    expect(() => layers.embedding({ name: 'emb', inputDim: 3, outputDim: 2, weights: [] as never })).toThrow(ConfigError);
    expect(() => layers.embedding({ inputDim: 1, outputDim: 2, weights: [[[NaN, 1]]] })).toThrow(ValueError);
    const rowsIn = [[1, 2], [3, 4], [5, 6]];
    const l = layers.embedding({ inputDim: 3, outputDim: 2, weights: [rowsIn] });
    rowsIn[0]![0] = 99;
    expect(Array.from(l.initialWeights!)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
