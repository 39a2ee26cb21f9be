// The bin's dispatch through the built file: --version, the top-level help, each command's --help, unknown commands.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '../helpers/cli.js';
import { helpText } from '../../src/cli/args.js';
import { train } from '../../src/cli/train.js';
import { evaluate } from '../../src/cli/evaluate.js';
import { predict } from '../../src/cli/predict.js';
import { explain } from '../../src/cli/explain.js';
import { summary } from '../../src/cli/summary.js';
import { demo } from '../../src/cli/demo.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const COMMANDS = ['train', 'evaluate', 'predict', 'explain', 'summary', 'demo'];

describe('bilstm-attn', () => {
  it('prints the version and the help listing every command', () => {
    expect(runBin(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const h = runBin(['--help']);
    expect(h.code).toBe(0);
    for (const c of COMMANDS) expect(h.stdout).toMatch(new RegExp(`^  ${c}\\s+\\S`, 'm'));
    expect(runBin([]).stdout).toBe(h.stdout);
  });

  it("prints each command's help with its options", () => {
    // every command's text in-process (no process each), the bin's own printing for one
    for (const c of [train, evaluate, predict, explain, summary, demo]) {
      const h = helpText(c);
      expect(h.startsWith(`Usage: bilstm-attn ${c.name}`)).toBe(true);
      expect(h).toMatch(/^\s+--json\s+print one JSON document/m);
      for (const k of Object.keys(c.options)) expect(h).toMatch(new RegExp(`^ {2}(-\\w, | {4})--${k}\\b`, 'm'));
    }
    const r = runBin(['train', '--help']);
    expect(r).toEqual({ code: 0, stdout: `${helpText(train)}\n`, stderr: '' });
    expect(runBin(['help', 'train']).stdout).toBe(r.stdout);
    expect(r.stdout).toMatch(/--val-split <f>/);
  });

  it('exits 2 with one line for an unknown command or flag', () => {
    const r = runBin(['fit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('bilstm-attn: expected a command among train, evaluate, predict, explain, summary, demo (or --help, --version), got "fit".\n');
    const f = runBin(['summary', '--modle', 'x']);
    expect(f.code).toBe(2);
    expect(f.stderr).toBe('bilstm-attn summary: expected one of its options (see bilstm-attn summary --help), got --modle.\n');
  });

  it('runs the demo (npm run demo) on the names: a report, explained held-out names and the heatmap page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-demo-'));
    try {
      const r = runBin(['demo', '--epochs', '1', '--out', dir, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.train.data).toMatchObject({ source: 'names', classNames: ['female', 'male'], train: 6402, test: 1601, maxlen: 16 });
      expect(j.train.options.charLevel).toBe(true);
      expect(j.explain.explanations).toHaveLength(6);
      expect(j.explain.explanations[0].tokens.join('')).toBe(j.explain.explanations[0].text);
      for (const f of ['model.bilstm', 'report.json', 'training.svg', 'heatmap.html']) expect(existsSync(join(dir, f)), f).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
