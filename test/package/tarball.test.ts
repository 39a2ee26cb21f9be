// What users install: `npm pack` of this repository, installed into an empty project (from npm's cache where it can,
// else the registry: a fresh machine's cache holds the lockfile's tarballs but not every package's metadata), loads
// through its public entry, trains and predicts, exposes the Wasm files (usable as init's bytes) and the bin,
// type-checks a consumer (tsc, strict, no @types/node), brings its runtime dependencies (jsfive, fflate, and the
// optional h5wasm), carries nothing but dist/src, the cores and the README, and passes publint and
// @arethetypeswrong/cli (ESM-only profile).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir = '';
let tgz = '';

/** Runs node on a script, giving its exit code and everything it printed (so a failing check shows the report). */
function runNode(args: string[]): { code: number; out: string } {
  try { return { code: 0, out: execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }) }; } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { code: x.status ?? -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}
let files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-pack-'));
  // the build already ran (pretest); --ignore-scripts keeps pack from building again
  const out = JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }));
  files = out[0].files.map((f: { path: string }) => f.path);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  tgz = join(dir, out[0].filename);
  execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', tgz], { cwd: dir, stdio: 'pipe' });
}, 120_000);

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('the packed tarball', () => {
  it('holds dist/src, the two cores, the types of the wasm subpaths, README, LICENSE and package.json, and nothing else', () => {
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/core/kernels.d.ts');
    expect(files).toContain('build/bilstm.wasm');
    expect(files).toContain('build/bilstm.mt.wasm');
    expect(files).toContain('types/wasm-module.d.ts');
    expect(files).toContain('LICENSE');
    const stray = files.filter((f) => !/^(dist\/src\/.*\.(js|d\.ts)|build\/bilstm(\.mt)?\.wasm|types\/wasm-module\.d\.ts|README\.md|package\.json|LICENSE)$/.test(f));
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

  it('its entries (main, /tfjs, the bin) are bundles over shared chunks (a few files to load, not ~70), one copy of the error classes', () => {
    const pkg = join(dir, 'node_modules/bilstm-attn/dist/src');
    // the relative files each entry imports statically, transitively
    const staticFiles = (entry: string): string[] => {
      const seen = new Set<string>();
      const walk = (f: string): void => {
        if (seen.has(f)) return;
        seen.add(f);
        const src = readFileSync(f, 'utf8');
        for (const m of src.matchAll(/^\s*(?:import|export)\b[^'"();]*?from\s*["'](\.[^"']+)["']|^\s*import\s*["'](\.[^"']+)["']/gm)) walk(join(dirname(f), m[1] ?? m[2]!));
      };
      walk(join(pkg, entry));
      return [...seen].map((f) => f.slice(pkg.length + 1));
    };
    const main = staticFiles('index.js'), tfjs = staticFiles('interop/tfjs/register-attention.js'), bin = staticFiles('cli/bin.js');
    // (esbuild cuts the shared code into chunks by which entries reach it: the main entry, the bin, /tfjs and the
    // interop modules loaded on first call, src/interop/entry-points.ts; three of them are small)
    expect(main.length).toBeLessThanOrEqual(7);
    expect(bin.length).toBeLessThanOrEqual(6);
    for (const files of [main, tfjs, bin]) expect(files.slice(1).every((f) => f.startsWith('chunks/'))).toBe(true);
    const script = `
      import { ConfigError } from 'bilstm-attn';
      import { registerAttention } from 'bilstm-attn/tfjs';
      let same = false;
      try { registerAttention(null); } catch (e) { same = e instanceof ConfigError && e.name === 'ConfigError'; }
      console.log(JSON.stringify({ same }));`;
    writeFileSync(join(dir, 'bundle.mjs'), script);
    expect(JSON.parse(execFileSync(process.execPath, ['bundle.mjs'], { cwd: dir, encoding: 'utf8' }))).toEqual({ same: true });
  });

  it('the wasm subpaths are the cores: init takes their bytes (wasm, threadsWasm) and trains with them', () => {
    const script = `
      import { init, info, sequential, layers } from 'bilstm-attn';
      import { readFileSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      const bytes = (s) => readFileSync(fileURLToPath(import.meta.resolve(s)));
      const run = async () => {
        const m = sequential({ seed: 5, layers: [layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 4 }), layers.lstm({ units: 2 }), layers.dense({ units: 1 })] });
        m.compile({ optimizer: 'adam', loss: 'mse' });
        const x = { data: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 4] };
        await m.fit(x, [1, 0], { epochs: 2, verbose: 0 });
        return Array.from(new Uint32Array(m.getWeights()[0].data.buffer)).join();
      };
      await init({ wasm: bytes('bilstm-attn/wasm') });
      const one = await run();
      await init({ threads: 2, threadsWasm: bytes('bilstm-attn/wasm-threads') });
      const two = await run();
      console.log(JSON.stringify({ same: one === two, threads: info().threads }));
      process.exit(0);`;
    writeFileSync(join(dir, 'wasm.mjs'), script);
    const r = JSON.parse(execFileSync(process.execPath, ['wasm.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(r).toEqual({ same: true, threads: 2 });
  });

  it('type-checks a consumer of the main entry and bilstm-attn/tfjs (tsc --strict, NodeNext, no @types/node)', () => {
    const consumer = `
      import { init, sequential, layers, optimizers, metrics, DEFAULT_SEED, ConfigError, type Sequential } from 'bilstm-attn';
      import { registerAttention } from 'bilstm-attn/tfjs';
      await init({ threads: 2 });
      const m: Sequential = sequential({ seed: DEFAULT_SEED, layers: [layers.dense({ units: 1, inputShape: [2], activation: 'hardSigmoid' })] });
      m.compile({ optimizer: optimizers.rmsprop({ centered: true, clipnorm: 1 }), loss: 'meanSquaredError', metrics: ['accuracy'] });
      const p: Float32Array = m.predict([[1, 2]]).data;
      const acc: number = metrics.accuracy([1], [0.7]);
      const isErr: boolean = new ConfigError('x') instanceof Error;
      const reg: (tf: never) => unknown = registerAttention;
      // the declarations are real types, not any: each of these is an error the directive expects
      // @ts-expect-error units is a number
      layers.dense({ units: 'one' });
      // @ts-expect-error no such activation
      layers.lstm({ units: 2, activation: 'softplus' });
      // @ts-expect-error predict returns a tensor, not a number
      const wrong: number = m.predict([[1, 2]]);
      export { p, acc, isErr, reg, wrong };`;
    writeFileSync(join(dir, 'consumer.ts'), consumer);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext',
      moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false }, files: ['consumer.ts'] }));
    expect(runNode([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir])).toEqual({ code: 0, out: '' });
  });

  // publint suggests two things we decline: "sideEffects": false (modules register finalizers and caches at load) and
  // the "browser" object as exports/imports conditions (the field, which keeps h5wasm out of browser bundles, is the
  // form every bundler reads: test/package/bundlers.test.ts)
  it('publint (strict) finds no error or warning in the tarball, and suggests only the two we decline', () => {
    const r = runNode([join(ROOT, 'node_modules/publint/src/cli.js'), 'run', '--strict', tgz]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/Errors?:|Warnings?:/);
    // (publint colours its output where it thinks a terminal reads it, as under CI: the escapes go first)
    const plain = r.out.replace(/\x1b\[[0-9;]*m/g, '');
    const suggestions = (plain.split('Suggestions:')[1] ?? '').split('\n').filter((l) => /^\d+\. /.test(l));
    expect(suggestions, plain).toHaveLength(2);
    expect(suggestions[0]).toMatch(/consumed by bundlers but does not specify .*sideEffects/);
    expect(suggestions[1]).toMatch(/^2\. pkg\.browser with an object value can be refactored/);
  });

  it('@arethetypeswrong/cli (ESM-only profile, the .wasm subpaths excluded) passes on both typed entries', () => {
    const attw = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    const args = [attw, tgz, '--profile', 'esm-only', '--exclude-entrypoints', './wasm', './wasm-threads', '--no-definitely-typed', '--format', 'json'];
    const { code, out } = runNode(args);
    const r = JSON.parse(out);
    expect(Object.keys(r.analysis.entrypoints)).toEqual(['.', './tfjs']);
    // the profile ignores only CommonJS and node10 resolution (an ESM-only package); nothing else may be reported
    const counted = Object.values(r.problems as Record<string, { resolutionKind?: string }[]>).flat()
      .filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs');
    expect(counted).toEqual([]);
    expect(code).toBe(0); // attw's own verdict under the profile
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
