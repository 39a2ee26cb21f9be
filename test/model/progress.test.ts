// The progress display: Keras's bar format, redraw throttling on a fake clock (last batch always drawn), terminal vs
// plain-line output, verbose 0 / 2, and fit driving it.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { Progress, formatEta, formatPerStep, formatValue, type ProgressWriter } from '../../src/model/progress.js';
import { ConfigError } from '../../src/index.js';
import { smallModel, smallData } from '../helpers/models.js';

/** A writer that records every call, and a clock the test moves. */
function recorder() {
  const calls: { kind: 'write' | 'line'; text: string }[] = [];
  const writer: ProgressWriter = { write: (text) => { calls.push({ kind: 'write', text }); }, line: (text) => { calls.push({ kind: 'line', text }); } };
  let t = 1000;
  return { calls, writer, clock: () => t, advance: (ms: number) => { t += ms; } };
}

describe('Progress', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('renders the Keras bar, ETA and samples/s while running and the timed bar with the logs at the end', () => {
    const r = recorder();
    const p = new Progress({ verbose: 1, epochs: 3, steps: 94, names: ['loss', 'accuracy'], writer: r.writer, clock: r.clock, tty: true });
    p.epochBegin(1);
    expect(r.calls).toEqual([{ kind: 'line', text: 'Epoch 2/3' }]);
    r.advance(250); // 12 batches of 32 in 0.25 s: 1536 samples/s, ETA 82 * 0.25/12 = 1.7 s
    p.update(12, 384, new Float64Array([0.42134, 0.80119]));
    expect(r.calls[1]).toEqual({ kind: 'write', text: '\r12/94 [==>...........................] - ETA: 1s - 1536 samples/s - loss: 0.4213 - accuracy: 0.8012' });
    r.advance(2750);
    p.update(94, 3000, [0.3, 0.9]);
    expect(r.calls[2]!.text).toBe('\r94/94 [==============================] - 3s 32ms/step - 1000 samples/s - loss: 0.3000 - accuracy: 0.9000');
    r.advance(100);
    p.epochEnd({ loss: 0.3, accuracy: 0.9, val_loss: 0.00001234, val_accuracy: 0.875 });
    expect(r.calls[3]!.text).toBe('\r94/94 [==============================] - 3s 33ms/step - 968 samples/s - loss: 0.3000 - accuracy: 0.9000 - val_loss: 1.2340e-05 - val_accuracy: 0.8750\n');
    expect(r.calls).toHaveLength(4);
  });

  it('redraws at most once per 100 ms of the clock, always draws the last batch, and pads over a longer line', () => {
    const r = recorder();
    const steps = 50;
    const p = new Progress({ verbose: 1, epochs: 1, steps, names: ['loss'], writer: r.writer, clock: r.clock, tty: true });
    p.epochBegin(0);
    const times: number[] = [];
    const drawnSteps: number[] = [];
    const values = new Float64Array(1);
    for (let step = 1; step <= steps; step++) {
      r.advance(step % 7 === 0 ? 130 : 17); // uneven batch times
      values[0] = 1 / step;
      const before = r.calls.length;
      p.update(step, step * 8, values);
      if (r.calls.length > before) { times.push(r.clock()); drawnSteps.push(step); }
    }
    expect(drawnSteps[0]).toBe(1);
    expect(drawnSteps.at(-1)).toBe(steps);
    for (let i = 1; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
    // 50 batches over ~1.6 s of clock: about 16 redraws, far fewer than 50
    expect(times.length).toBeGreaterThan(5);
    expect(times.length).toBeLessThan(steps / 2);
    // A shorter line than the one on screen is padded with spaces so nothing of the old one is left.
    const widths = r.calls.filter((c) => c.kind === 'write').map((c) => c.text.length);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1]!);
  });

  it('writes plain lines only, the epoch header and the final bar, when the output is not a terminal', () => {
    const r = recorder();
    const p = new Progress({ verbose: 1, epochs: 2, steps: 3, names: ['loss'], writer: r.writer, clock: r.clock, tty: false });
    for (let e = 0; e < 2; e++) {
      p.epochBegin(e);
      for (let s = 1; s <= 3; s++) { r.advance(500); p.update(s, s * 4, [0.5]); }
      p.epochEnd({ loss: 0.5 });
    }
    expect(r.calls.every((c) => c.kind === 'line' && !c.text.includes('\r'))).toBe(true);
    expect(r.calls.map((c) => c.text)).toEqual([
      'Epoch 1/2', '3/3 [==============================] - 2s 500ms/step - 8 samples/s - loss: 0.5000',
      'Epoch 2/2', '3/3 [==============================] - 2s 500ms/step - 8 samples/s - loss: 0.5000',
    ]);
  });

  // Keras 2: ProgbarLogger.on_epoch_begin prints `Epoch i/n` (epochs > 1) at verbose 1 and 2; Progbar.update at
  // verbose 2 (tf_keras/utils/generic_utils.py) prints at the end `count/target - {s:.0f}s - k: v ... - Xs/epoch -
  // Xms/step`, the epoch's time over its steps
  it('verbose 2 writes the Epoch line and one line per epoch, as Keras 2; verbose 0 nothing; other values are a ConfigError', () => {
    const r = recorder();
    const p2 = new Progress({ verbose: 2, epochs: 4, steps: 10, names: ['loss'], writer: r.writer, clock: r.clock, tty: true });
    p2.epochBegin(3);
    for (let s = 1; s <= 10; s++) { r.advance(120); p2.update(s, s, [1]); }
    p2.epochEnd({ loss: 0.25, val_loss: 0.5 });
    expect(r.calls).toEqual([{ kind: 'line', text: 'Epoch 4/4' }, { kind: 'line', text: '10/10 - 1s - loss: 0.2500 - val_loss: 0.5000 - 1s/epoch - 120ms/step' }]);
    const r1 = recorder();
    const p1 = new Progress({ verbose: 2, epochs: 1, steps: 3, names: ['loss'], writer: r1.writer, clock: r1.clock, tty: false });
    p1.epochBegin(0);
    for (let s = 1; s <= 3; s++) { r1.advance(2500); p1.update(s, s, [1]); }
    p1.epochEnd({ loss: 1e-4 });
    // one epoch: no Epoch line (Keras: epochs > 1); 7.5 s rounds half to even as Python's .0f
    expect(r1.calls).toEqual([{ kind: 'line', text: '3/3 - 8s - loss: 1.0000e-04 - 8s/epoch - 2s/step' }]);
    const r0 = recorder();
    const p0 = new Progress({ verbose: 0, epochs: 1, steps: 2, names: ['loss'], writer: r0.writer, clock: r0.clock, tty: true });
    p0.epochBegin(0); p0.update(1, 1, [1]); p0.update(2, 2, [1]); p0.epochEnd({ loss: 1 });
    expect(r0.calls).toEqual([]);
    expect(() => new Progress({ verbose: true, epochs: 1, steps: 1, names: [], writer: r0.writer })).toThrow(ConfigError);
    expect(() => new Progress({ verbose: 3, epochs: 1, steps: 1, names: [], writer: r0.writer })).toThrow('fit: expected verbose to be 0, 1 or 2, got 3.');
  });

  // Python's f"{t:.0f}" rounds half to even in both lines (Keras's Progbar); an epoch stopped early reads complete, as
  // Keras's ProgbarLogger._finalize_progbar updates the bar to its target (a review)
  it('times as Python rounds them in the final bar and the epoch line; a stopped epoch reads complete', () => {
    const r1 = recorder();
    const p1 = new Progress({ verbose: 1, epochs: 1, steps: 2, names: ['loss'], writer: r1.writer, clock: r1.clock, tty: false });
    p1.epochBegin(0);
    r1.advance(1250); p1.update(1, 1, [1]);
    r1.advance(1250); p1.update(2, 2, [1]);
    p1.epochEnd({ loss: 0.5 });
    expect(r1.calls.at(-1)!.text).toMatch(/^2\/2 \[=+\] - 2s 1s\/step - 1 samples\/s - loss: 0\.5000$/);
    const r2 = recorder();
    const p2 = new Progress({ verbose: 2, epochs: 1, steps: 10, names: ['loss'], writer: r2.writer, clock: r2.clock, tty: false });
    p2.epochBegin(0);
    for (let s = 1; s <= 3; s++) { r2.advance(500); p2.update(s, s, [1]); }
    p2.epochEnd({ loss: 0.5 });
    expect(r2.calls.at(-1)!.text).toBe('10/10 - 2s - loss: 0.5000 - 2s/epoch - 150ms/step');
  });

  it('formats times and values as Keras', () => {
    expect([formatEta(7.9), formatEta(65), formatEta(3661)]).toEqual(['7s', '1:05', '1:01:01']);
    expect([formatPerStep(2), formatPerStep(0.0321), formatPerStep(0.00085)]).toEqual(['2s/step', '32ms/step', '850us/step']);
    // Keras's Progbar: f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}" (tf_keras/utils/generic_utils.py), Python's rounding
    // (half to even on exact ties: 0.40625 -> 0.4062) and spelling (nan, inf); verbose 2 compares v, not |v|
    expect([formatValue(0.42134), formatValue(0), formatValue(-2.5e-7), formatValue(NaN), formatValue(0.40625), formatValue(Infinity), formatValue(-0.5)])
      .toEqual(['0.4213', '0.0000e+00', '-2.5000e-07', 'nan', '0.4062', 'inf', '-0.5000']);
    expect([formatValue(-0.5, true), formatValue(0.5, true)]).toEqual(['-5.0000e-01', '0.5000']);
  });

  it('fit: verbose 2 logs one line per epoch, verbose 0 nothing, verbose 1 (default) the bar through the writer', async () => {
    const { x, y } = smallData(24);
    const m = smallModel(5);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 2, validationSplit: 0.25 });
    expect(log).toHaveBeenCalledTimes(4);
    expect(log.mock.calls[2]![0]).toBe('Epoch 2/2');
    expect(log.mock.calls[3]![0]).toMatch(/^3\/3 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - \d+(ms|us|s)\/epoch - \d+(ms|us|s)\/step$/);
    log.mockClear();
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(log).not.toHaveBeenCalled();
    const r = recorder();
    const h = await m.fit(x, y, { epochs: 1, batchSize: 8, progressOutput: { writer: r.writer, clock: r.clock, tty: true } });
    expect(log).not.toHaveBeenCalled();
    // the clock stands still: batch 1 is drawn, batch 2 is throttled, batch 3 (the last) and the epoch end are drawn;
    // one epoch: no "Epoch 1/1" line (Keras's ProgbarLogger prints it only when epochs > 1)
    expect(r.calls.map((c) => c.text.slice(0, 5))).toEqual(['\r1/3 ', '\r3/3 ', '\r3/3 ']);
    const last = r.calls.at(-1)!.text;
    expect(last).toMatch(/^\r3\/3 \[={30}\] - 0s 0s\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n$/);
    expect(last).toContain(`loss: ${formatValue(h.history.loss[0]!)}`);
  });

  it('the bar and the epoch line show weightedMetrics by their logged names', async () => {
    const { x, y } = smallData(24);
    const m = smallModel(5);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy', 'recall'] });
    const r = recorder();
    const h = await m.fit(x, y, { epochs: 1, batchSize: 8, sampleWeight: Array.from({ length: 24 }, (_, i) => i % 3), progressOutput: { writer: r.writer, clock: r.clock, tty: true } });
    expect(r.calls.at(-1)!.text).toMatch(/ - loss: \d\.\d{4} - accuracy: \d\.\d{4} - weighted_accuracy: \d\.\d{4} - recall: \d\.\d{4}\n$/);
    expect(r.calls.at(-1)!.text).toContain(`weighted_accuracy: ${formatValue(h.history.weighted_accuracy[0]!)}`);
  });
});
