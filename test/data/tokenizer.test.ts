// The tokenizer against keras_preprocessing 1.1 (test/fixtures/tokenizer.json, from generate_tokenizer.py):
// word index, counts, sequences, texts and the to_json() string, over accented, combining, CJK, emoji and Greek text.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { tokenizer, tokenizerFromJSON, Tokenizer, type TokenizerOptions } from '../../src/index.js';
import { ConfigError, StateError, ValueError } from '../../src/errors.js';

interface Case {
  name: string;
  options: TokenizerOptions;
  nfkc: boolean;
  word_index: [string, number][];
  word_counts: [string, number][];
  document_count: number;
  sequences: number[][];
  new_sequences: number[][];
  texts: string[];
  json?: string;
  keras_json?: string;
}
interface Fixture { texts: string[]; new_texts: string[]; extra_sequences: number[][]; cases: Case[] }

const fx = JSON.parse(readFileSync(new URL('../fixtures/tokenizer.json', import.meta.url), 'utf8')) as Fixture;

function fitted(c: Case): Tokenizer {
  const t = tokenizer({ ...c.options, nfkc: c.nfkc });
  // The fixture fits in two calls, as Keras's script does.
  return t.fitOnTexts(fx.texts.slice(0, 5)).fitOnTexts(fx.texts.slice(5));
}

function expectSameBehaviour(t: Tokenizer, c: Case): void {
  expect([...t.wordIndex]).toEqual(c.word_index);
  expect(t.textsToSequences(fx.texts)).toEqual(c.sequences);
  expect(t.textsToSequences(fx.new_texts)).toEqual(c.new_sequences);
  expect(t.sequencesToTexts([...c.sequences, ...fx.extra_sequences])).toEqual(c.texts);
}

describe('tokenizer = keras_preprocessing 1.1 Tokenizer', () => {
  it('the fixture covers every option and the JSON cases', () => {
    expect(fx.cases.length).toBe(13);
    expect(fx.cases.filter((c) => c.json !== undefined).length).toBe(3);
    expect(fx.cases.filter((c) => c.keras_json !== undefined).length).toBe(1);
  });

  for (const c of fx.cases) {
    describe(c.name, () => {
      it('word_index (order and values), word_counts (first-occurrence order), document_count', () => {
        const t = fitted(c);
        expect([...t.wordIndex]).toEqual(c.word_index);
        // Keras: index_word = dict((c, w) for w, c in word_index.items()).
        expect([...t.indexWord]).toEqual([...new Map(c.word_index.map(([w, i]) => [i, w]))]);
        expect([...t.wordCounts]).toEqual(c.word_counts);
        expect(t.documentCount).toBe(c.document_count);
      });

      it('textsToSequences (fitted and unseen texts) and sequencesToTexts', () => {
        expectSameBehaviour(fitted(c), c);
      });

      if (c.json !== undefined) {
        it('toJSON() is the exact string of Keras to_json() (word_docs in first-occurrence order)', () => {
          expect(fitted(c).toJSON()).toBe(c.json);
        });
        it('tokenizerFromJSON(Keras JSON) behaves as Keras and writes the same string back', () => {
          const t = tokenizerFromJSON(c.json!);
          expectSameBehaviour(t, c);
          expect(t.toJSON()).toBe(c.json);
        });
      }
      if (c.keras_json !== undefined) {
        it("tokenizerFromJSON reads Keras's to_json() (word_docs in set order) and equals our toJSON() as objects", () => {
          const k = tokenizerFromJSON(c.keras_json!);
          expectSameBehaviour(k, c);
          expect(k.toJSON()).toBe(c.keras_json);
          const ours = JSON.parse(fitted(c).toJSON()) as { config: Record<string, unknown> };
          const theirs = JSON.parse(c.keras_json!) as { config: Record<string, unknown> };
          expect(Object.keys(ours.config)).toEqual(Object.keys(theirs.config));
          for (const key of Object.keys(theirs.config)) {
            const v = theirs.config[key];
            if (typeof v === 'string' && v.startsWith('{')) expect(JSON.parse(ours.config[key] as string)).toEqual(JSON.parse(v));
            else expect(ours.config[key]).toEqual(v);
          }
        });
      }
    });
  }

  it('ties keep first-seen order (stable sort), also after a JSON round trip of integer-like words', () => {
    const t = tokenizer().fitOnTexts(['b a 2020 7', 'a b 7 2020 c']);
    expect([...t.wordIndex]).toEqual([['b', 1], ['a', 2], ['2020', 3], ['7', 4], ['c', 5]]);
    const back = tokenizerFromJSON(t.toJSON());
    expect([...back.wordCounts]).toEqual([...t.wordCounts]);
    expect(back.toJSON()).toBe(t.toJSON());
    // Refitting after loading keeps the order of ties (JSON.parse would have moved '2020' and '7' first).
    back.fitOnTexts(['z']);
    expect([...back.wordIndex].slice(0, 4)).toEqual([['b', 1], ['a', 2], ['2020', 3], ['7', 4]]);
  });

  it('code points, not UTF-16 units: an emoji or astral CJK character is one charLevel token', () => {
    const t = tokenizer({ charLevel: true }).fitOnTexts(['😀𠀀😀']);
    expect([...t.wordIndex]).toEqual([['😀', 1], ['𠀀', 2]]);
    expect(t.sequencesToTexts(t.textsToSequences(['𠀀😀']))).toEqual(['𠀀 😀']);
  });

  it('pre-split token lists are taken as tokens (lower-cased), as in Keras', () => {
    const t = tokenizer().fitOnTexts([['Hello, World', 'x'], ['x']]);
    expect([...t.wordIndex]).toEqual([['x', 1], ['hello, world', 2]]);
  });

  it('nfkc is written outside Keras config and read back', () => {
    const t = tokenizer({ nfkc: true }).fitOnTexts(['ﬁne cafe\u0301']);
    expect([...t.wordIndex]).toEqual([['fine', 1], ['café', 2]]);
    const j = t.toJSON();
    expect(j.endsWith(', "nfkc": true}')).toBe(true);
    expect(tokenizerFromJSON(j).nfkc).toBe(true);
    expect(tokenizer().fitOnTexts(['x']).toJSON()).not.toContain('nfkc');
  });
});

