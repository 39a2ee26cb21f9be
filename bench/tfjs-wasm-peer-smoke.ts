// Smoke test / quick measurement for the TF.js wasm peer (npx tsx bench/tfjs-wasm-peer-smoke.ts [--measure] [--b]).
// Checks that the JS UnsortedSegmentSum shim matches tf.unsortedSegmentSum on the cpu backend, that training
// and predicting leak no tensors, then prints training samples/s and batch-1 predict latency.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { makeTfjsWasmWorkload, useWasmBackend, type WasmWorkloadName } from './tfjs-wasm-peer.js';

const measure = process.argv.includes('--measure');
const workloads: WasmWorkloadName[] = process.argv.includes('--b') ? ['A', 'B'] : ['A'];

const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// 1. the shim against the cpu backend's kernel (ids include repeats and an out-of-range one)
{
  const xv = Float32Array.from({ length: 7 * 5 }, (_, i) => Math.sin(i) * 3);
  const ids = Int32Array.from([3, 0, 3, 5, 1, 0, 3]);
  await tf.setBackend('cpu');
  const ref = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(xv, [7, 5]), tf.tensor1d(ids, 'int32'), 4).dataSync());
  await useWasmBackend();
  const got = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(xv, [7, 5]), tf.tensor1d(ids, 'int32'), 4).dataSync());
  let maxErr = 0;
  for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(ref[i]! - got[i]!));
  console.log(`UnsortedSegmentSum shim vs cpu: max |diff| ${maxErr} over ${ref.length} values`);
  if (ref.length !== got.length || maxErr > 1e-6) throw new Error('UnsortedSegmentSum shim disagrees with the cpu backend');
}

console.log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, node ${process.version}, ${os.cpus()[0]?.model} x${os.cpus().length}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

for (const name of workloads) {
  const w = await makeTfjsWasmWorkload(name);
  const bs = w.batchSize;
  const warmup = name === 'A' ? 5 : 2;
  const steps = measure ? (name === 'A' ? 60 : 5) : 2;
  const predicts = measure ? (name === 'A' ? 300 : 20) : 5;

  const t: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    await w.trainStep();
    const dt = performance.now() - t0;
    if (i < warmup) console.log(`${name}: train step ${i + 1} (warm-up): ${dt.toFixed(1)} ms`);
    else t.push(dt);
  }
  const tensorsAfterTrain = tf.memory().numTensors;

  const p: number[] = [];
  for (let i = 0; i < 3 + predicts; i++) {
    const t0 = performance.now();
    w.predictOne();
    const dt = performance.now() - t0;
    if (i >= 3) p.push(dt);
  }
  let big = NaN;
  if (name === 'B' && measure) {
    w.predictBatch();
    const n = 2;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) w.predictBatch();
    big = (n * w.predictBatchSize * 1000) / (performance.now() - t0);
  }
  const tensorsAfterPredict = tf.memory().numTensors;

  console.log(
    `${name}: train ${t.length} steps of ${bs}: mean ${mean(t).toFixed(1)} ms/step, median ${median(t).toFixed(1)} ms -> ` +
      `${((bs * 1000) / mean(t)).toFixed(1)} samples/s (mean), ${((bs * 1000) / median(t)).toFixed(1)} samples/s (median)`,
  );
  console.log(`${name}: predict batch 1: ${p.length} calls, mean ${mean(p).toFixed(3)} ms, median ${median(p).toFixed(3)} ms`);
  if (Number.isFinite(big)) console.log(`${name}: predict batch ${w.predictBatchSize}: ${big.toFixed(1)} samples/s`);
  console.log(`${name}: live tensors after train ${tensorsAfterTrain}, after predict ${tensorsAfterPredict} (must be equal)`);
  w.dispose();
  if (tensorsAfterPredict !== tensorsAfterTrain) process.exitCode = 1;
}
console.log(`live tensors after dispose: ${tf.memory().numTensors}`);
