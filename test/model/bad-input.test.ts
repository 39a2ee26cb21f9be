// Bad input changes nothing: each public entry of a model x each kind of bad input throws the documented class, with
// a message that names what was expected and what it got, and the saved model (weights, optimizer state, iterations,
// random streams: save() bytes with the optimizer) is byte-identical afterwards.
import { describe, it, expect, beforeAll } from 'vitest';
import { ShapeError, ValueError, ConfigError, MemoryError, sequential, layers, type Sequential } from '../../src/index.js';
import { smallModel, smallData } from '../helpers/models.js';

type ErrorClass = typeof ShapeError;
const T = 7;
const good = smallData(4);
const row = (...v: number[]) => [...v, ...new Array(T - v.length).fill(0)];
const holes = (): number[][] => { const r = new Array(T); r[0] = 1; return [r]; }; // a sparse array: holes, not zeros

/** Bad x values (for an embedding model of vocabulary 11, length 7), each with the class it must raise. */
const BAD_X: [string, unknown, ErrorClass, RegExp][] = [
  ['rank 3', { data: new Int32Array(4 * T), shape: [4, T, 1] }, ShapeError, /x has 3 dimensions \[4, 7, 1\].*expects token ids \[batch, 7\]/],
  ['rank 1', new Int32Array(T), ShapeError, /x has 1 dimensions? \[7\]/],
  ['wrong length', { data: new Int32Array(4 * 8), shape: [4, 8] }, ShapeError, /\[4, 8\].*\[batch, 7\]/],
  ['data and shape disagree', { data: new Int32Array(13), shape: [2, T] }, ShapeError, /x: expected shape \[2, 7\] to have 14 values, got 13\./],
  ['id out of range', [row(1, 11)], ValueError, /expected integer token ids in \[0, 10\].*got an id out of range 11 at flat index 1/],
  ['negative id', [row(-1)], ValueError, /expected integer token ids.*got a negative id -1 at flat index 0/],
  ['non-integer id', [row(0, 0, 2.5)], ValueError, /expected integer token ids.*got a non-integer 2.5 at flat index 2/],
  ['NaN id', [row(NaN)], ValueError, /expected .*got a non-finite value NaN/],
  ['Infinity id', { data: new Float32Array(T).fill(Infinity), shape: [1, T] }, ValueError, /expected .*got a non-finite value Infinity/],
  ['strings', [row(1).map(String)], ValueError, /x: expected a number at x\[0\]\[0\], got "1"\./],
  ['strings in data', { data: row(1).map(String), shape: [1, T] }, ValueError, /x: expected a number at data\[0\], got "1"\./],
  ['BigInt', [[1n, 2n, 3n, 4n, 5n, 6n, 7n]], ValueError, /x: expected a number at x\[0\]\[0\], got a bigint\./],
  ['BigInt64Array', { data: new BigInt64Array(T), shape: [1, T] }, ValueError, /x: expected numbers .*got a BigInt64Array\./],
  ['holes', holes(), ValueError, /x: expected a number at x\[0\]\[1\], got undefined \(a hole or a missing value\)\./],
  ['ragged', [row(1), [1, 2]], ShapeError, /x: expected a rectangular array of shape \[2, 7\], but x\[1\] has length 2\./],
  ['null', null, ShapeError, /x: expected a nested number array or \{ data, shape \}, got null\./],
  ['a string', 'hello', ShapeError, /x: expected a nested number array .*got "hello"\./],
  ['a Map', new Map(), ShapeError, /x: expected a nested number array .*got an instance of Map\./],
];

/** The entries that take x (and y), each run on one bad x; `y` is 0/1 labels for the rows. */
const ENTRIES: [string, (m: Sequential, x: unknown, y: unknown) => unknown][] = [
  ['fit', (m, x, y) => m.fit(x as never, y as never, { verbose: 0, epochs: 1 })],
  ['predict', (m, x) => m.predict(x as never)],
  ['evaluate', (m, x, y) => m.evaluate(x as never, y as never)],
  ['trainOnBatch', (m, x, y) => m.trainOnBatch(x as never, y as never)],
  ['computeGradients', (m, x, y) => m.computeGradients(x as never, y as never)],
];

