// Fixed after a review (each test failed before): explain() maps ids to words with `tok.indexWord.get(id)!`. A tokenizer JSON from someone else's file
// whose index_word lacks an id that word_index gives (tokenizerFromJSON checks each map alone, not that they agree)
// yields tokens that are `undefined` (JSON null) — breaking Explanation.tokens: string[] and the documented
// tokens.join(' ') === sequencesToTexts([ids])[0] — and the heatmap then fails with an error blaming the heatmap input.
import { describe, it, expect } from 'vitest';
import { initSync, sequential, layers, tokenizer, explain, attentionHeatmap } from '../../src/index.js';
import { BilstmError } from '../../src/errors.js';

initSync();

describe('explain with a tokenizer whose index_word misses an id', () => {
  const tok = tokenizer().fitOnTexts(['good film', 'bad film']);
  const json = JSON.parse(tok.toJSON());
  const idx = JSON.parse(json.config.index_word);
  const goodId = tok.wordIndex.get('good')!;
  delete idx[String(goodId)];
  json.config.index_word = JSON.stringify(idx);
  const broken = JSON.stringify(json);
  const model = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: 8, outputDim: 4, inputLength: 5 }),
    layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});

  it('either refuses the tokenizer with a typed error or gives string tokens', () => {
    let ex;
    try { ex = explain(model, broken, ['good film']); } catch (e) { expect(e).toBeInstanceOf(BilstmError); return; }
    expect(ex[0].tokens.every((t) => typeof t === 'string'), JSON.stringify(ex[0].tokens)).toBe(true);
    expect(() => attentionHeatmap(ex)).not.toThrow();
  });
});
