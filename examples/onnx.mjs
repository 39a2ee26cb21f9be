// Node: train the toy model, export it to ONNX and serve it with onnxruntime-node (a devDependency here; in your app
// `npm install onnxruntime-node`), checking it predicts what bilstm-attn predicts.   node examples/onnx.mjs [out.onnx]
import { writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { init, exportOnnx } from 'bilstm-attn';
import { makeData, buildModel } from './model.js';

await init();
const train = makeData(512, 1), test = makeData(64, 2);
const model = buildModel();
await model.fit(train.x, train.y, { epochs: 8, batchSize: 32, verbose: 0 });
const bytes = await exportOnnx(model);
if (process.argv[2]) writeFileSync(process.argv[2], bytes);

// onnxruntime takes int64 ids [batch, T]; the output is named 'output', shaped like predict's
const [n, T] = test.x.shape;
const session = await ort.InferenceSession.create(bytes);
const ids = new ort.Tensor('int64', BigInt64Array.from(test.x.data, (v) => BigInt(v)), [n, T]);
const onnx = (await session.run({ input: ids })).output.data;
const ours = model.predict(test.x).data;
let worst = 0;
for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(onnx[i] - ours[i]));
console.log(`exported ${bytes.length} bytes of ONNX; onnxruntime-node on ${n} sequences: max |difference| ${worst.toExponential(2)}`);
if (!(worst < 1e-5)) process.exit(1);
