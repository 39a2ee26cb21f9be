// Node: train the toy model, export it in the TF.js Layers format (model.json + one float32 shard) for
// examples/tfjs/index.html, which serves it with @tensorflow/tfjs in a page.
//   node examples/tfjs/export.mjs [dir]     (default: examples/tfjs/model, the committed copy the page loads)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, exportTfjs } from 'bilstm-attn';
import { makeData, buildModel } from '../model.js';

const dir = process.argv[2] ?? fileURLToPath(new URL('./model', import.meta.url));
await init();
const train = makeData(512, 1), test = makeData(64, 2);
const model = buildModel();
await model.fit(train.x, train.y, { epochs: 8, batchSize: 32, verbose: 0 });
const [, acc] = model.evaluate(test.x, test.y);
console.log(`trained the toy model: held-out accuracy ${acc.toFixed(3)}`);

await exportTfjs(model, dir);
console.log(`exportTfjs wrote ${dir}:`);
for (const name of readdirSync(dir).sort()) console.log(`  ${name} (${statSync(join(dir, name)).size} bytes)`);
