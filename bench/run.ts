// `npm run bench`: benchmark.js suites. Kernel families (matmul, lstm, gru, attention, pooling, embedding, optimizer,
// checksum) over fixed shapes with GFLOP/s and the fraction of the in-run Wasm SIMD peak; model workloads A, B, B-gru
// (B with a Bi-GRU), C (training samples/s at 1 and 2 threads, also B on word-like ids, batch-1 predict latency,
// batch-256 predict throughput of B and B-gru); peers in the same run: TF.js cpu and wasm (A), PyTorch CPU at 1 and 2
// threads (A, B, B-gru, C: bench/pytorch_peer.py, where Debian's torch is installed), onnxruntime-web and
// onnxruntime-node serving A and B (bench/ort.mjs: predict batch 1 and 256, cold start); peak RSS of
// training B, each in its own process; the model file (bench/files.ts): B's model saved and loaded, and loadModel on
// thousands of seeded bad files; with --full, C-full's 3.3 GB file saved and loaded in processes of their own
// (bench/model-file.mjs: seconds, peak RSS against the model's Wasm memory). Every case checks its output before it
// is timed. Writes bench/results.json and prints a table.
// Options: --quick, --no-peers, --peers tfjs,pytorch,ort (which peers), --full (adds C-full, the 278 M-parameter
// reference model), --workloads A,B,B-gru,C (or none), --threads 1,2, --json FILE, --kernels matmul,lstm,gru,... (the
// kernel families to time; the others are still set up and checked), --no-files, --files (the file suites only; their
// rows replace the same suites' rows in the JSON).
import Benchmark from 'benchmark';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, sequential, layers, type Sequential } from '../src/index.js';
import { Arena } from '../src/core/arena.js';
import { SHAPES, FULL, workloadModel, referenceModel, lcgIds, zipfIds } from './workloads.mjs';

const argv = process.argv.slice(2);
const opt = (name: string, d: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : d; };
const quick = argv.includes('--quick');
const peers = !argv.includes('--no-peers');
const peerList = opt('--peers', 'tfjs,pytorch,ort').split(',');
const full = argv.includes('--full');
const filesOnly = argv.includes('--files');
const workloads = opt('--workloads', 'A,B,B-gru,C').split(',').filter((w) => w && w !== 'none');
const KERNEL_SUITES = ['matmul', 'lstm', 'gru', 'attention', 'pooling', 'embedding', 'optimizer', 'random', 'checksum'];
const kernelSuites = opt('--kernels', KERNEL_SUITES.join(',')).split(',');
const noFiles = argv.includes('--no-files');
const threadList = opt('--threads', '1,2').split(',').map(Number);
const jsonOut = opt('--json', fileURLToPath(new URL('./results.json', import.meta.url)));
const maxTime = quick ? 1 : 3;

interface Row { suite: string; name: string; threads: number; hz: number; rme: number; value: number; unit: string; note?: string }
const rows: Row[] = [];

interface Case { name: string; fn?: () => void; afn?: () => Promise<void>; value: (hz: number) => number; unit: string; threads?: number; note?: (v: number, sample: number[]) => string }

function run(suite: string, cases: Case[]): Promise<void> {
  // --kernels: the kernel families not asked for are set up and checked, not timed
  if (KERNEL_SUITES.includes(suite) && !kernelSuites.includes(suite)) return Promise.resolve();
  return new Promise((resolve) => {
    const s = new Benchmark.Suite(suite);
    for (const c of cases) {
      if (c.afn) {
        const afn = c.afn;
        s.add(c.name, { defer: true, maxTime, minSamples: 3, fn: (d: { resolve(): void }) => { afn().then(() => d.resolve()); } });
      } else {
        s.add(c.name, c.fn!, { maxTime, minSamples: 5 });
      }
    }
    s.on('cycle', (e: { target: Benchmark }) => {
      const t = e.target;
      const c = cases.find((x) => x.name === t.name)!;
      const value = c.value(t.hz);
      const row: Row = { suite, name: c.name, threads: c.threads ?? 1, hz: t.hz, rme: t.stats.rme, value, unit: c.unit, note: c.note?.(value, t.stats.sample) };
      rows.push(row);
      console.log(`${suite} | ${row.name} | ${fmt(value)} ${row.unit} ±${t.stats.rme.toFixed(1)}%${row.note ? ` | ${row.note}` : ''}`);
    });
    s.on('complete', () => resolve());
    s.run({ async: true });
  });
}

function fmt(v: number): string { return v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3); }
function check(cond: boolean, what: string): void { if (!cond) throw new Error(`bench: ${what}`); }

type W = keyof typeof SHAPES;

