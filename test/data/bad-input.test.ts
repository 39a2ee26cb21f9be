// Bad input changes nothing, for the text entries: tokenizer methods and padSequences x each kind of bad input throw
// the documented class with a message naming what was expected and what was found, and a fitted tokenizer's
// vocabulary (its toJSON()) is unchanged afterwards.
import { describe, it, expect } from 'vitest';
import { tokenizer, tokenizerFromJSON, padSequences, ConfigError, ValueError, ShapeError, MemoryError } from '../../src/index.js';

type ErrorClass = typeof ShapeError;
const fitted = tokenizer({ numWords: 10, oovToken: '<oov>' }).fitOnTexts(['the cat sat', 'the dog']);
const holes = (n: number) => new Array(n);

const CASES: [string, () => unknown, ErrorClass, RegExp][] = [
  // tokenizer(options)
  ['tokenizer: unknown option', () => tokenizer({ numword: 3 } as never), ConfigError, /^tokenizer: expected options among numWords, .*got an unknown option "numword"\. Did you mean "numWords"\?$/],
  ['tokenizer: numWords -1', () => tokenizer({ numWords: -1 }), ConfigError, /^tokenizer: expected numWords to be a non-negative integer or null, got -1\.$/],
  ['tokenizer: numWords "3"', () => tokenizer({ numWords: '3' } as never), ConfigError, /got "3"\.$/],
  ['tokenizer: lower 1', () => tokenizer({ lower: 1 } as never), ConfigError, /^tokenizer: expected lower to be true or false, got 1\.$/],
  // fitOnTexts / textsToSequences
  ['fitOnTexts: a number', () => fitted.fitOnTexts(5 as never), ValueError, /^fitOnTexts: expected an array of texts, got 5\.$/],
  ['fitOnTexts: one string', () => fitted.fitOnTexts('the cat' as never), ValueError, /^fitOnTexts: expected an array of texts, got "the cat"\.$/],
  ['fitOnTexts: numbers', () => fitted.fitOnTexts(['a b', 1] as never), ValueError, /^fitOnTexts: expected texts\[1\] to be a string or an array of strings, got 1\.$/],
  ['fitOnTexts: holes', () => fitted.fitOnTexts(holes(2)), ValueError, /expected texts\[0\] .*got undefined\.$/],
  ['fitOnTexts: BigInt', () => fitted.fitOnTexts([1n] as never), ValueError, /expected texts\[0\] .*got a bigint\.$/],
  ['textsToSequences: null', () => fitted.textsToSequences([null] as never), ValueError, /^textsToSequences: expected texts\[0\] .*got null\.$/],
  // sequencesToTexts
  ['sequencesToTexts: not an array', () => fitted.sequencesToTexts(5 as never), ValueError, /^sequencesToTexts: expected an array of sequences, got 5\.$/],
  ['sequencesToTexts: a non-integer id', () => fitted.sequencesToTexts([[1, 1.5]]), ValueError, /^sequencesToTexts: expected integer ids, got 1\.5 at sequences\[0\]\[1\]\.$/],
  ['sequencesToTexts: NaN', () => fitted.sequencesToTexts([[NaN]]), ValueError, /expected integer ids, got NaN at sequences\[0\]\[0\]\.$/],
  ['sequencesToTexts: a string id', () => fitted.sequencesToTexts([['1']] as never), ValueError, /expected integer ids, got "1" at/],
  ['sequencesToTexts: a BigInt id', () => fitted.sequencesToTexts([[1n]] as never), ValueError, /expected integer ids, got a bigint at/],
  ['sequencesToTexts: a hole', () => fitted.sequencesToTexts([holes(1)]), ValueError, /expected integer ids, got undefined at/],
  // tokenizerFromJSON
  ['tokenizerFromJSON: not JSON', () => tokenizerFromJSON('{'), ConfigError, /^tokenizerFromJSON: expected a JSON string, got invalid JSON/],
  ['tokenizerFromJSON: a number', () => tokenizerFromJSON(5 as never), ConfigError, /^tokenizerFromJSON: expected a JSON string, got 5\.$/],
  ['tokenizerFromJSON: {}', () => tokenizerFromJSON('{}'), ConfigError, /expected \{"class_name": "Tokenizer", .*got \{\}\.$/],
  // padSequences
  ['padSequences: unknown option', () => padSequences([[1, 2]], { maxLen: 3 } as never), ConfigError, /^padSequences: expected options among maxlen, .*got an unknown option "maxLen"\. Did you mean "maxlen"\?$/],
  ['padSequences: options a string', () => padSequences([[1, 2]], 'post' as never), ConfigError, /^padSequences: expected options \{ maxlen, .*\}, got "post"\.$/],
  ['padSequences: maxlen -1', () => padSequences([[1, 2]], { maxlen: -1 }), ConfigError, /^padSequences: expected maxlen to be a non-negative integer, got -1\.$/],
  ['padSequences: padding "mid"', () => padSequences([[1, 2]], { padding: 'mid' } as never), ConfigError, /^padSequences: expected padding 'pre' or 'post', got "mid"\.$/],
  ['padSequences: value "0"', () => padSequences([[1]], { value: '0' } as never), ConfigError, /^padSequences: expected value to be a number, got "0"\.$/],
  ['padSequences: value 2^31 (int32)', () => padSequences([[1]], { maxlen: 3, value: 2 ** 31 }), ConfigError, /padSequences: expected value to be a number in int32's range \[-2147483648, 2147483647\] with dtype 'int32', got 2147483648\./],
  ['padSequences: value 1e10 (int32)', () => padSequences([[1]], { maxlen: 3, value: 1e10 }), ConfigError, /int32's range .*got 10000000000\./],
  ['padSequences: value -2^31 - 1 (int32)', () => padSequences([[1]], { maxlen: 3, value: -(2 ** 31) - 1 }), ConfigError, /int32's range .*got -2147483649\./],
  ['padSequences: value NaN (int32)', () => padSequences([[1]], { maxlen: 3, value: NaN }), ConfigError, /int32's range .*got NaN\./],
  ['padSequences: NaN id', () => padSequences([[1, NaN]]), ValueError, /expected a finite number within int32 range at sequence 0, step 1 .*got NaN/],
  ['padSequences: Infinity id', () => padSequences([[Infinity]]), ValueError, /expected a finite number .*got Infinity/],
  ['padSequences: a string', () => padSequences([[1, '2']] as never), ValueError, /^padSequences: expected a number at sequence 0, step 1, got "2"\.$/],
  ['padSequences: a BigInt', () => padSequences([[1, 2n]] as never), ValueError, /expected a number at sequence 0, step 1, got a bigint\.$/],
  ['padSequences: holes', () => padSequences([holes(3)]), ValueError, /expected a number at sequence 0, step 0, got undefined\.$/],
  ['padSequences: not an array', () => padSequences(5 as never), ConfigError, /^padSequences: expected an array of sequences, got 5\.$/],
  ['padSequences: a null sequence', () => padSequences([null] as never), ShapeError, /expected sequence 0 to be an array .*got null\.$/],
  ['padSequences: ragged feature vectors', () => padSequences([[[1, 2], [3]]] as never), ShapeError, /expected step 1 of sequence 0 to be a feature vector of length 2 .*got length 1\.$/],
  ['padSequences: a batch past 4 GiB', () => padSequences([[1], [2]], { maxlen: 2 ** 31 }), MemoryError,
    /^padSequences: expected a padded batch of at most 4294967296 bytes \(4 GiB, the Wasm memory\), got \[2, 2147483648\]: 17179869184 bytes\. Lower maxlen\.$/],
];

describe('bad text input changes nothing', () => {
  it.each(CASES)('%s', (_name, run, cls, msg) => {
    const before = fitted.toJSON();
    let err: unknown;
    try { run(); } catch (e) { err = e; }
    expect(err, 'expected a throw').toBeInstanceOf(cls);
    expect((err as Error).message).toMatch(/expected .*got /);
    expect((err as Error).message).toMatch(msg);
    expect(fitted.toJSON()).toBe(before);
  });

  it('the fingerprint sees a change, and Keras\'s skipping of ids without a word stays', () => {
    const t = tokenizer().fitOnTexts(['a b']);
    const before = t.toJSON();
    t.fitOnTexts(['c']);
    expect(t.toJSON()).not.toBe(before);
    expect(fitted.sequencesToTexts([[99, -1, 2]])).toEqual(['<oov> <oov> the']);
  });
});

describe('misspelt options of the text, explain and plot entries', () => {
  it('are a ConfigError naming the unknown option and the closest valid one, before any work', async () => {
    const { datasets, loadCsv, attentionHeatmap, terminalHeatmap, trainingPlot, textClassifier, ConfigError } = await import('../../src/index.js');
    const cases: [string, () => unknown, string][] = [
      ['datasets.names', () => datasets.names({ testFractoin: 0.1 } as never), 'testFraction'],
      ['datasets.spamAssassin', () => datasets.spamAssassin({ seeds: 1 } as never), 'seed'],
      ['loadCsv', () => loadCsv(new TextEncoder().encode('text,label\na,b\n'), { textColumn: 'text', labelColumn: 'label', delimeter: ';' } as never), 'delimiter'],
      ['attentionHeatmap', () => attentionHeatmap([], { fromat: 'svg' } as never), 'format'],
      ['terminalHeatmap', () => terminalHeatmap([], { colour: true } as never), 'color'],
      ['trainingPlot', () => trainingPlot({ loss: [1] }, { widht: 100 } as never), 'width'],
      ['textClassifier', () => textClassifier({ vocabSize: 10, maxlen: 4, classes: 2, unit: 8 } as never), 'units'],
    ];
    for (const [where, call, suggestion] of cases) {
      const e = await Promise.resolve().then(call).then(() => null, (err: unknown) => err);
      expect(e, where).toBeInstanceOf(ConfigError);
      expect((e as Error).message, where).toContain(`${where}: expected options among`);
      expect((e as Error).message, where).toContain(`Did you mean "${suggestion}"?`);
    }
  });
});
