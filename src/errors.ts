// Error classes. Messages read `<where>: expected <what>, got <actual>.` plus the fix when known.

export class BilstmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** Wrong rank, shape or size of an input, label or weight. */
export class ShapeError extends BilstmError {}
/** Bad values: ids out of range or not integers, NaN or Infinity where numbers are required. */
export class ValueError extends BilstmError {}
/** Invalid layer, model, optimizer or fit configuration. */
export class ConfigError extends BilstmError {}
/** A call made in the wrong state, e.g. fit() before compile(). */
export class StateError extends BilstmError {}
/** A model that cannot fit in 4 GiB of Wasm memory, planned before anything is allocated. */
export class MemoryError extends BilstmError {}
/** A corrupt or foreign checkpoint file. */
export class CheckpointError extends BilstmError {}

export function fmtShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** An object literal (or JSON.parse result): not an array, not a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A short description of a bad value for an error message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isPlainObject(v)) return `an instance of ${(v as object).constructor?.name ?? 'a class'}`;
  let s: string | undefined;
  try { s = JSON.stringify(v); } catch { s = undefined; }
  if (s === undefined) return `a ${typeof v}`;
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Edit distance with adjacent swaps (optimal string alignment): "Dense" -> "Dnese" is 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * ` Did you mean "x"?` for an unknown name close to a valid one (case, `_` and `-` ignored; then a name of up to 4
 * letters only with two letters swapped or one letter more or less at the end (unit, units), since one other letter
 * makes another real name (gelu, relu; msle, mse);
 * up to 8 letters 2 edits, longer 3), else ''. Appended after a message's final period.
 */
export function didYouMean(got: unknown, valid: readonly string[]): string {
  if (typeof got !== 'string' || got.length === 0 || got.length > 64) return '';
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
  const g = norm(got);
  const limit = g.length <= 4 ? 1 : g.length <= 8 ? 2 : 3;
  const sorted = (s: string) => [...s].sort().join('');
  let best = '', bestD = limit + 1;
  for (const v of valid) {
    if (v === got) continue;
    const n = norm(v);
    const dist = editDistance(g, n);
    if (g.length <= 4 && dist === 1 && sorted(g) !== sorted(n) && !n.startsWith(g) && !g.startsWith(n)) continue;
    if (dist < bestD) { best = v; bestD = dist; }
  }
  return best ? ` Did you mean ${JSON.stringify(best)}?` : '';
}

/** Checks an options argument: undefined (no options) or a plain object whose keys are all in `keys`. */
export function checkOptionKeys(o: unknown, where: string, keys: readonly string[]): void {
  if (o === undefined) return;
  if (!isPlainObject(o)) throw new ConfigError(`${where}: expected options { ${keys.join(', ')} }, got ${describeValue(o)}.`);
  const extra = Object.keys(o).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new ConfigError(`${where}: expected options among ${keys.join(', ')}, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, keys)}`);
}
