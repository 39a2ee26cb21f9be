// What users install: `npm pack` of this repository, installed into an empty project (offline), loads through its
// public entry, trains and predicts, exposes the Wasm files and the bin, brings its runtime dependencies (jsfive,
// fflate, and the optional h5wasm), and carries nothing but dist/src, the cores and the README.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir = '';
let files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-pack-'));
  // the build already ran (pretest); --ignore-scripts keeps pack from building again
  const out = JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }));
  files = out[0].files.map((f: { path: string }) => f.path);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync(NPM, ['install', '--offline', '--no-audit', '--no-fund', join(dir, out[0].filename)], { cwd: dir, stdio: 'pipe' });
}, 120_000);

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('the packed tarball', () => {
  it('holds dist/src, the two cores, README and package.json, and nothing else', () => {
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/core/kernels.d.ts');
    expect(files).toContain('build/bilstm.wasm');
    expect(files).toContain('build/bilstm.mt.wasm');
    const stray = files.filter((f) => !/^(dist\/src\/.*\.(js|d\.ts)|build\/bilstm(\.mt)?\.wasm|README\.md|package\.json|LICENSE)$/.test(f));
    expect(stray).toEqual([]);
  });

  it('installs, trains and predicts through the public entry, and resolves the wasm subpaths', () => {
    const script = `
      import { init, sequential, layers, info } from 'bilstm-attn';
      await init();
      const m = sequential({ seed: 3, layers: [
        layers.embedding({ inputDim: 5, outputDim: 4, inputLength: 3 }),
        layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }) }),
        layers.attention({ returnSequences: false }),
        layers.dense({ units: 1, activation: 'sigmoid' }),
      ]});
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const x = { data: Int32Array.from([1, 2, 3, 4, 0, 1]), shape: [2, 3] };
      const h = await m.fit(x, [1, 0], { epochs: 2, verbose: 0 });
      const p = m.predict(x);
      console.log(JSON.stringify({ loss: h.history.loss, p: Array.from(p.data), runtime: info().runtime,
        wasm: import.meta.resolve('bilstm-attn/wasm'), mt: import.meta.resolve('bilstm-attn/wasm-threads') }));`;
    writeFileSync(join(dir, 'use.mjs'), script);
    const r = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(r.loss).toHaveLength(2);
    expect(r.p).toHaveLength(2);
    for (const v of r.p) expect(v > 0 && v < 1).toBe(true);
    expect(r.runtime).toBe('node');
    expect(existsSync(fileURLToPath(r.wasm))).toBe(true);
    expect(r.wasm).toMatch(/node_modules\/bilstm-attn\/build\/bilstm\.wasm$/);
    expect(existsSync(fileURLToPath(r.mt))).toBe(true);
  });

  it('installs its runtime dependencies, which the HDF5 and zip readers load from the installed package', () => {
    const fixtures = join(ROOT, 'test/fixtures/io');
    const script = `
      import { openHdf5 } from './node_modules/bilstm-attn/dist/src/io/hdf5.js';
      import { openZip } from './node_modules/bilstm-attn/dist/src/io/zip.js';
      import { readFileSync } from 'node:fs';
      const f = openHdf5(new Uint8Array(readFileSync(${JSON.stringify(join(fixtures, 'basic.h5'))})), 'x');
      const z = openZip(new Uint8Array(readFileSync(${JSON.stringify(join(fixtures, 'archive.zip'))})), 'x');
      console.log(JSON.stringify({ gzip: Array.from(f.dataset('chunked/gzip').readFloat32().subarray(0, 2)), config: z.readText('config.json').length }));`;
    writeFileSync(join(dir, 'io.mjs'), script);
    const r = JSON.parse(execFileSync(process.execPath, ['io.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(r).toEqual({ gzip: [-2.125, -2], config: 53 });
    expect(existsSync(join(dir, 'node_modules/jsfive/package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/fflate/package.json'))).toBe(true);
  });

  it('installs h5wasm (an optional dependency) and exportKeras writes a .keras that loadKerasModel reads back', () => {
    const script = `
      import { initSync, sequential, layers, exportKeras, loadKerasModel } from 'bilstm-attn';
      initSync();
      const m = sequential({ seed: 2, layers: [layers.embedding({ inputDim: 6, outputDim: 3, inputLength: 4 }), layers.lstm({ units: 2 }), layers.dense({ units: 1 })] });
      const b = await exportKeras(m);
      const back = await loadKerasModel(b);
      const x = { data: Int32Array.from([1, 2, 3, 4, 5, 0, 1, 2]), shape: [2, 4] };
      console.log(JSON.stringify({ zip: b[0] === 0x50 && b[1] === 0x4b, same: Array.from(back.predict(x).data).join() === Array.from(m.predict(x).data).join() }));`;
    writeFileSync(join(dir, 'keras.mjs'), script);
    const r = JSON.parse(execFileSync(process.execPath, ['keras.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(r).toEqual({ zip: true, same: true });
    expect(existsSync(join(dir, 'node_modules/h5wasm/package.json'))).toBe(true);
  });

  it('exposes bilstm-attn/tfjs (registerAttention) without installing @tensorflow/tfjs, an optional peer', () => {
    const tfjs = join(ROOT, 'node_modules/@tensorflow/tfjs/dist/tf.node.js');
    const script = `
      import { registerAttention } from 'bilstm-attn/tfjs';
      import * as tf from ${JSON.stringify(tfjs)};
      const cls = registerAttention(tf);
      console.log(JSON.stringify({ name: cls.className, same: registerAttention(tf) === cls,
        registered: tf.serialization.SerializationMap.getMap().classNameMap.BilstmAttention?.[0] === cls }));`;
    writeFileSync(join(dir, 'tfjs.mjs'), script);
    const r = JSON.parse(execFileSync(process.execPath, ['tfjs.mjs'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    expect(r).toEqual({ name: 'BilstmAttention', same: true, registered: true });
    expect(existsSync(join(dir, 'node_modules/@tensorflow/tfjs'))).toBe(false);
  });

  it('installs the bin', () => {
    const v = execFileSync(join(dir, 'node_modules/.bin/bilstm-attn'), ['--version'], { encoding: 'utf8' }).trim();
    expect(v).toBe(JSON.parse(execFileSync(NPM, ['pkg', 'get', 'version'], { cwd: ROOT, encoding: 'utf8' })));
  });

  it('trains on a CSV and predicts with the installed bin', () => {
    const bin = join(dir, 'node_modules/.bin/bilstm-attn');
    const rows = Array.from({ length: 40 }, (_, i) => `"${i % 2 ? 'a fine day' : 'a bad day'} ${i}",${i % 2 ? 'good' : 'bad'}`);
    writeFileSync(join(dir, 'tiny.csv'), `text,label\n${rows.join('\n')}\n`);
    const rep = JSON.parse(execFileSync(bin, ['train', '--data', 'tiny.csv', '--out', 'tiny', '--epochs', '1', '--units', '4', '--embedding-dim', '4', '--json'], { cwd: dir, encoding: 'utf8' }));
    expect(rep.data).toMatchObject({ texts: 40, classNames: ['bad', 'good'] });
    const p = JSON.parse(execFileSync(bin, ['predict', '--model', 'tiny/model.bilstm', 'a fine day', '--json'], { cwd: dir, encoding: 'utf8' }));
    expect(p.predictions).toHaveLength(1);
    expect(['bad', 'good']).toContain(p.predictions[0].label);
  });
});
