// Built-in callbacks (src/model/callbacks.ts): counters against scripted logs as Keras 2 runs them, restoreBestWeights,
// checkpoints written only on improvement, learning-rate changes, and resume (save, load, fit) equal to one fit.
import { describe, it, expect, vi, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callbacks, loadModel, optimizers, ConfigError, StateError, ValueError, type CallbackModel, type Logs } from '../../src/index.js';
import { formatCheckpointPath } from '../../src/model/callbacks.js';
import { pyRepr } from '../../src/model/pyformat.js';
import { smallModel, smallData, weightBytes } from '../helpers/models.js';

const F = Math.fround;
const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-callbacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in model: weights are [epoch tag], the rate is settable, saves are recorded. */
function fakeModel(lr = 0.01) {
  const m = {
    stopTraining: false,
    optimizer: { learningRate: lr },
    tag: 0,
    restored: [] as number[],
    saved: [] as string[],
    getWeights: () => [{ data: Float32Array.of(m.tag), shape: [1] }],
    setWeights: (w: { data: Float32Array }[]) => { m.restored.push(w[0].data[0]); },
    save: async (p: string) => { m.saved.push(p); },
  };
  return m;
}

/** Runs a callback over scripted epoch logs as fit does (stopping when the model says so); returns the epochs run. */
async function script(cb: ReturnType<typeof callbacks.earlyStopping> | ReturnType<typeof callbacks.reduceLROnPlateau> | ReturnType<typeof callbacks.modelCheckpoint>,
  m: ReturnType<typeof fakeModel>, values: Logs[], after?: (e: number) => void): Promise<number> {
  cb.setModel(m as unknown as CallbackModel);
  (cb as { onTrainBegin?: () => void }).onTrainBegin?.(); // (modelCheckpoint has none: its best stays across fits)
  let e = 0;
  for (; e < values.length && !m.stopTraining; e++) {
    m.tag = e;
    await cb.onEpochEnd(e, { ...values[e] });
    after?.(e);
  }
  await (cb as { onTrainEnd?: () => unknown }).onTrainEnd?.();
  return e;
}
const losses = (...v: number[]) => v.map((val_loss) => ({ val_loss }));

