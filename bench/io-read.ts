// Throughput and memory of the Keras-import byte path (not part of `npm run bench`): a 100 MB contiguous float32
// dataset read from an .h5 (openHdf5 + readFloat32Into), from a .keras zip read whole (openZip + read + openHdf5 +
// readFloat32Into) and from the .keras path at offsets (openZipSource instead of openZip), each in a fresh process: time, MB/s (first into fresh pages, then again into the same ones), and
// peak RSS above the process's baseline, as a multiple of the file's size. Checks probed values first. Inputs (not committed):
//   /usr/bin/python3 test/fixtures/io/generate_hdf5.py --big /tmp 100
//   npx tsx bench/io-read.ts /tmp
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHdf5 } from '../src/io/hdf5.js';
import { openZip, openZipSource } from '../src/io/zip.js';
import { openSource } from '../src/io/sources.js';

const [dir = '/tmp', only] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(join(dir, 'big.json'), 'utf8')) as { path: string; shape: number[]; offset: number; probe: Record<string, number> };

async function once(kind: 'h5' | 'keras' | 'keras-source'): Promise<Record<string, number | string>> {
  const mb = (x: number) => x / 2 ** 20;
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
  const t0 = performance.now();
  const path = join(dir, kind === 'h5' ? 'big.h5' : 'big.keras');
  const fileBytes = statSync(path).size;
  let h5: Uint8Array;
  let t1: number;
  if (kind === 'keras-source') {
    // only the directory and the entry are read: the archive is never in memory whole
    t1 = performance.now();
    const z = await openZipSource(await openSource(path, 'bench'), 'bench');
    JSON.parse(await z.readText('config.json'));
    h5 = await z.read('model.weights.h5');
  } else {
  const buf = readFileSync(path);
  let file: Uint8Array | null = new Uint8Array(buf.buffer, buf.byteOffset, buf.length); // a view: no copy
  sample();
  t1 = performance.now();
  h5 = file;
  if (kind === 'keras') {
    const z = openZip(file, 'bench');
    JSON.parse(z.readText('config.json'));
    h5 = z.read('model.weights.h5');
    file = null; // the archive's bytes can go: the entry has a buffer of its own (but nothing collects them yet)
  }
  }
  sample();
  const ds = openHdf5(h5, 'bench').dataset(spec.path);
  if ((ds.layout as { offset: number }).offset !== spec.offset) throw new Error(`expected the data at ${spec.offset}, got ${JSON.stringify(ds.layout)}`);
  const dst = new Float32Array(ds.size);
  sample();
  const t2 = performance.now();
  ds.readFloat32Into(dst);
  const t3 = performance.now();
  sample();
  ds.readFloat32Into(dst); // again, into pages already touched: the copy alone
  const warmMs = performance.now() - t3;
  for (const [i, v] of Object.entries(spec.probe)) if (dst[Number(i)] !== v) throw new Error(`expected element ${i} = ${v}, got ${dst[Number(i)]}`);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  peak = Math.max(peak, maxRss);
  return {
    case: kind, fileMB: +mb(fileBytes).toFixed(1),
    readFileMs: +(t1 - t0).toFixed(0), openMs: +(t2 - t1).toFixed(0), copyMs: +(t3 - t2).toFixed(1),
    totalMs: +(t3 - t0).toFixed(0), afterReadFileMs: +(t3 - t1).toFixed(0),
    copyMBps: Math.round(mb(dst.byteLength) / ((t3 - t2) / 1000)), warmCopyMBps: Math.round(mb(dst.byteLength) / (warmMs / 1000)),
    baselineMB: +mb(rss0).toFixed(0), peakAboveBaselineMB: +mb(peak - rss0).toFixed(0), ratio: +((peak - rss0) / fileBytes).toFixed(2),
  };
}

if (only === 'h5' || only === 'keras' || only === 'keras-source') {
  console.log(JSON.stringify(await once(only)));
} else {
  const self = fileURLToPath(import.meta.url);
  for (const kind of ['h5', 'keras', 'keras-source']) {
    for (let run = 0; run < 3; run++) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, dir, kind], { encoding: 'utf8' });
      console.log(out.trim());
    }
  }
}
