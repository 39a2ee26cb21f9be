// What a user of the packed tarball meets, installed into an empty project (as test/package/tarball.test.ts): a LICENSE,
// .d.ts files that compile without lib "DOM" (they named WebAssembly.Module and BufferSource, which only lib.dom
// declares), no-target export/save calls typed as their result (not "| undefined", which broke the README's own lines
// under strict), `bilstm-attn/wasm` typed, require() on Node 20.19+ (the exports map allowed only "import"), and the
// bin quiet when its reader closes the pipe early (an EPIPE stack).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
let dir = '';
let files: string[] = [];

function run(cmd: string, args: string[]): { code: number; out: string } {
  try { return { code: 0, out: execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }) }; } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { code: x.status ?? -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

/** tsc on one consumer file (strict, skipLibCheck false) under the given module / resolution / lib / types. */
function tsc(name: string, src: string, o: { module: string; res: string; lib: string[]; types: string[]; extra?: string[] }) {
  writeFileSync(join(dir, name), src);
  const cfg = `tsconfig.${name}.json`;
  writeFileSync(join(dir, cfg), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: o.module, moduleResolution: o.res,
    target: 'ES2022', lib: o.lib, types: o.types, typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: false },
    files: [name, ...(o.extra ?? [])] }));
  return run(process.execPath, [TSC, '-p', cfg]);
}
const MODES = [{ module: 'nodenext', res: 'nodenext' }, { module: 'esnext', res: 'bundler' }];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-consumer-'));
  const out = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }));
  files = out[0].files.map((f: { path: string }) => f.path);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, out[0].filename)], { cwd: dir, stdio: 'pipe' });
}, 120_000);
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('the packed package as a consumer sees it', () => {
  it('the tarball carries the MIT licence text package.json declares', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('MIT');
    expect(files).toContain('LICENSE');
  });

  // A Node project: @types/node (the engines' major, 20) and lib ES2022 without DOM. Our .d.ts name
  // WebAssembly.Module/Memory and BufferSource, which only lib.dom declares.
  it.each(MODES)('types check in a Node project without lib DOM (@types/node 20, $module/$res)', (m) => {
    const r = tsc(`node-${m.res}.ts`, `import { init, sequential, layers } from 'bilstm-attn';
      await init();
      export const model = sequential({ seed: 1, layers: [layers.dense({ units: 1, inputShape: [2] })] });`,
    { ...m, lib: ['ES2022'], types: ['node'] });
    expect(r).toEqual({ code: 0, out: '' });
  });

  // The README's own lines: `const { files } = await exportTfjs(model)`, `const bytes = await exportOnnx(model)` then
  // InferenceSession.create(bytes), `const bytes = await model.save()` "a Uint8Array".
  it.each(MODES)('no-target export/save calls are typed as their result, not "| undefined" ($module/$res)', (m) => {
    const r = tsc(`notarget-${m.res}.ts`, `import { exportTfjs, exportOnnx, exportKeras, exportTorchWeights, type Sequential } from 'bilstm-attn';
      declare const model: Sequential;
      const { files } = await exportTfjs(model);
      const onnx: Uint8Array = await exportOnnx(model);
      const keras: Uint8Array = await exportKeras(model);
      const torch: Uint8Array = await exportTorchWeights(model);
      const saved: Uint8Array = await model.save();
      export { files, onnx, keras, torch, saved };`,
    { ...m, lib: ['ES2022', 'DOM'], types: [] });
    expect(r).toEqual({ code: 0, out: '' });
  });

  // README (Runtimes, workerd): import wasm from 'bilstm-attn/wasm'; await init({ module: wasm }). Even with the usual
  // ambient `declare module '*.wasm'` (wrangler's), the specifier does not end in .wasm, and the export has no types.
  it.each(MODES)('bilstm-attn/wasm type-checks as README shows it ($module/$res)', (m) => {
    writeFileSync(join(dir, 'wasm-env.d.ts'), `declare module '*.wasm' { const value: WebAssembly.Module; export default value; }\n`);
    const r = tsc(`wasm-${m.res}.ts`, `import wasm from 'bilstm-attn/wasm';
      import { init } from 'bilstm-attn';
      await init({ module: wasm });`,
    { ...m, lib: ['ES2022', 'DOM'], types: [], extra: ['wasm-env.d.ts'] });
    expect(r).toEqual({ code: 0, out: '' });
  });

  // Node >= 20.19 has require(esm); the entry has no top-level await, so require works on the file itself, but the
  // exports map's "import"-only condition turns it into "No "exports" main defined".
  it('require("bilstm-attn") from CommonJS works on Node with require(esm), or fails saying the package is ESM-only', () => {
    writeFileSync(join(dir, 'req.cjs'), `const m = require('bilstm-attn'); m.initSync();
      const s = m.sequential({ seed: 1, layers: [m.layers.dense({ units: 1, inputShape: [2] })] });
      console.log(s.predict([[1, 2]]).data.length);`);
    const r = run(process.execPath, ['req.cjs']);
    expect(r.out).not.toMatch(/No "exports" main defined/);
    expect(r).toEqual({ code: 0, out: '1\n' });
  });

  it('the bin exits quietly when its reader closes the pipe early (bilstm-attn summary ... | head -1)', () => {
    writeFileSync(join(dir, 'mk.mjs'), `import { initSync, sequential, layers } from 'bilstm-attn';
      initSync();
      const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 9, outputDim: 4, inputLength: 5 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
      await m.save('m.bilstm');`);
    expect(run(process.execPath, ['mk.mjs']).code).toBe(0);
    const r = run('sh', ['-c', 'node_modules/.bin/bilstm-attn summary --model m.bilstm 2>err.txt | head -1 >/dev/null; echo $? >/dev/null']);
    expect(r.code).toBe(0);
    const err = readFileSync(join(dir, 'err.txt'), 'utf8');
    expect(err).not.toMatch(/EPIPE|Unhandled 'error' event/);
  });
});
