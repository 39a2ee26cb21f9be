// Cross-runtime determinism: the same package, unchanged, trains the workload (workload.js) in Node, Deno, Bun,
// headless Chromium and workerd, with 1 and 2 threads, and every run gives the same SHA-256 of weights and
// predictions. Also runs every example in examples/ in its runtime. Runtimes come from devDependencies (deno, bun,
// miniflare) and Debian (chromium); a missing Chromium skips its tests locally but fails under CI=true.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.js';
import * as lib from '../../dist/src/index.js';

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

interface Result { runtime: string; runtimeVersion: string; threads: number; workers: string; handoffs: number; loss: number[]; weights: string; predictions: string; error?: string }

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

const COMMANDS: Record<string, (threads: number) => [string, string[]]> = {
  node: (t) => [process.execPath, ['test/runtimes/cli.js', String(t)]],
  deno: (t) => [BIN('deno'), ['run', 'test/runtimes/cli.js', String(t)]],
  bun: (t) => [BIN('bun'), ['test/runtimes/cli.js', String(t)]],
};

function expectAgreed(r: Result, runtime: string, threads: number): void {
  expect(r.error).toBeUndefined();
  expect(r.runtime).toBe(runtime);
  expect(r.threads).toBe(threads);
  if (threads > 1) expect(r.handoffs).toBeGreaterThan(0); // work really went to a second thread
  expect(r.loss.length).toBe(10);
  expect(r.loss[9]).toBeLessThan(r.loss[0]);
  expect({ weights: r.weights, predictions: r.predictions }).toEqual(EXPECTED);
}

describe('the same bytes in every runtime', () => {
  for (const runtime of Object.keys(COMMANDS)) {
    for (const threads of [1, 2]) {
      it(`${runtime}, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
        const [cmd, args] = COMMANDS[runtime](threads);
        const r = await cli(cmd, args);
        expectAgreed(r, runtime, threads);
        if (threads > 1) expect(r.workers).toBe('worker_threads');
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
      server = await serve();
    }, LONG);
    afterAll(async () => { await browser?.close(); await server?.close(); });

    async function page<T>(path: string, ready: string): Promise<T> {
      const p = await browser!.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.route('**/favicon.ico', (r) => r.fulfill({ status: 204 }));
      await p.goto(`${server!.url}${path}`);
      try {
        await p.waitForFunction(ready, undefined, { timeout: LONG - 10_000 });
      } catch (e) {
        throw new Error(`${path}: ${String(e)}; page errors: ${errors.join('; ')}`);
      }
      const v = await p.evaluate(ready) as T;
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
        const r = await page<Result>(`/${where}/test/runtimes/browser.html?threads=${threads}`, 'window.result');
        expectAgreed(r, 'browser', expectThreads);
        expect(r.workers).toBe(expectThreads > 1 ? 'web' : 'none');
      }, LONG);
    }
    it.skipIf(!have)('examples/browser/index.html trains and draws the loss', async () => {
      const r = await page<{ losses: number[]; accuracy: number; info: { threads: number } }>('/coi/examples/browser/index.html', 'window.example');
      expect(r.losses.length).toBe(15);
      expect(r.losses[14]).toBeLessThan(r.losses[0] / 2);
      expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(r.info.threads).toBe(2);
    }, LONG);
  });

  describe('workerd (miniflare)', () => {
    let dir = '';
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bilstm-workerd-')); });
    afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

    // Bundles a Worker as wrangler does (esbuild): bare 'bilstm-attn' to the package, the Wasm core kept beside it as a
    // CompiledWasm module; then runs it in workerd with that explicit module list.
    async function worker(entry: string) {
      const esbuild = await import('esbuild');
      const name = entry.replace(/\W+/g, '-');
      await esbuild.build({
        entryPoints: [join(ROOT, entry)], bundle: true, format: 'esm', outfile: join(dir, `${name}.js`), logLevel: 'silent',
        plugins: [{ name: 'bilstm-attn', setup(b) {
          b.onResolve({ filter: /^bilstm-attn$/ }, () => ({ path: join(ROOT, 'dist/src/index.js') }));
          b.onResolve({ filter: /^bilstm-attn\/wasm$|bilstm\.wasm$/ }, () => ({ path: './bilstm.wasm', external: true }));
        } }],
      });
      copyFileSync(join(ROOT, 'build/bilstm.wasm'), join(dir, 'bilstm.wasm'));
      const { Miniflare } = await import('miniflare');
      return new Miniflare({ modulesRoot: dir, compatibilityDate: '2025-01-01', modules: [
        { type: 'ESModule', path: join(dir, `${name}.js`) }, { type: 'CompiledWasm', path: join(dir, 'bilstm.wasm') },
      ] });
    }

    it('determinism workload, single-thread core from an imported module', async () => {
      const mf = await worker('test/runtimes/worker.js');
      try {
        const r = await (await mf.dispatchFetch('http://localhost/determinism')).json() as Result;
        expectAgreed(r, 'workerd', 1); // asked for 2 threads: workerd has no workers, so 1
      } finally { await mf.dispose(); }
    }, LONG);

    it('examples/worker serves POST /predict, bit-identical to Node with the same weights', async () => {
      const mf = await worker('examples/worker/worker.js');
      try {
        const ids = [[3, 1, 5, 9], [4, 4, 7, 2, 8, 6], [1], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]];
        const res = await mf.dispatchFetch('http://localhost/predict', { method: 'POST', body: JSON.stringify({ ids }) });
        expect(res.status).toBe(200);
        const body = await res.json() as { predictions: number[]; attention: number[][] };
        // The same weights in this (Node) process give the same float32 bits.
        await lib.init();
        const { buildModel } = await import('../../examples/model.js');
        const m = buildModel();
        m.setWeights(JSON.parse(readFileSync(join(ROOT, 'examples/worker/model.json'), 'utf8')));
        const x = lib.padSequences(ids, { maxlen: 12, padding: 'post', truncating: 'post' });
        expect(body.predictions).toEqual(Array.from(m.predict(x).data));
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
  it('node examples/node.mjs: trains, saves, reloads', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bilstm-node-')), 'model.json');
    const text = await exec(process.execPath, ['examples/node.mjs', out]);
    expect(text).toMatch(/2 threads: .*held-out accuracy (0\.9\d\d|1\.000)/);
    expect(text).toMatch(/reloaded model predicts the same: true/);
  }, LONG);
  it('deno run examples/deno.ts', async () => {
    const text = await exec(BIN('deno'), ['run', 'examples/deno.ts']);
    expect(text).toMatch(/^deno [\d.]+, 2 threads \(worker_threads\): .*held-out accuracy (0\.9\d\d|1\.000)/m);
  }, LONG);
  it('bun examples/bun.ts', async () => {
    const text = await exec(BIN('bun'), ['examples/bun.ts']);
    expect(text).toMatch(/^bun [\d.]+, 2 threads: .*held-out accuracy (0\.9\d\d|1\.000)/m);
    expect(text).toMatch(/predict one sequence: [\d.]+ ms/);
  }, LONG);
});
