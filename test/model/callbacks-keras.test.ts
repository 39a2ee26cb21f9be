// Callback, History and progress-bar details checked against the Keras sources (tf-keras v2.15.0, Keras v3.15.1), each
// of which differed before: modelCheckpoint's best kept across fits, its path formatted as Python's str.format,
// onTrainEnd given the last epoch's logs, stopTraining checked after each batch (so one set at epoch begin still runs
// a batch), 'lr' logged as Keras 2's optimizer.lr (a schedule's last step), no "Epoch 1/1" for one epoch, and the
// Progbar's value format (Python's rounding, nan, 0.0000e+00).
import { describe, it, expect } from 'vitest';
import { callbacks, optimizers, sequential, layers, type CallbackModel, type Callbacks, type Logs } from '../../src/index.js';
import { smallModel, smallData } from '../helpers/models.js';

/** A stand-in model recording the paths it is saved to. */
function fakeModel() {
  const m = {
    stopTraining: false,
    optimizer: { learningRate: 0.01 },
    saved: [] as string[],
    getWeights: () => [{ data: Float32Array.of(0), shape: [1] }],
    setWeights: () => {},
    save: async (p: string) => { m.saved.push(p); },
  };
  return m;
}

describe('modelCheckpoint', () => {
  it('keeps its best value across fit calls (Keras: best is set in __init__ only, no on_train_begin reset)', async () => {
    const cb = callbacks.modelCheckpoint({ path: 'ck-{epoch}.bilstm', saveBestOnly: true });
    const m = fakeModel();
    cb.setModel(m as unknown as CallbackModel);
    // first fit: val_loss 0.5 is saved
    (cb as Callbacks).onTrainBegin?.(); // (there is none: fit would call it)
    await cb.onEpochEnd(0, { val_loss: 0.5 });
    // second fit with the same callback: 0.7 is worse than the best so far (0.5), Keras does not save it
    (cb as Callbacks).onTrainBegin?.(); // (there is none: fit would call it)
    await cb.onEpochEnd(0, { val_loss: 0.7 });
    expect(m.saved).toEqual(['ck-1.bilstm']);
  });

  it('formats path placeholders as Python str.format (round-half-even, repr of floats, "" type with precision)', async () => {
    const cb = callbacks.modelCheckpoint({ path: 'a{val_accuracy:.2f}-b{loss:.1e}-c{lr}-d{val_loss:.3}.bilstm' });
    const m = fakeModel();
    cb.setModel(m as unknown as CallbackModel);
    // 0.625 and 1.25 are exact binary ties; lr 1e-5; val_loss 0.5
    await cb.onEpochEnd(0, { val_accuracy: 0.625, loss: 1.25, lr: 1e-5, val_loss: 0.5 });
    // python3 -c "print('a{val_accuracy:.2f}-b{loss:.1e}-c{lr}-d{val_loss:.3}'.format(val_accuracy=0.625, loss=1.25, lr=1e-5, val_loss=0.5))"
    expect(m.saved).toEqual(['a0.62-b1.2e+00-c1e-05-d0.5.bilstm']);
  });
});

describe('fit and callbacks', () => {
  it('onTrainEnd receives the last epoch logs (Keras: callbacks.on_train_end(logs=training_logs))', async () => {
    const { x, y } = smallData(16);
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    let endLogs: Logs | undefined;
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: { onTrainEnd: (logs?: Logs) => { endLogs = logs; } } });
    expect(endLogs).toEqual({ loss: h.history.loss[1] });
  });

  it('stopTraining set in onEpochBegin still runs one batch and logs the epoch (Keras checks it after each batch)', async () => {
    const { x, y } = smallData(32);
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    let batches = 0;
    const h = await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: {
      onEpochBegin: (e: number) => { if (e === 1) m.stopTraining = true; },
      onBatchEnd: () => { batches++; },
    } });
    // Keras: epoch 0 (4 batches), epoch 1 runs 1 batch, breaks, runs on_epoch_end, then stops
    expect(h.epoch).toEqual([0, 1]);
    expect(batches).toBe(5);
  });

  it("reduceLROnPlateau logs 'lr' of an optimizer with a schedule as Keras 2 reads optimizer.lr: the last step's rate", async () => {
    const { x, y } = smallData(16);
    const m = smallModel(3);
    // 2 steps per epoch: epoch 0 runs steps 0 and 1 at 0.1; the next step (2) would use 0.01
    const lr = optimizers.schedules.piecewiseConstantDecay({ boundaries: [1], values: [0.1, 0.01] });
    m.compile({ optimizer: optimizers.adam({ learningRate: lr }), loss: 'binaryCrossentropy' });
    const h = await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss', patience: 100 })] });
    // tf_keras optimizer.learning_rate returns _current_learning_rate, assigned schedule(iterations) in apply_gradients
    expect(h.history.lr).toEqual([Math.fround(0.1)]);
  });
});

