// explain(): a trained char-level model (masked, post-padded; attends to the one character that decides the label) and
// a seeded word-level one (unmasked, pre-padded, two attention layers, softmax over three labels, an oovToken):
// tokens, weights over real tokens only, padding and truncation from the metadata, labels, plain JSON, errors.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  initSync, sequential, layers, optimizers, tokenizer, padSequences, explain,
  type Sequential, type Tokenizer, type Explanation,
} from '../../src/index.js';
import { ConfigError, ValueError } from '../../src/errors.js';

initSync();

const T = 10;
const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);
const argmax = (a: readonly number[]) => a.reduce((b, v, i) => (v > a[b] ? i : b), 0);

/** Seeded texts over a-h, half with one 'z' put in: label 1 iff the text has a 'z'. */
function zTexts(n: number, seed: number): { texts: string[]; y: Float32Array } {
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 3 + Math.floor(rnd() * 6);
    let t = '';
    for (let j = 0; j < len; j++) t += 'abcdefgh'[Math.floor(rnd() * 8)];
    if (rnd() < 0.5) { const p = Math.floor(rnd() * len); t = t.slice(0, p) + 'z' + t.slice(p + 1); }
    texts.push(t);
  }
  return { texts, y: Float32Array.from(texts, (t) => (t.includes('z') ? 1 : 0)) };
}

describe('explain, char level, masked, trained', () => {
  let tok: Tokenizer;
  let model: Sequential;
  const probe = ['abzcd', 'hgfedcbaz', 'zabc', 'abcdef', 'ghgh', 'q'];
  beforeAll(async () => {
    const { texts, y } = zTexts(256, 12345);
    tok = tokenizer({ charLevel: true }).fitOnTexts(texts);
    model = sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: tok.wordIndex.size + 1, outputDim: 8, inputLength: T, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: 8, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy' });
    await model.fit(padSequences(tok.textsToSequences(texts), { maxlen: T, padding: 'post' }), y, { epochs: 20, batchSize: 32, verbose: 0 });
    model.metadata = { labels: ['no z', 'has z'], preprocessing: { maxlen: T, padding: 'post', truncating: 'post' } };
  });

  it('gives each text its characters, the attention over them (summing to 1) and the label', () => {
    const ex = explain(model, tok, probe);
    expect(ex.map((e) => e.text)).toEqual(probe);
    // 'q' is not in the vocabulary and there is no oovToken: the tokenizer drops it, so no token, no weight
    expect(ex[5].tokens).toEqual([]);
    expect(ex[5].weights).toEqual([]);
    for (const e of ex) {
      expect(e.tokens.join(' ')).toBe(tok.sequencesToTexts([e.ids])[0]);
      if (e.text !== 'q') expect(e.tokens).toEqual([...e.text]);
      expect(e.weights.length).toBe(e.tokens.length);
      expect(e.weights).toEqual(e.attention[0].weights);
      expect(e.attention.map((a) => a.layer)).toEqual(['attention']);
      // masked: padding gets exactly 0, the real characters all of it
      expect(e.attention[0].paddingWeight).toBe(0);
      if (e.tokens.length) expect(Math.abs(sum(e.weights) - 1)).toBeLessThanOrEqual(1e-6);
      if (e.text === 'q') continue;   // an all-padding input: whatever the model says of nothing
      expect(e.label).toBe(e.text.includes('z') ? 'has z' : 'no z');
      expect(e.classId).toBe(e.text.includes('z') ? 1 : 0);
      expect(e.probability).toBe(e.classId === 1 ? e.probabilities[0] : 1 - e.probabilities[0]);
      expect(e.probability).toBeGreaterThan(0.5);
      // the model learned to look at the z: its weight is the text's largest, and by a margin
      if (e.text.includes('z')) {
        const w = e.weights, iz = e.tokens.indexOf('z');
        expect(argmax(w), e.text).toBe(iz);
        expect(w[iz]).toBeGreaterThan(1.5 * Math.max(...w.filter((_, i) => i !== iz)));
      }
    }
  });

  it('agrees with predict on the post-padded ids (the metadata\'s padding), weights from the first steps', () => {
    const ex = explain(model, tok, probe);
    const x = padSequences(tok.textsToSequences(probe), { maxlen: T, padding: 'post' });
    const r = model.predict(x, { returnAttention: true });
    ex.forEach((e, n) => {
      expect(e.probabilities).toEqual([r.data[n]]);
      const row = Array.from(r.attention[0].data.subarray(n * T, (n + 1) * T));
      expect(e.weights).toEqual(row.slice(0, e.tokens.length));
      expect(row.slice(e.tokens.length).every((v) => v === 0)).toBe(true);
    });
  });

  it('truncates as the metadata (or the options) say', () => {
    const long = 'abcdefghabcdzh';   // 14 characters > maxlen 10
    expect(explain(model, tok, [long])[0].tokens).toEqual([...long.slice(0, T)]);
    const pre = explain(model, tok, [long], { truncating: 'pre' })[0];
    expect(pre.tokens).toEqual([...long.slice(-T)]);
    expect(Math.abs(sum(pre.weights) - 1)).toBeLessThanOrEqual(1e-6);
  });

  it('takes the tokenizer from model.metadata (its toJSON string) and is plain JSON', () => {
    const ex = explain(model, tok, probe);
    const saved = model.metadata;
    model.metadata = { ...saved, tokenizer: tok.toJSON() };
    try {
      expect(explain(model, null, probe)).toEqual(ex);
      expect(explain(model, tok.toJSON(), probe)).toEqual(ex);
    } finally { model.metadata = saved; }
    expect(JSON.parse(JSON.stringify(ex))).toEqual(ex);
  });

  it('gives the class id as label without metadata.labels', () => {
    const saved = model.metadata;
    model.metadata = { preprocessing: saved.preprocessing };
    try {
      const ex = explain(model, tok, ['abz', 'abc']);
      expect(ex.map((e) => e.label)).toEqual([1, 0]);
    } finally { model.metadata = saved; }
  });
});

