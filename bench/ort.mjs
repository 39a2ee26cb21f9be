// `npm run bench:ort`: serving against ONNX Runtime. Writes workload A's and B's model (the bench's seeded weights
// after one seeded training step) as our model file and as the ONNX file of our own exportOnnx, with reference
// predictions; then runs bench/ort-peer.mjs for ours, onnxruntime-web (wasm, SIMD) and onnxruntime-node, each engine
// and thread count in a process of its own, rounds in alternating order; medians of the pooled samples of all rounds.
// Cold start (process start to the first prediction of A, model loaded from its file) in fresh processes.
// Options: --workloads A,B --threads 1,2 --engines ours,ours-cached,ort-web,ort-node --rounds 3 --seconds 1.5 --cold 5
// (ours-cached: ours with model.cacheInputProjections())
//          --json FILE (default bench/ort-results.json)
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/src/index.js';
import { SHAPES, workloadModel, lcgIds } from './workloads.mjs';

const argv = process.argv.slice(2);
const opt = (name, d) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : d; };
const workloads = opt('--workloads', 'A,B').split(',');
const threadList = opt('--threads', '1,2').split(',').map(Number);
const engines = opt('--engines', 'ours,ours-cached,ort-web,ort-node').split(',');
const rounds = Number(opt('--rounds', '3'));
const seconds = opt('--seconds', '1.5');
const coldRuns = Number(opt('--cold', '5'));
const jsonOut = opt('--json', fileURLToPath(new URL('./ort-results.json', import.meta.url)));
const peer = fileURLToPath(new URL('./ort-peer.mjs', import.meta.url));
const cpu = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`;
const ortVersion = (name) => JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')).version;
const versions = { 'ort-node': ortVersion('onnxruntime-node'), 'ort-web': ortVersion('onnxruntime-web') };
console.log(`bilstm-attn vs ONNX Runtime: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu}, onnxruntime-node ${versions['ort-node']}, onnxruntime-web ${versions['ort-web']}`);

// The Wasm SIMD peak of one core in this run (assembly/peak.ts: 12 independent f32x4 accumulators, acc += a * b),
// measured between rounds; every figure is also given as a fraction of the peak of its thread count. A model's work is
// counted as its LSTM products, 2 directions x T x (E + H) x 4H multiply-adds per sample (attention and the dense
// layer add under 1%): the nominal work of the model, the same for every engine (ours computes the input product
// once per distinct id of a batch, so its fraction can read above what the products alone would reach).
const PEAK_ITERS = 2_000_000;
const peaks = [];
// Its own instance of build/bilstm.wasm (the library's internals are bundled, not importable). The 2-core peak: the
// same loop on this thread and on a worker at once, their figures added (a VM's second core may deliver less).
const wasmPath = fileURLToPath(new URL('../build/bilstm.wasm', import.meta.url));
const PEAK_LOOP = `(bytes, iters) => {
  const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 2 }) } }).exports;
  for (let i = 0; i < 3; i++) k.simd_peak(iters / 10, 65536);
  const r = [];
  for (let i = 0; i < 7; i++) { const s = performance.now(); k.simd_peak(iters, 65536); r.push((iters * 96) / ((performance.now() - s) * 1e6)); }
  return r.sort((a, b) => a - b)[3];
}`;
const peakLoop = eval(PEAK_LOOP);
const peaks2 = [];
async function measurePeak() {
  const bytes = readFileSync(wasmPath);
  peaks.push(peakLoop(bytes, PEAK_ITERS));
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(`const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage((${PEAK_LOOP})(workerData, ${PEAK_ITERS}));`, { eval: true, workerData: bytes });
  const other = new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
  const mine = peakLoop(bytes, PEAK_ITERS);
  peaks2.push(mine + await other);
  await w.terminate();
}
const flopsPerSample = (w) => { const { E, H, T } = SHAPES[w]; return 2 * T * (E + H) * 4 * H * 2; };

const dir = mkdtempSync(join(os.tmpdir(), 'bilstm-attn-ort-'));
try {
  await lib.init({ threads: 1 });
  for (const w of workloads) {
    const { V, T, B } = SHAPES[w];
    const model = workloadModel(lib, w);
    const ids = lcgIds(B * T, 1, V - 1);
    model.trainOnBatch({ data: ids, shape: [B, T] }, new Float32Array(B).map((_, i) => ids[i * T] % 2));
    await model.save(join(dir, `${w}.bilstm`), { includeOptimizer: false });
    await lib.exportOnnx(model, join(dir, `${w}.onnx`));
    const one = ids.slice(0, T), many = lcgIds(256 * T, 1, V - 1, 2);
    const outOne = Array.from(model.predict({ data: one, shape: [1, T] }).data);
    const outMany = Array.from(model.predict({ data: many, shape: [256, T] }, { batchSize: 256 }).data);
    writeFileSync(join(dir, `${w}.ref.json`), JSON.stringify({ T, one: Array.from(one), many: Array.from(many), outOne, outMany }));
  }

  const child = (args) => {
    try {
      return JSON.parse(execFileSync(process.execPath, [peer, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop());
    } catch (e) {
      const out = e.stdout?.trim().split('\n').pop();
      throw new Error(`ort-peer ${args.slice(0, 3).join(' ')} failed${out ? `: ${out}` : ''}`);
    }
  };
  const configs = workloads.flatMap((w) => engines.flatMap((engine) => threadList.map((threads) => ({ w, engine, threads }))));
  const pooled = new Map(configs.map((c) => [`${c.w} ${c.engine} ${c.threads}`, { ...c, maxAbs: 0, rel: 0, b1: [], b256: [], roundMedians: [] }]));
  for (let r = 0; r < rounds; r++) {
    await measurePeak();
    const order = r % 2 ? [...configs].reverse() : configs;
    for (const c of order) {
      const res = child([c.engine, c.w, String(c.threads), dir, '--seconds', seconds]);
      const p = pooled.get(`${c.w} ${c.engine} ${c.threads}`);
      p.maxAbs = Math.max(p.maxAbs, res.maxAbs); p.rel = Math.max(p.rel, res.rel);
      p.b1.push(...res.batch1.ms); p.b256.push(...res.batch256.ms);
      p.roundMedians.push([median(res.batch1.ms), 256000 / median(res.batch256.ms)]);
      console.log(`round ${r + 1} | ${c.w} ${c.engine} ${c.threads}t | batch 1 ${median(res.batch1.ms).toFixed(3)} ms | batch 256 ${(256000 / median(res.batch256.ms)).toFixed(0)} samples/s | max abs diff ${res.maxAbs.toExponential(2)}`);
    }
  }
  await measurePeak();
  const peak = median(peaks), peak2 = median(peaks2);
  console.log(`in-run peak (simd_peak, medians of ${peaks.length} measurements between rounds): one core ${peak.toFixed(1)} GFLOP/s (${peaks.map((v) => v.toFixed(1)).join(', ')}); two cores at once ${peak2.toFixed(1)} (${peaks2.map((v) => v.toFixed(1)).join(', ')})`);
  const rows = [];
  for (const p of pooled.values()) {
    const fl = flopsPerSample(p.w), cap = (p.threads === 1 ? peak : peak2 * p.threads / 2) * 1e9;
    const batch1Ms = median(p.b1), batch256PerS = 256000 / median(p.b256);
    rows.push({ workload: p.w, engine: p.engine, threads: p.threads, batch1Ms, batch256PerS,
      batch1OfPeak: fl / (batch1Ms / 1000) / cap, batch256OfPeak: fl * batch256PerS / cap,
      samples: [p.b1.length, p.b256.length], roundMedians: p.roundMedians, maxAbsDiff: p.maxAbs, relDiff: p.rel });
  }
  const cold = [];
  if (coldRuns > 0 && workloads.includes('A')) {
    const coldEngines = engines.map((e) => ({ engine: e, ms: [] }));
    for (let r = 0; r < coldRuns; r++) {
      for (const c of r % 2 ? [...coldEngines].reverse() : coldEngines) c.ms.push(child([c.engine, 'A', '1', dir, '--cold']).coldMs);
    }
    for (const c of coldEngines) cold.push({ engine: c.engine, workload: 'A', threads: 1, coldMs: median(c.ms), runs: c.ms });
  }

  console.log(`\n| workload | engine | threads | batch-1 latency (ms) | of peak | batch-256 (samples/s) | of peak | max abs diff |\n|---|---|---|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.workload} | ${r.engine} | ${r.threads} | ${r.batch1Ms.toFixed(3)} | ${r.batch1OfPeak.toFixed(2)} | ${r.batch256PerS.toFixed(0)} | ${r.batch256OfPeak.toFixed(2)} | ${r.maxAbsDiff.toExponential(1)} |`);
  for (const c of cold) console.log(`cold start A (${c.engine}, 1 thread, process start to first prediction, model from its file): ${c.coldMs.toFixed(0)} ms (median of ${c.runs.length})`);
  const best = (w, e, k, lower) => { const v = rows.filter((r) => r.workload === w && r.engine === e).map((r) => r[k]); return v.length ? (lower ? Math.min(...v) : Math.max(...v)) : NaN; };
  const ours = engines.filter((x) => x.startsWith('ours'));
  for (const w of workloads) {
    for (const o of ours) {
      for (const e of engines.filter((x) => !x.startsWith('ours'))) {
        console.log(`${w}: ${o} best / ${e} best: batch-1 latency ${(best(w, o, 'batch1Ms', true) / best(w, e, 'batch1Ms', true)).toFixed(2)}x, batch-256 throughput ${(best(w, o, 'batch256PerS') / best(w, e, 'batch256PerS')).toFixed(2)}x`);
      }
    }
  }
  for (const w of workloads) {
    const t = (e, n) => rows.find((r) => r.workload === w && r.engine === e && r.threads === n);
    for (const o of ours) {
      if (t(o, 1) && t(o, 2)) console.log(`${w}: ${o} 2 threads / 1 thread: batch-1 ${(t(o, 1).batch1Ms / t(o, 2).batch1Ms).toFixed(2)}x, batch-256 ${(t(o, 2).batch256PerS / t(o, 1).batch256PerS).toFixed(2)}x`);
    }
  }
  writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu, versions, command: `bench/ort.mjs ${argv.join(' ')}`.trim(), rounds, peakGflops: peak, peak2Gflops: peak2, peaks, peaks2, flopsPerSample: Object.fromEntries(workloads.map((w) => [w, flopsPerSample(w)])), rows, cold }, null, 1));
  console.log(`results written to ${jsonOut}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function median(v) { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; }