/** Bad y (labels) or options, with the entries they apply to. */
const BAD_OTHER: [string, string[], (m: Sequential) => unknown, ErrorClass, RegExp][] = [
  ['label 2 for binaryCrossentropy', ['fit', 'evaluate', 'trainOnBatch', 'computeGradients'], (m) => [1, 0, 2, 1], ValueError, /expected labels in \[0, 1\] for binaryCrossentropy, got 2 at flat index 2/],
  ['label -0.5 for binaryCrossentropy', ['fit', 'evaluate', 'trainOnBatch', 'computeGradients'], () => [1, -0.5, 0, 1], ValueError, /expected labels in \[0, 1\].*got -0.5 at flat index 1/],
  ['NaN label', ['fit', 'evaluate', 'trainOnBatch', 'computeGradients'], () => [1, 0, NaN, 1], ValueError, /y: expected finite numbers, got NaN/],
  ['too few labels', ['fit', 'evaluate', 'trainOnBatch', 'computeGradients'], () => [1, 0, 1], ShapeError, /expected y to have 4 rows like x, got 3/],
  ['labels [4, 2]', ['fit', 'evaluate', 'trainOnBatch', 'computeGradients'], () => [[1, 0], [1, 0], [1, 0], [1, 0]], ShapeError, /expected y of shape \[4, 1\] or \[4\], got \[4, 2\]/],
];

