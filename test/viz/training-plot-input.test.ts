// trainingPlot on values and options that broke it: 1e308 and +-1e308 (an endless tick loop: run in a child process
// with a time limit), 1e-120 (a RangeError from toFixed), null history, a string or numbers for metrics, a negative or
// NaN width (written into the SVG) — all typed or drawn — and history.epoch labelling the x axis.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trainingPlot } from '../../src/index.js';
import { BilstmError } from '../../src/errors.js';

const SRC = fileURLToPath(new URL('../../src/viz/training-plot.ts', import.meta.url));
/** trainingPlot(history) in a child process with a time limit (the bug is a hang). */
function plotInChild(history: unknown): { timedOut: boolean; out: string } {
  const code = `import(${JSON.stringify(SRC)}).then((m) => { try { const s = m.trainingPlot(${JSON.stringify(history)}); console.log('svg', s.length); } catch (e) { console.log('error', e.name); } })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 10_000 });
  return { timedOut: r.signal !== null || r.error !== undefined, out: r.stdout };
}

describe('trainingPlot', () => {
  const typed = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return e instanceof BilstmError ? 'typed' : `${(e as Error).name}: ${(e as Error).message}`; } };
  it('a null history is a typed error, not a TypeError', () => {
    expect(typed(() => trainingPlot(null as never))).toBe('typed');                            // TypeError: reading 'accuracy' of null
  });
  it('metrics that is not an array of strings is a typed error, not a TypeError', () => {
    expect(typed(() => trainingPlot({ loss: [1] }, { metrics: 'loss' as never }))).toBe('typed');   // TypeError: names.some is not a function
    expect(typed(() => trainingPlot({ loss: [1] }, { metrics: [3 as never] }))).toBe('typed');      // TypeError: s.replace is not a function
  });
  it('a negative or NaN width is refused, not written into the SVG', () => {
    expect(typed(() => trainingPlot({ loss: [1, 2] }, { width: -10 }))).toBe('typed');           // width="-10" viewBox="0 0 -10 268"
    expect(typed(() => trainingPlot({ loss: [1, 2] }, { width: NaN }))).toBe('typed');
  });

  it('a tiny value range draws (no RangeError from toFixed)', () => {
    // ticks() counts a decimal per power of ten below the range: 121 decimals -> Number.prototype.toFixed(121) throws
    expect(() => trainingPlot({ loss: [1e-120, 2e-120] })).not.toThrow();
  });

  it('values whose tick range overflows float64 do not hang', () => {
    // ticks(): hi = ceil(hi/step)*step = Infinity -> nt = Infinity -> endless loop pushing strings (and memory)
    const r = plotInChild({ loss: [0.5, 0.4], val_loss: [1.7e308] });
    expect(r.timedOut, r.out).toBe(false);
    const r2 = plotInChild({ loss: [1e308, -1e308] }); // hi - lo = Infinity: `while (p * 10 <= raw) p *= 10` never ends
    expect(r2.timedOut, r2.out).toBe(false);
  }, 30_000);

  it('labels epochs from history.epoch when given (a fit resumed with initialEpoch 5)', () => {
    // TrainingHistoryLike has `epoch`, but the x labels are always 1..n
    const svg = trainingPlot({ epoch: [5, 6, 7], history: { loss: [0.5, 0.4, 0.3] } });
    const labels = [...svg.matchAll(/text-anchor="middle">(\d+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['6', '7', '8']);
  });
});
