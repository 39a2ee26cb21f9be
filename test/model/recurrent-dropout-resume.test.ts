// Training with recurrentDropout saved halfway, reloaded and continued gives the bytes of training straight through,
// with all three recurrent layers (their recurrent-dropout streams are saved state).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync, loadModel, init } from '../../src/index.js';
import { ids } from '../helpers/models.js';

describe('recurrentDropout: resume and threads', () => {
  it('save half way, load, continue = straight through (recurrentDropout in all cells)', async () => {
    initSync();
    const build = () => sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.gru({ units: 5, returnSequences: true, recurrentDropout: 0.3, resetAfter: false }), mergeMode: 'sum' }),
      layers.simpleRNN({ units: 5, returnSequences: true, recurrentDropout: 0.2 }),
      layers.lstm({ units: 4, recurrentDropout: 0.4 }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = { data: ids(40 * 7, 3, 0, 29), shape: [40, 7] }, y = Float32Array.from({ length: 40 }, (_, i) => i % 2);
    const a = build(); a.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await a.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    const b = build(); b.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await b.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    console.log(Object.keys(b.state.streams));
    const c = await loadModel(await b.save());
    expect(c.getConfig()).toEqual(b.getConfig());
    await c.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const bytes = (m: typeof a) => Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)));
    expect(bytes(c).equals(bytes(a))).toBe(true);
  });

  it('1 vs 2 threads fit bytes, Bidirectional LSTM concat B=32 small vocab + partial last batch', async () => {
    const out: Buffer[] = [];
    for (const threads of [1, 2]) {
      await init({ threads });
      const m = sequential({ seed: 9, layers: [
        layers.embedding({ inputDim: 6, outputDim: 12, inputLength: 9, maskZero: true }),
        layers.bidirectional({ layer: layers.lstm({ units: 16, recurrentDropout: 0.25, returnSequences: true }) }),
        layers.bidirectional({ layer: layers.lstm({ units: 8, recurrentDropout: 0.25 }), mergeMode: 'ave' }),
        layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const x = { data: ids(70 * 9, 5, 0, 5), shape: [70, 9] }, y = Float32Array.from({ length: 70 }, (_, i) => i % 2);
      await m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
      out.push(Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength))));
      m.dispose();
    }
    expect(out[0].equals(out[1])).toBe(true);
    await init({ threads: 1 });
  });
});
