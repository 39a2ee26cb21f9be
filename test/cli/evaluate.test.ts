// `bilstm-attn evaluate` through the built bin: metrics and confusion matrix agree with the bin's own predictions,
// the table, and a label the model does not know.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBin, trainCsv, writeData, reviews } from '../helpers/cli.js';

let d: ReturnType<typeof writeData>;
let model = '';
beforeAll(() => { d = writeData(); model = trainCsv(d.csv, d.dir); });
afterAll(() => d?.rm());

describe('bilstm-attn evaluate', () => {
  it('reports metrics and a confusion matrix that match predict on every text of the file', () => {
    const rows = reviews(60, ['neg', 'pos'], 99);
    const csv = join(d.dir, 'eval.csv');
    writeFileSync(csv, 'text,label\n' + rows.map((r) => `${r.text},${r.label}`).join('\n') + '\n');
    const r = runBin(['evaluate', '--model', model, '--data', csv, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.samples).toBe(60);
    expect(Object.keys(j.metrics)).toEqual(['accuracy', 'precision', 'recall', 'f1', 'auc']);
    const p = JSON.parse(runBin(['predict', '--model', model, '--json', ...rows.map((x) => x.text)]).stdout).predictions as { label: string }[];
    const cm = [[0, 0], [0, 0]];
    rows.forEach((x, i) => { cm[x.label === 'pos' ? 1 : 0][p[i].label === 'pos' ? 1 : 0]++; });
    expect(j.confusionMatrix).toEqual(cm);
    expect(j.metrics.accuracy).toBeCloseTo((cm[0][0] + cm[1][1]) / 60, 12);
    const precision = cm[1][1] / (cm[1][1] + cm[0][1]);
    const recall = cm[1][1] / (cm[1][1] + cm[1][0]);
    expect(j.metrics.precision).toBeCloseTo(precision, 12);
    expect(j.metrics.recall).toBeCloseTo(recall, 12);
    expect(j.metrics.f1).toBeCloseTo((2 * precision * recall) / (precision + recall), 12);
    expect(j.loss).toBeGreaterThan(0);

    const human = runBin(['evaluate', '--model', model, '--data', csv]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\s+accuracy\s+\d\.\d{4}$/m);
    expect(human.stdout).toMatch(/true \\ predicted\s+neg\s+pos\n\s+neg\s+\d+\s+\d+\n\s+pos\s+\d+\s+\d+/);
  });

  it('exits 1 when the data has a label the model does not know, 2 without --data', () => {
    const csv = join(d.dir, 'other.csv');
    writeFileSync(csv, 'text,label\na great film,pos\nso so,meh\n');
    const r = runBin(['evaluate', '--model', model, '--data', csv]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(`bilstm-attn evaluate: expected labels among the model's ["neg","pos"], got "meh" in the data.`);
    const u = runBin(['evaluate', '--model', model]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/expected --data/);
  });
});
