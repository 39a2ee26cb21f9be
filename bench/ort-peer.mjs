// One engine at one thread count in a process of its own (bench/ort.mjs runs it as a child): ours (the model file),
// onnxruntime-node or onnxruntime-web (wasm, SIMD) on the ONNX file our exportOnnx wrote for the same weights.
// Outputs are compared with the reference predictions first (refused above 1e-4 relative), then batch-1 latency and
// batch-256 throughput are timed as samples of pooled calls. Prints one JSON line.
// Usage: node bench/ort-peer.mjs <ours|ours-cached|ort-node|ort-web> <A|B> <threads> <dir> [--cold] [--seconds S]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const t0 = performance.now(); // as close to process start as this file gets; cold start adds process.uptime() before it
const up0 = process.uptime() * 1000;
const [engine, w, threadsArg, dir, ...rest] = process.argv.slice(2);
const threads = Number(threadsArg);
const cold = rest.includes('--cold');
const seconds = Number(rest[rest.indexOf('--seconds') + 1] ?? 0) || 1.5;
const ref = JSON.parse(readFileSync(join(dir, `${w}.ref.json`), 'utf8'));
const { T } = ref;
const one = Int32Array.from(ref.one), many = Int32Array.from(ref.many);

/** predictOne(ids) / predictMany(ids): Promise<Float32Array> */
let predict;
if (engine === 'ours' || engine === 'ours-cached') {
  const lib = await import('../dist/src/index.js');
  await lib.init({ threads });
  const model = await lib.loadModel(join(dir, `${w}.bilstm`));
  await model.ready();
  // ours-cached: the serving option that looks each LSTM's input projection up per vocabulary id (README "Serving")
  if (engine === 'ours-cached') model.cacheInputProjections();
  predict = async (ids, n) => model.predict({ data: ids, shape: [n, T] }, { batchSize: n }).data;
} else {
  let ort;
  const opts = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
  if (engine === 'ort-node') {
    ort = await import('onnxruntime-node');
    Object.assign(opts, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
  } else {
    ort = await import('onnxruntime-web');
    const require = createRequire(import.meta.url);
    const distDir = join(require.resolve('onnxruntime-web'), '..');
    ort.env.wasm.wasmPaths = pathToFileURL(distDir + '/').href;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
    ort.env.wasm.proxy = false;
    Object.assign(opts, { executionProviders: ['wasm'] });
  }
  const session = await ort.InferenceSession.create(readFileSync(join(dir, `${w}.onnx`)), opts);
  const inName = session.inputNames[0], outName = session.outputNames[0];
  predict = async (ids, n) => {
    const x = new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [n, T]);
    const out = await session.run({ [inName]: x });
    return out[outName].data;
  };
}

// first prediction (cold start ends here), then the comparison
const first = await predict(one, 1);
const coldMs = up0 + (performance.now() - t0);
const outMany = await predict(many, 256);
let maxAbs = 0, scale = 0;
for (const [got, want] of [[first, ref.outOne], [outMany, ref.outMany]]) {
  if (got.length !== want.length) throw new Error(`ort-peer ${engine}: expected ${want.length} outputs, got ${got.length}`);
  for (let i = 0; i < want.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
}
const rel = maxAbs / Math.max(scale, 1e-30);
if (!(rel <= 1e-4)) {
  console.log(JSON.stringify({ engine, w, threads, refused: true, maxAbs, rel }));
  process.exit(2);
}
if (cold) {
  console.log(JSON.stringify({ engine, w, threads, coldMs, maxAbs, rel }));
  process.exit(0);
}

// samples of pooled calls: k calls per sample, k chosen so that a sample takes ~25 ms
async function samples(ids, n) {
  for (let i = 0; i < 3; i++) await predict(ids, n);
  let k = 1;
  for (;;) {
    const s = performance.now();
    for (let i = 0; i < k; i++) await predict(ids, n);
    const dt = performance.now() - s;
    if (dt >= 25 || k >= 1 << 16) break;
    k *= 2;
  }
  const out = [];
  const end = performance.now() + seconds * 1000;
  while (out.length < 5 || performance.now() < end) {
    const s = performance.now();
    for (let i = 0; i < k; i++) await predict(ids, n);
    out.push((performance.now() - s) / k);
  }
  return { k, ms: out };
}
const lat = await samples(one, 1);
const thr = await samples(many, 256);
console.log(JSON.stringify({ engine, w, threads, maxAbs, rel, coldMs, batch1: lat, batch256: thr }));
process.exit(0);
