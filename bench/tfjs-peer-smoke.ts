// Smoke test / quick measurement for the TF.js cpu peer of workload A (npx tsx bench/tfjs-peer-smoke.ts [--measure]).
import * as tf from '@tensorflow/tfjs';
import { makeTfjsWorkloadA, WORKLOAD_A } from './tfjs-peer.js';

const measure = process.argv.includes('--measure');
const WARMUP = 3;
const TRAIN_STEPS = measure ? 20 : 0;
const PREDICTS = measure ? 200 : 0;

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;

const w = await makeTfjsWorkloadA();
console.log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, node ${process.version}`);
w.model.summary();

const t: number[] = [];
for (let i = 0; i < WARMUP + TRAIN_STEPS; i++) {
  const t0 = performance.now();
  await w.trainStep();
  const dt = performance.now() - t0;
  if (i < WARMUP) console.log(`train step ${i + 1} (warm-up): ${dt.toFixed(1)} ms`);
  else t.push(dt);
}
const tensorsAfterTrain = tf.memory().numTensors;

const p: number[] = [];
for (let i = 0; i < WARMUP + PREDICTS; i++) {
  const t0 = performance.now();
  w.predictOne();
  const dt = performance.now() - t0;
  if (i < WARMUP) console.log(`predict ${i + 1} (warm-up): ${dt.toFixed(2)} ms`);
  else p.push(dt);
}
const tensorsAfterPredict = tf.memory().numTensors;

if (measure) {
  const bs = WORKLOAD_A.batchSize;
  console.log(
    `train: ${t.length} steps, mean ${mean(t).toFixed(1)} ms/step, median ${median(t).toFixed(1)} ms/step -> ` +
      `${((bs * 1000) / mean(t)).toFixed(0)} samples/s (mean), ${((bs * 1000) / median(t)).toFixed(0)} samples/s (median)`,
  );
  console.log(`predict batch 1: ${p.length} calls, mean ${mean(p).toFixed(2)} ms, median ${median(p).toFixed(2)} ms`);
}
console.log(`live tensors: after train ${tensorsAfterTrain}, after predict ${tensorsAfterPredict} (must be equal)`);
w.dispose();
console.log(`live tensors after dispose: ${tf.memory().numTensors}`);
if (tensorsAfterPredict !== tensorsAfterTrain) process.exitCode = 1;
