// Fixed after a review (each test failed before; end to end, from src): `bilstm-attn train --data <path>` titles training.svg with the data path, and
// trainingPlot's esc() passes control characters through: a CSV whose file name has \x01 gives a training.svg that
// is not well-formed XML (U+0001 is not an XML Char; any XML parser / browser refuses the file).
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrain, trainOptions } from '../../src/cli/train.js';
import { reviews, SMALL } from '../helpers/cli.js';

describe('train writes training.svg', () => {
  it('is well-formed XML when the data file name has a control character', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-train-svg-'));
    try {
      const csv = join(dir, 'rev\u0001iews.csv');
      writeFileSync(csv, 'text,label\n' + reviews(60).map((r) => `${r.text},${r.label}`).join('\n') + '\n');
      const flags: Record<string, string | boolean> = { data: csv, out: join(dir, 'm') };
      for (let i = 0; i < SMALL.length; i += 2) flags[SMALL[i].slice(2)] = SMALL[i + 1];
      const r = await runTrain(trainOptions(flags), { log() {}, err() {}, isTTY: false });
      const svg = readFileSync(r.plotPath, 'utf8');
      const bad = [...svg].find((ch) => { const c = ch.codePointAt(0)!; return c < 0x20 && c !== 9 && c !== 10 && c !== 13; });
      expect(bad === undefined ? null : 'U+' + bad.codePointAt(0)!.toString(16).padStart(4, '0')).toBeNull();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 120_000);
});
