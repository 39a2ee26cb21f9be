// `bilstm-attn train` through the built bin: byte-identical model files for one seed, other bytes for another, the
// --json report, report.json and training.svg on disk, softmax for 3 labels, and exit codes for bad input.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, loadModel } from '../../src/index.js';
import { runBin, trainCsv, writeData, SMALL } from '../helpers/cli.js';

let d: ReturnType<typeof writeData>;
beforeAll(() => { d = writeData(); });
afterAll(() => d?.rm());

const csvArgs = () => ['--data', d.csv, '--text-column', 'review', '--label-column', 'sentiment'];

describe('bilstm-attn train', () => {
  it('writes the same model bytes for the same seed (with 1 or 2 threads) and other bytes for another seed', () => {
    const a = readFileSync(trainCsv(d.csv, d.dir, 'a'));
    const b = readFileSync(trainCsv(d.csv, d.dir, 'b', ['--threads', '2']));
    const c = readFileSync(trainCsv(d.csv, d.dir, 'c', ['--seed', '2']));
    expect(a.length).toBeGreaterThan(1000);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, c)).not.toBe(0);
  });

  it('--json prints the report (and nothing else) and writes report.json, training.svg and the model', () => {
    const out = join(d.dir, 'json');
    const r = runBin(['train', ...csvArgs(), '--out', out, ...SMALL, '--verbose', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(Object.keys(rep)).toEqual(expect.arrayContaining(['options', 'data', 'model', 'history', 'heldOut', 'seconds', 'versions', 'files']));
    expect(rep.data).toMatchObject({ classNames: ['neg', 'pos'], texts: 200, train: 160, test: 40, maxlen: 12 });
    expect(rep.data.validation).toBe(16);
    expect(rep.history.loss).toHaveLength(3);
    expect(rep.history.val_loss).toHaveLength(3);
    expect(Object.keys(rep.heldOut.metrics)).toEqual(['accuracy', 'precision', 'recall', 'f1', 'auc']);
    const cm: number[][] = rep.heldOut.confusionMatrix;
    expect(cm.flat().reduce((s, v) => s + v, 0)).toBe(40);
    expect((cm[0][0] + cm[1][1]) / 40).toBeCloseTo(rep.heldOut.metrics.accuracy, 12);
    expect(rep.versions['bilstm-attn']).toMatch(/^\d+\.\d+\.\d+/);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(rep);
    const svg = readFileSync(join(out, 'training.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline class="train"/g)).toHaveLength(2);
    expect(svg.match(/<polyline class="val"/g)).toHaveLength(2);
    expect(existsSync(join(out, 'model.bilstm'))).toBe(true);
  });

  it('keeps the weights of the epoch with the lowest val_loss (--keep-last: the last epoch\'s), bit for bit', async () => {
    // a task that overfits: the label is whether "alpha" occurs, flipped for a quarter of the texts (seeded)
    let s = 7;
    const rnd = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
    const words = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];
    const rows = ['review,sentiment'];
    for (let i = 0; i < 200; i++) {
      const w = Array.from({ length: 8 }, () => words[Math.floor(rnd() * words.length)]);
      rows.push(`${w.join(' ')},${w.includes('alpha') !== (rnd() < 0.25) ? 'pos' : 'neg'}`);
    }
    const csv = join(d.dir, 'noisy.csv');
    writeFileSync(csv, rows.join('\n') + '\n');
    const train = (name: string, extra: string[]) => {
      const r = runBin(['train', '--data', csv, '--text-column', 'review', '--label-column', 'sentiment', '--out', join(d.dir, name), ...SMALL,
        '--learning-rate', '0.03', '--val-split', '0.3', '--json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { keptEpoch: number; history: { val_loss: number[] } };
    };
    const best = train('best', ['--epochs', '8']);
    const vl = best.history.val_loss;
    expect(vl).toHaveLength(8);
    expect(best.keptEpoch).toBe(vl.indexOf(Math.min(...vl)) + 1);
    expect(best.keptEpoch).toBeGreaterThan(1); // this data's best epoch lies inside the run, so the test can fail
    expect(best.keptEpoch).toBeLessThan(8);
    // the same seed for keptEpoch epochs is the long run's trajectory up to there: the kept weights are its weights
    expect(train('short', ['--epochs', String(best.keptEpoch), '--keep-last']).keptEpoch).toBe(best.keptEpoch);
    expect(train('last', ['--epochs', '8', '--keep-last']).keptEpoch).toBe(8);
    expect(train('noval', ['--epochs', '8', '--val-split', '0']).keptEpoch).toBe(8);
    await init();
    const weights = async (name: string) => (await loadModel(join(d.dir, name, 'model.bilstm'))).getWeights().map((w) => Buffer.from(w.data.buffer));
    const [wb, ws, wl] = [await weights('best'), await weights('short'), await weights('last')];
    expect(wb.length).toBeGreaterThan(5);
    wb.forEach((w, i) => expect(Buffer.compare(w, ws[i]), `weight ${i}`).toBe(0));
    expect(wb.some((w, i) => Buffer.compare(w, wl[i]) !== 0)).toBe(true);
  });

  it('learns the easy task and prints the held-out metrics and confusion matrix', () => {
    const r = runBin(['train', ...csvArgs(), '--out', join(d.dir, 'human'), ...SMALL, '--epochs', '5']);
    expect(r.code).toBe(0);
    const acc = Number(/^\s+accuracy\s+([\d.]+)$/m.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThanOrEqual(0.9);
    expect(r.stdout).toMatch(/true \\ predicted\s+neg\s+pos/);
    expect(r.stdout).toMatch(/wrote .*model\.bilstm/);
  });

  it('--cell gru trains a Bi-GRU that learns the easy task; predict and explain read its file', async () => {
    const out = join(d.dir, 'gru');
    const r = runBin(['train', ...csvArgs(), '--out', out, ...SMALL, '--epochs', '5', '--cell', 'gru', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).heldOut.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    await init();
    const m = await loadModel(join(out, 'model.bilstm'));
    expect(m.getConfig().config.layers[1]).toMatchObject({ className: 'Bidirectional', config: { layer: { className: 'GRU' } } });
    const p = runBin(['predict', '--model', join(out, 'model.bilstm'), '--json', 'a truly wonderful film']);
    expect(p.code, p.stderr).toBe(0);
    const e = runBin(['explain', '--model', join(out, 'model.bilstm'), 'a truly wonderful film']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^1\. (neg|pos) \(p = [\d.]+\)\na:[\d.]+ /);
  });

  it('trains a softmax head on a folder with 3 labels', () => {
    const r = runBin(['train', '--data', d.folder, '--out', join(d.dir, 'folder'), ...SMALL, '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.data.classNames).toEqual(['mixed', 'neg', 'pos']);
    expect(rep.heldOut.confusionMatrix).toHaveLength(3);
    expect(rep.heldOut.confusionMatrix.flat().reduce((s: number, v: number) => s + v, 0)).toBe(24);
    expect(Object.keys(rep.heldOut.metrics)).toEqual(['accuracy', 'precision', 'recall', 'f1', 'auc']);
    const cm: number[][] = rep.heldOut.confusionMatrix;
    expect((cm[0][0] + cm[1][1] + cm[2][2]) / 24).toBeCloseTo(rep.heldOut.metrics.accuracy, 12);
    // macro recall: the mean over classes of the diagonal over the row
    expect(cm.reduce((s, row, i) => s + row[i] / row.reduce((a, b) => a + b, 0), 0) / 3).toBeCloseTo(rep.heldOut.metrics.recall, 6);
  });

  it('exits 2 on bad flags and missing data, 1 on unreadable rows, with one line on stderr', () => {
    const bad = [
      [['train'], 2, /^bilstm-attn train: expected --data <file\.csv\|folder\|names\|spam>, got none\.$/],
      [['train', ...csvArgs(), '--val-split', '1.5'], 2, /expected --val-split to be a number in \[0, 1\), got "1\.5"\./],
      [['train', ...csvArgs(), '--units'], 2, /expected a value after --units/],
      [['train', ...csvArgs(), '--cell', 'rnn'], 2, /expected --cell to be one of lstm, gru, simpleRNN, got "rnn"/],
      [['train', ...csvArgs(), '--test-split', '0'], 2, /expected --test-split to leave texts for both training and the held-out test, got 0 \(200 and 0 texts\)\./],
      [['train', '--data', join(d.dir, 'nope.csv')], 2, /expected --data to be names, spam, a CSV file or a folder, got ".*nope\.csv" \(no such file or folder\)\./],
      [['train', '--data', d.csv, '--text-column', 'body', '--out', join(d.dir, 'x')], 1, /^bilstm-attn train: ValueError: .*body/],
    ] as const;
    for (const [args, code, re] of bad) {
      const r = runBin([...args]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(re);
    }
  });
});
