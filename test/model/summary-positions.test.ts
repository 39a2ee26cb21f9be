// Review of 169fa1d: summary() now honours `positions` (ignored before) and validates them as "increasing numbers
// > 0", but a column narrower than its 2-space gap + 1 (cutoff <= 0 in printRow) never shrinks its text, so printRow's
// `while (left.some(...))` loops forever, pushing lines until the heap runs out. Those positions pass the new check.
// Run in a child process (a synchronous infinite loop cannot be timed out in-process).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INDEX = fileURLToPath(new URL('../../src/index.js', import.meta.url));
const run = (positions: string) => spawnSync(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', '--input-type=module', '-e', `
import { sequential, layers } from ${JSON.stringify(INDEX)};
const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [4] })] });
try { m.summary(undefined, ${positions}, () => {}); console.log('returned'); }
catch (e) { console.log('refused ' + e.constructor.name); }
`], { encoding: 'utf8', timeout: 20_000, cwd: fileURLToPath(new URL('..', import.meta.url)) });

describe('summary with narrow columns', () => {
  for (const positions of ['[30, 31, 65]', '[0.45, 0.46, 1]']) {
    it(`returns or refuses positions ${positions} (does not loop forever)`, () => {
      const r = run(positions);
      expect({ signal: r.signal, out: r.stdout.trim() }).toMatchObject({ signal: null });
      expect(r.stdout.trim()).toMatch(/^(returned|refused ConfigError)$/);
    });
  }
});