/** Bad options, per entry. */
const BAD_OPTIONS: [string, (m: Sequential) => unknown, ErrorClass, RegExp][] = [
  ['fit batchSize 0', (m) => m.fit(good.x, good.y, { verbose: 0, batchSize: 0 }), ConfigError, /fit: expected batchSize to be a positive integer, got 0/],
  ['fit batchSize "8"', (m) => m.fit(good.x, good.y, { verbose: 0, batchSize: '8' as never }), ConfigError, /fit: expected batchSize .*got "8"/],
  ['fit epochs -1', (m) => m.fit(good.x, good.y, { verbose: 0, epochs: -1 }), ConfigError, /fit: expected epochs to be a non-negative integer, got -1/],
  ['fit unknown option', (m) => m.fit(good.x, good.y, { verbose: 0, epoch: 3 } as object), ConfigError, /fit: expected options among .*got an unknown option "epoch". Did you mean "epochs"\?/],
  ['fit options a number', (m) => m.fit(good.x, good.y, 3 as never), ConfigError, /fit: expected options .*got 3/],
  ['fit validationSplit 1', (m) => m.fit(good.x, good.y, { verbose: 0, validationSplit: 1 }), ConfigError, /fit: expected validationSplit in \[0, 1\), got 1/],
  ['fit batch of 0', (m) => m.fit({ data: new Int32Array(0), shape: [0, T] }, [], { verbose: 0 }), ShapeError, /fit: expected at least one training sample, got 0/],
  ['fit initialEpoch -3', (m) => m.fit(good.x, good.y, { verbose: 0, epochs: 2, initialEpoch: -3 }), ConfigError, /fit: expected initialEpoch to be a non-negative integer, got -3/],
  ['fit initialEpoch 1.5', (m) => m.fit(good.x, good.y, { verbose: 0, epochs: 3, initialEpoch: 1.5 }), ConfigError, /initialEpoch .*got 1.5/],
  ['fit initialEpoch NaN', (m) => m.fit(good.x, good.y, { verbose: 0, epochs: 3, initialEpoch: NaN }), ConfigError, /initialEpoch .*got NaN/],
  ['fit shuffle "no"', (m) => m.fit(good.x, good.y, { verbose: 0, shuffle: 'no' as never }), ConfigError, /fit: expected shuffle to be true or false, got "no"/],
  ['fit callbacks [null]', (m) => m.fit(good.x, good.y, { verbose: 0, callbacks: [null as never] }), ConfigError, /fit: expected callbacks\[0\] to be a callback .*got null/],
  ['fit callbacks 5', (m) => m.fit(good.x, good.y, { verbose: 0, callbacks: 5 as never }), ConfigError, /fit: expected callbacks to be a callback .*got 5/],
  // (found only after a whole epoch had trained, as a TypeError)
  ['fit callback onEpochEnd a string', (m) => m.fit(good.x, good.y, { verbose: 0, callbacks: [{ onEpochEnd: 'x' } as never] }), ConfigError, /fit: expected callbacks\[0\].onEpochEnd to be a function, got "x"/],
  ['fit empty validationData', (m) => m.fit(good.x, good.y, { verbose: 0, validationData: [{ data: new Int32Array(0), shape: [0, T] }, []] }), ShapeError, /fit: expected validationData with at least one sample, got 0/],
  ['predict batchSize 1.5', (m) => m.predict(good.x, { batchSize: 1.5 }), ConfigError, /predict: expected batchSize to be a positive integer, got 1.5/],
  ['predict unknown option', (m) => m.predict(good.x, { returnAttentions: true } as object), ConfigError, /predict: expected options among batchSize, returnAttention, verbose, got an unknown option "returnAttentions". Did you mean "returnAttention"\?/],
  ['evaluate returnDict "yes"', (m) => m.evaluate(good.x, good.y, { returnDict: 'yes' as never }), ConfigError, /evaluate: expected returnDict to be true or false, got "yes"/],
  ['evaluate batch of 0', (m) => m.evaluate({ data: new Int32Array(0), shape: [0, T] }, []), ShapeError, /evaluate: expected at least one sample, got 0/],
  ['evaluate unknown option', (m) => m.evaluate(good.x, good.y, { sampleWeights: [1, 1, 1, 1] } as object), ConfigError, /got an unknown option "sampleWeights". Did you mean "sampleWeight"\?/],
  ['trainOnBatch batch of 0', (m) => m.trainOnBatch({ data: new Int32Array(0), shape: [0, T] }, []), ShapeError, /trainOnBatch: expected at least one sample, got 0/],
  ['trainOnBatch unknown option', (m) => m.trainOnBatch(good.x, good.y, { classWeights: [1, 1] } as object), ConfigError, /got an unknown option "classWeights". Did you mean "classWeight"\?/],
  ['trainOnBatch sampleWeight NaN', (m) => m.trainOnBatch(good.x, good.y, { sampleWeight: [1, NaN, 1, 1] }), ValueError, /expected .*got NaN/],
  ['computeGradients batch of 0', (m) => m.computeGradients({ data: new Int32Array(0), shape: [0, T] }, []), ShapeError, /computeGradients: expected at least one sample, got 0/],
  ['setWeights too few', (m) => m.setWeights(m.getWeights().slice(1)), ShapeError, /setWeights: expected 11 weights/],
  ['setWeights wrong shape', (m) => { const w = m.getWeights(); w[9] = { data: new Float32Array(3), shape: [3, 1] }; m.setWeights(w); }, ShapeError, /expected shape \[8, 1\], got \[3, 1\]/],
  ['setWeights NaN', (m) => { const w = m.getWeights(); w[2].data[0] = NaN; m.setWeights(w); }, ValueError, /expected .*got NaN/],
  ['setWeights Infinity in nested arrays', (m) => { const w = m.getWeights(); m.setWeights(w.map((t, i) => i === 10 ? [Infinity] : t)); }, ValueError, /expected .*got Infinity/],
  ['setWeights strings', (m) => { const w = m.getWeights(); m.setWeights(w.map((t, i) => i === 10 ? ['0'] : t) as never); }, ValueError, /setWeights: weight 10 .*expected a number at .*got "0"\./],
  ['setWeights not an array', (m) => m.setWeights('weights' as never), ShapeError, /setWeights: expected an array of 11 weights, got "weights"\./],
];

let model: Sequential;
let before: Uint8Array;

/** Calls run (sync or async) and returns what it threw or rejected with. */
async function thrown(run: () => unknown): Promise<unknown> {
  try { await run(); } catch (e) { return e; }
  return undefined;
}

