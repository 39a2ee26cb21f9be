// Shared by the recurrent TF.js tests (tfjs-gru, tfjs-simple-rnn): our export loaded into TF.js, predictions both ways compared to the outputs' scale, seeded inputs and weights.
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportTfjs, loadTfjsModel, type Sequential, type TfjsFiles } from '../../src/index.js';
import { ids } from './models.js';

export const SHARD = 'group1-shard1of1.bin';

export type Input = { data: Int32Array | Float32Array; shape: number[] };

export function modelJson(out: TfjsFiles): any {
  return JSON.parse(new TextDecoder().decode(out.files['model.json']));
}

/** TF.js loads our files through an IOHandler over the bytes. */
export async function tfLoad(out: TfjsFiles): Promise<tf.LayersModel> {
  const json = modelJson(out);
  const shard = out.files[SHARD];
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
    weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) }));
}

export function tfPredict(m: tf.LayersModel, x: Input): Float32Array {
  return tf.tidy(() => {
    const t = x.data instanceof Int32Array ? tf.tensor(x.data, x.shape, 'int32') : tf.tensor(x.data, x.shape);
    return (m.predict(t) as tf.Tensor).dataSync() as Float32Array;
  });
}

export function ours(m: Sequential, x: Input): Float32Array {
  return (m.predict(x) as { data: Float32Array }).data;
}

/**
 * |actual - expected| <= tol * max|expected| on every entry (relative to the outputs' scale, no floor of 1); the
 * outputs must not be near zero, or the check would prove nothing. The failure names the worst entry.
 */
export function within(actual: Float32Array, expected: Float32Array, what: string, tol = 1e-5): number {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs));
  expect(scale, `${what}: outputs' scale`).toBeGreaterThan(0.05);
  let worst = 0, at = -1;
  expected.forEach((e, i) => { const d = Math.abs(actual[i] - e); if (!(d <= worst)) { worst = d; at = i; } });
  if (!(worst <= tol * scale)) throw new Error(`${what}: |diff| ${worst.toExponential(2)} at ${at} (${actual[at]} vs ${expected[at]}), over ${tol} x scale ${scale.toPrecision(3)}`);
  return worst;
}

/** The model's weights scaled by k with a seeded ripple added (in place; returns m). */
export function stirWeights(m: Sequential, k: number): Sequential {
  m.setWeights(m.getWeights().map((w, i) => ({ data: w.data.map((v, j) => v * k + 0.3 * Math.sin(1.7 * i + 0.9 * j)), shape: w.shape })));
  return m;
}

/** Float features [B, T, F], seeded. */
export function features(B: number, T: number, F: number, seed = 1): Input {
  return { data: Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(0.37 * i + seed) + 0.5 * Math.cos(1.3 * i * seed)), shape: [B, T, F] };
}

/** Token ids [B, T] with post-padding (id 0) of varied lengths, including an all-padding row and a full one. */
export function padded(B: number, T: number, seed = 5): Input {
  const lens = Array.from({ length: B }, (_, n) => (n === 0 ? T : n === 1 ? 0 : 1 + ((n * 3 + seed) % T)));
  const v = ids(B * T, seed, 1, 10);
  return { data: Int32Array.from(v, (id, i) => (i % T < lens[Math.floor(i / T)] ? id : 0)), shape: [B, T] };
}

/** exportTfjs -> TF.js predicts within 1e-5 of the scale -> loadTfjsModel predicts our exact bytes. */
export async function bothWays(m: Sequential, x: Input, what: string): Promise<TfjsFiles> {
  const out = (await exportTfjs(m))!;
  const t = await tfLoad(out);
  expect(t.weights.map((w) => w.originalName), what).toEqual(m.weightNames);
  within(tfPredict(t, x), ours(m, x), `TF.js vs ours (${what})`);
  t.dispose();
  expect(new Uint32Array(ours(await loadTfjsModel(out), x).buffer), `export -> import (${what})`).toEqual(new Uint32Array(ours(m, x).buffer));
  return out;
}

/** Random weights through TF.js (its recurrent layers start with zero biases). */
export function randomize(t: tf.LayersModel, seed: number, sd = 0.7): void {
  t.setWeights(t.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, sd, 'float32', seed + i)));
}