describe('earlyStopping', () => {
  it('waits patience epochs without an improvement larger than minDelta (min mode for losses)', async () => {
    const cb = callbacks.earlyStopping({ patience: 2, minDelta: 0.25 });
    const m = fakeModel();
    const waits: number[] = [];
    // binary fractions: 0.75 is better than 1 by exactly minDelta, which is not an improvement (strict, as np.less)
    const ran = await script(cb, m, losses(1, 0.75, 0.5, 0.375, 0.3125, 0.0625), () => waits.push(cb.wait));
    expect(waits).toEqual([0, 1, 0, 1, 2]);
    expect(ran).toBe(5);
    expect(cb.stoppedEpoch).toBe(4);
    expect(cb.best).toBe(0.5);
  });

  it("mode 'auto' maximizes names ending in acc / accuracy / auc; a negative minDelta counts as its absolute value", async () => {
    for (const monitor of ['val_acc', 'accuracy', 'val_auc']) expect(callbacks.earlyStopping({ monitor }).maximize).toBe(true);
    for (const monitor of ['val_loss', 'loss', 'val_accuracy_drop']) expect(callbacks.earlyStopping({ monitor }).maximize).toBe(false);
    const cb = callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 1, minDelta: -0.01 });
    expect(cb.minDelta).toBe(0.01);
    const m = fakeModel();
    const ran = await script(cb, m, [0.5, 0.6, 0.605, 0.9].map((val_accuracy) => ({ val_accuracy })));
    expect(ran).toBe(3);
    expect(cb.best).toBe(0.6);
  });

  it('baseline: an improvement that does not beat the baseline does not reset the wait', async () => {
    const cb = callbacks.earlyStopping({ patience: 2, baseline: 0.5 });
    // epochs 0 and 1 improve but stay above the baseline: the wait reaches 3 at epoch 2 and it stops there
    expect(await script(cb, fakeModel(), losses(0.9, 0.8, 0.8, 0.8, 0.8))).toBe(3);
    expect(cb.best).toBe(0.8);
    // without a baseline the wait restarts at epoch 1 and it stops at epoch 3
    expect(await script(callbacks.earlyStopping({ patience: 2 }), fakeModel(), losses(0.9, 0.8, 0.8, 0.8, 0.8))).toBe(4);
  });

  it('startFromEpoch ignores the first epochs; a missing monitor warns and changes nothing', async () => {
    const cb = callbacks.earlyStopping({ patience: 0, startFromEpoch: 2 });
    const m = fakeModel();
    expect(await script(cb, m, losses(0.1, 0.2, 0.3, 0.4))).toBe(4);
    expect(cb.best).toBe(0.3);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cb2 = callbacks.earlyStopping({ monitor: 'val_f1', patience: 0 });
    expect(await script(cb2, fakeModel(), losses(0.1, 0.2, 0.3))).toBe(3);
    expect(warn.mock.calls[0][0]).toBe('Early stopping conditioned on metric `val_f1` which is not available. Available metrics are: val_loss');
    warn.mockRestore();
  });

  it('restoreBestWeights: the best epoch comes back when it stops, and at the end of a full run', async () => {
    const stopped = fakeModel();
    await script(callbacks.earlyStopping({ patience: 1, restoreBestWeights: true }), stopped, losses(0.9, 0.3, 0.5, 0.6, 0.1));
    expect(stopped.restored).toEqual([1]);
    const full = fakeModel();
    await script(callbacks.earlyStopping({ patience: 5, restoreBestWeights: true }), full, losses(0.9, 0.3, 0.5));
    expect(full.restored).toEqual([1]);
  });

  it('restoreBestWeights on a real model: the weights are the bytes of the best epoch', async () => {
    const { x, y } = smallData(40);
    const m = smallModel(11);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    const snaps: Uint32Array[][] = [];
    // monitor a scripted value so that epoch 1 is the best, then stop after two worse epochs
    const scripted = [0.8, 0.2, 0.5, 0.6, 0.7];
    const h = await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [
      { onEpochEnd: (e: number, logs: Logs) => { logs.score = scripted[e]; snaps.push(weightBytes(m)); } },
      callbacks.earlyStopping({ monitor: 'score', patience: 2, restoreBestWeights: true }),
    ] });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(h.history.score).toEqual([0.8, 0.2, 0.5, 0.6]);
    expect(weightBytes(m)).toEqual(snaps[1]);
    expect(weightBytes(m)).not.toEqual(snaps[3]);
  });

  it('checks its options', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(new ConfigError('callbacks.earlyStopping: expected patience, an integer >= 0, got -1.'));
    expect(() => callbacks.earlyStopping({ monitr: 'loss' } as never)).toThrow(ConfigError);
    expect(() => callbacks.earlyStopping().onEpochEnd(1, { val_loss: 1 })).not.toThrow();
    expect(() => { const c = callbacks.earlyStopping({ restoreBestWeights: true }); c.onTrainBegin(); c.onEpochEnd(0, { val_loss: 1 }); }).toThrow(StateError);
  });
});

// A callback that throws ends fit with no onTrainEnd (Keras 3's fit calls on_train_end only after its loop):
// restoreBestWeights then does not restore, and the weights are the last step's; stopTraining at the same point
// restores the best epoch's.
describe('earlyStopping when fit ends with an error', () => {
  const run = async (how: 'throw' | 'stop', withEs = true) => {
    const { x, y } = smallData(32);
    const m = smallModel(9);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    // mode max on loss: the first epoch stays the best, so a restore is visible
    const es = callbacks.earlyStopping({ monitor: 'loss', mode: 'max', patience: 100, restoreBestWeights: true });
    let epoch = 0;
    const stopper = {
      onEpochBegin: (e: number) => { epoch = e; },
      onBatchEnd: (b: number) => { if (epoch === 4 && b === 1) { if (how === 'throw') throw new Error('interrupted'); m.stopTraining = true; } },
    };
    const e = await m.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false, callbacks: withEs ? [es, stopper] : [stopper] }).then(() => null, (err: Error) => err.message);
    const w = weightBytes(m).map((a) => Array.from(a));
    m.dispose();
    return { e, w };
  };
  it('leaves the last step\'s weights (no onTrainEnd, as Keras); stopTraining at the same point restores the best epoch', async () => {
    const thrown = await run('throw'), plain = await run('throw', false), stopped = await run('stop');
    expect([thrown.e, plain.e, stopped.e]).toEqual(['interrupted', 'interrupted', null]);
    expect(thrown.w).toEqual(plain.w);
    expect(stopped.w).not.toEqual(thrown.w);
  });
});

