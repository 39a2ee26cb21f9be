// fit's validationFreq and validationBatchSize (Keras's validation_freq, validation_batch_size): which epochs validate
// (every n-th, or those listed, counted from 1), the batch size validation runs with, what History and callbacks see
// on epochs without validation, and the options' checks; verbose 'auto' (Keras's default name for 1).
import { describe, it, expect, vi } from 'vitest';
import { initSync, sequential, layers, callbacks, ConfigError, type Logs } from '../../src/index.js';

initSync();

const T = 4, V = 9, N = 30;
const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 3 + (i >> 3)) % (V - 1))), shape: [N, T] };
const y = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));

function model() {
  const m = sequential({ seed: 2, layers: [layers.embedding({ inputDim: V, outputDim: 3, inputLength: T }), layers.lstm({ units: 2 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('fit: validationFreq and validationBatchSize', () => {
  for (const [freq, want] of [[2, [1, 3]], [[1, 5], [0, 4]], [1, [0, 1, 2, 3, 4]], [7, []]] as const) {
    it(`validationFreq ${JSON.stringify(freq)} validates after epochs ${JSON.stringify(want)} (0-based) and logs val_ values then only`, async () => {
      const m = model();
      const seen: number[] = [];
      const h = await m.fit(x, y, { epochs: 5, verbose: 0, validationSplit: 0.2, validationFreq: freq as number | number[],
        callbacks: { onEpochEnd: (e: number, logs?: Logs) => { if (logs && 'val_loss' in logs) { seen.push(e); expect(logs.val_accuracy).toBeTypeOf('number'); } } } });
      expect(seen).toEqual(want);
      expect(h.history.val_loss ?? []).toHaveLength(want.length);
      expect(h.history.loss).toHaveLength(5);
    });
  }

  it('validation runs in batches of validationBatchSize (default batchSize)', async () => {
    const m = model();
    const spy = vi.spyOn(m, 'evaluateData');
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, validationSplit: 0.3, validationBatchSize: 5 });
    expect(spy.mock.calls.map((c) => c[2])).toEqual([5, 5]);
    spy.mockClear();
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationSplit: 0.3 });
    expect(spy.mock.calls.map((c) => c[2])).toEqual([8]);
  });

  it('an earlyStopping on val_loss waits through epochs without validation, as Keras (a warning, no stop)', async () => {
    const m = model();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = await m.fit(x, y, { epochs: 4, verbose: 0, validationSplit: 0.2, validationFreq: 2, callbacks: callbacks.earlyStopping({ monitor: 'val_loss', patience: 5 }) });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(warn.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('val_loss'))).toHaveLength(2);
    warn.mockRestore();
  });

  it('refuses a validationFreq that is not a positive integer or a list of them, and a bad validationBatchSize, before training', async () => {
    const m = model();
    for (const v of [0, 1.5, -2, [0], [1, 'a'], 'x', null]) {
      await expect(m.fit(x, y, { epochs: 1, verbose: 0, validationFreq: v as number })).rejects.toThrow(ConfigError);
      await expect(m.fit(x, y, { epochs: 1, verbose: 0, validationFreq: v as number })).rejects.toThrow(/^fit: expected validationFreq to be a positive integer \(validate every n-th epoch\) or an array of epochs counted from 1, got /);
    }
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, validationBatchSize: 0 })).rejects.toThrow(/^fit: expected validationBatchSize to be a positive integer, got 0\.$/);
    expect(m.state.iterations).toBe(0);
  });

  it("verbose 'auto' is Keras's 1 (History's params say 1); anything else is refused", async () => {
    const m = model();
    const lines: string[] = [];
    const h = await m.fit(x, y, { epochs: 1, verbose: 'auto', progressOutput: { writer: { line: (t: string) => lines.push(t), write: (t: string) => lines.push(t) }, tty: false } });
    expect(h.params.verbose).toBe(1);
    expect(lines.length).toBeGreaterThan(0);
    await expect(m.fit(x, y, { epochs: 1, verbose: 'autox' as never })).rejects.toThrow("fit: expected verbose to be 0, 1, 2 or 'auto', got \"autox\".");
  });
});
