// fit's progress display as Keras prints it: verbose 1 a live per-batch bar (redrawn in place on a terminal, at most
// every 100 ms), verbose 2 one line per epoch, verbose 0 nothing; a writer and a clock can be injected (tests).
import { pyExp, pyFixed } from './pyformat.js';
import { ConfigError, describeValue } from '../errors.js';
import type { Logs } from './callbacks.js';

/** Where progress text goes. `write` is used for in-place redraws on a terminal only; `line` for whole lines. */
export interface ProgressWriter {
  write(text: string): void;
  line(text: string): void;
}

/** Internal: the output and clock of a progress display (defaults: stdout or console.log, performance.now). */
export interface ProgressOutput {
  writer?: ProgressWriter;
  /** Milliseconds, increasing. */
  clock?: () => number;
  /** Redraw the bar in place with '\r' (a terminal). Default: the writer is the default one on a TTY stdout. */
  tty?: boolean;
}

export interface ProgressOptions extends ProgressOutput {
  verbose: unknown;
  epochs: number;
  /** Batches per epoch (null: unknown until the first epoch ends, shown as Keras shows it: `12/Unknown`). */
  steps: number | null;
  /** Names of the running values passed to update(), e.g. ['loss', 'accuracy']. */
  names: string[];
}

/** Characters between the brackets of the bar (Keras's Progbar width). */
export const BAR_WIDTH = 30;
/** The bar is redrawn at most once per this many milliseconds (the last batch of an epoch is always drawn). */
export const REDRAW_MS = 100;

interface NodeStdout { isTTY?: boolean; write(s: string): unknown }

/** process.stdout when it is a terminal (Node, Bun, Deno's Node globals), else null. */
function ttyStdout(): NodeStdout | null {
  const out = (globalThis as { process?: { stdout?: NodeStdout } }).process?.stdout;
  return out && out.isTTY === true && typeof out.write === 'function' ? out : null;
}

function defaultOutput(): { writer: ProgressWriter; tty: boolean } {
  const out = ttyStdout();
  if (out) return { tty: true, writer: { write: (s) => { out.write(s); }, line: (s) => { out.write(s + '\n'); } } };
  return { tty: false, writer: { write: (s) => console.log(s), line: (s) => console.log(s) } };
}

function defaultClock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf && typeof perf.now === 'function' ? () => perf.now() : () => Date.now();
}

/**
 * A value as Keras's Progbar prints it: `.4f` when |v| > 1e-3, else `.4e` (0 -> 0.0000e+00, NaN -> nan), Python's
 * rounding (0.40625 -> 0.4062); the one-line-per-epoch form (verbose 2) compares v itself, not |v|, as Keras does.
 */
export function formatValue(v: number, signed = false): string {
  return (signed ? v : Math.abs(v)) > 1e-3 ? pyFixed(v, 4) : pyExp(v, 4);
}

/** Keras's ETA: `7s`, `1:05`, `1:01:05`. */
export function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

/** Time per step (or per `unit`) as Keras's Progbar._format_time prints it: `2s/step`, `32ms/step`, `850us/step`. */
export function formatPerStep(seconds: number, unit = 'step'): string {
  if (seconds >= 1 || seconds === 0) return `${pyFixed(seconds, 0)}s/${unit}`;
  if (seconds >= 1e-3) return `${pyFixed(seconds * 1e3, 0)}ms/${unit}`;
  return `${pyFixed(seconds * 1e6, 0)}us/${unit}`;
}

/**
 * The progress of one fit call. Per batch, update() only stores numbers (no allocation); text is formatted only when
 * a line is drawn: on a terminal at most every REDRAW_MS and always for the last batch, elsewhere only at the end of
 * each epoch.
 */
export class Progress {
  readonly verbose: 0 | 1 | 2;
  private readonly writer: ProgressWriter;
  private readonly clock: () => number;
  private readonly tty: boolean;
  private readonly epochs: number;
  private steps: number | null;
  private readonly names: string[];
  private readonly values: Float64Array;
  private epoch = 0;
  private current = 0;
  private samples = 0;
  private start = 0;
  private lastDraw = -Infinity;
  private drawnWidth = 0;

  constructor(options: ProgressOptions) {
    const v = options.verbose;
    if (v !== 0 && v !== 1 && v !== 2) throw new ConfigError(`fit: expected verbose to be 0, 1 or 2, got ${describeValue(v)}.`);
    this.verbose = v;
    const def = options.writer ? null : defaultOutput();
    this.writer = options.writer ?? def!.writer;
    this.tty = options.tty ?? (def ? def.tty : false);
    this.clock = options.clock ?? defaultClock();
    this.epochs = options.epochs;
    this.steps = options.steps;
    this.names = options.names.slice();
    this.values = new Float64Array(this.names.length);
  }