describe('tokenizer errors', () => {
  it('tokenizerFromJSON refuses an unknown config key named like an Object.prototype member, as any unknown key', () => {
    const good = JSON.parse(tokenizer().fitOnTexts(['a b']).toJSON());
    for (const k of ['bogus', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(() => tokenizerFromJSON(JSON.stringify({ ...good, config: { ...good.config, [k]: 1 } })), k).toThrow(/tokenizerFromJSON: expected config keys among num_words, .*got "\w+"\./);
    }
  });

  it('options', () => {
    expect(() => tokenizer({ numWords: -1 })).toThrow(new ConfigError('tokenizer: expected numWords to be a non-negative integer or null, got -1.'));
    expect(() => tokenizer({ numWords: 2.5 })).toThrow(ConfigError);
    expect(() => tokenizer({ split: '' })).toThrow(new ConfigError('tokenizer: expected split to be a non-empty string, got "".'));
    expect(() => tokenizer({ filters: 3 as unknown as string })).toThrow(new ConfigError('tokenizer: expected filters to be a string or a list of single characters, got 3.'));
    expect(() => tokenizer({ lower: 'yes' as unknown as boolean })).toThrow(new ConfigError('tokenizer: expected lower to be true or false, got "yes".'));
    expect(() => tokenizer({ oovToken: 1 as unknown as string })).toThrow(new ConfigError('tokenizer: expected oovToken to be a string or null, got 1.'));
    expect(() => tokenizer({ num_words: 3 } as unknown as TokenizerOptions)).toThrow(
      new ConfigError('tokenizer: expected options among numWords, filters, lower, split, charLevel, oovToken, nfkc, got an unknown option "num_words". Did you mean "numWords"?'));
    expect(tokenizer({ charLevel: true, split: '' }).split).toBe('');
  });

  it('inputs', () => {
    const t = tokenizer({ oovToken: '<OOV>' });
    expect(() => t.fitOnTexts('abc' as unknown as string[])).toThrow(new ValueError('fitOnTexts: expected an array of texts, got "abc".'));
    expect(() => t.fitOnTexts(['a', 5 as unknown as string])).toThrow(new ValueError('fitOnTexts: expected texts[1] to be a string or an array of strings, got 5.'));
    expect(() => t.textsToSequences(['a'])).toThrow(new StateError('textsToSequences: expected oovToken "<OOV>" in the word index, got a tokenizer without it; call fitOnTexts first.'));
    t.fitOnTexts(['a']);
    expect(() => t.sequencesToTexts([5 as unknown as number[]])).toThrow(new ValueError('sequencesToTexts: expected sequences[0] to be an array of integers, got 5.'));
    expect(t.sequencesToTexts([new Int32Array([2, 0, 9])])).toEqual(['a <OOV> <OOV>']);
  });

  it('JSON', () => {
    const good = JSON.parse(tokenizer().fitOnTexts(['a b']).toJSON()) as { class_name: string; config: Record<string, unknown> };
    const withConfig = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, config: { ...good.config, ...patch } });
    expect(() => tokenizerFromJSON('{oops')).toThrow(ConfigError);
    expect(() => tokenizerFromJSON('{oops')).toThrow(/^tokenizerFromJSON: expected a JSON string, got invalid JSON/);
    expect(() => tokenizerFromJSON('[]')).toThrow(new ConfigError('tokenizerFromJSON: expected {"class_name": "Tokenizer", "config": {...}} as Keras\'s to_json() writes, got [].'));
    expect(() => tokenizerFromJSON(JSON.stringify({ ...good, class_name: 'Sequential' }))).toThrow(new ConfigError('tokenizerFromJSON: expected class_name "Tokenizer", got "Sequential".'));
    expect(() => tokenizerFromJSON(withConfig({ word_counts: '{"a": 1' }))).toThrow(new ConfigError('tokenizerFromJSON: expected config.word_counts to be a JSON string of a flat object, got "{\\"a\\": 1".'));
    expect(() => tokenizerFromJSON(withConfig({ word_index: '{"a": -1}' }))).toThrow(new ConfigError('tokenizerFromJSON: expected config.word_index["a"] to be a non-negative integer, got -1.'));
    expect(() => tokenizerFromJSON(withConfig({ index_word: '{"x": "a"}' }))).toThrow(new ConfigError('tokenizerFromJSON: expected the keys of config.index_word to be integers, got "x".'));
    expect(() => tokenizerFromJSON(withConfig({ word_docs: undefined }))).toThrow(new ConfigError('tokenizerFromJSON: expected config.word_docs to be a JSON string, got undefined.'));
    expect(() => tokenizerFromJSON(withConfig({ num_words: 'ten' }))).toThrow(new ConfigError('tokenizerFromJSON: expected config.num_words to be a non-negative integer or null, got "ten".'));
    expect(() => tokenizerFromJSON(withConfig({ colour: 1 }))).toThrow(/^tokenizerFromJSON: expected config keys among num_words, .*, got "colour"\.$/);
    expect(() => tokenizerFromJSON(withConfig({ document_count: -2 }))).toThrow(new ConfigError('tokenizerFromJSON: expected config.document_count to be a non-negative integer, got -2.'));
  });
});

