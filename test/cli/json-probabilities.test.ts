// predict --json's and explain --json's `probabilities`: an array in the order of `labels`, the same in both. Before,
// predict keyed an object by label (integer-like labels listed first, ascending: '1', '2', '10', '01', '1.0'; a class
// named __proto__ lost) and explain gave a binary model's [p(labels[1])] beside labels [neg, pos]. src/ called directly.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../src/index.js';
import { parse, type Command, type Output } from '../../src/cli/args.js';
import { train, runTrain, trainOptions } from '../../src/cli/train.js';
import { predict } from '../../src/cli/predict.js';
import { explain } from '../../src/cli/explain.js';
import { writeData, SMALL } from '../helpers/cli.js';

const quiet: Output = { log: () => {}, err: () => {}, isTTY: false };
let d: ReturnType<typeof writeData>;
beforeAll(async () => { d = writeData(); await init(); });
afterAll(() => d?.rm());

async function runJson(cmd: Command, argv: string[]): Promise<any> {
  const lines: string[] = [];
  const { values, positionals } = parse(cmd, argv);
  await cmd.run(values, positionals, { log: (l) => lines.push(l), err: () => {}, isTTY: false });
  return JSON.parse(lines.join('\n'));
}

async function trainOn(name: string, labels: string[]): Promise<string> {
  const rows = ['text,label'];
  for (let i = 0; i < 100; i++) rows.push(`word${i % labels.length} filler x,${labels[i % labels.length]}`);
  const csv = join(d.dir, `${name}.csv`);
  writeFileSync(csv, rows.join('\n') + '\n');
  return (await runTrain(trainOptions(parse(train, ['--data', csv, '--out', join(d.dir, name), ...SMALL]).values), quiet)).modelPath;
}

describe('predict --json probabilities', () => {
  it('lists every class in `labels` order (output.ts: "every class\'s probability (labels order)") with numeric-looking labels', async () => {
    const model = await trainOn('numeric', ['1', '01', '1.0', '10', '2']);
    const j = await runJson(predict, ['--model', model, '--json', 'word1 filler']);
    expect(j.labels).toEqual(['01', '1', '1.0', '10', '2']); // distinct classes, sorted as strings: fine
    const probs = j.predictions[0].probabilities as number[];
    expect(probs).toHaveLength(5);
    // the predicted label is the one at the largest probability's index, and probability is that value
    const best = probs.indexOf(Math.max(...probs));
    expect([j.predictions[0].label, j.predictions[0].probability]).toEqual([j.labels[best], probs[best]]);
  });

  it('keeps a class whose label is "__proto__" (softmax head)', async () => {
    const model = await trainOn('proto', ['a', '__proto__', 'b']);
    const j = await runJson(predict, ['--model', model, '--json', 'word1 filler']);
    expect(j.labels).toContain('__proto__');
    expect(j.predictions[0].probabilities).toHaveLength(3); // (was an object where '__proto__' set the prototype)
  });
});

describe('explain --json vs predict --json', () => {
  it('gives probabilities aligned with `labels` as predict does (binary model)', async () => {
    const model = await trainOn('bin', ['neg', 'pos']);
    const p = await runJson(predict, ['--model', model, '--json', 'word1 filler']);
    const e = await runJson(explain, ['--model', model, '--json', 'word1 filler']);
    expect(e.labels).toEqual(p.labels);
    // both [p(neg), p(pos)] (explain gave the library's [p(pos)])
    expect(e.explanations[0].probabilities).toEqual(p.predictions[0].probabilities);
    expect(p.predictions[0].probabilities[1]).toBe(p.predictions[0].label === 'pos' ? p.predictions[0].probability : 1 - p.predictions[0].probability);
  });
});
