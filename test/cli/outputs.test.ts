// CLI outputs a review found inconsistent: evaluate's table printed NaN for an undefined AUC (--json says null), train
// --out naming a file failed with EEXIST after the whole fit (now a usage error at once), and train's report names
// the class names `labels` at the top as the other commands do.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../src/index.js';
import { parse, describeError, type Command, type Output } from '../../src/cli/args.js';
import { train, runTrain, trainOptions } from '../../src/cli/train.js';
import { evaluate } from '../../src/cli/evaluate.js';
import { predict } from '../../src/cli/predict.js';
import { writeData, SMALL } from '../helpers/cli.js';

const quiet: Output = { log: () => {}, err: () => {}, isTTY: false };
let d: ReturnType<typeof writeData>;
let model = '';
const csvArgs = () => ['--data', d.csv, '--text-column', 'review', '--label-column', 'sentiment'];
beforeAll(async () => {
  d = writeData();
  await init();
  model = (await runTrain(trainOptions(parse(train, [...csvArgs(), '--out', join(d.dir, 'm'), ...SMALL]).values), quiet)).modelPath;
});
afterAll(() => d?.rm());

async function run(cmd: Command, argv: string[]): Promise<{ lines: string[]; error: ReturnType<typeof describeError> | null }> {
  const lines: string[] = [];
  const { values, positionals } = parse(cmd, argv);
  try {
    await cmd.run(values, positionals, { log: (l) => lines.push(l), err: () => {}, isTTY: false });
    return { lines, error: null };
  } catch (e) {
    return { lines, error: describeError(cmd.name, e) };
  }
}

describe('evaluate on data with one class: auc undefined', () => {
  it('the table says n/a (metricsTable\'s null case) as --json says null, not "NaN"', async () => {
    const csv = join(d.dir, 'one.csv');
    writeFileSync(csv, 'text,label\na good film,pos\ngreat superb,pos\nlovely,pos\n');
    const j = JSON.parse((await run(evaluate, ['--model', model, '--data', csv, '--json'])).lines.join('\n'));
    expect(j.metrics.auc).toBeNull();
    const human = (await run(evaluate, ['--model', model, '--data', csv])).lines;
    expect(human.find((l) => /^\s+auc\s/.test(l))).toMatch(/n\/a$/);
  });
});

describe('train --out naming an existing file', () => {
  it('is a usage error (exit 2) naming --out, as a bad flag is (README "Command line")', async () => {
    const f = join(d.dir, 'a-file');
    writeFileSync(f, 'x');
    const t0 = Date.now();
    const r = await run(train, [...csvArgs(), '--out', f, ...SMALL, '--epochs', '20']);
    const ms = Date.now() - t0;
    expect(r.error).not.toBeNull();
    // the whole fit (train.ts runTrain), while --out naming a folder whose model.bilstm is a folder gives exit 2
    expect(r.error!.code, `${r.error!.line} (after ${ms} ms)`).toBe(2);
    expect(r.error!.line).toMatch(/--out/);
  });
});

describe('field names for the same thing across --json documents', () => {
  it('train --json names the class names `labels` like evaluate, predict, explain and summary', async () => {
    const rep = JSON.parse((await run(train, [...csvArgs(), '--out', join(d.dir, 'j'), ...SMALL, '--json'])).lines.join('\n'));
    const ev = JSON.parse((await run(evaluate, ['--model', model, '--data', d.csv, '--text-column', 'review', '--label-column', 'sentiment', '--json'])).lines.join('\n'));
    const pr = JSON.parse((await run(predict, ['--model', model, '--json', 'a good film'])).lines.join('\n'));
    expect(ev.labels).toEqual(['neg', 'pos']);
    expect(pr.labels).toEqual(['neg', 'pos']);
    // the held-out block has evaluate's keys (samples, loss, metrics, confusionMatrix) but the labels live elsewhere
    expect(Object.keys(rep.heldOut)).toEqual(['samples', 'loss', 'metrics', 'confusionMatrix']);
    expect(rep.labels ?? rep.heldOut.labels).toEqual(['neg', 'pos']);
  });
});
