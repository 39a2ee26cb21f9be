// Cross-runtime determinism: the same package, unchanged, trains the workload (workload.js) in Node, Deno, Bun,
// headless Chromium and workerd, with 1 and 2 threads, and every run gives the same SHA-256 of weights and
// predictions. Every run also loads the model files a Node process made (float32 and float16, with and without
// maskZero), predicts with attention and saves them again: the same hashes, and the same file bytes, everywhere; Node,
// Deno and Bun also resume training from a file saved halfway, in a fresh process. Also runs every example in
// examples/ in its runtime (examples/tfjs: exported in Node, predicted by TF.js in Chromium). Runtimes come from
// devDependencies (deno, bun, miniflare) and Debian (chromium); a missing Chromium skips its tests locally but fails
// under CI=true.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.js';
import * as lib from '../../dist/src/index.js';
import { data, FILES } from './workload.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CI = !!process.env.CI;
const LONG = 180_000;

/** The hashes every runtime agrees on (README "Runtimes"). A kernel change that moves bits changes them: update both. */
const EXPECTED = {
  weights: 'c3c6883ffb3a2a2ac5780935f295677e4381321a7f764a64231847d631150596',
  predictions: '60f3c2a67dab822a58445f2439eda4e11cd70a25816fae527db9f1960ad7d833',
};

/** workload.js gruRun's weights and predictions (the GRU kernels, both reset placements, a Bidirectional, a mask, and
 *  the SimpleRNN kernels). */
const EXPECTED_GRU = '4e5aaac2574f2f98cbacbcecfd091acb5ab8e2ba35dcd577f4649cc986393d27 28cdcae82c7141db23bfdce0fbf4dc19e50bbd3898f0cca163aa3700bb8caf89';

/**
 * What loading Node's files gives in every runtime (workload.js roundTrip): SHA-256 of the loaded weights, of the
 * predictions on the workload's inputs and of their attention weights [160, 16]. masked.bilstm is the workload's model
 * after its 50 steps, so its weights and predictions are EXPECTED's: the file keeps every bit. The float16 files hold
 * those weights rounded to half precision (round to nearest even), so theirs are new values, as are the unmasked
 * twin's (maskZero false, 10 steps). These move with EXPECTED (kernels) and with the float16 rounding: update together.
 */
const ROUND_TRIP: Record<string, { weights: string; predictions: string; attention: string }> = {
  'masked.bilstm': { ...EXPECTED, attention: 'dac7f87b25fef4495a7f7a0741054e33559a1fa8953730abb3a718b625cbaffe' },
  'masked.f16.bilstm': {
    weights: 'a5056d0e103f0bfa4f857441502102290c8626a1c7a5d129ddb45a42076a7324',
    predictions: 'b86c2c2655a7eb1b44dab831c5cfbeef2b2bd6890820bd909a3efd594f13a543',
    attention: 'a17af4b416608ae06ad87fe3c74f0d83bd7c4fc1b805364fa0ade3ae54f64bba',
  },
  'unmasked.bilstm': {
    weights: '1670792cdaef8f7d7ad60666bf792fa01b71a2b0440a060fa5b47bce80c8f576',
    predictions: 'a95bdd7046f3b55ad6c846c02162ce41a84130247ffb1a8f07a762c08d40412d',
    attention: '68ea62e3973fcfa38c657282e3e3e892676b1db0400f3a0a2a89ea8df7845778',
  },
  'unmasked.f16.bilstm': {
    weights: '80b1b855c10f8b6678a285f70b9160166f655ddf92b45ebc9e59f0402b197d27',
    predictions: 'f3af6b48863b3ae3749fd759ac95eb1af0177edf8ed9950951eefc7afe86a905',
    attention: '1566e53236f371c322de144a87794567f1a52cc3cc31ebf3647e65131bc661ec',
  },
};
/** The padded steps of the workload's inputs: exactly these attention weights are 0 under maskZero, none without. */
const PADDED = data().x.data.filter((id: number) => id === 0).length;

