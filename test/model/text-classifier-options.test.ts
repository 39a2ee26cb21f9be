// textClassifier's dropout: a rate in [0, 1) or a ConfigError (-0.5 and NaN added no dropout without a word).
import { describe, it, expect, beforeAll } from 'vitest';
import { init, textClassifier, ConfigError } from '../../src/index.js';

beforeAll(async () => { await init(); });

describe('textClassifier', () => {
  it('refuses a dropout outside [0, 1] (or NaN) as it refuses "0.5", instead of silently adding no dropout', () => {
    expect(() => textClassifier({ vocabSize: 10, maxlen: 5, classes: 2, dropout: '0.5' as never })).toThrow(ConfigError); // already so
    expect(() => textClassifier({ vocabSize: 10, maxlen: 5, classes: 2, dropout: -0.5 })).toThrow(ConfigError);
    expect(() => textClassifier({ vocabSize: 10, maxlen: 5, classes: 2, dropout: NaN })).toThrow(ConfigError);
  });

  it("cell 'gru' / 'simpleRNN' puts a GRU / SimpleRNN in the Bidirectional (the LSTM by default); another cell is a ConfigError", () => {
    const inner = (cell?: 'lstm' | 'gru' | 'simpleRNN') => (textClassifier({ vocabSize: 10, maxlen: 5, classes: 3, ...(cell ? { cell } : {}) }).model.getConfig().config.layers[1].config.layer as { className: string }).className;
    expect(inner()).toBe('LSTM');
    expect(inner('lstm')).toBe('LSTM');
    expect(inner('gru')).toBe('GRU');
    expect(inner('simpleRNN')).toBe('SimpleRNN');
    expect(() => textClassifier({ vocabSize: 10, maxlen: 5, classes: 2, cell: 'rnn' as never })).toThrow(/textClassifier: expected cell to be 'lstm', 'gru' or 'simpleRNN', got "rnn"/);
  });
});
