// Training with the recurrent layers' input dropout resumed from a saved file gives the bytes of training straight
// through (the dropout streams, a Bidirectional's two, are part of the saved state).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync, loadModel } from '../../src/index.js';
import { ids } from '../helpers/models.js';

describe('dropout resume', () => {
  it('save half way, load, continue = straight through', async () => {
    initSync();
    const build = () => sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true, dropout: 0.3 }), mergeMode: 'sum' }),
      layers.lstm({ units: 4, dropout: 0.4 }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = { data: ids(40 * 7, 3, 0, 29), shape: [40, 7] }, y = Float32Array.from({ length: 40 }, (_, i) => i % 2);
    const a = build(); a.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await a.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    const b = build(); b.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await b.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(Object.keys(b.state.streams).some((k) => k.endsWith('dropout/forward'))).toBe(true);
    const c = await loadModel(await b.save());
    await c.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const bytes = (m: typeof a) => Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)));
    expect(bytes(c).equals(bytes(a))).toBe(true);
  });
});
