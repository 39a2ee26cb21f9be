// One fit at a time: a second fit (or trainOnBatch) while one runs is a StateError, predict and evaluate from a
// callback change nothing; a callback that throws ends fit with its error and leaves the model as stopTraining at
// that point would (weights, optimizer state, streams, file bytes), so it predicts, saves and trains on.
import { describe, it, expect } from 'vitest';
import { sequential, layers, loadModel, StateError, type Callbacks, type FitArgs, type Sequential } from '../../src/index.js';
import { smallData, weightBytes } from '../helpers/models.js';

/** The small model with fixed names (two of them save the same bytes in the same state), dropout for the streams. */
function model(): Sequential {
  const m = sequential({ seed: 11, name: 'conc', layers: [
    layers.embedding({ name: 'emb', inputDim: 11, outputDim: 5, inputLength: 7 }),
    layers.bidirectional({ name: 'bi', layer: layers.lstm({ name: 'lstm', units: 4, returnSequences: true }) }),
    layers.attention({ name: 'att', returnSequences: false }),
    layers.dropout({ name: 'drop', rate: 0.3 }),
    layers.dense({ name: 'out', units: 1, activation: 'sigmoid' }),
  ]});
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

const { x, y } = smallData(48);
const opts = { epochs: 3, batchSize: 12, verbose: 0 as const };

async function sameState(a: Sequential, b: Sequential): Promise<void> {
  expect(weightBytes(a)).toEqual(weightBytes(b));
  expect(a.state).toEqual(b.state);
  expect(await a.save()).toEqual(await b.save());
}

describe('fit concurrency', () => {
  it('refuses a second fit, and trainOnBatch, while one runs; the first goes on as if alone', async () => {
    const a = model();
    const first = a.fit(x, y, opts);
    await expect(a.fit(x, y, opts)).rejects.toThrow(StateError);
    await expect(a.fit(x, y, opts)).rejects.toThrow(/^fit: expected no other fit running on this model, got one in progress\. Await the first model\.fit\(\) before starting another\./);
    let inner: unknown = null;
    const h = await a.fit(x, y, { ...opts, initialEpoch: 3, epochs: 4, callbacks: { onBatchEnd: async (b) => {
      if (b !== 1) return;
      inner = await a.fit(x, y, opts).catch((e: unknown) => e);
      expect(() => a.trainOnBatch(x, y)).toThrow(/^trainOnBatch: expected no fit running on this model, got one in progress\./);
    } } }).catch((e: unknown) => e);
    // the third fit started while the first still ran: refused too
    expect(h).toBeInstanceOf(StateError);
    await first;
    // now free: a fit from inside a callback of a fit is refused
    await a.fit(x, y, { ...opts, initialEpoch: 3, epochs: 4, callbacks: { onBatchEnd: async (b) => {
      if (b === 1) inner = await a.fit(x, y, opts).catch((e: unknown) => e);
    } } });
    expect(inner).toBeInstanceOf(StateError);
    const ref = model();
    await ref.fit(x, y, opts);
    await ref.fit(x, y, { ...opts, initialEpoch: 3, epochs: 4 });
    await sameState(a, ref);
  });

  it('predict, evaluate and save from a callback work and change nothing', async () => {
    const a = model(), ref = model();
    const seen: number[] = [];
    await a.fit(x, y, { ...opts, callbacks: { onBatchEnd: async (b) => {
      // a bigger batch than fit's re-plans the activations; fit's next step plans its own again
      seen.push(a.predict(x, { batchSize: 48 }).data[0], a.evaluate(x, y, { batchSize: 5 })[0]);
      if (b === 2) await a.save();
    } } });
    await ref.fit(x, y, opts);
    expect(seen.every(Number.isFinite)).toBe(true);
    await sameState(a, ref);
  });

  describe('a callback that throws', () => {
    const boom = new Error('from the callback');
    let epoch = 0;
    // where each throw happens, and the stop at the same point: stopTraining after a batch; before an epoch's first
    // batch an aborted signal (stopTraining set there still runs one batch, as Keras checks it after each batch)
    const cases: { name: string; throws: Callbacks; stops: (m: Sequential) => Pick<FitArgs, 'callbacks' | 'signal'> }[] = [
      { name: 'onBatchEnd mid-epoch', throws: { onBatchEnd: (b) => { if (b === 1) throw boom; } },
        stops: (m) => ({ callbacks: { onBatchEnd: (b) => { if (b === 1) m.stopTraining = true; } } }) },
      // before the epoch's first step: the epoch's shuffle is taken back, as when stopped there
      { name: 'onBatchBegin of an epoch\'s first batch', throws: { onBatchBegin: (b) => { if (b === 0 && epoch === 1) throw boom; } },
        stops: () => { const ac = new AbortController(); return { callbacks: { onEpochBegin: (e) => { if (e === 1) ac.abort(); } }, signal: ac.signal }; } },
    ];
    for (const c of cases) {
      it(`(${c.name}) ends fit with that error; the model predicts, saves and resumes like one stopped there`, async () => {
        const a = model(), ref = model();
        epoch = 0;
        const track = { onEpochBegin: (e: number) => { epoch = e; } };
        await expect(a.fit(x, y, { ...opts, callbacks: [track, c.throws] })).rejects.toBe(boom);
        await ref.fit(x, y, { ...opts, ...c.stops(ref) });
        await sameState(a, ref);
        expect(Array.from(a.predict(x).data)).toEqual(Array.from(ref.predict(x).data));
        const bytes = (await a.save())!;
        // resumes: a second fit on it, and on its saved copy, trains exactly as on the cleanly stopped model
        const copy = await loadModel(bytes);
        await a.fit(x, y, opts);
        await copy.fit(x, y, opts);
        await ref.fit(x, y, opts);
        await sameState(a, ref);
        await sameState(copy, ref);
      });
    }
  });
});