// keras_preprocessing documents filters as a "list (or concatenation) of characters", and to_json() then writes them
// as a JSON array, which tokenizer_from_json reads back. Python (Debian python3-keras-preprocessing 1.1.0):
//   t = Tokenizer(filters=['!', '?', '.'], oov_token='<unk>'); t.fit_on_texts(['Hi! you? me.', 'you me'])
//   j = t.to_json()                                              # FILTERS_LIST_JSON below
//   t2 = tokenizer_from_json(j)
//   t2.texts_to_sequences(['hi!you?x', 'Me. Hi'])                # [[4, 2, 1], [3, 4]]
//   t2.sequences_to_texts([[1, 2, 3, 4, 9]])                     # ['<unk> you me hi <unk>']
const FILTERS_LIST_JSON = String.raw`{"class_name": "Tokenizer", "config": {"num_words": null, "filters": ["!", "?", "."], "lower": true, "split": " ", "char_level": false, "oov_token": "<unk>", "document_count": 2, "word_counts": "{\"hi\": 1, \"you\": 2, \"me\": 2}", "word_docs": "{\"you\": 2, \"hi\": 1, \"me\": 2}", "index_docs": "{\"2\": 2, \"4\": 1, \"3\": 2}", "index_word": "{\"1\": \"<unk>\", \"2\": \"you\", \"3\": \"me\", \"4\": \"hi\"}", "word_index": "{\"<unk>\": 1, \"you\": 2, \"me\": 3, \"hi\": 4}"}}`;

describe('filters given as a list of characters (Keras)', () => {
  it('tokenizerFromJSON reads a Python to_json() with a filters list and tokenizes as keras_preprocessing does', () => {
    const t = tokenizerFromJSON(FILTERS_LIST_JSON);
    expect(t.textsToSequences(['hi!you?x', 'Me. Hi'])).toEqual([[4, 2, 1], [3, 4]]);
    expect(t.sequencesToTexts([[1, 2, 3, 4, 9]])).toEqual(['<unk> you me hi <unk>']);
    expect(t.filters).toBe('!?.');
  });

  it('tokenizer() takes one too (a code point an element, an emoji included); longer elements are refused', () => {
    const t = tokenizer({ filters: ['!', '\u{1F600}'] });
    t.fitOnTexts(['a!b\u{1F600}c']);
    expect([...t.wordIndex.keys()]).toEqual(['a', 'b', 'c']);
    expect(() => tokenizer({ filters: ['!', 'ab'] })).toThrow(/expected filters to be a string or a list of single characters, got/);
  });
});
