// SimpleRNN in models: summary parameter counts (Keras: I*H + H*H + H), Bidirectional merge modes on 1 vs 2 threads,
// projection tables (single, Bidirectional, free length, batch 1 = row of a batch), save/load.
import { describe, it, expect } from 'vitest';
import { sequential, layers, init, initSync, loadModel, exportKeras, loadKerasModel } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const buf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('simpleRNN models', () => {
  it('summary parameter counts', () => {
    initSync();
    const m = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 100, outputDim: 7, inputLength: 5 }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 9, returnSequences: true }) }),
      layers.simpleRNN({ units: 4, useBias: false }),
      layers.dense({ units: 1 })] });
    const s = m.summary(undefined, undefined, () => {});
    const bi = 2 * (7 * 9 + 9 * 9 + 9), one = 18 * 4 + 4 * 4;
    expect(m.layers[1].countParams()).toBe(bi);
    expect(m.layers[2].countParams()).toBe(one);
    expect(s).toContain(String(bi));
    expect(s).toContain(`Total params: ${700 + bi + one + 5}`);
  });

  it('Bidirectional(SimpleRNN) every merge mode, sequences or not: 1 and 2 threads the same bytes; projections the same bytes; save/load', async () => {
    const n = 40, T = 9, V = 50;
    const x = ids(n * T, 3, 0, V - 1);
    const data = { data: x, shape: [n, T] }, y = Float32Array.from({ length: n }, (_, r) => x[r * T + 1] % 2);
    for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const seq of [true, false]) {
      const got: string[] = [];
      for (const threads of [1, 2]) {
        await init({ threads });
        const m = sequential({ seed: 4, layers: [
          layers.embedding({ inputDim: V, outputDim: 20, inputLength: T, maskZero: true }),
          layers.bidirectional({ layer: layers.simpleRNN({ units: 19, returnSequences: seq, activation: 'relu' }), mergeMode: mode }),
          ...(seq ? [layers.globalMaxPooling1D()] : []),
          layers.dense({ units: 1, activation: 'sigmoid' })] });
        m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        await m.fit(data, y, { epochs: 2, batchSize: 16, verbose: 0 });
        const p = m.predict(data).data;
        m.cacheInputProjections();
        expect(buf(m.predict(data).data).equals(buf(p)), `projections ${mode} ${seq}`).toBe(true);
        const one = m.predict({ data: x.slice(0, T), shape: [1, T] }).data;
        expect(buf(one).equals(buf(p.slice(0, 1))), `batch 1 ${mode} ${seq}`).toBe(true);
        const back = await loadModel(await m.save());
        expect(buf(back.predict(data).data).equals(buf(p))).toBe(true);
        got.push(Buffer.concat(m.getWeights().map((w) => buf(w.data))).toString('base64') + buf(p).toString('base64'));
        back.dispose(); m.dispose();
      }
      expect(got[1] === got[0], `${mode} ${seq}`).toBe(true);
    }
    await init({ threads: 1 });
  });

  it('free length with projection tables (SimpleRNN and Bi-SimpleRNN), T changing', () => {
    initSync();
    const m = sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: 30, outputDim: 6, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true }), mergeMode: 'ave' }),
      layers.simpleRNN({ units: 3, goBackwards: true }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const mk = (n: number, T: number, s: number) => ({ data: ids(n * T, s, 0, 29), shape: [n, T] });
    const a = mk(6, 4, 1), b = mk(5, 13, 2), c = mk(3, 2, 3);
    const plain = [a, b, c].map((d) => m.predict(d).data.slice());
    m.cacheInputProjections();
    [a, b, c, a].forEach((d, i) => expect(buf(m.predict(d).data).equals(buf(plain[i % 3]))).toBe(true));
  });

  it('Keras export/import round trip of SimpleRNN with dropout keeps predictions and the rate', async () => {
    initSync();
    const m = sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 5, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true, dropout: 0.2 }) }),
      layers.simpleRNN({ units: 3, goBackwards: true, dropout: 0.1, activation: 'relu' }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = { data: ids(30, 5, 0, 29), shape: [6, 5] };
    const p = m.predict(x).data;
    const back = await loadKerasModel(await exportKeras(m));
    expect(buf(back.predict(x).data).equals(buf(p))).toBe(true);
    expect((back.layers[2] as unknown as { dropout: number }).dropout).toBe(0.1);
    expect((back.layers[1] as unknown as { forwardLayer: { dropout: number } }).forwardLayer.dropout).toBe(0.2);
  });
});
