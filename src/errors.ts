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
