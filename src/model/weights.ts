// Sample weighting as Keras 2 does it: classWeight (keys exactly 0..K-1) mapped through each sample's class (each
// step's, for a sequence output), times sampleWeight ([N], finite, >= 0), giving one weight per sample (or per output
// row); the loss kernels weight each output row with it.
import { ConfigError, ShapeError, ValueError, describeValue, isPlainObject } from '../errors.js';
import { toFlat, type Flat } from '../tensor.js';

/** classWeight as Keras takes it: { 0: w0, 1: w1, ... } keyed by class id, or an array [w0, w1, ...]. */
export type ClassWeight = Record<number, number> | readonly number[];

/** What the weighting needs to know of the labels: the model output's units U and rows per sample (T of [T, U]). */
export interface LabelLayout { units: number; rowsPerSample: number; sparse: boolean }

/** The class weights as an array indexed by class id; keys must be exactly 0..K-1 (Keras 2). null when none. */
export function checkClassWeight(v: unknown, where: string): Float64Array | null {
  if (v === undefined || v === null) return null;
  let entries: [string, unknown][];
  if (Array.isArray(v)) entries = v.map((w, i) => [String(i), w]);
  else if (isPlainObject(v)) entries = Object.entries(v);
  else throw new ConfigError(`${where}: expected classWeight to be an object keyed by class id ({ 0: 1, 1: 5 }) or an array of weights, got ${describeValue(v)}.`);
  if (entries.length === 0) throw new ConfigError(`${where}: expected classWeight to have a weight for each class 0..K-1, got none.`);
  const out = new Float64Array(entries.length);
  const seen = new Uint8Array(entries.length);
  for (const [key, w] of entries) {
    const id = Number(key);
    if (!(Number.isInteger(id) && String(id) === key && id >= 0 && id < entries.length) || seen[id]) {
      const keys = entries.map(([k]) => k).join(', ');
      throw new ConfigError(`${where}: expected classWeight keys to be the class ids 0 to ${entries.length - 1} (one less than the number of classes, as Keras 2), got keys ${keys}.`);
    }
    // finite as the float32 the loss kernels take (1e39 is Infinity there)
    if (typeof w !== 'number' || !Number.isFinite(Math.fround(w)) || w < 0) {
      throw new ConfigError(`${where}: expected classWeight[${id}] to be a finite number >= 0 (as a float32), got ${describeValue(w)}.`);
    }
    seen[id] = 1;
    out[id] = w;
  }
  return out;
}

/** sampleWeight: one finite weight >= 0 per sample ([N]; [N, 1] is accepted too). null when none. */
export function checkSampleWeight(v: unknown, n: number, where: string): Float32Array | null {
  if (v === undefined || v === null) return null;
  const f: Flat = toFlat(v, `${where}: sampleWeight`);
  const ok = (f.shape.length === 1 || (f.shape.length === 2 && f.shape[1] === 1)) && f.shape[0] === n;
  if (!ok) throw new ShapeError(`${where}: expected sampleWeight of shape [${n}] (one weight per sample), got [${f.shape.join(', ')}].`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = f.data[i];
    if (!Number.isFinite(Math.fround(w)) || w < 0) throw new ValueError(`${where}: expected sampleWeight to be finite and >= 0 (as a float32), got ${w} at index ${i}.`);
    out[i] = w;
  }
  return out;
}

/** Round half to even, as tf.round. */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The class of output row r (sample r, or step r % T of sample r / T for a sequence output), as Keras 2 maps
 * class_weight (tf_keras/engine/data_adapter.py, _make_class_weight_map_fn): argmax(y) over the last axis when it has
 * more than one unit, the class id for sparse labels, round(y) for a single unit.
 */
function classOf(y: Flat, r: number, layout: LabelLayout): number {
  if (layout.sparse) return y.data[r];
  const U = layout.units;
  if (U === 1) return roundEven(y.data[r]);
  let best = 0;
  for (let j = 1; j < U; j++) if (y.data[r * U + j] > y.data[r * U + best]) best = j;
  return best;
}

/**
 * The weights of n samples: classWeight[class] * sampleWeight_i, one per sample, or for a sequence output of T steps
 * (layout.rowsPerSample) one per step, [n * T], each step weighted by its own label's class as Keras 2 does for labels
 * of rank 3; null when neither is given (the loss then runs unweighted, bit-identical to before weights existed).
 * Classes are looked up for the first `classRows` samples only (fit's training rows: the validationSplit rows after
 * them keep their sample weights, and need no class weight). Checked here, before any step.
 */
export function sampleWeights(y: Flat, n: number, layout: LabelLayout, classWeight: unknown, sampleWeight: unknown, where: string, classRows = n): Float32Array | null {
  const cw = checkClassWeight(classWeight, where);
  const sw = checkSampleWeight(sampleWeight, n, where);
  if (!cw) return sw;
  const T = layout.rowsPerSample;
  const out = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      const r = i * T + t;
      if (i >= classRows) { out[r] = sw ? sw[i] : 1; continue; }
      const k = classOf(y, r, layout);
      if (!(k >= 0 && k < cw.length)) {
        throw new ValueError(`${where}: expected every label's class to have a classWeight (classes 0 to ${cw.length - 1}), got class ${k} for sample ${i}${T > 1 ? `, step ${t}` : ''}.`);
      }
      out[r] = sw ? Math.fround(cw[k]) * sw[i] : cw[k];
      if (out[r] === Infinity) {
        throw new ValueError(`${where}: expected classWeight[${k}] * sampleWeight[${i}] to be finite as a float32, got ${Math.fround(cw[k])} * ${sw![i]} = Infinity.`);
      }
    }
  }
  return out;
}