describe('progress bar', () => {
  function recorder() {
    const lines: string[] = [];
    return { lines, writer: { write: (t: string) => { lines.push(t); }, line: (t: string) => { lines.push(t); } } };
  }

  it('prints no "Epoch 1/1" header when epochs is 1 (Keras: `if self.verbose and self.epochs > 1`)', async () => {
    const { x, y } = smallData(16);
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const r = recorder();
    await m.fit(x, y, { epochs: 1, batchSize: 8, progressOutput: { writer: r.writer, clock: () => 0, tty: false } });
    expect(r.lines.filter((l) => l.startsWith('Epoch'))).toEqual([]);
  });

  it('formats values as Keras Progbar: 0 -> 0.0000e+00, NaN -> nan, ties round half to even', async () => {
    const { x, y } = smallData(16);
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const r = recorder();
    await m.fit(x, y, { epochs: 1, batchSize: 8, progressOutput: { writer: r.writer, clock: () => 0, tty: false }, callbacks: {
      onEpochEnd: (_e: number, logs: Logs) => { logs.zero = 0; logs.bad = NaN; logs.tie = 0.40625; },
    } });
    // Progbar: abs(avg) > 1e-3 -> f"{avg:.4f}" else f"{avg:.4e}"; Python: 0.0000e+00, nan, 0.4062
    expect(r.lines.at(-1)).toContain(' - zero: 0.0000e+00 - bad: nan - tie: 0.4062');
  });
});

describe('what fit passes to callbacks, as Keras (a review of the model API)', () => {
// the `loss` in fit's onBatchEnd logs.
//
// Keras (tf.keras 2.15, keras-team/tf-keras tf_keras/engine/training.py, Model.fit): per step
//   `tmp_logs = self.train_function(iterator); logs = tmp_logs; callbacks.on_train_batch_end(end_step, logs)`
// and train_step returns `self.compute_metrics(...)` -> `get_metrics_result()`, i.e. the RESULT of the loss tracker,
// a `Mean` reset only at epoch start (`self.reset_metrics()` before `on_epoch_begin`). So logs['loss'] in a batch
// callback is the running mean over the epoch's batches so far (weighted by batch size), and the last batch's value
// equals the epoch's logged loss (`epoch_logs = copy.copy(logs)`). Keras 3 (keras/src/backend/tensorflow/trainer.py
// fit -> train_step -> compute_metrics -> get_metrics_result) does the same.
// (Before: the loss of that batch alone, while the metrics in the same logs and the progress bar ran over the epoch.)
  it('onBatchEnd logs.loss is the running epoch mean (last batch == epoch loss), as Keras', async () => {
    const m = sequential({ seed: 3, layers: [layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] })] });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = { data: new Float32Array(30).map((_, i) => Math.sin(i * 1.7) * 2), shape: [10, 3] };
    const y = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1];
    const batchLoss: number[] = [];
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0,
      callbacks: { onBatchEnd: (_b, logs) => { batchLoss.push(logs.loss); } } });
    expect(batchLoss).toHaveLength(3);
    // Keras: the last on_train_batch_end logs are the epoch's logs
    expect(batchLoss[2]).toBe(h.history.loss[0]);
  });

// History.params / callback params lack `verbose`.
//
// Keras (keras-team/tf-keras v2.15.0 tf_keras/engine/training.py Model.fit): `callbacks_module.CallbackList(
// callbacks, add_history=True, ..., verbose=verbose, epochs=epochs, steps=data_handler.inferred_steps)`, so
// history.params == {'verbose': 1, 'epochs': E, 'steps': S} (ProgbarLogger.set_params reads params["verbose"]).
// TF.js (tfjs-layers/src/engine/training.ts fitLoop): callbackList.setParams({ epochs, initialEpoch, samples, steps,
// batchSize, verbose, doValidation, metrics }). (Before: no verbose.)
  it('history.params and setParams carry verbose', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] })] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    let seen: Record<string, unknown> | null = null;
    const h = await m.fit([[1, 2, 3], [4, 5, 6]], [0, 1], { epochs: 2, verbose: 0,
      callbacks: { setParams: (p) => { seen = { ...p }; } } });
    expect(h.params).toMatchObject({ epochs: 2, steps: 1, verbose: 0 });
    expect(seen).toMatchObject({ verbose: 0 });
  });
});
