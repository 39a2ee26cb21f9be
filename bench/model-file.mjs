// The reference model's file (C-full with its Adam state), saved and loaded in lean processes of their own (plain node on
// the built package, like bench/rss.mjs) so that peak RSS is the save's or the load's: bench/run.ts --full runs
//   node bench/model-file.mjs save FILE   builds C-full, trains one step (Adam state), predicts 4 rows, saves to FILE
//                                         (timed), trains 2 more steps; writes what the loader must reproduce to FILE.json
//                                         Then, for scale: the same number of bytes written by plain node (one reused
//                                         4 MiB buffer, then fsync) beside FILE, and the save to a discarding
//                                         WritableStream (the library's own work, without the disk).
//   node bench/model-file.mjs load FILE [cold]   loads FILE (timed; cold: first drops it from the page cache with GNU
//                                         dd iflag=nocache where that works), checks the 4 predictions bit for bit and
//                                         the 2 losses of the next steps (which depend on the Adam state) against FILE.json
// Each prints one JSON line: seconds, file bytes, peak RSS during the save or load, RSS before it, the model's Wasm
// memory (model.memoryBytes).
// Peak RSS is VmHWM after a reset (echo 5 > /proc/self/clear_refs), so it covers the save or load only; where that
// reset is refused, it is the process's peak (which, for save, includes building and training the model).
import { readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import * as lib from '../dist/src/index.js';
import { FULL, referenceModel, lcgIds } from './workloads.mjs';

const [mode, file, cold] = process.argv.slice(2);
if ((mode !== 'save' && mode !== 'load') || !file) throw new Error('usage: node bench/model-file.mjs save|load FILE');
await lib.init({ threads: 1 });

const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const resetPeak = () => { try { writeFileSync('/proc/self/clear_refs', '5'); return true; } catch { return false; } };
const rowsX = { data: lcgIds(4 * FULL.T, 1, FULL.V - 1, 7), shape: [4, FULL.T] };
const batch = (seed) => ({ x: { data: lcgIds(FULL.B * FULL.T, 1, FULL.V - 1, seed), shape: [FULL.B, FULL.T] }, y: new Float32Array(FULL.B).map((_, i) => (i + seed) % 2) });
const bits = (f) => Array.from(new Uint32Array(Float32Array.from(f).buffer), (u) => u.toString(16));
const nextLosses = (m) => [2, 3].map((s) => { const b = batch(s); return m.trainOnBatch(b.x, b.y)[0]; });

let model, seconds, reset, memoryBytes, rssBefore, extra = {};
if (mode === 'save') {
  model = referenceModel(lib);
  const b = batch(1);
  model.trainOnBatch(b.x, b.y);
  const predictions = bits(model.predict(rowsX).data);
  const state = model.state;
  memoryBytes = model.memoryBytes;
  rssBefore = process.memoryUsage().rss;
  reset = resetPeak();
  const t0 = performance.now();
  await model.save(file);
  seconds = (performance.now() - t0) / 1000;
  const peak = hwm();
  const size = statSync(file).size;
  extra.plainWriteSeconds = await plainWrite(`${file}.plain`, size);
  const t1 = performance.now();
  let streamed = 0;
  await model.save(new WritableStream({ write(c) { streamed += c.length; } }));
  extra.streamSeconds = (performance.now() - t1) / 1000;
  if (streamed !== size) throw new Error(`bench: C-full saved to a stream ${streamed} bytes, to a path ${size}`);
  const expected = { predictions, losses: bits(nextLosses(model)), state };
  writeFileSync(`${file}.json`, JSON.stringify(expected));
  report(peak);
} else {
  const expected = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
  extra.cold = false;
  if (cold) {
    try { execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']); extra.cold = true; } catch { /* not GNU dd */ }
  }
  rssBefore = process.memoryUsage().rss;
  reset = resetPeak();
  const t0 = performance.now();
  model = await lib.loadModel(file);
  seconds = (performance.now() - t0) / 1000;
  const peak = hwm();
  memoryBytes = model.memoryBytes;
  // checked before anything is reported
  const got = bits(model.predict(rowsX).data);
  if (got.join() !== expected.predictions.join()) throw new Error(`bench: C-full loaded predictions ${got} differ from the saved model's ${expected.predictions}`);
  if (model.state.iterations !== expected.state.iterations || JSON.stringify(model.state.streams) !== JSON.stringify(expected.state.streams)) {
    throw new Error(`bench: C-full loaded state ${JSON.stringify(model.state)} differs from the saved ${JSON.stringify(expected.state)}`);
  }
  const losses = bits(nextLosses(model));
  if (losses.join() !== expected.losses.join()) throw new Error(`bench: C-full losses of the next 2 steps after loading ${losses} differ from the saved model's ${expected.losses}`);
  report(peak);
}

function report(peak) {
  console.log(JSON.stringify({ mode, seconds, fileBytes: statSync(file).size, peakRss: peak, peakIsOfStep: reset, rssBefore, memoryBytes,
    params: model.countParams(), ...extra }));
  process.exit(0);
}

/** Seconds to write n bytes to path with plain node (one reused 4 MiB buffer, then fsync): the disk's share. */
async function plainWrite(path, n) {
  const buf = new Uint8Array(4 * 2 ** 20).map((_, i) => i * 31);
  const t0 = performance.now();
  const fh = await open(path, 'wx');
  try {
    for (let at = 0; at < n; at += buf.length) await fh.write(buf, 0, Math.min(buf.length, n - at));
    await fh.sync();
  } finally {
    await fh.close();
  }
  const s = (performance.now() - t0) / 1000;
  rmSync(path);
  return s;
}