describe('explain, word level, unmasked, two attention layers, softmax', () => {
  const texts = ['the cat sat on the mat', 'a dog ate the cat food', 'the bird sang', 'mat cat dog bird'];
  const tok = tokenizer({ oovToken: '<OOV>', numWords: 8 }).fitOnTexts(texts);
  const model = sequential({ seed: 11, layers: [
    layers.embedding({ inputDim: 8, outputDim: 6, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
    layers.attention({ returnSequences: true, name: 'att_seq' }),
    layers.attention({ returnSequences: false, name: 'att_pool' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ]});
  model.metadata = { labels: ['red', 'green', 'blue'] };
  const probe = ['The cat sat on the zebra!', 'unknown words only', '', 'the the the the the the the the the the the cat'];

  it('shows unknown and rare words as the oovToken, pre-pads (Keras default) and reports the weight on padding', () => {
    const ex: Explanation[] = explain(model, tok, probe);
    const x = padSequences(tok.textsToSequences(probe), { maxlen: T });
    const r = model.predict(x, { returnAttention: true });
    expect(ex[0].tokens).toEqual(['the', 'cat', 'sat', '<OOV>', 'the', '<OOV>']);   // 'on' has id 8 >= numWords
    expect(ex[1].tokens).toEqual(['<OOV>', '<OOV>', '<OOV>']);
    expect(ex[2].tokens).toEqual([]);
    expect(ex[3].tokens).toEqual([...Array(9).fill('the'), 'cat']);                 // truncating 'pre': the last 10
    ex.forEach((e, n) => {
      expect(e.tokens.join(' ')).toBe(tok.sequencesToTexts([e.ids])[0]);
      expect(e.attention.map((a) => a.layer)).toEqual(['att_seq', 'att_pool']);
      expect(e.weights).toEqual(e.attention[0].weights);
      const k = e.tokens.length;
      e.attention.forEach((a, l) => {
        const row = Array.from(r.attention[l].data.subarray(n * T, (n + 1) * T));
        expect(a.weights).toEqual(row.slice(T - k));                 // real tokens sit at the end
        // unmasked: the padding takes the rest of the softmax, and a short text leaves it a visible share
        expect(Math.abs(sum(a.weights) + a.paddingWeight - 1)).toBeLessThanOrEqual(1e-6);
        if (k < T) expect(a.paddingWeight).toBeGreaterThan(0.5 * (T - k) / T);
        else expect(a.paddingWeight).toBe(0);
      });
      const p = Array.from(r.data.subarray(n * 3, n * 3 + 3));
      expect(e.probabilities).toEqual(p);
      expect(e.classId).toBe(argmax(p));
      expect(e.label).toBe(['red', 'green', 'blue'][argmax(p)]);
      expect(e.probability).toBe(Math.max(...p));
    });
  });

  it('post-pads when asked: real tokens from the first step', () => {
    const e = explain(model, tok, [probe[0]], { padding: 'post' })[0];
    const r = model.predict(padSequences(tok.textsToSequences([probe[0]]), { maxlen: T, padding: 'post' }), { returnAttention: true });
    expect(e.weights).toEqual(Array.from(r.attention[0].data.subarray(0, 6)));
  });

  it('refuses what it cannot explain, naming it', () => {
    expect(() => explain(model, tok, 'the cat' as unknown as string[])).toThrow(ValueError);
    expect(() => explain(model, tok, ['ok', 3 as unknown as string])).toThrow(/explain: expected texts to be an array of strings, got texts\[1\] = 3/);
    expect(() => explain(model, null, ['x'])).toThrow(ConfigError);
    expect(() => explain(model, null, ['x'])).toThrow(/explain: expected a tokenizer .*, got undefined/);
    expect(() => explain(model, tok, ['x'], { maxlen: 12 })).toThrow(/explain: expected maxlen to equal the model's input length 10, got 12/);
    expect(() => explain(model, tok, ['x'], { padding: 'left' as 'pre' })).toThrow(/explain: expected padding to be 'pre' or 'post', got "left"/);
    const noAtt = sequential({ layers: [layers.embedding({ inputDim: 8, outputDim: 4, inputLength: T }), layers.globalAveragePooling1D(), layers.dense({ units: 1 })] });
    expect(() => explain(noAtt, tok, ['x'])).toThrow(/explain: expected a model with an attention layer, got none/);
    const floats = sequential({ layers: [layers.masking({ inputShape: [T, 3] }), layers.attention({ returnSequences: false }), layers.dense({ units: 1 })] });
    expect(() => explain(floats, tok, ['x'])).toThrow(/explain: expected a model that takes token ids \(an embedding first\), got Masking first/);
    const perStep = sequential({ layers: [layers.embedding({ inputDim: 8, outputDim: 4, inputLength: T }), layers.attention({ returnSequences: true }), layers.dense({ units: 1 })] });
    expect(() => explain(perStep, tok, ['x'])).toThrow(/explain: expected a model whose output is \[batch, classes\], got \[batch, 10, 1\]/);
  });
});

describe('explain refuses an attention over another length than the tokens (a review)', () => {
  it('a conv1d (valid) or a pooling before the attention: a ConfigError naming the layer, not rows read across texts', () => {
    const tok = tokenizer({ charLevel: true }).fitOnTexts(['abcdefgh']);
    for (const mid of [layers.conv1d({ filters: 4, kernelSize: 3 }), layers.maxPooling1D({ poolSize: 2 })]) {
      const model = sequential({ seed: 3, layers: [layers.embedding({ inputDim: 9, outputDim: 4, inputLength: 8 }), mid,
        layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }), layers.attention({ returnSequences: false, name: 'att' }),
        layers.dense({ units: 1, activation: 'sigmoid' })] });
      expect(() => explain(model, tok, ['abcdefgh'])).toThrow(ConfigError);
      expect(() => explain(model, tok, ['abcdefgh'])).toThrow(/explain: expected each attention layer to weigh the input's 8 steps \(one per token\), got att over [46] steps/);
    }
    // a conv1d with padding 'same' keeps one step per token: explained
    const same = sequential({ seed: 3, layers: [layers.embedding({ inputDim: 9, outputDim: 4, inputLength: 8 }), layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }), layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    expect(explain(same, tok, ['abcdefgh'])[0].weights).toHaveLength(8);
  });
});
