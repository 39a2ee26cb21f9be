// GRUs inside models: free length, batch sizes, predict after fit, frozen layers, 1 vs 2 threads, summary, weights,
// save/load, attention with a mask.
import { describe, it, expect } from 'vitest';
import { sequential, layers, init, initSync, loadModel, optimizers, type Sequential, type Layer } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const wbits = (m: Sequential) => m.getWeights().map((w) => bits(w.data));

function tokens(n: number, T: number, seed: number) {
  const data = ids(n * T, seed, 1, 12);
  for (let i = 0; i < n; i++) for (let t = 2 + ((i * 5) % T); t < T; t++) data[i * T + t] = 0;
  const y = Float32Array.from({ length: n }, (_, i) => (data[i * T] + data[i * T + 1]) % 2);
  return { x: { data, shape: [n, T] }, y };
}

function pooled(T: number | null, rnn: () => Layer, seed = 3): Sequential {
  return sequential({ seed, layers: [
    layers.embedding({ inputDim: 13, outputDim: 6, maskZero: true, ...(T === null ? {} : { inputLength: T }) }),
    rnn(),
    layers.globalAveragePooling1D(),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}

const RNNS: [string, () => Layer][] = [
  ['gru resetAfter', () => layers.gru({ units: 5, returnSequences: true })],
  ['gru resetBefore goBackwards', () => layers.gru({ units: 5, returnSequences: true, resetAfter: false, goBackwards: true })],
  ['bi-gru concat', () => layers.bidirectional({ layer: layers.gru({ units: 5, returnSequences: true }) })],
  ['bi-gru sum resetBefore', () => layers.bidirectional({ layer: layers.gru({ units: 5, returnSequences: true, resetAfter: false }), mergeMode: 'sum' })],
];

describe('gru in models', () => {
  for (const [name, rnn] of RNNS) {
    it(`${name}: a free-length model equals a fixed-length twin at each T, in any call order, training too`, async () => {
      initSync();
      const m = pooled(null, rnn);
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const results: Record<number, number[]> = {};
      for (const T of [5, 9, 3, 9, 5, 1]) {
        const { x } = tokens(4, T, 10 + T);
        const p = bits(m.predict(x).data);
        if (results[T]) expect(p, `T ${T} again`).toEqual(results[T]);
        results[T] = p;
        const f = pooled(T, rnn);
        f.setWeights(m.getWeights());
        expect(bits(f.predict(x).data), `fixed twin at T ${T}`).toEqual(p);
        f.dispose();
      }
      // gradients at T 9 after calls at other T
      const { x, y } = tokens(6, 9, 3);
      const twin = pooled(9, rnn);
      twin.setWeights(m.getWeights());
      twin.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      await m.fit(tokens(6, 4, 8).x, tokens(6, 4, 8).y, { epochs: 1, batchSize: 3, verbose: 0, shuffle: false });
      twin.setWeights(m.getWeights());
      await m.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0, shuffle: false });
      await twin.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0, shuffle: false });
      expect(wbits(m)).toEqual(wbits(twin));
      m.dispose(); twin.dispose();
    });

    it(`${name}: batch sizes changing between calls give each row's bits; predict after fit equals a fresh model's`, async () => {
      initSync();
      const m = pooled(7, rnn);
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const { x, y } = tokens(11, 7, 5);
      const all = bits(m.predict(x, { batchSize: 11 }).data);
      for (const bs of [1, 3, 11, 2]) expect(bits(m.predict(x, { batchSize: bs }).data), `batch ${bs}`).toEqual(all);
      await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      const after = bits(m.predict(x).data);
      const fresh = pooled(7, rnn);
      fresh.setWeights(m.getWeights());
      expect(bits(fresh.predict(x).data)).toEqual(after);
      const one = bits(m.predict({ data: x.data.slice(0, 7), shape: [1, 7] }).data);
      expect(one).toEqual(after.slice(0, 1));
      m.dispose(); fresh.dispose();
    });
  }

  it('a trainable: false GRU keeps its weights through fit; the embedding before it still trains', async () => {
    initSync();
    for (const bidi of [false, true]) {
      const inner = layers.gru({ units: 5, returnSequences: true, trainable: bidi });
      const rnn = bidi ? layers.bidirectional({ layer: inner, trainable: false }) : inner;
      const m = pooled(7, () => rnn);
      (inner as unknown as { trainable: boolean }).trainable = bidi ? true : false;
      if (!bidi) expect(rnn.trainable).toBe(false);
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const w0 = wbits(m);
      const { x, y } = tokens(8, 7, 5);
      await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      const w1 = wbits(m);
      const n = rnn.weights.length;
      for (let i = 1; i <= n; i++) expect(w1[i], `frozen weight ${i} (bidi ${bidi})`).toEqual(w0[i]);
      expect(w1[0], 'embedding trains').not.toEqual(w0[0]);
      expect(m.summary(undefined, undefined, () => {})).toContain(`Non-trainable params: ${rnn.countParams()}`);
      m.dispose();
    }
  });

  it('a frozen embedding before a GRU / Bi-GRU: same weight updates as with a trainable-but-zero-lr embedding reference', async () => {
    initSync();
    for (const bidi of [false, true]) for (const merge of ['concat', 'sum'] as const) {
      const make = (frozen: boolean) => {
        const g = () => layers.gru({ units: 5, returnSequences: true, resetAfter: merge === 'sum' });
        return sequential({ seed: 4, layers: [
          layers.embedding({ inputDim: 13, outputDim: 6, inputLength: 7, maskZero: true, trainable: !frozen }),
          bidi ? layers.bidirectional({ layer: g(), mergeMode: merge }) : g(),
          layers.attention({ returnSequences: false }),
          layers.dense({ units: 1, activation: 'sigmoid' }),
        ] });
      };
      const a = make(true), b = make(false);
      a.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      b.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = tokens(8, 7, 5);
      await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
      const wa = wbits(a), wb = wbits(b);
      for (let i = 1; i < wa.length; i++) expect(wa[i], `weight ${i} bidi ${bidi} ${merge}`).toEqual(wb[i]);
      a.dispose(); b.dispose();
    }
  });

  it('summary counts match Keras: GRU 3*(I*H + H*H + H) reset before, 3*(I*H + H*H + 2H) reset after', () => {
    initSync();
    const I = 6, H = 5;
    for (const resetAfter of [true, false]) for (const useBias of [true, false]) {
      const m = sequential({ layers: [
        layers.gru({ units: H, returnSequences: true, resetAfter, useBias, inputShape: [7, I] }),
        layers.bidirectional({ layer: layers.gru({ units: H, resetAfter, useBias }) }),
      ] });
      const want = 3 * (I * H + H * H + (useBias ? (resetAfter ? 2 * H : H) : 0));
      const want2 = 2 * 3 * (H * H + H * H + (useBias ? (resetAfter ? 2 * H : H) : 0));
      const text = m.summary(undefined, undefined, () => {});
      expect(m.layers.map((l) => l.countParams())).toEqual([want, want2]);
      expect(text).toContain(`Total params: ${want + want2}`);
      expect(m.getWeights().map((w) => w.shape)).toEqual([
        [I, 3 * H], [H, 3 * H], ...(useBias ? [resetAfter ? [2, 3 * H] : [3 * H]] : []),
        [H, 3 * H], [H, 3 * H], ...(useBias ? [resetAfter ? [2, 3 * H] : [3 * H]] : []),
        [H, 3 * H], [H, 3 * H], ...(useBias ? [resetAfter ? [2, 3 * H] : [3 * H]] : []),
      ]);
      m.dispose();
    }
  });

  it('GRU(returnSequences) -> attention with a mask, zeroOutputForMask both ways, goBackwards: save/load and row bits', async () => {
    initSync();
    for (const zero of [false, true]) for (const gb of [false, true]) {
      const m = sequential({ seed: 2, layers: [
        layers.embedding({ inputDim: 13, outputDim: 6, inputLength: 8, maskZero: true }),
        layers.gru({ units: 7, returnSequences: true, zeroOutputForMask: zero, goBackwards: gb }),
        layers.attention({ returnSequences: false }),
        layers.dense({ units: 1, activation: 'sigmoid' }),
      ] });
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const { x, y } = tokens(9, 8, 1);
      await m.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
      const p = m.predict(x);
      expect(Array.from(p.data).every(Number.isFinite)).toBe(true);
      const back = await loadModel(await m.save());
      expect(bits(back.predict(x).data)).toEqual(bits(p.data));
      for (let i = 0; i < 9; i++) expect(bits(m.predict({ data: x.data.slice(i * 8, i * 8 + 8), shape: [1, 8] }).data)[0]).toBe(bits(p.data)[i]);
      back.dispose(); m.dispose();
    }
  });
});

describe('Bi-GRU on 2 threads', () => {
  it('gives the bytes of 1 thread for every merge mode, returnSequences both ways, both reset placements (train + predict)', async () => {
    const out: Record<string, string[]> = {};
    for (const threads of [1, 2]) {
      await init({ threads });
      for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const rs of [true, false]) for (const resetAfter of [true, false]) {
        const key = `${mode} rs ${rs} ra ${resetAfter}`;
        const m = sequential({ seed: 11, layers: [
          layers.embedding({ inputDim: 13, outputDim: 6, inputLength: 9, maskZero: true }),
          layers.bidirectional({ layer: layers.gru({ units: 20, returnSequences: rs, resetAfter }), mergeMode: mode }),
          ...(rs ? [layers.attention({ returnSequences: false })] : []),
          layers.dense({ units: 1, activation: 'sigmoid' }),
        ] });
        m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        const { x, y } = tokens(64, 9, 7);
        await m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
        const p = m.predict(x, { batchSize: 64 });
        const s = [JSON.stringify(wbits(m)), JSON.stringify(bits(p.data))];
        if (threads === 1) out[key] = s; else expect(s, key).toEqual(out[key]);
        m.dispose();
      }
    }
    await init({ threads: 1 });
  });
});
