// How bundlers see the built package. A review bundled the packed tarball with esbuild, Vite, webpack and Rollup:
// webpack turned the computed imports of node:worker_threads, node:fs/promises and the data-set packages into empty
// modules that reject, so a bundle for Node ran on one thread without a word and save(path) said there was no file
// system; and every browser bundle carried h5wasm (5.6 MB), which exportKeras refuses to run in browsers. Each computed
// import() now carries webpack's and Vite's ignore comments, which the dist bundle (scripts/bundle.mjs) must keep, and
// package.json's "browser" field maps h5wasm to nothing.
import { describe, it, expect } from 'vitest';
import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHUNKS = join(ROOT, 'dist/src/chunks');

describe('the package under bundlers', () => {
  it('every import() of a computed name in dist keeps /* webpackIgnore: true */ and /* @vite-ignore */', () => {
    const found: string[] = [];
    for (const f of readdirSync(CHUNKS).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(CHUNKS, f), 'utf8');
      // import( followed by anything but a string literal: a computed specifier
      for (const m of text.matchAll(/import\(((?:\s|\/\*[^*]*\*\/)*)(?!["'`])([^)\s][^)]{0,60})/g)) {
        const comments = m[1];
        found.push(`${f}: ${m[2].slice(0, 40)}`);
        expect(comments, `${f}: import(${m[2].slice(0, 40)}`).toContain('/* webpackIgnore: true */');
        expect(comments, `${f}: import(${m[2].slice(0, 40)}`).toContain('/* @vite-ignore */');
      }
    }
    // the three of the review: node:worker_threads, node:fs/promises, the data-set packages
    expect(found.filter((s) => s.includes('"worker_threads"')).length, found.join('\n')).toBe(1);
    expect(found.filter((s) => s.includes('"fs/promises"')).length, found.join('\n')).toBe(1);
    expect(found.length, found.join('\n')).toBe(3);
  });

  it('a browser bundle (esbuild, platform browser) leaves h5wasm out through package.json\'s "browser" field', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { browser?: Record<string, unknown> };
    expect(pkg.browser).toEqual({ h5wasm: false });
    const bundle = (platform: 'browser' | 'node') => build({
      entryPoints: [join(ROOT, 'dist/src/index.js')], bundle: true, write: false, format: 'esm', platform, metafile: true,
      logLevel: 'silent', external: ['node:*', '@stdlib/*'],
    });
    // the files whose bytes are in the bundle (a disabled module is listed as '(disabled):<path>' with 0 bytes)
    const inputs = (r: Awaited<ReturnType<typeof bundle>>) => Object.entries(r.metafile!.inputs).filter(([, v]) => v.bytes > 0).map(([p]) => p);
    const browser = await bundle('browser');
    expect(inputs(browser).filter((p) => p.includes('node_modules/h5wasm/'))).toEqual([]);
    // (jsfive, fflate and protobufjs, which browsers use, are still in)
    expect(inputs(browser).some((p) => p.includes('node_modules/jsfive/'))).toBe(true);
    // a Node bundle keeps it (exportKeras writes HDF5 there)
    expect(inputs(await bundle('node')).some((p) => p.includes('node_modules/h5wasm/'))).toBe(true);
  }, 60_000);
});
