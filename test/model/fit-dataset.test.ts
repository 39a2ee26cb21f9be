// fitDataset / evaluateDataset: batches from arrays, functions, async generators and TF.js's tf.data train exactly as
// fit on the same batches in the same order (the same weight bytes and History), batchesPerEpoch runs one iterator
// across epochs, data that runs out stops training with a warning, validation from a dataset or arrays, and bad
// batches are typed errors naming the epoch and batch, with the model as after the last good step.
import { describe, it, expect, vi, afterEach } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { sequential, layers, ConfigError, ShapeError, ValueError, StateError, type Sequential } from '../../src/index.js';
import { Progress, type ProgressWriter } from '../../src/model/progress.js';
import { smallModel, smallData, weightBytes } from '../helpers/models.js';

const N = 24, BS = 8, T = 7;

function compiled(seed = 3, metrics: string[] = ['accuracy']): Sequential {
  const m = smallModel(seed);
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: metrics as never });
  return m;
}

/** The data as batches of BS rows in order: [x, y] with x { data, shape }. */
function batches(d = smallData(N, 5), bs = BS) {
  const out: [{ data: Int32Array; shape: number[] }, Float32Array][] = [];
  for (let s = 0; s < d.y.length; s += bs) {
    const n = Math.min(bs, d.y.length - s);
    out.push([{ data: d.x.data.slice(s * T, (s + n) * T), shape: [n, T] }, d.y.slice(s, s + n)]);
  }
  return out;
}

async function reference(epochs: number, seed = 3) {
  const m = compiled(seed);
  const d = smallData(N, 5);
  const h = await m.fit(d.x, d.y, { epochs, batchSize: BS, shuffle: false, verbose: 0 });
  return { m, h };
}

afterEach(() => { vi.restoreAllMocks(); });

