// Training with the recurrent layers' dropout or recurrentDropout resumed from a saved file gives the bytes of training
// straight through (the dropout streams, a Bidirectional's two, are part of the saved state); with recurrentDropout,
// 1 and 2 threads give the same bytes.
import { describe, it, expect } from 'vitest';
import { sequential, layers, init, initSync, loadModel, type Layer, type Sequential } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const weightBytes = (m: Sequential) => Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)));

/** Fits 4 epochs straight, and 2 epochs, save, load, 2 more: the same weight bytes; returns the halfway model. */
async function expectResumed(recurrent: () => Layer[]): Promise<{ half: Sequential; resumed: Sequential }> {
  initSync();
  const build = () => sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 7, maskZero: true }),
    ...recurrent(),
    layers.dense({ units: 1, activation: 'sigmoid' })] });
  const x = { data: ids(40 * 7, 3, 0, 29), shape: [40, 7] }, y = Float32Array.from({ length: 40 }, (_, i) => i % 2);
  const a = build(); a.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await a.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
  const half = build(); half.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await half.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const resumed = await loadModel(await half.save());
  const config = resumed.getConfig();
  await resumed.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  expect(weightBytes(resumed).equals(weightBytes(a))).toBe(true);
  expect(config).toEqual(half.getConfig());
  return { half, resumed };
}

describe('dropout resume', () => {
  it('save half way, load, continue = straight through', async () => {
    const { half } = await expectResumed(() => [
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true, dropout: 0.3 }), mergeMode: 'sum' }),
      layers.lstm({ units: 4, dropout: 0.4 })]);
    expect(Object.keys(half.state.streams).some((k) => k.endsWith('dropout/forward'))).toBe(true);
  });
});

describe('recurrentDropout: resume and threads', () => {
  it('save half way, load, continue = straight through (recurrentDropout in all cells)', async () => {
    await expectResumed(() => [
      layers.bidirectional({ layer: layers.gru({ units: 5, returnSequences: true, recurrentDropout: 0.3, resetAfter: false }), mergeMode: 'sum' }),
      layers.simpleRNN({ units: 5, returnSequences: true, recurrentDropout: 0.2 }),
      layers.lstm({ units: 4, recurrentDropout: 0.4 })]);
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
      out.push(weightBytes(m));
      m.dispose();
    }
    expect(out[0].equals(out[1])).toBe(true);
    await init({ threads: 1 });
  });
});