await init();
const cpu = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`;
console.log(`bilstm-attn bench: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu}${quick ? ', --quick' : ''}`);

let peak = 0; // GFLOP/s of simd_peak, measured first in a full run

if (filesOnly) {
  await fileSuites();
  finish();
  process.exit(0);
}

// ---------------------------------------------------------------- peak and kernel families
const a = new Arena();
const PEAK_ITERS = 1_000_000;
const peakBuf = a.alloc(256);
a.f32(peakBuf, 64).fill(0.5);
await run('peak', [{ name: 'simd_peak: 12 f32x4 accumulators, acc += a * b', fn: () => { a.k.simd_peak(PEAK_ITERS, peakBuf); },
  value: (hz) => (peak = (hz * PEAK_ITERS * 96) / 1e9), unit: 'GFLOP/s' }]);
const ofPeak = (g: number) => `${(g / peak).toFixed(2)} of peak`;

function randBuf(n: number, seed: number): number {
  const p = a.alloc(n * 4);
  const v = a.f32(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; v[i] = (s >>> 8) / 16777216 - 0.5; }
  return p;
}

const matmul: Case[] = [];
// Each product the way the LSTM runs it (the input projection one timestep at a time there; all timesteps at once
// here): forward products with the weight packed once (pack_b, then gemm_nn_packed
// every timestep), the backward's input gradient plain, weight gradients with a pack scratch.
for (const [name, M, N, K, kind] of [
  ['nn A input projection 1024x32 . 32x128 (W packed)', 1024, 128, 32, 'packed'], ['nn A recurrent step 64x32 . 32x128 (U packed)', 64, 128, 32, 'packed'],
  ['nn B input projection 6400x64 . 64x256 (W packed)', 6400, 256, 64, 'packed'], ['nn B recurrent step 32x64 . 64x256 (U packed)', 32, 256, 64, 'packed'],
  ['nn B input grad 6400x256 . 256x64', 6400, 64, 256, 'nn'], ['tn B weight grad 64x6400 . 6400x256', 64, 256, 6400, 'tn'],
] as [string, number, number, number, string][]) {
  const tn = kind === 'tn';
  const A = randBuf(M * K, 1), Bm = randBuf(K * N, 2), C = a.alloc(M * N * 4), pack = a.alloc(Math.max(256, K) * N * 4);
  if (kind === 'packed') a.k.pack_b(pack, Bm, K, N, N);
  const fn = tn ? () => a.k.gemm_tn(C, A, Bm, M, N, K, M, N, N, pack)
    : kind === 'packed' ? () => a.k.gemm_nn_packed(C, A, Bm, pack, M, N, K, K, N, N, 0)
      : () => a.k.gemm_nn(C, A, Bm, M, N, K, K, N, N, 0);
  if (tn) a.zero(C, M * N);
  fn();
  const av = a.f32(A, M * K), bv = a.f32(Bm, K * N), cv = a.f32(C, M * N);
  for (const [i, j] of [[0, 0], [M - 1, N - 1], [M >> 1, N >> 2]]) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (tn ? av[k * M + i] : av[i * K + k]) * bv[k * N + j];
    check(Math.abs(cv[i * N + j] - s) < 1e-2 * Math.max(1, Math.abs(s)), `matmul ${name} wrong at ${i},${j}: ${cv[i * N + j]} vs ${s}`);
  }
  matmul.push({ name, fn, value: (hz) => (hz * 2 * M * N * K) / 1e9, unit: 'GFLOP/s', note: ofPeak });
}
await run('matmul', matmul);

const lstmCases: Case[] = [];
for (const w of ['A', 'B'] as W[]) {
  const { E: I, H, T, B } = SHAPES[w];
  const G = 4 * H;
  const x = randBuf(B * T * I, 3), W_ = randBuf(I * G, 4), U = randBuf(H * G, 5), b = randBuf(G, 6);
  const hseq = a.alloc(B * T * H * 4), cseq = a.alloc(B * T * H * 4), gates = a.alloc(B * T * G * 4), phic = a.alloc(B * T * H * 4);
  const dx = a.alloc(B * T * I * 4), dW = a.alloc(I * G * 4), dU = a.alloc(H * G * 4), db = a.alloc(G * 4), dh = randBuf(B * T * H, 7);
  const dhrec = a.alloc(B * H * 4), dcrec = a.alloc(B * H * 4), hprev = a.alloc(B * T * H * 4), UT = a.alloc(G * H * 4), WT = a.alloc(G * I * 4), pack = a.alloc(Math.max(256, I + H) * G * 4);
  const fwd = () => a.k.lstm_forward(hseq, cseq, gates, phic, x, W_, U, b, B, T, I, H, 0, 2, 1, 0, 0, pack, 0, 0, 0, 0, 0, 0);
  const both = () => { fwd(); a.k.lstm_backward(dx, dW, dU, db, dh, gates, dhrec, dcrec, hprev, UT, WT, x, hseq, cseq, gates, phic, W_, U, B, T, I, H, 0, 2, 1, 0, pack, 0, 0, 0); };
  both();
  check(a.f32(dW, I * G).every(Number.isFinite) && Math.abs(a.f32(hseq, B * T * H)[B * T * H - 1]) < 1, `lstm ${w} output`);
  const fl = 2 * B * T * (I + H) * G;
  lstmCases.push({ name: `${w} forward (one direction)`, fn: fwd, value: (hz) => (hz * fl) / 1e9, unit: 'GFLOP/s', note: ofPeak });
  lstmCases.push({ name: `${w} forward + backward (one direction)`, fn: both, value: (hz) => (hz * 3 * fl) / 1e9, unit: 'GFLOP/s', note: ofPeak });
}
await run('lstm', lstmCases);

// GRU (assembly/gru.ts) on the LSTM's shapes, reset after (Keras 3's and PyTorch's default) and reset before (Keras
// 2.3's): flops counted as the LSTM's, with 3 gate blocks instead of 4 (2 B T (I + H) 3H forward, three times that
// forward + backward; reset before's (r * h).U_h is as many). Checked before timing against a float64 GRU of the last
// sample: every h over T, and dx at the first, middle and last positions by central differences of L = sum(h * dh).
function gruRef(xv: ArrayLike<number>, Wv: ArrayLike<number>, Uv: ArrayLike<number>, bv: ArrayLike<number>, b: number, T: number, I: number, H: number, after: boolean, dhv?: ArrayLike<number>): { h: Float64Array; L: number } {
  const G = 3 * H, sig = (v: number) => 1 / (1 + Math.exp(-v));
  const hs = new Float64Array(T * H), xs = new Float64Array(G), rs = new Float64Array(G), q = new Float64Array(H);
  let L = 0;
  for (let t = 0; t < T; t++) {
    const xo = (b * T + t) * I, hp = t > 0 ? (t - 1) * H : -1;
    for (let g = 0; g < G; g++) {
      let v = bv[g], u = after ? bv[G + g] : 0;
      for (let i = 0; i < I; i++) v += xv[xo + i] * Wv[i * G + g];
      if (hp >= 0 && (after || g < 2 * H)) for (let k = 0; k < H; k++) u += hs[hp + k] * Uv[k * G + g];
      xs[g] = v; rs[g] = u;
    }
    for (let k = 0; k < H; k++) q[k] = hp >= 0 ? sig(xs[H + k] + rs[H + k]) * hs[hp + k] : 0;
    for (let j = 0; j < H; j++) {
      const z = sig(xs[j] + rs[j]), r = sig(xs[H + j] + rs[H + j]);
      let inner = after ? r * rs[2 * H + j] : 0;
      if (!after) for (let k = 0; k < H; k++) inner += q[k] * Uv[k * G + 2 * H + j];
      const h = z * (hp >= 0 ? hs[hp + j] : 0) + (1 - z) * Math.tanh(xs[2 * H + j] + inner);
      hs[t * H + j] = h;
      if (dhv) L += h * dhv[(b * T + t) * H + j];
    }
  }
  return { h: hs, L };
}
const gruCases: Case[] = [];
for (const w of ['A', 'B'] as W[]) {
  const { E: I, H, T, B } = SHAPES[w];
  const G = 3 * H;
  const x = randBuf(B * T * I, 3), W_ = randBuf(I * G, 4), U = randBuf(H * G, 5), b = randBuf(2 * G, 6);
  const hseq = a.alloc(B * T * H * 4), gates = a.alloc(B * T * G * 4), rcache = a.alloc(B * T * H * 4), rec = a.alloc(B * G * 4);
  const dx = a.alloc(B * T * I * 4), dW = a.alloc(I * G * 4), dU = a.alloc(H * G * 4), db = a.alloc(2 * G * 4), dh = randBuf(B * T * H, 7);
  const dR = a.alloc(B * T * G * 4), dhrec = a.alloc(B * H * 4), hprev = a.alloc(B * T * H * 4), UT = a.alloc(G * H * 4), WT = a.alloc(G * I * 4);
  const pack = a.alloc(Math.max(I + H, Math.min(B * T, 256)) * G * 4);
  for (const after of [1, 0]) {
    // reverse 0, act tanh (2), recAct sigmoid (1), no mask, training (infer 0), W and U in panels, x.W computed (no
    // vocabulary table: ztab, zidx 0); dx written (dxWrite 1)
    const fwd = () => a.k.gru_forward(hseq, gates, rcache, rec, x, W_, U, b, B, T, I, H, 0, 2, 1, 0, after, 0, pack, 0, 0, 0, 0);
    const both = () => { fwd(); a.k.gru_backward(dx, dW, dU, db, dh, dR, dhrec, hprev, UT, WT, x, hseq, gates, rcache, W_, U, B, T, I, H, 0, 2, 1, 0, after, pack, 1, 0, 0); };
    both();
    const xv = a.f32(x, B * T * I), Wv = a.f32(W_, I * G), Uv = a.f32(U, H * G), bv = a.f32(b, 2 * G), dhv = a.f32(dh, B * T * H);
    const s = B - 1, ref = gruRef(xv, Wv, Uv, bv, s, T, I, H, after === 1).h, hv = a.f32(hseq + s * T * H * 4, T * H);
    let worst = 0;
    for (let k = 0; k < T * H; k++) worst = Math.max(worst, Math.abs(hv[k] - ref[k]));
    check(worst < 1e-5, `gru ${w} reset ${after ? 'after' : 'before'}: h of sample ${s} off by ${worst} from float64`);
    const dxv = a.f32(dx, B * T * I);
    for (const [t, i] of [[0, 0], [T >> 1, I >> 1], [T - 1, I - 1]]) {
      const xx = Float64Array.from(xv), o = (s * T + t) * I + i, eps = 1e-3;
      xx[o] = xv[o] + eps; const up = gruRef(xx, Wv, Uv, bv, s, T, I, H, after === 1, dhv).L;
      xx[o] = xv[o] - eps; const dn = gruRef(xx, Wv, Uv, bv, s, T, I, H, after === 1, dhv).L;
      const e = (up - dn) / (2 * eps);
      check(Math.abs(dxv[o] - e) <= 1e-5 + 1e-4 * Math.abs(e), `gru ${w} reset ${after ? 'after' : 'before'}: dx[${s}, ${t}, ${i}] ${dxv[o]} vs central difference ${e}`);
    }
    check(a.f32(dW, I * G).every(Number.isFinite), `gru ${w} dW`);
    const fl = 2 * B * T * (I + H) * G, name = `${w} reset ${after ? 'after' : 'before'}`;
    gruCases.push({ name: `${name}, forward (one direction)`, fn: fwd, value: (hz) => (hz * fl) / 1e9, unit: 'GFLOP/s', note: ofPeak });
    gruCases.push({ name: `${name}, forward + backward (one direction)`, fn: both, value: (hz) => (hz * 3 * fl) / 1e9, unit: 'GFLOP/s', note: ofPeak });
  }
}
await run('gru', gruCases);

{
  const { H, T, B, V, E } = SHAPES.B;
  const F = 2 * H;
  const x = randBuf(B * T * F, 8), Wa = randBuf(F, 9), ba = randBuf(T, 10), y = a.alloc(B * F * 4), at = a.alloc(B * T * 4), e = a.alloc(B * T * 4);
  const dx = a.alloc(B * T * F * 4), dWa = a.alloc(F * 4), dba = a.alloc(T * 4), dy = randBuf(B * F, 11), du = a.alloc(B * T * 4);
  const att = () => { a.k.attention_forward(y, at, e, x, Wa, ba, B, T, F, 0, 0); a.k.attention_backward(dx, dWa, dba, dy, du, x, at, e, Wa, B, T, F, 0, 0); };
  att();
  check(Math.abs(a.f32(at, T).reduce((s, v) => s + v, 0) - 1) < 1e-5, 'attention weights sum to 1');
  const E_ = randBuf(V * E, 12), ids = a.alloc(B * T * 4), emb = a.alloc(B * T * E * 4);
  a.i32(ids, B * T).set(lcgIds(B * T, 1, V - 1));
  const slot = a.alloc(V * 4), rowsP = a.alloc(B * T * 4), dRows = a.alloc(B * T * E * 4), demb = randBuf(B * T * E, 13);
  a.i32(slot, V).fill(-1);
  const embed = () => {
    a.k.embedding_forward(emb, ids, E_, B * T, E);
    const n = a.k.embedding_rows(slot, rowsP, ids, B * T);
    a.k.embedding_backward(dRows, demb, ids, slot, B * T, E);
    a.k.embedding_rows_reset(slot, rowsP, n);
  };
  embed();
  check(a.f32(emb, E)[0] === a.f32(E_ + a.i32(ids, 1)[0] * E * 4, 1)[0], 'embedding lookup');
  const n = V * E;
  const p = randBuf(n, 14), m = a.alloc(n * 4), v = a.alloc(n * 4), g = randBuf(n, 15);
  let t = 0;
  const adam = () => { a.k.adam_step(p, m, v, 0, g, 0, 1, n, 1e-3, 0.9, 0.999, 1e-7, ++t, 0); };
  adam();
  check(a.f32(m, n).every(Number.isFinite), 'adam state');
  await run('attention', [{ name: 'B forward + backward (pooled, F 128)', fn: att, value: (hz) => (hz * B * T * F * 10) / 1e9, unit: 'GFLOP/s', note: ofPeak }]);
  // Global pooling over time and spatial dropout on the Bi-LSTM output of B (memory-bound: GB/s of x read and dx written)
  const pmask = a.alloc(B * T * 4), parg = a.alloc(B * F * 4), pmk = a.alloc(B * F * 4), py = a.alloc(B * T * F * 4);
  a.f32(pmask, B * T).set(Array.from({ length: B * T }, (_, i) => (i % T < T - 1 - (i / T | 0) * 5 ? 1 : 0)));
  const avg = () => { a.k.pool_avg_forward(y, x, B, T, F, pmask); a.k.zero_fill(dx, B * T * F); a.k.pool_avg_backward(dx, dy, B, T, F, pmask); };
  const max = () => { a.k.pool_max_forward(y, parg, x, B, T, F); a.k.zero_fill(dx, B * T * F); a.k.pool_max_backward(dx, dy, parg, B, T, F); };
  const sdrop = () => { a.k.dropout_spatial_forward(py, pmk, x, B, T, F, 0.3, 1, 2, 0, 0); a.k.zero_fill(dx, B * T * F); a.k.dropout_spatial_backward(dx, dy, pmk, B, T, F); };
  avg();
  { let s = 0, c = 0; for (let t = 0; t < T; t++) if (a.f32(pmask, T)[t]) { s += a.f32(x, T * F)[t * F]; c++; } check(Math.abs(a.f32(y, 1)[0] - s / c) < 1e-4, 'average pooling of sample 0'); }
  max();
  { let m = -Infinity; for (let t = 0; t < T; t++) m = Math.max(m, a.f32(x, T * F)[t * F]); check(a.f32(y, 1)[0] === m, 'max pooling of sample 0'); }
  sdrop();
  check(a.f32(py, F).every((v, j) => v === Math.fround(a.f32(x, F)[j] * a.f32(pmk, F)[j])), 'spatial dropout of step 0');
  const gb = (hz: number) => (hz * B * T * F * 4 * 3) / 1e9;
  await run('pooling', [
    { name: 'B global average, masked, forward + backward ([32, 200, 128])', fn: avg, value: gb, unit: 'GB/s' },
    { name: 'B global max, forward + backward ([32, 200, 128])', fn: max, value: gb, unit: 'GB/s' },
    { name: 'B spatial dropout, forward + backward ([32, 200, 128])', fn: sdrop, value: gb, unit: 'GB/s' },
  ]);
  await run('embedding', [{ name: 'B lookup + row-sparse gradient (6400 ids, D 64)', fn: embed, value: (hz) => (hz * B * T * E * 8) / 1e9, unit: 'GB/s' }]);
  await run('optimizer', [{ name: 'adam over 1.28 M parameters (B embedding)', fn: adam, value: (hz) => (hz * n) / 1e6, unit: 'M params/s' }]);
  // dropout's masks: Philox uniforms, 1 M a call (checked: the mean of 2^20 uniforms is 0.5 within 0.002)
  const nr = 1 << 20, pr = a.alloc(nr * 4);
  const uniforms = () => a.k.rng_uniform(pr, nr, 1, 2, 0, 0, 0, 1);
  uniforms();
  check(Math.abs(a.f32(pr, nr).reduce((q, v) => q + v, 0) / nr - 0.5) < 0.002, 'mean of the uniforms');
  await run('random', [{ name: 'Philox uniforms, 1 M a call (dropout masks)', fn: uniforms, value: (hz) => (hz * nr) / 1e6, unit: 'M values/s' }]);
}

{
  // The model file's checksum: xxh64 over 256 MiB in one update, checked against the official "abc" vector and against
  // the same bytes fed in 1 MiB chunks.
  const n = 256 * 2 ** 20;
  const buf = a.alloc(n), st = a.alloc(a.k.xxh64_state_size()), out = a.alloc(8);
  const words = new Uint32Array(a.memory.buffer, buf, n / 4);
  let s = 1;
  for (let i = 0; i < words.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; words[i] = s; }
  const xxh64 = (p: number, len: number, chunk = len): bigint => {
    a.k.xxh64_reset(st, 0, 0);
    for (let o = 0; o < len; o += chunk) a.k.xxh64_update(st, p + o, Math.min(chunk, len - o));
    a.k.xxh64_digest(out, st);
    return new DataView(a.memory.buffer).getBigUint64(out, true);
  };
  const abc = a.alloc(3);
  new Uint8Array(a.memory.buffer, abc, 3).set([97, 98, 99]);
  check(xxh64(abc, 3) === 0x44bc2cf5ad770999n, 'xxh64("abc")');
  check(xxh64(buf, n) === xxh64(buf, n, 2 ** 20), 'xxh64 one update vs 1 MiB chunks');
  await run('checksum', [{ name: 'xxh64 over 256 MiB (one update)', fn: () => { xxh64(buf, n); }, value: (hz) => (hz * n) / 1e9, unit: 'GB/s' }]);
}

// ---------------------------------------------------------------- model workloads
function workload(w: W, threadsNote: number, words = false): { model: Sequential; x: { data: Int32Array; shape: number[] }; y: Float32Array; one: { data: Int32Array; shape: number[] }; many: { data: Int32Array; shape: number[] } } {
  const { V, T, B } = SHAPES[w];
  const model = workloadModel({ sequential, layers }, w) as Sequential;
  const ids = words ? zipfIds(B * T, V) : lcgIds(B * T, 1, V - 1);
  const y = new Float32Array(B).map((_, i) => ids[i * T] % 2);
  const x = { data: ids, shape: [B, T] };
  const l0 = model.trainOnBatch(x, y)[0];
  check(Number.isFinite(l0) && l0 > 0.3 && l0 < 1.2, `${w} initial loss ${l0} (threads ${threadsNote})`);
  const one = { data: ids.slice(0, T), shape: [1, T] };
  const p = model.predict(one).data[0];
  check(p > 0 && p < 1, `${w} prediction ${p}`);
  const many = { data: lcgIds(256 * T, 1, V - 1, 2), shape: [256, T] };
  return { model, x, y, one, many };
}

// Training: one model per thread count in this process, timed in rounds of alternating order (this VM's speed drifts
// by 10-40% between minutes, so suites run one after the other would put the drift into the 2-vs-1-thread ratio);
// samples/s from the median of the pooled step times, ± the half interquartile range of the steps.
const TRAIN_ROUNDS = quick ? 2 : 6, TRAIN_SECONDS = quick ? 0.5 : 2;
const median = (v: number[], q = 0.5) => { const s = [...v].sort((p, r) => p - r); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
// B also on word-like ids (B-words: Zipf's law, 37% of the positions distinct, where training takes its products per
// distinct id; B's uniform ids are 85% distinct): the same model and work for PyTorch, which has no such path.
for (const [w, words] of (workloads as W[]).flatMap((w): [W, boolean][] => (w === 'B' ? [[w, false], [w, true]] : [[w, false]]))) {
  const B = SHAPES[w].B, label = words ? `${w}-words` : w;
  const ms: { threads: number; wl: ReturnType<typeof workload>; steps: number[] }[] = [];
  for (const threads of threadList) {
    await init({ threads });
    const wl = workload(w, threads, words);
    await wl.model.ready(); // worker threads started
    ms.push({ threads, wl, steps: [] });
  }
  for (let r = 0; r < TRAIN_ROUNDS; r++) {
    for (const m of r % 2 ? [...ms].reverse() : ms) {
      m.wl.model.trainOnBatch(m.wl.x, m.wl.y); // not timed: the other model ran last
      const end = performance.now() + TRAIN_SECONDS * 1000;
      do {
        const t0 = performance.now();
        m.wl.model.trainOnBatch(m.wl.x, m.wl.y);
        m.steps.push(performance.now() - t0);
      } while (performance.now() < end);
    }
  }
  const one = ms.find((m) => m.threads === 1);
  for (const m of ms) {
    const med = median(m.steps), rme = (100 * (median(m.steps, 0.75) - median(m.steps, 0.25))) / 2 / med;
    const ratio = one && m !== one ? `; ${(median(one.steps) / med).toFixed(2)}x 1 thread` : '';
    const row: Row = { suite: `bilstm-attn ${m.threads}t`, name: `${label} train (batch ${B})`, threads: m.threads, hz: 1000 / med, rme, value: (B * 1000) / med, unit: 'samples/s',
      note: `median of ${m.steps.length} steps in ${TRAIN_ROUNDS} rounds of alternating thread counts${ratio}${words ? `; ids ${(new Set(m.wl.x.data).size / m.wl.x.data.length * 100).toFixed(0)}% distinct` : ''}` };
    rows.push(row);
    console.log(`${row.suite} | ${row.name} | ${fmt(row.value)} ${row.unit} ±${rme.toFixed(1)}% | ${row.note}`);
    m.wl.model.dispose();
  }
}

// Predictions (bench/ort.mjs times them against ONNX Runtime, each engine in its own process: the README's figures)
for (const threads of threadList) {
  await init({ threads });
  const cases: Case[] = [];
  for (const w of (workloads as W[]).filter((x) => x !== 'C')) {
    const wl = workload(w, threads);
    await wl.model.ready(); // worker threads started
    cases.push({ name: `${w} predict batch 1`, threads, fn: () => { wl.model.predict(wl.one); }, value: (hz) => 1000 / hz, unit: 'ms' });
    if (w === 'B' || w === 'B-gru') cases.push({ name: `${w} predict batch 256`, threads, fn: () => { wl.model.predict(wl.many, { batchSize: 256 }); }, value: (hz) => hz * 256, unit: 'samples/s' });
  }
  if (cases.length > 0) await run(`bilstm-attn ${threads}t`, cases);
}
await init({ threads: 1 });

if (!noFiles) await fileSuites();

if (full) {
  // C-full: the reference model (no attention), batch 8, its own figures: samples/s and the Wasm memory it needs,
  // with the most threads asked for.
  const ct = Math.max(...threadList);
  await init({ threads: ct });
  const m = referenceModel({ sequential, layers }) as Sequential;
  const ids = lcgIds(FULL.B * FULL.T, 1, FULL.V - 1);
  const x = { data: ids, shape: [FULL.B, FULL.T] }, y = new Float32Array(FULL.B).map((_, i) => i % 2);
  const t0 = performance.now();
  const l0 = m.trainOnBatch(x, y)[0];
  console.log(`C-full: first step (allocation, init, Adam state) ${((performance.now() - t0) / 1000).toFixed(1)} s, loss ${l0.toFixed(4)}`);
  await m.ready();
  await run(`bilstm-attn ${ct}t`, [{ name: 'C-full train (batch 8)', threads: ct, fn: () => { m.trainOnBatch(x, y); }, value: (hz) => hz * 8, unit: 'samples/s' }]);
  await init({ threads: 1 });
  console.log(`C-full: Wasm memory ${(m.memoryBytes / 2 ** 30).toFixed(2)} GiB, process RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`);
  rows.push({ suite: `bilstm-attn ${ct}t`, name: 'C-full Wasm memory', threads: ct, hz: 0, rme: 0, value: m.memoryBytes / 2 ** 20, unit: 'MiB' });
}

// ---------------------------------------------------------------- peers
if (peers && peerList.includes('tfjs')) {
  const { makeTfjsWorkloadA } = await import('./tfjs-peer.js');
  const tfA = await makeTfjsWorkloadA();
  await tfA.trainStep();
  tfA.predictOne();
  await run('tfjs-cpu', [
    { name: 'A train (batch 64)', afn: () => tfA.trainStep(), value: (hz) => hz * 64, unit: 'samples/s' },
    { name: 'A predict batch 1', fn: () => tfA.predictOne(), value: (hz) => 1000 / hz, unit: 'ms' },
  ]);
  tfA.dispose();
  try {
    const { makeTfjsWasmWorkloadA } = await import('./tfjs-wasm-peer.js');
    const twA = await makeTfjsWasmWorkloadA();
    await twA.trainStep();
    twA.predictOne();
    await run('tfjs-wasm', [
      { name: 'A train (batch 64)', afn: () => twA.trainStep(), value: (hz) => hz * 64, unit: 'samples/s', note: () => 'with a hand-registered UnsortedSegmentSum' },
      { name: 'A predict batch 1', fn: () => twA.predictOne(), value: (hz) => 1000 / hz, unit: 'ms' },
    ]);
    twA.dispose();
  } catch (e) {
    console.log(`tfjs-wasm: skipped (${(e as Error).message})`);
  }
}
if (peers && peerList.includes('pytorch') && workloads.length) {
  const py = fileURLToPath(new URL('./pytorch_peer.py', import.meta.url));
  if (existsSync('/usr/bin/python3')) {
    const out = `${os.tmpdir()}/bilstm-attn-pytorch.json`;
    try {
      const args = [py, '--workloads', workloads.join(','), '--threads', '1,2', '--json', out, ...(quick ? ['--quick'] : [])];
      const env = { ...process.env };
      delete env.OPENBLAS_CORETYPE; delete env.OPENBLAS_L2_SIZE;
      execFileSync('/usr/bin/python3', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
      const res = JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')) as { threads: number; workload: string; case: string; value: number; unit: string; rme: number }[];
      for (const r of res) rows.push({ suite: `pytorch ${r.threads}t`, name: `${r.workload} ${r.case}`, threads: r.threads, hz: 0, rme: r.rme, value: r.value, unit: r.unit });
      if (workloads.includes('B')) {
        // peak RSS of training B, in a process of its own
        execFileSync('/usr/bin/python3', [py, '--workloads', 'B', '--threads', '1', '--quick', '--rss', '--json', out], { stdio: ['ignore', 'ignore', 'inherit'], env });
        const rss = (JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')) as { case: string; value: number }[]).find((r) => r.case === 'train peak RSS');
        if (rss) rows.push({ suite: 'pytorch 1t', name: 'B train peak RSS (own process)', threads: 1, hz: 0, rme: 0, value: rss.value, unit: 'MB' });
      }
    } catch (e) {
      console.log(`pytorch: skipped (${(e as Error).message.split('\n')[0]})`);
    }
  }
}
if (peers && peerList.includes('ort')) {
  // ONNX Runtime (bench/ort.mjs): ours, onnxruntime-web (wasm SIMD) and onnxruntime-node serving A and B from the ONNX
  // file our exportOnnx writes, each engine and thread count in processes of their own, alternating rounds; cold start.
  const ortW = workloads.filter((w) => w === 'A' || w === 'B');
  if (ortW.length) {
    // a full run keeps its ONNX Runtime figures beside results.json (bench/ort-results.json: peaks, rows, cold starts)
    const out = quick ? `${os.tmpdir()}/bilstm-attn-ort.json` : fileURLToPath(new URL('./ort-results.json', import.meta.url));
    try {
      const args = [fileURLToPath(new URL('./ort.mjs', import.meta.url)), '--workloads', ortW.join(','), '--threads', threadList.join(','), '--json', out, ...(quick ? ['--seconds', '0.5', '--cold', '3'] : [])];
      execFileSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      const res = JSON.parse(readFileSync(out, 'utf8')) as { rows: { workload: string; engine: string; threads: number; batch1Ms: number; batch256PerS: number; maxAbsDiff: number }[]; cold: { engine: string; coldMs: number }[] };
      const suite = (e: string, t: number) => `${e === 'ours' ? 'bilstm-attn (ort run)' : e === 'ours-cached' ? 'bilstm-attn cached projections (ort run)' : e} ${t}t`;
      for (const r of res.rows) {
        const note = r.engine === 'ours' ? 'model file' : r.engine === 'ours-cached' ? 'model file, cacheInputProjections()' : `ONNX file of exportOnnx, max abs diff ${r.maxAbsDiff.toExponential(1)}`;
        rows.push({ suite: suite(r.engine, r.threads), name: `${r.workload} predict batch 1`, threads: r.threads, hz: 0, rme: 0, value: r.batch1Ms, unit: 'ms', note });
        rows.push({ suite: suite(r.engine, r.threads), name: `${r.workload} predict batch 256`, threads: r.threads, hz: 0, rme: 0, value: r.batch256PerS, unit: 'samples/s', note });
      }
      for (const c of res.cold) rows.push({ suite: suite(c.engine, 1), name: 'A cold start (process start to first prediction)', threads: 1, hz: 0, rme: 0, value: c.coldMs, unit: 'ms' });
    } catch (e) {
      console.log(`onnxruntime: skipped (${(e as Error).message.split('\n')[0]})`);
    }
  }
}

// ---------------------------------------------------------------- peak RSS of training B, in its own process
if (workloads.includes('B')) {
  const script = fileURLToPath(new URL('./rss.mjs', import.meta.url));
  const mb = Number(execFileSync(process.execPath, [script, 'B'], { encoding: 'utf8' }).trim().split('\n').pop());
  rows.push({ suite: 'bilstm-attn 1t', name: 'B train peak RSS (own process)', threads: 1, hz: 0, rme: 0, value: mb, unit: 'MB' });
  console.log(`rss | B train peak RSS | ${mb.toFixed(1)} MB`);
}

// ---------------------------------------------------------------- the model file
// B's model saved and loaded (benchmark.js, ms per call), loadModel on bad files (counts and time), and with --full
// C-full's file, saved and then loaded in lean children of their own so that their peak RSS is the save's and the load's.
async function fileSuites(): Promise<void> {
  await init({ threads: 1 });
  const { roundTripCases, badFiles } = await import('./files.js');
  const rt = await roundTripCases('B');
  try {
    await run('files', rt.cases);
  } finally {
    rt.cleanup();
  }
  rows.push({ suite: 'files', name: 'B file with Adam state', threads: 1, hz: 0, rme: 0, value: rt.fileBytes / 1e6, unit: 'MB' });
  const t0 = performance.now();
  for (const c of await badFiles(1000)) {
    const note = `${(c.ms / 1000).toFixed(2)} s, ${(c.ms / c.cases).toFixed(2)} ms each`;
    rows.push({ suite: 'bad files', name: c.name, threads: 1, hz: 0, rme: 0, value: c.refused, unit: `of ${c.cases} refused (CheckpointError)`, note });
    console.log(`bad files | ${c.name} | ${c.refused} of ${c.cases} refused | ${note}`);
  }
  console.log(`bad files | all classes | ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (full) referenceFile();
}

