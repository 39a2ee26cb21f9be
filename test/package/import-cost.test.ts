// Importing the built package does no work a user may never need: no Intl object is made at import (a grapheme
// segmenter made at module level loaded ICU's break data, ~2.4 MB of RSS, pushing training B's peak RSS past 100 MB),
// and the interop modules and the threads core are parsed on first use only (src/interop/entry-points.ts, init).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_BASE64 } from '../../src/core/wasm-binary.js';
import { WASM_THREADS_BASE64 } from '../../src/core/wasm-threads-binary.js';

const INDEX = fileURLToPath(new URL('../../dist/src/index.js', import.meta.url));

// counts every Intl constructor call made while importing (and then while using) the package, in a child process
const probe = (after: string) => `
const made = [];
for (const name of Object.getOwnPropertyNames(Intl)) {
  const C = Intl[name];
  if (typeof C !== 'function') continue;
  Intl[name] = new Proxy(C, { construct(t, args, nt) { made.push(name); return Reflect.construct(t, args, nt); } });
}
const lib = await import(${JSON.stringify(INDEX)});
const atImport = made.slice();
${after}
console.log(JSON.stringify({ atImport, after: made.slice(atImport.length) }));`;

describe('the cost of importing the package', () => {
  it('makes no Intl object at import; the heatmap makes its grapheme segmenter on first use', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe(
      "lib.attentionHeatmap([{ tokens: ['a', 'b'], weights: [0.5, 0.5] }]);",
    )], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { atImport: string[]; after: string[] };
    expect(r.atImport).toEqual([]);
    expect(r.after).toContain('Segmenter');
  });
});

// The modules an import of dist/src/index.js loads before any call (its static imports, followed through the chunks)
function staticallyLoaded(): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[\s\S]*?\sfrom\s*)?"(\.{1,2}\/[^"]+)"/g)) visit(join(dirname(file), m[1]));
  };
  visit(INDEX);
  return seen;
}

// 48 characters of the threads core's base64 that the single-thread core's does not contain (most bytes are alike)
function threadsOnly(): string {
  for (let i = 0; i + 48 <= WASM_THREADS_BASE64.length; i += 48) {
    const w = WASM_THREADS_BASE64.slice(i, i + 48);
    if (!WASM_BASE64.includes(w)) return w;
  }
  throw new Error('the two cores are alike');
}

describe('what an import of the package parses', () => {
  it('leaves the interop modules and the threads core to their first call (dynamic imports)', () => {
    const loaded = staticallyLoaded();
    const all = [...loaded.values()].join('\n');
    // each is in the package (a dynamic import away), and none is parsed at import
    const lazy: [string, RegExp][] = [
      ['the ONNX exporter', /opset_import/],
      ['the threads core (base64)', new RegExp(threadsOnly().replace(/[+/]/g, '\\$&'))],
      ['the Keras configs (import and export)', /go_backwards/],
      ['the PyTorch weights', /weight_ih_l0/],
    ];
    const chunks = readdirSync(join(dirname(INDEX), 'chunks')).map((f) => readFileSync(join(dirname(INDEX), 'chunks', f), 'utf8')).join('\n');
    for (const [what, re] of lazy) {
      expect(re.test(chunks), `${what} in dist/src/chunks`).toBe(true);
      expect(re.test(all), `${what} loaded at import`).toBe(false);
    }
    // and the single-thread core is (init needs no import of its own)
    expect(all.includes(WASM_BASE64.slice(100, 160))).toBe(true);
  });
});