/** The first byte where two saved files differ ('' if none): a plain loop, as toEqual on 10 KB is slow. */
function firstDifference(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} and ${b[i]}`;
  return '';
}

async function expectRefused(run: () => unknown, cls: ErrorClass, msg: RegExp): Promise<void> {
  const e = await thrown(run);
  expect(e, 'expected a throw').toBeInstanceOf(cls);
  const m = (e as Error).message;
  // `<where>: expected <what>, got <found>.`, or as STYLE.md's shape example, `x has <found> but ... expects <what>`
  expect(m).toMatch(/^[\w.]+(\(\w+\))?: .*(expected .*(got|but)|has .* but .*expects) /);
  expect(m).toMatch(msg);
  expect(firstDifference((await model.save(undefined, { includeOptimizer: true }))!, before), 'the saved model changed').toBe('');
}

describe('bad input changes nothing', () => {
  beforeAll(async () => {
    model = smallModel(3);
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    model.trainOnBatch(good.x, good.y); // optimizer state and iterations that are not zeros
    before = (await model.save(undefined, { includeOptimizer: true }))!;
  });

  for (const [entry, call] of ENTRIES) {
    describe(entry, () => {
      it.each(BAD_X)('x: %s', async (_name, x, cls, msg) => {
        const n = Array.isArray(x) ? x.length : (x as { shape?: number[] })?.shape?.[0] ?? 1;
        await expectRefused(() => call(model, x, new Array(n).fill(1)), cls, msg);
      });
      const others = BAD_OTHER.filter(([, on]) => on.includes(entry));
      if (others.length) it.each(others)('y: %s', async (_name, _on, y, cls, msg) => {
        await expectRefused(() => call(model, good.x, y(model)), cls, msg);
      });
    });
  }

  it.each(BAD_OPTIONS)('%s', async (_name, run, cls, msg) => {
    await expectRefused(() => run(model), cls, msg);
  });

  it('the fingerprint sees a real change (so the checks above can fail)', async () => {
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    m.trainOnBatch(good.x, good.y);
    const one = (await m.save(undefined, { includeOptimizer: true }))!;
    expect(firstDifference((await m.save(undefined, { includeOptimizer: true }))!, one)).toBe('');
    m.trainOnBatch(good.x, good.y);
    expect(firstDifference((await m.save(undefined, { includeOptimizer: true }))!, one)).not.toBe('');
  });
});

describe('layer orders that cannot work', () => {
  it('are refused when the model is built, naming the layer and what it expected', async () => {
    const { init, sequential, layers, ConfigError, ShapeError } = await import('../../src/index.js');
    await init();
    const emb = () => layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 5 });
    const cases: [() => ReturnType<typeof sequential>, typeof ConfigError | typeof ShapeError, string][] = [
      [() => sequential({ layers: [layers.dense({ units: 4, inputShape: [5] }), emb()] }), ConfigError, 'expected an embedding only as the first layer (it takes the token ids), got embedding'],
      [() => sequential({ layers: [emb(), layers.bidirectional({ layer: layers.lstm({ units: 4 }) }), layers.lstm({ units: 2 })] }), ShapeError, 'expected input of shape [batch, time, features], got per-sample shape [8]'],
      [() => sequential({ layers: [emb(), layers.lstm({ units: 4 }), layers.attention({})] }), ShapeError, 'put it after an LSTM or GRU with returnSequences: true), got per-sample shape [4]'],
      [() => sequential({ layers: [layers.dense({ units: 4, inputShape: [5] }), layers.globalAveragePooling1D({})] }), ShapeError, 'expected input [batch, time, features] with a known feature size'],
      [() => sequential({ layers: [layers.dense({ units: 4, inputShape: [5] }), layers.spatialDropout1D({ rate: 0.1 })] }), ShapeError, 'got per-sample shape [4]'],
    ];
    for (const [make, cls, text] of cases) {
      let err: unknown = null;
      try { make().build(); } catch (e) { err = e; }
      expect(err, text).toBeInstanceOf(cls);
      expect((err as Error).message).toContain(text);
    }
  });
});

// A model with no declared input shape is built from its first call's data: a call refused after that build (NaN in
// x, a bad label, a bad validation set or sample weight) leaves it unbuilt, so the next call builds from its own data.
describe('a refused first call leaves a model without a declared input shape unbuilt', () => {
  const dense = (activation?: 'sigmoid') => {
    const m = sequential({ layers: [layers.dense({ units: 1, activation })] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    return m;
  };
  const refusals: [string, (m: Sequential) => unknown, ErrorClass][] = [
    ['predict, NaN in x', (m) => m.predict([[NaN, 1, 2]]), ValueError],
    ['evaluate, label 2', (m) => m.evaluate([[1, 2, 3]], [2]), ValueError],
    ['trainOnBatch, sampleWeight NaN', (m) => m.trainOnBatch([[1, 2, 3]], [1], { sampleWeight: [NaN] }), ValueError],
    ['fit, label 2', (m) => m.fit([[1, 2, 3]], [2], { verbose: 0 }), ValueError],
    ['fit, validationData of 2 features', (m) => m.fit([[1, 2, 3]], [1], { verbose: 0, validationData: [[[1, 2]], [1]] }), ShapeError],
    ['predict, batchSize 0', (m) => m.predict([[1, 2, 3]], { batchSize: 0 }), ConfigError],
    ['evaluate, batchSize -1', (m) => m.evaluate([[1, 2, 3]], [1], { batchSize: -1 }), ConfigError],
  ];
  it.each(refusals)('%s', async (_name, refuse, cls) => {
    const m = dense('sigmoid');
    expect(await thrown(() => refuse(m))).toBeInstanceOf(cls);
    expect(m.predict([[1, 2, 3, 4]]).shape, 'a first good call of 4 features').toEqual([1, 1]);
    expect(m.weightNames.length).toBe(2);
    await m.fit([[1, 2, 3, 4]], [1], { verbose: 0 });
    m.dispose();
  });
});

// An absurd output size is a MemoryError from the 4 GiB check, before predict makes its JavaScript result arrays
// (which threw a RangeError first).
describe('predict with an absurd output size', () => {
  it.each([2 ** 31, 2 ** 40, 1e300])('dense units %d: a MemoryError, and the model stays usable', (units) => {
    const m = sequential({ layers: [layers.dense({ units, inputShape: [3] })] });
    expect(() => m.predict([[1, 2, 3]])).toThrow(MemoryError);
    expect(() => m.predict([[1, 2, 3]])).toThrow(/expected .*got /);
    m.dispose();
  });
});

// Values finite as doubles but past float32's range (|v| >= 3.4028235677973366e38 rounds to Infinity) are refused as
// Infinity is (a review of absurd values: setWeights(1e39) was accepted and every prediction was then NaN).
describe('values past float32 range', () => {
  const model = () => {
    const m = sequential({ seed: 1, layers: [layers.dense({ units: 2, inputShape: [3] }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return m;
  };
  const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(new Uint32Array(w.data.buffer.slice(0))));

  it('setWeights with 1e39 is a ValueError and changes nothing', () => {
    const m = model();
    const before = bits(m);
    const w = m.getWeights().map((t) => ({ data: Float64Array.from(t.data), shape: t.shape }));
    w[0].data[4] = -1e39;
    expect(() => m.setWeights(w)).toThrow(/expected finite numbers, got -1e\+39 \(past float32's range: the model would hold it as Infinity\) at flat index 4/);
    expect(bits(m)).toEqual(before);
    m.dispose();
  });

  it('predict, evaluate and fit refuse x or y holding 1e39; the largest float32 is taken', async () => {
    const m = model();
    expect(() => m.predict([[1, 1e39, 3]])).toThrow(ValueError);
    expect(() => m.evaluate([[1, 2, 3]], [1e39])).toThrow(ValueError);
    await expect(m.fit([[1, 2, 3]], [[3.5e38]], { verbose: 0 })).rejects.toThrow(ValueError);
    expect(() => m.predict([[3.4028234663852886e38, 0, 0]])).not.toThrow();
    m.dispose();
  });

  it('layers.embedding({ weights }) with 1e39 is a ValueError, as with NaN', () => {
    expect(() => layers.embedding({ inputDim: 1, outputDim: 2, weights: [[[1e39, 1]]] })).toThrow(ValueError);
  });
});

describe('refusals of NaN and Infinity name them (not "got null")', () => {
  const message = async (f: () => unknown) => { try { await f(); } catch (e) { expect(e).toBeInstanceOf(ConfigError); return (e as Error).message; } return 'no error'; };
  const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [3] })] });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  it.each([
    ['dense units Infinity', () => layers.dense({ units: Infinity }), /got Infinity\.$/],
    ['embedding inputDim NaN', () => layers.embedding({ inputDim: NaN, outputDim: 2 }), /got NaN\.$/],
    ['predict batchSize Infinity', () => m.predict([[1, 2, 3]], { batchSize: Infinity }), /got Infinity\.$/],
    ['fit epochs NaN', () => m.fit([[1, 2, 3]], [1], { verbose: 0, epochs: NaN }), /got NaN\.$/],
    ['fit validationSplit NaN', () => m.fit([[1, 2, 3]], [1], { verbose: 0, validationSplit: NaN }), /got NaN\.$/],
  ])('%s', async (_name, call, want) => {
    // (before: "... got null.": the value printed with JSON.stringify)
    expect(await message(call)).toMatch(want);
  });
});
