// Peak RSS of training a workload, measured in a lean process (plain node on the built package, no TypeScript
// loader); bench/run.ts runs it as a child. Prints MB. Usage: node bench/rss.mjs B [threads]
import * as lib from '../dist/src/index.js';
import { SHAPES, workloadModel } from './workloads.mjs';

const w = process.argv[2] ?? 'B';
const { V, T, B } = SHAPES[w];
await lib.init({ threads: Number(process.argv[3] ?? 1) });
const model = workloadModel(lib, w);
const ids = new Int32Array(B * T).map((_, i) => 1 + ((i * 7919) % (V - 1)));
const y = new Float32Array(B).map((_, i) => i % 2);
let peak = 0;
for (let i = 0; i < 10; i++) {
  model.trainOnBatch({ data: ids, shape: [B, T] }, y);
  peak = Math.max(peak, process.memoryUsage().rss);
}
console.log((peak / 2 ** 20).toFixed(1));
process.exit(0);
