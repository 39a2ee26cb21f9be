// `bilstm-attn summary` through the built bin: the layer table, labels and preprocessing, and --json.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runBin, trainCsv, writeData } from '../helpers/cli.js';

let d: ReturnType<typeof writeData>;
let model = '';
beforeAll(() => { d = writeData(); model = trainCsv(d.csv, d.dir); });
afterAll(() => d?.rm());

describe('bilstm-attn summary', () => {
  it('prints the layers, parameters, labels and preprocessing; --json gives them as one document', () => {
    const r = runBin(['summary', '--model', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/embedding/i);
    expect(r.stdout).toMatch(/bidirectional/i);
    expect(r.stdout).toMatch(/attention/i);
    expect(r.stdout).toMatch(/Total params: [\d,]+/);
    expect(r.stdout).toContain('labels: neg, pos');
    expect(r.stdout).toMatch(/preprocessing: \{"maxlen":12,"padding":"post","truncating":"post","charLevel":false/);
    const j = JSON.parse(runBin(['summary', '--model', model, '--json']).stdout);
    expect(j.labels).toEqual(['neg', 'pos']);
    expect(j.preprocessing.maxlen).toBe(12);
    expect(j.config.config.layers.map((l: { className: string }) => l.className)).toEqual(['Embedding', 'Bidirectional', 'Attention', 'Dense']);
    expect(j.params).toBe(Number(/Total params: ([\d,]+)/.exec(r.stdout)![1].replace(/,/g, '')));
    expect(j.history.loss).toHaveLength(3);
  });
});
