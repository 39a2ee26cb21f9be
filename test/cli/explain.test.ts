// `bilstm-attn explain` through the built bin: tokens and attention weights as JSON, the HTML file, plain output
// when stdout is not a terminal and colour when forced.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBin, trainCsv, writeData } from '../helpers/cli.js';

let d: ReturnType<typeof writeData>;
let model = '';
beforeAll(() => { d = writeData(); model = trainCsv(d.csv, d.dir); });
afterAll(() => d?.rm());

describe('bilstm-attn explain', () => {
  it('gives the real tokens with attention weights summing to 1, and writes the HTML heatmap', () => {
    const html = join(d.dir, 'heat.html');
    const r = runBin(['explain', '--model', model, 'the plot was awful', 'a great film', '--html', html, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.explanations).toHaveLength(2);
    expect(j.explanations[0].tokens).toEqual(['the', 'plot', 'was', 'awful']);
    expect(j.explanations[1].tokens).toEqual(['a', 'great', 'film']);
    for (const e of j.explanations) {
      const s = e.weights.reduce((a: number, b: number) => a + b, 0);
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
      expect(e.weights).toHaveLength(e.tokens.length);
    }
    // the cue word carries the most attention
    expect(j.explanations[0].weights.indexOf(Math.max(...j.explanations[0].weights))).toBe(3);
    expect(j.explanations.map((e: { label: string }) => e.label)).toEqual(['neg', 'pos']);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('awful');
  });

  it('prints plain weights when stdout is not a terminal, ANSI colours with FORCE_COLOR', () => {
    const plain = runBin(['explain', '--model', model, 'a great film']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout).toMatch(/^1\. pos \(p = 0\.\d+\)\na:0\.\d\d great:0\.\d\d film:0\.\d\d$/m);
    const color = runBin(['explain', '--model', model, 'a great film'], { env: { FORCE_COLOR: '1' } });
    expect(color.code).toBe(0);
    expect(color.stdout).toMatch(/\x1b\[48;5;\d+;38;5;\d+m great \x1b\[0m/);
    const tc = runBin(['explain', '--model', model, 'a great film', '--color'], { env: { COLORTERM: 'truecolor' } });
    expect(tc.stdout).toMatch(/\x1b\[48;2;\d+;\d+;\d+;38;2;\d+;\d+;\d+m great \x1b\[0m/);
    const none = runBin(['explain', '--model', model]);
    expect(none.code).toBe(2);
    expect(none.stderr.trimEnd()).toBe('bilstm-attn explain: expected at least one text to explain, got none.');
  });
});
