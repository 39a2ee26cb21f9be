// JSON checks shared by the config tests.

/** True when v is JSON exactly: what JSON.parse could have produced (no undefined, NaN, -0, functions, instances). */
export function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v as object).every((x) => x !== undefined && isPlainJson(x));
}

/** v through JSON text and back, as a config saved in a file comes back. */
export const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