  /** The batches per epoch, once the first epoch of data of unknown length has told them. */
  setSteps(steps: number): void { this.steps = steps; }

  epochBegin(epoch: number): void {
    this.epoch = epoch;
    this.current = 0;
    this.samples = 0;
    this.values.fill(NaN);
    this.lastDraw = -Infinity;
    this.drawnWidth = 0;
    this.start = this.clock();
    if (this.verbose !== 0 && this.epochs > 1) this.writer.line(`Epoch ${epoch + 1}/${this.epochs}`); // (as Keras's ProgbarLogger, verbose 1 and 2)
  }

  /** After a batch: `current` batches and `samples` samples done this epoch; `values` the running values of `names`. */
  update(current: number, samples: number, values: ArrayLike<number>): void {
    this.current = current;
    this.samples = samples;
    if (this.verbose !== 1) return;
    for (let i = 0; i < this.values.length; i++) this.values[i] = values[i];
    if (!this.tty) return;
    const now = this.clock();
    if ((this.steps === null || current < this.steps) && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.redraw(this.barLine(now, null), false);
  }

  /**
   * After the epoch (validation included): the final bar with the epoch's logs (verbose 1) or the epoch line (2). An
   * epoch stopped early reads as complete, as Keras's ProgbarLogger finalizes its bar at the target.
   */
  epochEnd(logs: Logs): void {
    if (this.verbose === 0) return;
    const now = this.clock();
    // an epoch of unknown length ends at the batches it ran
    if (this.steps === null) this.steps = this.current;
    this.current = this.steps;
    if (this.verbose === 2) {
      // Keras 2's Progbar at verbose 2 (tf_keras/utils/generic_utils.py): `steps/steps - 3s - loss: ... - val_...: ...
      // - 3s/epoch - 32ms/step`, the epoch's time over its steps
      const sec = (now - this.start) / 1000;
      const steps = String(this.steps);
      const perStep = this.steps > 0 ? ` - ${formatPerStep(sec, 'epoch')} - ${formatPerStep(sec / this.steps)}` : '';
      this.writer.line(`${steps}/${steps} - ${pyFixed(sec, 0)}s${logText(logs, true)}${perStep}`);
      return;
    }
    const line = this.barLine(now, logs);
    if (this.tty) this.redraw(line, true);
    else this.writer.line(line);
  }

  private redraw(line: string, last: boolean): void {
    const pad = this.drawnWidth > line.length ? ' '.repeat(this.drawnWidth - line.length) : '';
    this.drawnWidth = line.length;
    this.writer.write(`\r${line}${pad}${last ? '\n' : ''}`);
  }

  /** `12/94 [==>....] - ETA: 3s - 512 samples/s - loss: 0.4213` while running; `94/94 [====] - 3s 32ms/step - ...` at the end. */
  private barLine(now: number, logs: Logs | null): string {
    const { current } = this;
    const sec = (now - this.start) / 1000;
    if (this.steps === null) {
      // Keras's Progbar without a target: `12/Unknown - 3s 250ms/step - loss: ...`
      let u = `${String(current).padStart(7)}/Unknown - ${pyFixed(sec, 0)}s`;
      if (current > 0) u += ` ${formatPerStep(sec / current)}`;
      if (sec > 0) u += ` - ${Math.round(this.samples / sec)} samples/s`;
      for (let i = 0; i < this.names.length; i++) if (!Number.isNaN(this.values[i])) u += ` - ${this.names[i]}: ${formatValue(this.values[i]!)}`;
      return u;
    }
    const steps = this.steps;
    let s = `${String(current).padStart(String(steps).length)}/${steps} [`;
    const width = steps > 0 ? Math.floor((BAR_WIDTH * Math.min(current, steps)) / steps) : BAR_WIDTH;
    if (width > 0) s += '='.repeat(width - 1) + (current < steps ? '>' : '=');
    s += '.'.repeat(BAR_WIDTH - width) + ']';
    if (logs === null && current < steps) {
      if (current > 0) s += ` - ETA: ${formatEta((sec / current) * (steps - current))}`;
    } else {
      s += ` - ${pyFixed(sec, 0)}s`;
      if (current > 0) s += ` ${formatPerStep(sec / current)}`;
    }
    if (sec > 0) s += ` - ${Math.round(this.samples / sec)} samples/s`;
    if (logs) return s + logText(logs);
    for (let i = 0; i < this.names.length; i++) if (!Number.isNaN(this.values[i])) s += ` - ${this.names[i]}: ${formatValue(this.values[i]!)}`;
    return s;
  }
}

function logText(logs: Logs, signed = false): string {
  let s = '';
  for (const k of Object.keys(logs)) s += ` - ${k}: ${formatValue(logs[k]!, signed)}`;
  return s;
}