describe('fitDataset', () => {
  it('on an array of [x, y] batches: the same weight bytes and History as fit on those batches (shuffle false)', async () => {
    const { m: ref, h: href } = await reference(3);
    const m = compiled();
    const h = await m.fitDataset(batches(), { epochs: 3, verbose: 0 });
    expect(weightBytes(m)).toEqual(weightBytes(ref));
    expect(h.history).toEqual(href.history);
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.params).toEqual({ verbose: 0, epochs: 3, batchSize: null, samples: null, steps: null });
  });

  it('from a function returning an async generator of { xs, ys } each epoch, and from tf.data: the same bytes', async () => {
    const { m: ref } = await reference(2);
    const m = compiled();
    async function* gen() { for (const [x, y] of batches()) { await Promise.resolve(); yield { xs: x, ys: y }; } }
    await m.fitDataset(() => gen(), { epochs: 2, verbose: 0 });
    expect(weightBytes(m)).toEqual(weightBytes(ref));
    // TF.js: rows as float32 tensors (ids stored as floats), batched by tf.data
    const d = smallData(N, 5);
    const rows = Array.from({ length: N }, (_, i) => Array.from(d.x.data.slice(i * T, i * T + T)));
    const ds = tf.data.zip({ xs: tf.data.array(rows), ys: tf.data.array(Array.from(d.y)) }).batch(BS);
    const t = compiled();
    const h = await t.fitDataset(ds as never, { epochs: 2, verbose: 0 });
    expect(weightBytes(t)).toEqual(weightBytes(ref));
    expect(h.params.steps).toBe(3); // tf.data knows its size
  });

  it('batchesPerEpoch runs one iterator on across epochs; one that runs out stops training after a partial epoch, with a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const all = batches(smallData(2 * N, 9));           // 6 batches
    const ref = compiled();
    await ref.fit({ data: smallData(2 * N, 9).x.data, shape: [2 * N, T] }, smallData(2 * N, 9).y, { epochs: 1, batchSize: BS, shuffle: false, verbose: 0 });
    const m = compiled();
    // (an array gives a fresh iterator when asked: batchesPerEpoch asks once)
    const h = await m.fitDataset(all, { epochs: 2, batchesPerEpoch: 3, verbose: 0 });
    expect(h.epoch).toEqual([0, 1]);
    expect(h.params.steps).toBe(3);
    expect(weightBytes(m)).toEqual(weightBytes(ref));   // batches 0-2 then 3-5, in order
    expect(warn).not.toHaveBeenCalled();
    // 4 batches for 2 epochs of 3: the second epoch runs one batch, is logged, and training stops
    const short = compiled();
    const h2 = await short.fitDataset(all.slice(0, 4)[Symbol.iterator](), { epochs: 3, batchesPerEpoch: 3, verbose: 0 });
    expect(h2.epoch).toEqual([0, 1]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^fitDataset: the dataset ran out of data at epoch 2 of 3; interrupting training/);
  });

  it('a generator object (iterable once) for several epochs: epoch 1 trains, then training stops with the warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    function* once() { yield* batches(); }
    const m = compiled();
    const h = await m.fitDataset(once(), { epochs: 3, verbose: 0 });
    expect(h.epoch).toEqual([0]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/ran out of data at epoch 2 of 3/);
  });

  it('validation from a dataset (validationBatches) or from arrays: the val_ values evaluate gives', async () => {
    const val = smallData(16, 12);
    const m = compiled();
    const h = await m.fitDataset(batches(), { epochs: 2, verbose: 0, validationData: () => batches(val, 4), validationBatches: 2 });
    const first8 = { data: val.x.data.slice(0, 8 * T), shape: [8, T] };
    const ev = m.evaluate(first8, val.y.slice(0, 8), { batchSize: 4 });
    expect(h.history.val_loss[1]).toBe(ev[0]);
    expect(h.history.val_accuracy[1]).toBe(ev[1]);
    const m2 = compiled();
    const h2 = await m2.fitDataset(batches(), { epochs: 1, verbose: 0, validationData: [val.x, val.y], validationBatchSize: 5 });
    expect(h2.history.val_loss[0]).toBe(m2.evaluate(val.x, val.y, { batchSize: 5 })[0]);
    // TF.js tensors as the validation arrays; an array of batches is refused saying what an array means
    const m3 = compiled();
    const h3 = await m3.fitDataset(batches(), { epochs: 1, verbose: 0, validationData: [tf.tensor(val.x.data, val.x.shape, 'int32'), tf.tensor(val.y)] });
    expect(h3.history.val_loss[0]).toBe(m3.evaluate(val.x, val.y, { batchSize: 32 })[0]);
    await expect(compiled().fitDataset(batches(), { verbose: 0, validationData: batches(val, 4) as never })).rejects.toThrow(/got an array of 4 items \(an array is read as \[xVal, yVal\]: pass an array of batches as a function returning it, \(\) => batches\)/);
  });

  it('evaluateDataset equals evaluate over the same batches (loss weighted by batch size, metrics over all rows)', async () => {
    const m = compiled(4, ['accuracy', 'auc']);
    const d = smallData(20, 6);
    const byDataset = await m.evaluateDataset(batches(d, 6));
    expect(byDataset).toEqual(m.evaluate(d.x, d.y, { batchSize: 6 }));
    expect(await m.evaluateDataset(batches(d, 6), { batches: 2 })).toEqual(m.evaluate({ data: d.x.data.slice(0, 12 * T), shape: [12, T] }, d.y.slice(0, 12), { batchSize: 6 }));
  });

  it('a bad batch is a typed error naming epoch and batch; the model is as after the last good step', async () => {
    const { m: ref } = await reference(1);
    const m = compiled();
    const good = batches();
    const bad: unknown[] = [...good, [{ data: new Int32Array(2 * 5), shape: [2, 5] }, new Float32Array(2)]];
    const e = await m.fitDataset((() => bad) as never, { epochs: 2, verbose: 0 }).catch((x) => x);
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as Error).message).toMatch(/^fitDataset: epoch 1, batch 3: /);
    expect(weightBytes(m)).toEqual(weightBytes(ref));
    const m2 = compiled();
    await expect(m2.fitDataset([{ x: 1 }] as never, { verbose: 0 })).rejects.toThrow(/fitDataset: epoch 1, batch 0: expected a batch \{ xs, ys \} or \[x, y\] or \[x, y, sampleWeight\], got/);
    await expect(m2.fitDataset(42 as never)).rejects.toThrow(ConfigError);
    await expect(m2.fitDataset(batches(), { batchesPerEpoch: 0 })).rejects.toThrow(/fitDataset: expected batchesPerEpoch to be a positive integer, got 0/);
    await expect(m2.fitDataset(batches(), { epoch: 2 } as never)).rejects.toThrow(/epoch/);
    await expect(m2.fitDataset([[smallData(2, 1).x, new Float32Array([0, 7])]], { verbose: 0 })).rejects.toThrow(ValueError);
    await expect(compiled().evaluateDataset([])).rejects.toThrow(/evaluateDataset: expected the dataset to yield at least one batch, got none/);
    const plain = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
    await expect(plain.fitDataset(batches())).rejects.toThrow(StateError);
  });

  it('two evaluations at once (evaluateDataset awaiting batches, evaluate between them) each give what they give alone (a review)', async () => {
    const m = compiled(3);
    const a = batches(smallData(N, 5)), b = batches(smallData(N, 11));
    async function* slow(bs: ReturnType<typeof batches>) { for (const x of bs) { await new Promise((r) => setTimeout(r, 1)); yield x; } }
    const aloneA = await m.evaluateDataset(() => slow(a));
    const aloneB = await m.evaluateDataset(() => slow(b));
    expect(aloneA[1]).not.toBe(aloneB[1]);
    const [ra, rb] = await Promise.all([m.evaluateDataset(() => slow(a)), m.evaluateDataset(() => slow(b))]);
    expect(ra).toEqual(aloneA);
    expect(rb).toEqual(aloneB);
    const other = smallData(16, 99);
    async function* interleaved() { let i = 0; for (const x of a) { if (i++ === 1) m.evaluate(other.x, other.y); yield x; } }
    expect(await m.evaluateDataset(() => interleaved())).toEqual(aloneA);
    // TF.js's { batches, verbose } (verbose 0 or false)
    expect(await m.evaluateDataset(a, { batches: 1, verbose: 0 })).toEqual(m.evaluate(a[0][0], a[0][1], { verbose: 0 }));
    await expect(m.evaluateDataset(a, { verbose: 1 as never })).rejects.toThrow(/evaluateDataset: expected verbose 0 or false/);
  });

  it('a signal aborted while the dataset fetches the next batch trains on no further batch (a review)', async () => {
    const m = compiled();
    const ac = new AbortController();
    let trained = 0;
    async function* gen() {
      let i = 0;
      for (const x of batches()) {
        // the abort comes (a timer, a UI event) while the second batch is being read
        if (i++ === 1) { await new Promise((r) => setTimeout(r, 5)); ac.abort(); }
        yield x;
      }
    }
    const h = await m.fitDataset(() => gen(), { epochs: 1, verbose: 0, signal: ac.signal, callbacks: { onBatchEnd: () => { trained++; } } });
    expect(trained).toBe(1);
    expect(m.optimizer!.iterations).toBe(1);
    expect(h.epoch).toEqual([0]);
  });

  it('class weights and per-batch sample weights weigh the loss as fit\'s do', async () => {
    const d = smallData(N, 5);
    const w = Float32Array.from({ length: N }, (_, i) => (i % 3) / 2);
    const ref = compiled();
    const href = await ref.fit(d.x, d.y, { epochs: 1, batchSize: BS, shuffle: false, verbose: 0, sampleWeight: w, classWeight: { 0: 1, 1: 2 } });
    const m = compiled();
    const h = await m.fitDataset(batches().map(([x, y], i) => [x, y, w.slice(i * BS, i * BS + BS)]), { epochs: 1, verbose: 0, classWeight: { 0: 1, 1: 2 } });
    expect(weightBytes(m)).toEqual(weightBytes(ref));
    expect(h.history.loss).toEqual(href.history.loss);
  });

  it('the progress bar of data of unknown length reads n/Unknown in the first epoch, then the steps it learnt', async () => {
    const calls: string[] = [];
    const writer: ProgressWriter = { write: (t) => { calls.push(t); }, line: (t) => { calls.push(t); } };
    let now = 0;
    const m = compiled();
    await m.fitDataset(() => batches(), { epochs: 2, progressOutput: { writer, clock: () => (now += 200), tty: true } });
    expect(calls.some((c) => /^\r {6}1\/Unknown - 0s 200ms\/step - \d+ samples\/s - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/.test(c))).toBe(true);
    expect(calls.filter((c) => c.startsWith('\r3/3 [==============================]')).length).toBeGreaterThanOrEqual(2);
    expect(new Progress({ verbose: 1, epochs: 1, steps: null, names: [], writer, tty: false }).verbose).toBe(1);
  });
});