interface RoundTrip { weights: string; predictions: string; attention: string; attentionZeros: number; resaved: string }
interface Result { runtime: string; runtimeVersion: string; threads: number; workers: string; handoffs: number; loss: number[]; weights: string; predictions: string; gru: string; roundTrip?: Record<string, RoundTrip>; error?: string }
interface Resumed { runtime: string; threads: number; steps: number[]; loss: number[]; weights: string; predictions: string }

function exec(cmd: string, args: string[], timeout = LONG): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, timeout, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function cli(cmd: string, args: string[]): Promise<Result> {
  const out = (await exec(cmd, args)).trim().split('\n');
  return JSON.parse(out[out.length - 1]) as Result;
}

/** The model files Node made (a separate `node cli.js 1 --make DIR`, before any runtime runs) and their SHA-256. */
const made = { dir: '', sha: {} as Record<string, string> };
beforeAll(async () => {
  made.dir = mkdtempSync(join(tmpdir(), 'bilstm-files-'));
  await exec(process.execPath, ['test/runtimes/cli.js', '1', '--make', made.dir]);
  for (const name of FILES) made.sha[name] = createHash('sha256').update(readFileSync(join(made.dir, name))).digest('hex');
}, LONG);
afterAll(() => { if (made.dir) rmSync(made.dir, { recursive: true, force: true }); });

// args come after the script; Deno may read and write only the files' directory
const COMMANDS: Record<string, (threads: number, args: string[]) => [string, string[]]> = {
  node: (t, a) => [process.execPath, ['test/runtimes/cli.js', String(t), ...a]],
  deno: (t, a) => [BIN('deno'), ['run', `--allow-read=${made.dir}`, `--allow-write=${made.dir}`, 'test/runtimes/cli.js', String(t), ...a]],
  bun: (t, a) => [BIN('bun'), ['test/runtimes/cli.js', String(t), ...a]],
};

function expectAgreed(r: Result, runtime: string, threads: number): void {
  expect(r.error).toBeUndefined();
  expect(r.runtime).toBe(runtime);
  expect(r.threads).toBe(threads);
  if (threads > 1) expect(r.handoffs).toBeGreaterThan(0); // work really went to a second thread
  expect(r.loss.length).toBe(10);
  expect(r.loss[9]).toBeLessThan(r.loss[0]);
  expect({ weights: r.weights, predictions: r.predictions }).toEqual(EXPECTED);
  expect(r.gru).toBe(EXPECTED_GRU);
  expectRoundTrip(r.roundTrip);
}

/** Node's files loaded here give the pinned hashes, attention 0 on exactly the padded steps under a mask, and saved
 *  again, the very bytes Node wrote. */
function expectRoundTrip(rt: Record<string, RoundTrip> | undefined): void {
  expect(Object.keys(rt ?? {})).toEqual(FILES);
  for (const name of FILES) {
    const { attentionZeros, resaved, ...hashes } = rt![name];
    expect(hashes, name).toEqual(ROUND_TRIP[name]);
    expect(attentionZeros, `${name}: attention weights exactly 0`).toBe(name.startsWith('masked') ? PADDED : 0);
    expect(resaved, `${name} saved again`).toBe(made.sha[name]);
  }
}

