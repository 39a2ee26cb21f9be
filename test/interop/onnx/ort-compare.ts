// Shared by the ONNX export tests: seeded post-padded id batches, models with seeded weights of scale 1, the
// comparison of onnxruntime's outputs for an exported model with model.predict (relative to the output scale), and
// the recurrent tests' embedding, per-case tests and float-input check.
import { it, expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { exportOnnx, sequential, layers, type Layer, type Sequential } from '../../../src/index.js';
import { ids, seededWeights } from '../../helpers/models.js';

export const T = 7, V = 11;

/** Ids [n, T] in 1..V-1; with `padded`, each row post-padded with 0 to a seeded length in 0..T (row 0 full, row 1 empty). */
export function batch(n: number, seed: number, padded: boolean): Int32Array {
  const x = ids(n * T, seed, 1, V - 1);
  if (padded) {
    const lens = ids(n, seed + 1, 0, T);
    if (n > 1) { lens[0] = T; lens[1] = 0; }
    for (let i = 0; i < n; i++) x.fill(0, i * T + lens[i], i * T + T);
  }
  return x;
}

/** The model with seeded weights of scale 1 (moving statistics too), so every gate and merge matters. */
export function randomized(m: Sequential, seed: number): Sequential {
  const w = seededWeights(m, seed, 1);
  const names = m.weightNames;
  names.forEach((n, i) => {
    if (n.endsWith('moving_mean')) w[i] = { data: w[i].data.map((_, j) => 0.1 * (j % 3) - 0.1), shape: w[i].shape };
    if (n.endsWith('moving_variance')) w[i] = { data: w[i].data.map((_, j) => 0.5 + 0.25 * (j % 4)), shape: w[i].shape };
  });
  m.setWeights(w);
  return m;
}

ortWeb.env.wasm.numThreads = 1;

/** Worst |onnxruntime - predict| / output scale; fails past 1e-5. `web`: onnxruntime-web (its Wasm backend) instead of -node. */
export async function compare(m: Sequential, n: number, padded: boolean, seed = 3, web = false): Promise<number> {
  const bytes = await exportOnnx(m);
  const x = batch(n, seed, padded);
  const expected = m.predict({ data: x, shape: [n, T] });
  const ids = BigInt64Array.from(x, (v) => BigInt(v));
  const got = web
    ? (await (await ortWeb.InferenceSession.create(bytes!)).run({ input: new ortWeb.Tensor('int64', ids, [n, T]) })).output
    : (await (await ort.InferenceSession.create(bytes!)).run({ input: new ort.Tensor('int64', ids, [n, T]) })).output;
  expect(got.dims).toEqual(expected.shape);
  const e = expected.data, a = got.data as Float32Array;
  const scale = Math.max(1e-3, ...Array.from(e, Math.abs));
  let worst = 0, at = -1;
  e.forEach((v, i) => { const d = Math.abs(a[i] - v); if (!(d <= worst)) { worst = d; at = i; } });
  if (!(worst <= 1e-5 * scale)) throw new Error(`|diff| ${worst} at ${at} (${a[at]} vs ${e[at]}), over 1e-5 x scale ${scale}`);
  return worst / scale;
}

/** The recurrent tests' first layer: ids [n, T] in 0..V-1 to 5 features, masking id 0 with `maskZero`. */
export const emb = (maskZero = false) => layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, maskZero });

export interface OrtCase { name: string; layers: () => Layer[]; maskable: boolean }

/** Per case, a test comparing onnxruntime with model.predict unmasked at batch 1 and 16, and for a maskable case one
 *  with the first layer swapped for emb(true) on post-padded ids (a full and an empty row). */
export function itRunsEachCase(cases: OrtCase[]): void {
  for (const c of cases) {
    it(`${c.name}: unmasked, batch 1 and 16`, async () => {
      const m = randomized(sequential({ seed: 5, layers: c.layers() }), 11);
      await compare(m, 1, false);
      await compare(m, 16, false);
    });
    if (!c.maskable) continue;
    it(`${c.name}: maskZero, post-padded ids (a full and an empty row), batch 1 and 16`, async () => {
      const [, ...rest] = c.layers();
      const m = randomized(sequential({ seed: 5, layers: [emb(true), ...rest] }), 11);
      await compare(m, 1, true, 4);
      await compare(m, 16, true);
    });
  }
}

/** A model on float input [T, 2]: onnxruntime-node on seeded float32 x [4, T, 2] within 1e-5 of model.predict's
 *  output scale (which must exceed `minScale` when given). */
export async function compareFloatInput(m: Sequential, minScale?: number): Promise<void> {
  const x = Float32Array.from({ length: 4 * T * 2 }, (_, i) => Math.sin(i * 0.7));
  const session = await ort.InferenceSession.create((await exportOnnx(m))!);
  const got = (await session.run({ input: new ort.Tensor('float32', x, [4, T, 2]) })).output.data as Float32Array;
  const e = m.predict({ data: x, shape: [4, T, 2] }).data;
  const scale = Math.max(...Array.from(e, Math.abs));
  if (minScale !== undefined) expect(scale).toBeGreaterThan(minScale);
  expect(got.length).toBe(e.length);
  e.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(1e-5 * scale));
}