function referenceFile(): void {
  const dir = mkdtempSync(join(os.tmpdir(), 'bilstm-attn-c-full-'));
  try {
    // the save's temporary file, then the plain write of as many bytes beside it: about 7 GB at the peak
    const fs = statfsSync(dir);
    if (fs.bavail * fs.bsize < 7.5e9) {
      console.log(`files | C-full file: skipped, ${(fs.bavail * fs.bsize / 1e9).toFixed(1)} GB free in ${dir}, needs 7.5`);
      return;
    }
    const script = fileURLToPath(new URL('./model-file.mjs', import.meta.url));
    const file = join(dir, 'c-full.bilstm');
    const child = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!);
    const save = child('save', file);
    const load = child('load', file, 'cold');
    const mb = (b: number) => b / 2 ** 20;
    const row = (name: string, value: number, unit: string, note: string) => {
      rows.push({ suite: 'files', name, threads: 1, hz: 0, rme: 0, value, unit, note });
      console.log(`files | ${name} | ${fmt(value)} ${unit} | ${note}`);
    };
    const bound = (r: { peakRss: number; memoryBytes: number }) => `${r.peakRss <= r.memoryBytes + 256 * 2 ** 20 ? 'within' : 'OVER'} memory + 256 MiB`;
    row('C-full file (weights + Adam m, v)', save.fileBytes / 1e9, 'GB', `${save.fileBytes} bytes, ${save.params} parameters`);
    row('C-full save (path, fsync)', save.seconds, 's', `plain node writes of as many bytes + fsync, same dir: ${save.plainWriteSeconds.toFixed(2)} s; save to a discarding WritableStream: ${save.streamSeconds.toFixed(2)} s`);
    row('C-full load (path)', load.seconds, 's', load.cold ? 'file dropped from the page cache first (dd iflag=nocache)' : 'file possibly in the page cache');
    row('C-full save peak RSS', mb(save.peakRss), 'MiB', `model memory ${mb(save.memoryBytes).toFixed(0)} MiB, ${bound(save)}; RSS before the save ${mb(save.rssBefore).toFixed(0)} MiB${save.peakIsOfStep ? '' : ' (peak of the whole process)'}`);
    row('C-full load peak RSS', mb(load.peakRss), 'MiB', `model memory ${mb(load.memoryBytes).toFixed(0)} MiB, ${bound(load)}; RSS before the load ${mb(load.rssBefore).toFixed(0)} MiB${load.peakIsOfStep ? '' : ' (peak of the whole process)'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- table and JSON
function finish(): void {
  console.log(`\n| suite | case | value | ± | note |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.suite} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.rme.toFixed(1)}% | ${r.note ?? ''} |`);
  const find = (suite: string, name: string) => rows.find((r) => r.suite === suite && r.name.startsWith(name));
  const ratios: string[] = [];
  for (const w of workloads) {
    const ours = Math.max(...threadList.map((t) => find(`bilstm-attn ${t}t`, `${w} train`)?.value ?? 0));
    const torch = Math.max(find('pytorch 1t', `${w} train`)?.value ?? 0, find('pytorch 2t', `${w} train`)?.value ?? 0);
    if (ours && torch) ratios.push(`${w} train: bilstm-attn ${fmt(ours)} vs PyTorch best ${fmt(torch)} samples/s = ${(ours / torch).toFixed(2)}x`);
    const words = Math.max(...threadList.map((t) => find(`bilstm-attn ${t}t`, `${w}-words train`)?.value ?? 0));
    if (words && torch) ratios.push(`${w}-words train (word-like ids): bilstm-attn ${fmt(words)} vs PyTorch's ${w} best ${fmt(torch)} samples/s = ${(words / torch).toFixed(2)}x`);
  }
  // GRU against LSTM in this run: the kernels (GFLOP/s, so per flop; GRU's step has 3/4 of the LSTM's flops), B-gru
  // against B (per sample), and each against PyTorch's same model
  const exact = (suite: string, name: string) => rows.find((r) => r.suite === suite && r.name === name);
  for (const w of ['A', 'B']) {
    for (const pass of ['forward', 'forward + backward']) {
      const l = exact('lstm', `${w} ${pass} (one direction)`);
      for (const ra of ['after', 'before']) {
        const g = exact('gru', `${w} reset ${ra}, ${pass} (one direction)`);
        if (l && g) ratios.push(`gru/lstm kernel ${w} ${pass}, reset ${ra}: ${fmt(g.value)} vs ${fmt(l.value)} GFLOP/s = ${(g.value / l.value).toFixed(2)}x per flop, ${(g.value / l.value * 4 / 3).toFixed(2)}x per call`);
      }
    }
  }
  for (const t of threadList) {
    for (const [c, hib] of [['train', true], ['predict batch 1', false], ['predict batch 256', true]] as [string, boolean][]) {
      const l = find(`bilstm-attn ${t}t`, `B ${c}`), g = find(`bilstm-attn ${t}t`, `B-gru ${c}`);
      if (l && g) ratios.push(`B-gru/B ${c} ${t}t: ${fmt(g.value)} vs ${fmt(l.value)} ${g.unit} = ${(hib ? g.value / l.value : l.value / g.value).toFixed(2)}x the LSTM's speed`);
    }
  }
  for (const t of [1, 2]) {
    for (const [c, hib] of [['train', true], ['predict batch 1', false], ['predict batch 256', true]] as [string, boolean][]) {
      const l = exact(`pytorch ${t}t`, `B ${c}`), g = exact(`pytorch ${t}t`, `B-gru ${c}`);
      if (l && g) ratios.push(`PyTorch B-gru/B ${c} ${t}t: ${fmt(g.value)} vs ${fmt(l.value)} ${g.unit} = ${(hib ? g.value / l.value : l.value / g.value).toFixed(2)}x the LSTM's speed`);
      const o = find(`bilstm-attn ${t}t`, `B-gru ${c}`);
      if (o && g) ratios.push(`B-gru ${c} ${t}t: bilstm-attn ${fmt(o.value)} vs PyTorch ${fmt(g.value)} ${g.unit} = ${(hib ? o.value / g.value : g.value / o.value).toFixed(2)}x PyTorch's speed`);
    }
  }
  for (const r of ratios) console.log(r);
  const run = { date: new Date().toISOString(), node: process.version, cpu, quick, command: `bench/run.ts ${argv.join(' ')}`.trim() };
  if (filesOnly && existsSync(jsonOut)) {
    // a partial run: its suites' rows replace the same suites' rows, the rest of the last full run stays
    const prev = JSON.parse(readFileSync(jsonOut, 'utf8')) as { rows: Row[] } & Record<string, unknown>;
    const mine = new Set(rows.map((r) => r.suite));
    writeFileSync(jsonOut, JSON.stringify({ ...prev, files: run, rows: [...prev.rows.filter((r) => !mine.has(r.suite)), ...rows] }, null, 1));
  } else {
    writeFileSync(jsonOut, JSON.stringify({ ...run, peak, rows, ratios }, null, 1));
  }
  console.log(`results written to ${jsonOut}`);
}
finish();
