// The demo's model through the library (`npx tsx examples/names.ts`; `npm run demo` is the CLI's): first name ->
// gender with embedding -> Bi-LSTM -> attention -> dense, on the stdlib name lists. Padding (id 0) is masked by
// default; `npx tsx examples/names.ts --no-mask` trains the unmasked variant.
import { init, sequential, layers } from '../src/index.js';
import { loadNames } from '../src/data/datasets/names.js';

const t0 = Date.now();
const maskZero = !process.argv.includes('--no-mask');
await init();
const data = await loadNames({ maxLen: 16, testFraction: 0.2, seed: 1 });
console.log(`names: ${data.xTrain.shape[0]} train, ${data.xTest.shape[0]} test (label 1 = female); padding ${maskZero ? 'masked' : 'not masked'}`);

const model = sequential({ seed: 42, layers: [
  layers.embedding({ inputDim: 30, outputDim: 32, inputLength: 16, maskZero }),
  layers.bidirectional({ layer: layers.lstm({ units: 32, returnSequences: true }), mergeMode: 'concat' }),
  layers.attention({ returnSequences: false }),
  layers.dense({ units: 1, activation: 'sigmoid' }),
]});
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
model.summary();

await model.fit(data.xTrain, data.yTrain, { epochs: 10, batchSize: 64, verbose: 1 });
const [testLoss, testAcc] = model.evaluate(data.xTest, data.yTest);
console.log(`held-out: loss ${testLoss.toFixed(4)}, accuracy ${testAcc.toFixed(4)}`);

// A few held-out names with the prediction and the attention paid to each character.
const show = 6;
const x = { data: data.xTest.data.slice(0, show * 16), shape: [show, 16] };
const out = model.predict(x, { returnAttention: true });
const p = out.data;
const a = out.attention[0].data;
for (let i = 0; i < show; i++) {
  const name = data.namesTest[i];
  const truth = data.yTest.data[i] === 1 ? 'female' : 'male';
  const guess = p[i] > 0.5 ? 'female' : 'male';
  const chars = [...name].map((ch, t) => `${ch}:${a[i * 16 + t].toFixed(2)}`).join(' ');
  console.log(`${name.padEnd(12)} p(female)=${p[i].toFixed(3)} -> ${guess.padEnd(6)} (${truth})  ${chars}`);
}
console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