describe('the same bytes in every runtime', () => {
  for (const runtime of Object.keys(COMMANDS)) {
    for (const threads of [1, 2]) {
      it(`${runtime}, ${threads} thread${threads > 1 ? 's' : ''}; resumes from 25 steps in a fresh process`, async () => {
        const half = join(made.dir, `half-${runtime}-${threads}.bilstm`);
        const r = await cli(...COMMANDS[runtime](threads, ['--files', made.dir, '--half', half]));
        expectAgreed(r, runtime, threads);
        if (threads > 1) expect(r.workers).toBe('worker_threads');
        // 25 steps saved to a path, loaded by a new process, 25 more: the 50 uninterrupted steps' weights and losses
        const resumed = await cli(...COMMANDS[runtime](threads, ['--resume', half])) as unknown as Resumed;
        expect(resumed.runtime).toBe(runtime);
        expect(resumed.threads).toBe(threads);
        expect(resumed.steps).toEqual([25, 50]);
        expect(resumed.loss).toEqual(r.loss.slice(5));
        expect({ weights: resumed.weights, predictions: resumed.predictions }).toEqual(EXPECTED);
      }, LONG);
    }
  }

  describe('chromium (playwright-core)', () => {
    const have = existsSync(CHROMIUM);
    let browser: import('playwright-core').Browser | null = null;
    let server: { url: string; close(): Promise<unknown> } | null = null;
    beforeAll(async () => {
      if (!have) return;
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      server = await serve(0, { files: made.dir });
    }, LONG);
    afterAll(async () => { await browser?.close(); await server?.close(); });

    // `ready` names a global of the page; read through functions, not evaluated strings (a page's CSP forbids eval)
    async function page<T>(path: string, ready: string): Promise<T> {
      const p = await browser!.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.route('**/favicon.ico', (r) => r.fulfill({ status: 204 }));
      await p.goto(`${server!.url}${path}`);
      const read = (name: string) => name.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], globalThis);
      const name = ready.replace(/^window\./, '');
      try {
        await p.waitForFunction(read, name, { timeout: LONG - 10_000 });
      } catch (e) {
        throw new Error(`${path}: ${String(e)}; page errors: ${errors.join('; ')}`);
      }
      const v = await p.evaluate(read, name) as T;
      await p.close();
      return v;
    }

    it('is installed (CI installs Debian chromium)', () => {
      if (!have && !CI) console.warn(`skipping browser runs: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
      expect(have || !CI).toBe(true);
    });
    for (const [where, threads, expectThreads] of [['coi', 2, 2], ['coi', 1, 1], ['plain', 2, 1]] as const) {
      const label = `${where === 'coi' ? 'cross-origin isolated' : 'not isolated'}, threads: ${threads}`;
      it.skipIf(!have)(label, async () => {
        const r = await page<Result>(`/${where}/test/runtimes/browser.html?threads=${threads}&files=/files/`, 'window.result');
        expectAgreed(r, 'browser', expectThreads);
        expect(r.workers).toBe(expectThreads > 1 ? 'web' : 'none');
      }, LONG);
    }
    // a page whose CSP allows Wasm but not blob: workers: the workers never start, so the lists stay on the page's
    // thread (no hand-off, the same bytes), and model.ready() returns once the worker reports its error instead of
    // waiting out its 10 s timeout, as it did for every model (a review of the package under bundlers)
    it.skipIf(!have)('under a Content-Security-Policy that blocks blob: workers, threads: 2', async () => {
      const r = await page<Result & { readyMs: number }>('/csp/test/runtimes/csp.html', 'window.result');
      expect(r.error).toBeUndefined();
      expect(r.handoffs).toBe(0);
      expect({ weights: r.weights, predictions: r.predictions }).toEqual(EXPECTED);
      expect(r.gru).toBe(EXPECTED_GRU);
      expect(r.readyMs).toBeLessThan(5000);
    }, LONG);
    it.skipIf(!have)('examples/browser/index.html trains, draws the loss, saves and loads back from a Blob', async () => {
      const r = await page<{ losses: number[]; accuracy: number; info: { threads: number }; reloadedSame: boolean }>('/coi/examples/browser/index.html', 'window.example');
      expect(r.reloadedSame).toBe(true);
      expect(r.losses.length).toBe(15);
      expect(r.losses[14]).toBeLessThan(r.losses[0] / 2);
      expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(r.info.threads).toBe(2);
    }, LONG);
    it.skipIf(!have)('examples/tfjs/index.html predicts in TF.js what bilstm-attn predicts from the same exported files', async () => {
      const r = await page<{ error?: string; backend: string; layers: string[]; ids: number[][]; predictions: number[] }>('/plain/examples/tfjs/index.html', 'window.result');
      expect(r.error).toBeUndefined();
      expect(r.backend).toBe('cpu');
      expect(r.layers).toEqual(['Embedding', 'Bidirectional', 'BilstmAttention', 'Dense']);
      // the page's model files, loaded here by bilstm-attn, on the page's (post-padded) inputs
      await lib.init();
      const m = await lib.loadTfjsModel(join(ROOT, 'examples/tfjs/model'));
      const n = r.ids.length;
      const ours = Array.from(m.predict({ data: Int32Array.from(r.ids.flat()), shape: [n, r.ids[0].length] }).data);
      expect(r.predictions.length).toBe(n);
      for (let i = 0; i < n; i++) expect(Math.abs(r.predictions[i] - ours[i]), `sequence ${i}: TF.js ${r.predictions[i]}, bilstm-attn ${ours[i]}`).toBeLessThanOrEqual(1e-5);
      // and they answer the toy task: does the sequence contain token 1?
      r.ids.forEach((s, i) => expect(r.predictions[i] > 0.5, `sequence ${i}`).toBe(s.includes(1)));
    }, LONG);
  });

  describe('workerd (miniflare)', () => {
    let dir = '';
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bilstm-workerd-')); });
    afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

    // Bundles a Worker as wrangler does (esbuild): bare 'bilstm-attn' to the package, the Wasm core kept beside it as a
    // CompiledWasm module, a model file (*.bilstm) beside it as a Data module (an ArrayBuffer: wrangler's rule `{ type =
    // "Data", globs = ["**/*.bilstm"] }`); then runs it in workerd with that explicit module list. FILES: a service
    // binding to the directory of Node's model files, served by workerd itself.
    async function worker(entry: string) {
      const esbuild = await import('esbuild');
      const name = entry.replace(/\W+/g, '-');
      const data: string[] = [];
      await esbuild.build({
        entryPoints: [join(ROOT, entry)], bundle: true, format: 'esm', outfile: join(dir, `${name}.js`), logLevel: 'silent',
        plugins: [{ name: 'bilstm-attn', setup(b) {
          b.onResolve({ filter: /^bilstm-attn$/ }, () => ({ path: join(ROOT, 'dist/src/index.js') }));
          b.onResolve({ filter: /^bilstm-attn\/wasm$|bilstm\.wasm$/ }, () => ({ path: './bilstm.wasm', external: true }));
          b.onResolve({ filter: /\.bilstm$/ }, (a) => {
            const file = basename(a.path);
            copyFileSync(join(a.resolveDir, a.path), join(dir, file));
            data.push(file);
            return { path: `./${file}`, external: true };
          });
        } }],
      });
      copyFileSync(join(ROOT, 'build/bilstm.wasm'), join(dir, 'bilstm.wasm'));
      const { Miniflare } = await import('miniflare');
      return new Miniflare({ modulesRoot: dir, compatibilityDate: '2025-01-01', modules: [
        { type: 'ESModule', path: join(dir, `${name}.js`) }, { type: 'CompiledWasm', path: join(dir, 'bilstm.wasm') },
        ...data.map((file) => ({ type: 'Data' as const, path: join(dir, file) })),
      ], serviceBindings: { FILES: { disk: { path: made.dir, writable: false } } } });
    }

    it('determinism workload, single-thread core from an imported module; Node\'s files through a service binding', async () => {
      const mf = await worker('test/runtimes/worker.js');
      try {
        const r = await (await mf.dispatchFetch('http://localhost/determinism')).json() as Result;
        expectAgreed(r, 'workerd', 1); // asked for 2 threads: workerd has no workers, so 1
      } finally { await mf.dispose(); }
    }, LONG);

    it('examples/worker serves POST /predict from the bundled model file, bit-identical to Node loading that file', async () => {
      const mf = await worker('examples/worker/worker.js');
      try {
        const ids = [[3, 1, 5, 9], [4, 4, 7, 2, 8, 6], [1], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]];
        const res = await mf.dispatchFetch('http://localhost/predict', { method: 'POST', body: JSON.stringify({ ids }) });
        expect(res.status).toBe(200);
        const body = await res.json() as { predictions: number[]; attention: number[][] };
        // The same file loaded in this (Node) process gives the same float32 bits (JSON numbers keep them exactly).
        await lib.init();
        const m = await lib.loadModel(join(ROOT, 'examples/worker/model.bilstm'));
        const x = lib.padSequences(ids, { maxlen: 12, padding: 'post', truncating: 'post' });
        const p = m.predict(x, { returnAttention: true });
        expect(body.predictions).toEqual(Array.from(p.data));
        expect(body.attention).toEqual(ids.map((s, i) => Array.from(p.attention[0].data.subarray(i * 12, i * 12 + Math.min(s.length, 12)))));
        expect(body.predictions[0]).toBeGreaterThan(0.5); // contains token 1
        expect(body.predictions[1]).toBeLessThan(0.5);
        expect(body.attention.map((a) => a.length)).toEqual([4, 6, 1, 12]);
        for (const a of body.attention) expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        const bad = await mf.dispatchFetch('http://localhost/predict', { method: 'POST', body: JSON.stringify({ ids: [[99]] }) });
        expect(bad.status).toBe(400);
        expect(await bad.text()).toMatch(/integers in \[0, 20\)/);
        expect((await mf.dispatchFetch('http://localhost/other')).status).toBe(404);
      } finally { await mf.dispose(); }
    }, LONG);
  });
});

describe('examples run in their runtimes', () => {
  it('node examples/tfjs/export.mjs: trains and writes exactly the committed examples/tfjs/model', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'bilstm-tfjs-'));
    try {
      const text = await exec(process.execPath, ['examples/tfjs/export.mjs', tmp]);
      expect(text).toMatch(/held-out accuracy (0\.9\d\d|1\.000)/);
      expect(text).toMatch(/model\.json \(\d+ bytes\)/);
      expect(text).toMatch(/group1-shard1of1\.bin \(\d+ bytes\)/);
      // the page's files are what this script makes: after a change that moves bits (or the version in model.json's
      // generatedBy), run `node examples/tfjs/export.mjs` to remake them
      for (const f of ['model.json', 'group1-shard1of1.bin']) {
        expect(readFileSync(join(tmp, f)).equals(readFileSync(join(ROOT, 'examples/tfjs/model', f))), `${f} as committed`).toBe(true);
      }
    } finally { rmSync(tmp, { recursive: true, force: true }); }
  }, LONG);
  it('node examples/node.mjs: trains, saves to a file, loads it back', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'bilstm-node-'));
    const out = join(tmp, 'model.bilstm');
    const text = await exec(process.execPath, ['examples/node.mjs', out]).finally(() => rmSync(tmp, { recursive: true, force: true }));
    expect(text).toMatch(/2 threads: .*held-out accuracy (0\.9\d\d|1\.000)/);
    expect(text).toMatch(/reloaded model predicts the same: true/);
  }, LONG);
  it('deno run examples/deno.ts', async () => {
    const text = await exec(BIN('deno'), ['run', 'examples/deno.ts']);
    expect(text).toMatch(/^deno [\d.]+, 2 threads \(worker_threads\): .*held-out accuracy (0\.9\d\d|1\.000)/m);
    expect(text).toMatch(/^saved \d+ bytes; loaded back, it predicts the same: true$/m);
  }, LONG);
  it('bun examples/bun.ts', async () => {
    const text = await exec(BIN('bun'), ['examples/bun.ts']);
    expect(text).toMatch(/^bun [\d.]+, 2 threads: .*held-out accuracy (0\.9\d\d|1\.000)/m);
    expect(text).toMatch(/predict one sequence: [\d.]+ ms/);
    // the committed examples/worker/model.bilstm is what node.mjs makes: after a change that moves bits (the pinned
    // hashes above), run `node examples/node.mjs` to remake it
    expect(text).toMatch(/loaded from Bun\.file: the same weights as this run: true/);
  }, LONG);
});