describe('reduceLROnPlateau', () => {
  it('multiplies the rate by factor after patience epochs without improvement, then cools down, never below minLr', async () => {
    const cb = callbacks.reduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 0.003, minDelta: 0.25 });
    const m = fakeModel(0.01);
    const trace: [number, number, number][] = [];
    const logs: Logs[] = [];
    cb.setModel(m as unknown as CallbackModel);
    cb.onTrainBegin();
    // binary fractions, so "better by exactly minDelta" is exact: 0.75 is not an improvement on 1 (strict, as Keras)
    const vals = [1, 0.875, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75];
    for (let e = 0; e < vals.length; e++) {
      const l: Logs = { val_loss: vals[e] };
      cb.onEpochEnd(e, l);
      logs.push(l);
      trace.push([cb.wait, cb.cooldownCounter, m.optimizer.learningRate]);
    }
    // reductions at epochs 2 and 4 (the cooldown epoch in between counts no wait); at minLr the wait keeps growing
    expect(trace.map((t) => t[0])).toEqual([0, 1, 0, 1, 0, 1, 2, 3, 4, 5]);
    expect(trace.map((t) => t[1])).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    const lr1 = F(F(0.01) * 0.5), lr2 = F(Math.max(lr1 * 0.5, 0.003));
    expect(trace.map((t) => t[2])).toEqual([0.01, 0.01, lr1, lr1, lr2, lr2, lr2, lr2, lr2, lr2]);
    // the rate the epoch ran with is logged (as float32), before any reduction of that epoch
    expect(logs.map((l) => l.lr)).toEqual([F(0.01), F(0.01), F(0.01), lr1, lr1, lr2, lr2, lr2, lr2, lr2]);
    expect(lr2).toBe(F(0.003)); // at minLr: the later plateau changes nothing
  });

  it("mode 'auto' maximizes any name containing acc (unlike earlyStopping: auc is minimized)", () => {
    expect(callbacks.reduceLROnPlateau({ monitor: 'val_accuracy' }).maximize).toBe(true);
    expect(callbacks.reduceLROnPlateau({ monitor: 'acc_of_x' }).maximize).toBe(true);
    expect(callbacks.reduceLROnPlateau({ monitor: 'val_auc' }).maximize).toBe(false);
  });

  it("mode 'auto' reads this library's camelCase metric names as Keras's (binaryAccuracy as binary_accuracy, aucApprox as auc)", () => {
    // a review: the case-sensitive checks minimized binaryAccuracy & co, so earlyStopping stopped while accuracy rose
    const ck = (monitor: string) => (callbacks.modelCheckpoint({ path: 'x.bilstm', monitor }) as unknown as { maximize: boolean }).maximize;
    for (const monitor of ['binaryAccuracy', 'val_categoricalAccuracy', 'sparseCategoricalAccuracy', 'val_binary_accuracy']) {
      expect([callbacks.earlyStopping({ monitor }).maximize, ck(monitor), callbacks.reduceLROnPlateau({ monitor }).maximize], monitor).toEqual([true, true, true]);
    }
    // aucApprox is Keras's AUC: maximized by earlyStopping, minimized by the other two as Keras 2 does 'auc'
    expect([callbacks.earlyStopping({ monitor: 'val_aucApprox' }).maximize, ck('val_aucApprox'), callbacks.reduceLROnPlateau({ monitor: 'val_aucApprox' }).maximize]).toEqual([true, false, false]);
    for (const monitor of ['mse', 'val_meanAbsoluteError']) {
      expect([callbacks.earlyStopping({ monitor }).maximize, ck(monitor), callbacks.reduceLROnPlateau({ monitor }).maximize], monitor).toEqual([false, false, false]);
    }
    expect(() => callbacks.reduceLROnPlateau({ factor: 1 })).toThrow(
      new ConfigError('callbacks.reduceLROnPlateau: expected factor in (0, 1) (ReduceLROnPlateau does not support a factor >= 1.0), got 1.'));
  });

  it('an optimizer with a schedule cannot be reduced: a StateError, as Keras raises', async () => {
    const m = smallModel(3);
    m.compile({ optimizer: optimizers.sgd({ learningRate: optimizers.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.9 }) }), loss: 'binaryCrossentropy' });
    const { x, y } = smallData(8);
    await expect(m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss', patience: 0, mode: 'max', minDelta: 100 })] })).rejects.toThrow(StateError);
  });
});

