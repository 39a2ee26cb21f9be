// Node: train with 2 threads, save the weights as JSON (the Worker example serves this file), reload them into a
// fresh model and check it predicts the same.   node examples/node.mjs [out.json]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { init, info } from 'bilstm-attn';
import { makeData, buildModel } from './model.js';

await init({ threads: 2 });
const train = makeData(512, 1), test = makeData(128, 2);
const model = buildModel();
const history = await model.fit(train.x, train.y, { epochs: 15, batchSize: 32, verbose: 0 });
const [loss, acc] = model.evaluate(test.x, test.y);
console.log(`node ${process.versions.node}, ${info().threads} threads: loss ${history.history.loss.at(-1).toFixed(4)}, held-out accuracy ${acc.toFixed(3)} (loss ${loss.toFixed(4)})`);

// Save: getWeights() in Keras order; typed arrays become plain arrays in JSON (exact for float32 values).
const saved = model.getWeights().map((w) => ({ shape: w.shape, data: Array.from(w.data) }));
const out = process.argv[2] ?? fileURLToPath(new URL('./worker/model.json', import.meta.url));
writeFileSync(out, JSON.stringify(saved));

// Load into a fresh model and compare predictions bit for bit.
const copy = buildModel(99);
copy.setWeights(JSON.parse(JSON.stringify(saved)));
const a = model.predict(test.x).data, b = copy.predict(test.x).data;
const same = a.every((v, i) => Object.is(v, b[i]));
console.log(`saved ${saved.length} weights to ${out}; reloaded model predicts the same: ${same}`);
if (!same || acc < 0.9) process.exit(1);
