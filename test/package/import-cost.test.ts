// Importing the built package does no work a user may never need: no Intl object is made at import (a grapheme
// segmenter made at module level loaded ICU's break data, ~2.4 MB of RSS, pushing training B's peak RSS past 100 MB).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