describe('learningRateScheduler', () => {
  it('sets fn(epoch, current lr) at each epoch begin, logs lr, and the steps use it', async () => {
    const { x, y } = smallData(16);
    const m = smallModel(9);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
    const seen: [number, number][] = [];
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [callbacks.learningRateScheduler((e, lr) => { seen.push([e, lr]); return e === 0 ? lr : lr * 0.5; })] });
    expect(seen).toEqual([[0, F(0.1)], [1, F(0.1)], [2, F(F(0.1) * 0.5)]]);
    expect(h.history.lr).toEqual([F(0.1), F(F(0.1) * 0.5), F(F(F(0.1) * 0.5) * 0.5)]);
    expect(() => callbacks.learningRateScheduler(3 as never)).toThrow(ConfigError);
    // a rate of 0, as Keras 2 and 3 take it (a warm-up from 0, a decay to 0): the steps leave the weights as they are,
    // and the model saves and loads with it; a negative rate is refused
    const before = m.getWeights().map((w) => Array.from(w.data));
    const h0 = await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [callbacks.learningRateScheduler(() => 0)] });
    expect(h0.history.lr).toEqual([0, 0]);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    const loaded = await loadModel(await m.save());
    expect(loaded.optimizer!.learningRate).toBe(0);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [callbacks.learningRateScheduler(() => -0.5)] })).rejects.toThrow(
      new ValueError('callbacks.learningRateScheduler: expected the schedule function to return a finite number >= 0, got -0.5 for epoch 0.'));
  });
});

// Keras 2's messages: ModelCheckpoint._save_model's f"{self.best:.5f}" (inf, ties to even: 0.015625 -> 0.01562) and
// LearningRateScheduler's f"... to {lr}." of the value the schedule returned (repr: 1e-05, 0.05)
describe('verbose messages as Keras 2 prints them', () => {
  it('modelCheckpoint prints inf and Python-rounded values; learningRateScheduler the returned rate', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const dir = mkdtempSync(join(tmpdir(), 'bilstm-msg-'));
    try {
      const m = smallModel(2);
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
      const cb = callbacks.modelCheckpoint({ path: join(dir, 'ck-{epoch}.bilstm'), saveBestOnly: true, verbose: 1 });
      cb.setModel(m as unknown as CallbackModel);
      await cb.onEpochEnd(0, { val_loss: 0.015625 });
      await cb.onEpochEnd(1, { val_loss: 0.5 });
      const s = callbacks.learningRateScheduler((e) => [0.05, 1e-5][e], 1);
      s.setModel(m as unknown as CallbackModel);
      s.onEpochBegin(0); s.onEpochBegin(1);
      // ReduceLROnPlateau: f"... reducing learning rate to {new_lr}." of max(old_lr * factor, min_lr), a double
      // (the float32 1e-5 times 0.1, before the variable rounds it)
      const r = callbacks.reduceLROnPlateau({ monitor: 'loss', patience: 0, factor: 0.1, verbose: 1 });
      r.setModel(m as unknown as CallbackModel);
      r.onTrainBegin?.();
      r.onEpochEnd(0, { loss: 1 }); r.onEpochEnd(1, { loss: 1 });
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual([
        `Epoch 1: val_loss improved from inf to 0.01562, saving model to ${join(dir, 'ck-1.bilstm')}`,
        'Epoch 2: val_loss did not improve from 0.01562',
        'Epoch 1: LearningRateScheduler setting learning rate to 0.05.',
        'Epoch 2: LearningRateScheduler setting learning rate to 1e-05.',
        `Epoch 2: ReduceLROnPlateau reducing learning rate to ${pyRepr(Math.fround(1e-5) * 0.1)}.`,
      ]);
      expect(pyRepr(Math.fround(1e-5) * 0.1)).toBe('9.999999747378752e-07');
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('modelCheckpoint', () => {
  it('formats {epoch:02d} and log placeholders as Python does', () => {
    expect(formatCheckpointPath('m.{epoch:02d}-{val_loss:.2f}.bilstm', 4, { val_loss: 0.12345 })).toBe('m.05-0.12.bilstm');
    expect(formatCheckpointPath('{epoch}/{loss:.3e}', 0, { loss: 0.000123 })).toBe('1/1.230e-04');
    expect(() => formatCheckpointPath('{val_acc}', 0, { loss: 1 })).toThrow(ConfigError);
    expect(() => callbacks.modelCheckpoint({ path: 'x{epoch:%}' })).toThrow(ConfigError);
  });

  // Keras's ModelCheckpoint makes the folder first ("Create host directory if it doesn't exist"); a README example
  // ('ckpt/model.{epoch:02d}-{val_loss:.2f}.bilstm') failed with ENOENT at the end of the first epoch (a review).
  it('makes the folder of its path, and its parents, when they are missing', async () => {
    const { x, y } = smallData(20);
    const m = smallModel(13);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [
      callbacks.modelCheckpoint({ path: join(dir, 'made', 'deeper', 'm-{epoch}.bilstm'), monitor: 'loss' }),
    ] });
    expect(readdirSync(join(dir, 'made', 'deeper')).sort()).toEqual(['m-1.bilstm', 'm-2.bilstm']);
    // a backslash is part of a file name outside Windows: no folder 'x' made for 'x\\m.bilstm'
    if (process.platform !== 'win32') {
      await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [callbacks.modelCheckpoint({ path: join(dir, 'made', 'x\\m.bilstm'), monitor: 'loss' })] });
      expect(readdirSync(join(dir, 'made')).sort()).toEqual(['deeper', 'x\\m.bilstm']);
    }
    m.dispose();
  });

  it('saveBestOnly writes files only when the monitored value improves', async () => {
    const { x, y } = smallData(30);
    const m = smallModel(13);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy' });
    const scripted = [0.5, 0.7, 0.4, 0.4, 0.9];
    const h = await m.fit(x, y, { epochs: 5, batchSize: 10, verbose: 0, callbacks: [
      { onEpochEnd: (e: number, logs: Logs) => { logs.val_loss = scripted[e]; } },
      callbacks.modelCheckpoint({ path: join(dir, 'best-{epoch:02d}-{val_loss:.1f}.bilstm'), saveBestOnly: true }),
      callbacks.modelCheckpoint({ path: join(dir, 'every.bilstm') }),
    ] });
    expect(h.epoch).toHaveLength(5);
    expect(readdirSync(dir).filter((f) => f.startsWith('best-')).sort()).toEqual(['best-01-0.5.bilstm', 'best-03-0.4.bilstm']);
    // the last "every epoch" file is the model as it ended
    const last = await loadModel(join(dir, 'every.bilstm'));
    expect(weightBytes(last)).toEqual(weightBytes(m));
  });
});

