// Node: train with 2 threads, save the model to one file (the Worker example serves it), load that file back and
// check it predicts the same, attention included.   node examples/node.mjs [out.bilstm]
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { init, info, loadModel } from 'bilstm-attn';
import { makeData, buildModel } from './model.js';

await init({ threads: 2 });
const train = makeData(512, 1), test = makeData(128, 2);
const model = buildModel();
const history = await model.fit(train.x, train.y, { epochs: 15, batchSize: 32, verbose: 0 });
const [loss, acc] = model.evaluate(test.x, test.y);
console.log(`node ${process.versions.node}, ${info().threads} threads: loss ${history.history.loss.at(-1).toFixed(4)}, held-out accuracy ${acc.toFixed(3)} (loss ${loss.toFixed(4)})`);

// Save: architecture, compile config and weights in one file. The Worker only predicts, so leave out the optimizer
// state (the default includeOptimizer: true keeps it, and fit resumes exactly where it stopped).
const out = process.argv[2] ?? fileURLToPath(new URL('./worker/model.bilstm', import.meta.url));
await model.save(out, { includeOptimizer: false });

// Load it as a new model and compare predictions and attention weights bit for bit.
const copy = await loadModel(out);
const bits = (m) => {
  const p = m.predict(test.x, { returnAttention: true });
  return [...new Uint32Array(p.data.buffer), ...new Uint32Array(p.attention[0].data.buffer)];
};
const a = bits(model), b = bits(copy);
const same = a.length === b.length && a.every((v, i) => v === b[i]);
console.log(`saved ${out} (${statSync(out).size} bytes); reloaded model predicts the same: ${same}`);
if (!same || acc < 0.9) process.exit(1);
