// The CLI's data helpers in-process: the trimmed tokenizer JSON (same sequences, only words the model can see),
// and data-set labels mapped onto a model's label order.
import { describe, it, expect } from 'vitest';
import { tokenizer, tokenizerFromJSON, ValueError } from '../../src/index.js';
import { labelIds, trimmedTokenizerJSON } from '../../src/cli/data.js';

const TEXTS = ['the cat sat on the mat', 'the dog 2002 ate the cat', 'Café «x» "quoted" \\ back 東京 😀 😀', 'a b c d e f g', '10 9 8 2002 10'];
const PROBE = [...TEXTS, 'unknown words, the cat and 2002', ''];

describe('trimmedTokenizerJSON', () => {
  it('keeps the words with index < numWords and gives the same sequences', () => {
    for (const numWords of [2, 5, 9, 1000]) {
      for (const oovToken of ['<OOV>', null]) {
        for (const charLevel of [false, true]) {
          const t = tokenizer({ numWords, oovToken, charLevel }).fitOnTexts(TEXTS);
          const r = tokenizerFromJSON(trimmedTokenizerJSON(t));
          expect(r.textsToSequences(PROBE)).toEqual(t.textsToSequences(PROBE));
          expect(r.sequencesToTexts(t.textsToSequences(PROBE))).toEqual(t.sequencesToTexts(t.textsToSequences(PROBE)));
          const kept = [...t.wordIndex].filter(([, i]) => i < numWords);
          expect([...r.wordIndex]).toEqual(kept);
          expect([...r.wordCounts]).toEqual([...t.wordCounts].filter(([w]) => t.wordIndex.get(w)! < numWords));
          expect(r.documentCount).toBe(t.documentCount);
          expect({ numWords: r.numWords, oov: r.oovToken, charLevel: r.charLevel, filters: r.filters }).toEqual({ numWords: t.numWords, oov: t.oovToken, charLevel: t.charLevel, filters: t.filters });
        }
      }
    }
  });
});

describe('labelIds', () => {
  it("maps a data set's sorted class ids onto the model's labels, and names a label the model lacks", () => {
    const ds = { texts: ['a', 'b', 'c'], labels: Int32Array.from([0, 1, 0]), classNames: ['neg', 'pos'] };
    expect(Array.from(labelIds('evaluate', ds, ['pos', 'neg']))).toEqual([1, 0, 1]);
    expect(() => labelIds('evaluate', ds, ['neg', 'mixed'])).toThrow(ValueError);
    expect(() => labelIds('evaluate', ds, ['neg', 'mixed'])).toThrow(`bilstm-attn evaluate: expected labels among the model's ["neg","mixed"], got "pos" in the data.`);
  });
});