describe('resume with a changing learning rate', () => {
  const { x, y } = smallData(24);

  it('a schedule: 2 epochs, save, load, 2 more gives the bytes of 4 uninterrupted', async () => {
    const make = () => {
      const m = smallModel(21);
      m.compile({ optimizer: optimizers.adam({ learningRate: optimizers.schedules.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.5, staircase: true }) }), loss: 'binaryCrossentropy' });
      return m;
    };
    const whole = make();
    await whole.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    const half = make();
    await half.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const l = await loadModel((await half.save())!);
    expect(l.optimizer!.schedule?.className).toBe('ExponentialDecay');
    await l.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0 });
    expect(weightBytes(l)).toEqual(weightBytes(whole));
    expect(l.state).toEqual(whole.state);
  });

  it('reduceLROnPlateau: the reduced rate is saved with the model, and the resumed fit continues with it', async () => {
    // patience 0, a huge minDelta: epoch 0 is the only improvement, epoch 1 reduces, then a long cooldown holds the rate
    const rlrp = () => callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.2, patience: 0, minDelta: 100, cooldown: 100 });
    const make = () => { const m = smallModel(22); m.compile({ optimizer: optimizers.rmsprop({ learningRate: 0.02 }), loss: 'binaryCrossentropy' }); return m; };
    const whole = make();
    const hw = await whole.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0, callbacks: [rlrp()] });
    expect(hw.history.lr).toEqual([F(0.02), F(0.02), F(F(0.02) * 0.2), F(F(0.02) * 0.2)]);
    const half = make();
    await half.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [rlrp()] });
    const l = await loadModel((await half.save())!);
    expect(l.getCompileConfig()!.optimizer.learningRate).toBe(F(F(0.02) * 0.2));
    await l.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0 });
    expect(weightBytes(l)).toEqual(weightBytes(whole));
  });
});
