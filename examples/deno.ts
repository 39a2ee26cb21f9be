// Deno: train with 2 threads and show what the runtime gave us.   deno run examples/deno.ts
// (bilstm-attn resolves through deno.json's import map here; in your project: import ... from 'npm:bilstm-attn'.)
import { init, info } from 'bilstm-attn';
import { makeData, buildModel } from './model.js';

await init({ threads: 2 });
const train = makeData(512, 1), test = makeData(128, 2);
const model = buildModel();
const history = await model.fit(train.x, train.y, { epochs: 15, batchSize: 32, verbose: 0 });
const [, acc] = model.evaluate(test.x, test.y) as number[];
const i = info();
console.log(`deno ${Deno.version.deno}, ${i.threads} threads (${i.workers}): loss ${history.history.loss.at(-1)!.toFixed(4)}, held-out accuracy ${acc.toFixed(3)}`);
const { data, attention } = model.predict({ data: test.x.data.slice(0, 12), shape: [1, 12] }, { returnAttention: true });
console.log(`first test sequence [${test.x.data.slice(0, 12).join(' ')}]: p = ${data[0].toFixed(3)}, attention peaks at step ${attention[0].data.indexOf(Math.max(...attention[0].data))}`);
if (acc < 0.9) Deno.exit(1);
