// `npm run bench`: benchmark.js suites: Wasm SIMD peak, gemm on LSTM-sized products, and model workloads A and B
// (training samples/s, batch-1 predict latency), with TF.js (cpu backend) as a peer on A in the same run.
// Each case checks its result before it is timed. Options: --quick (shorter runs), --no-peer (skip TF.js).
import Benchmark from 'benchmark';
import os from 'node:os';
import { init, sequential, layers, type Sequential } from '../src/index.js';
import { Arena } from '../src/arena.js';

const quick = process.argv.includes('--quick');
const peer = !process.argv.includes('--no-peer');
const maxTime = quick ? 1 : 4;

interface Row { suite: string; name: string; hz: number; rme: number; extra: string }
const rows: Row[] = [];

function run(suite: string, cases: { name: string; fn: () => void; defer?: boolean; afn?: () => Promise<void>; extra: (hz: number) => string }[]): Promise<void> {
  return new Promise((resolve) => {
    const s = new Benchmark.Suite(suite);
    for (const c of cases) {
      if (c.afn) {
        const afn = c.afn;
        s.add(c.name, { defer: true, maxTime, minSamples: 3, fn: (d: { resolve(): void }) => { afn().then(() => d.resolve()); } });
      } else {
        s.add(c.name, c.fn, { maxTime, minSamples: 5 });
      }
    }
    s.on('cycle', (e: { target: Benchmark }) => {
      const t = e.target;
      const c = cases.find((x) => x.name === t.name)!;
      const row = { suite, name: t.name ?? '', hz: t.hz, rme: t.stats.rme, extra: c.extra(t.hz) };
      rows.push(row);
      console.log(`${suite} | ${row.name} | ${t.hz.toFixed(2)} ops/s ±${t.stats.rme.toFixed(1)}% | ${row.extra}`);
    });
    s.on('complete', () => resolve());
    s.run({ async: true });
  });
}

function check(cond: boolean, what: string): void { if (!cond) throw new Error(`bench: ${what}`); }

function lcgIds(n: number, lo: number, hi: number, seed = 1): Int32Array {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = lo + ((s >>> 8) % (hi - lo + 1)); }
  return out;
}

await init();
console.log(`bilstm-attn bench: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus()[0]?.model} x${os.cpus().length}`);

// ---- peak and gemm
const a = new Arena();
const PEAK_ITERS = 1_000_000;
const peakBuf = a.alloc(256);
a.f32(peakBuf, 64).fill(0.5);
let peakGflops = 0;
await run('peak', [{ name: 'simd_peak (12 f32x4 acc += a * b)', fn: () => { a.k.simd_peak(PEAK_ITERS, peakBuf); },
  extra: (hz) => { peakGflops = (hz * PEAK_ITERS * 96) / 1e9; return `${peakGflops.toFixed(1)} GFLOP/s`; } }]);

const gemmShapes: [string, number, number, number][] = [
  ['A input projection (B*T 1024 x I 32 -> 4H 128)', 1024, 128, 32],
  ['A recurrent step (B 64 x H 32 -> 4H 128)', 64, 128, 32],
  ['B input projection (B*T 6400 x I 64 -> 4H 256)', 6400, 256, 64],
  ['B recurrent step (B 32 x H 64 -> 4H 256)', 32, 256, 64],
];
const gemmCases = gemmShapes.map(([name, M, N, K]) => {
  const A = a.alloc(M * K * 4), B = a.alloc(K * N * 4), C = a.alloc(M * N * 4);
  const av = a.f32(A, M * K), bv = a.f32(B, K * N);
  for (let i = 0; i < av.length; i++) av[i] = ((i * 37) % 17) / 17 - 0.5;
  for (let i = 0; i < bv.length; i++) bv[i] = ((i * 11) % 13) / 13 - 0.5;
  a.k.gemm_nn(C, A, B, M, N, K, K, N, N, 0);
  const cv = a.f32(C, M * N);
  for (const [i, j] of [[0, 0], [M - 1, N - 1], [M >> 1, N >> 2]]) {
    let s = 0;
    for (let k = 0; k < K; k++) s += av[i * K + k] * bv[k * N + j];
    check(Math.abs(cv[i * N + j] - s) < 1e-3, `gemm ${name} wrong at ${i},${j}`);
  }
  return { name, fn: () => a.k.gemm_nn(C, A, B, M, N, K, K, N, N, 0),
    extra: (hz: number) => { const g = (hz * 2 * M * N * K) / 1e9; return `${g.toFixed(1)} GFLOP/s = ${(g / peakGflops).toFixed(2)} of peak`; } };
});
await run('gemm', gemmCases);

// ---- model workloads
function workload(vocab: number, emb: number, units: number, T: number, batch: number): { model: Sequential; x: { data: Int32Array; shape: number[] }; y: Float32Array; one: { data: Int32Array; shape: number[] } } {
  const model = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: vocab, outputDim: emb, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const ids = lcgIds(batch * T, 1, vocab - 1);
  const y = new Float32Array(batch).map((_, i) => (ids[i * T] % 2));
  const x = { data: ids, shape: [batch, T] };
  const l0 = model.trainOnBatch(x, y)[0];
  check(Number.isFinite(l0) && l0 > 0.3 && l0 < 1.2, `initial loss ${l0}`);
  const one = { data: ids.slice(0, T), shape: [1, T] };
  const p = model.predict(one).data[0];
  check(p > 0 && p < 1, `prediction ${p}`);
  return { model, x, y, one };
}

const A = workload(30, 32, 32, 16, 64);
const Bw = workload(20000, 64, 64, 200, 32);
const modelCases = [
  { name: 'A train step (batch 64)', fn: () => { A.model.trainOnBatch(A.x, A.y); }, extra: (hz: number) => `${(hz * 64).toFixed(0)} samples/s` },
  { name: 'A predict (batch 1)', fn: () => { A.model.predict(A.one); }, extra: (hz: number) => `${(1000 / hz).toFixed(3)} ms` },
  { name: 'B train step (batch 32)', fn: () => { Bw.model.trainOnBatch(Bw.x, Bw.y); }, extra: (hz: number) => `${(hz * 32).toFixed(0)} samples/s` },
  { name: 'B predict (batch 1)', fn: () => { Bw.model.predict(Bw.one); }, extra: (hz: number) => `${(1000 / hz).toFixed(3)} ms` },
];
await run('bilstm-attn', modelCases);

if (peer) {
  const { makeTfjsWorkloadA } = await import('./tfjs-peer.js');
  const tfA = await makeTfjsWorkloadA();
  await tfA.trainStep();
  tfA.predictOne();
  await run('tfjs-cpu', [
    { name: 'A train step (batch 64)', fn: () => {}, afn: () => tfA.trainStep(), extra: (hz: number) => `${(hz * 64).toFixed(0)} samples/s` },
    { name: 'A predict (batch 1)', fn: () => tfA.predictOne(), extra: (hz: number) => `${(1000 / hz).toFixed(3)} ms` },
  ]);
  tfA.dispose();
  const ours = rows.filter((r) => r.suite === 'bilstm-attn');
  const theirs = rows.filter((r) => r.suite === 'tfjs-cpu');
  for (const t of theirs) {
    const o = ours.find((r) => r.name === t.name)!;
    console.log(`ratio | ${t.name} | bilstm-attn is ${(o.hz / t.hz).toFixed(1)}x TF.js cpu`);
  }
}

console.log('\n| suite | case | ops/s | ± | figure |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.suite} | ${r.name} | ${r.hz.toFixed(2)} | ${r.rme.toFixed(1)}% | ${r.extra} |`);
