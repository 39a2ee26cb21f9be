// Batching shared by the model and the fit loop: checked, flattened data (Batchable), the batch-size check, row orders.
import { ConfigError, describeValue } from '../errors.js';
import type { Flat } from '../tensor.js';

/**
 * Checked, flattened training data: x as ids or floats, labels laid out like the model output, and optionally their
 * weights (class and sample weights combined): one per sample, each row of a sequence output taking its sample's, or
 * one per output row ([n * T]) for a sequence output weighed by class.
 */
export interface Batchable { x: Flat; y: Flat | null; n: number; w?: Float32Array | null }

/** batchSize as fit/evaluate/predict take it: a positive integer, 32 when omitted (Keras's default). */
export function checkBatchSize(v: unknown, where: string, what = 'batchSize'): number {
  if (v === undefined) return 32;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ConfigError(`${where}: expected ${what} to be a positive integer, got ${describeValue(v)}.`);
  return v;
}

/** Rows in their own order: 0, 1, ..., n - 1. */
export function identity(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
