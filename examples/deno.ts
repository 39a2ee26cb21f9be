// Deno: train with 2 threads, show what the runtime gave us, save to bytes and load them back.   deno run examples/deno.ts
// (bilstm-attn resolves through deno.json's import map here; in your project: import ... from 'npm:bilstm-attn'.)
import { init, info, loadModel } from 'bilstm-attn';
import { makeData, buildModel } from './model.js';

await init({ threads: 2 });
const train = makeData(512, 1), test = makeData(128, 2);
const model = buildModel();
const history = await model.fit(train.x, train.y, { epochs: 15, batchSize: 32, verbose: 0 });
const [, acc] = model.evaluate(test.x, test.y) as number[];
const i = info();
console.log(`deno ${Deno.version.deno}, ${i.threads} threads (${i.workers}): loss ${history.history.loss.at(-1)!.toFixed(4)}, held-out accuracy ${acc.toFixed(3)}`);
// Where does the model look? The first test sequence that contains token 1:
const n = test.y.indexOf(1);
const ids = test.x.data.slice(n * 12, n * 12 + 12);
const { data, attention } = model.predict({ data: ids, shape: [1, 12] }, { returnAttention: true });
const a = attention[0].data;
console.log(`[${ids.join(' ')}]: p = ${data[0].toFixed(3)}, token 1 at step ${ids.indexOf(1)}, attention peaks at step ${a.indexOf(Math.max(...a))} (${Math.max(...a).toFixed(2)})`);

// Save to bytes (no target: nothing touches the disk, so no --allow-write) and load them as a new model.
const bytes = (await model.save())!;
const copy = await loadModel(bytes);
const p = model.predict(test.x).data, q = copy.predict(test.x).data;
const same = p.every((v, k) => Object.is(v, q[k]));
console.log(`saved ${bytes.length} bytes; loaded back, it predicts the same: ${same}`);
if (acc < 0.9 || !same) Deno.exit(1);
