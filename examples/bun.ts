// Bun: train with 2 threads, time single-sequence predictions, and load the file Node saved.   bun examples/bun.ts
import { init, info, loadModel } from 'bilstm-attn';
import { makeData, buildModel } from './model.js';

await init({ threads: 2 });
const train = makeData(512, 1), test = makeData(128, 2);
const model = buildModel();
const history = await model.fit(train.x, train.y, { epochs: 15, batchSize: 32, verbose: 0 });
const [, acc] = model.evaluate(test.x, test.y) as number[];
console.log(`bun ${Bun.version}, ${info().threads} threads: loss ${history.history.loss.at(-1)!.toFixed(4)}, held-out accuracy ${acc.toFixed(3)}`);
const one = { data: test.x.data.slice(0, 12), shape: [1, 12] };
const t0 = Bun.nanoseconds();
for (let k = 0; k < 100; k++) model.predict(one);
console.log(`predict one sequence: ${((Bun.nanoseconds() - t0) / 100 / 1e6).toFixed(3)} ms`);

// The model file examples/node.mjs saved, read as a Blob (Bun.file): node.mjs trained the same model on the same data
// from the same seed, so its weights are this run's, bit for bit.
const saved = await loadModel(Bun.file(new URL('./worker/model.bilstm', import.meta.url)));
const mine = model.getWeights(), theirs = saved.getWeights();
const same = mine.every((w, k) => w.data.every((v, j) => Object.is(v, theirs[k].data[j])));
console.log(`worker/model.bilstm (saved by node.mjs), loaded from Bun.file: the same weights as this run: ${same}`);
if (acc < 0.9 || !same) process.exit(1);
