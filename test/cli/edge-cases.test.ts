// CLI edge cases (src/ called directly): text files with a BOM or CR line ends, a CSV's header row under a numeric
// --text-column, predict and explain padding a model the same way when its file names only maxlen (Keras's 'pre'),
// explain on a model it cannot read (exit 1, not usage), flag values that start with '-', demo's own flag errors,
// and summary's tokenizer line (the vocabulary kept, not the tokens train saw).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, loadModel, layers, sequential, tokenizer, tokenizerFromJSON } from '../../src/index.js';
import { loadTexts } from '../../src/cli/data.js';
import { loadCsv } from '../../src/data/load-csv.js';
import { parse, describeError, type Output } from '../../src/cli/args.js';
import { train, runTrain, trainOptions } from '../../src/cli/train.js';
import { explain as explainCmd, explainFile } from '../../src/cli/explain.js';
import { predict as predictCmd, predictTexts } from '../../src/cli/predict.js';
import { writeData, SMALL } from '../helpers/cli.js';

let d: ReturnType<typeof writeData>;
let model = '';
const quiet: Output = { log: () => {}, err: () => {}, isTTY: false };

beforeAll(async () => {
  d = writeData();
  await init();
  const { values } = parse(train, ['--data', d.csv, '--text-column', 'review', '--label-column', 'sentiment', '--out', join(d.dir, 'm'), ...SMALL]);
  model = (await runTrain(trainOptions(values), quiet)).modelPath;
}, 120_000);
afterAll(() => d?.rm());

describe('predict --data: text files', () => {
  it('drops a UTF-8 BOM from a text file and splits at CR too, as loadCsv and loadTextFolder do', async () => {
    const p = join(d.dir, 'bom.txt');
    writeFileSync(p, '\ufeffa great film\nthe plot was awful\rquite good acting\r\n\n');
    // (the BOM made the first word an OOV '\ufeffa'; a lone CR joined two texts)
    expect(await loadTexts('predict', p, 'text')).toEqual(['a great film', 'the plot was awful', 'quite good acting']);
  });

  it('a CSV with a numeric --text-column skips the header row, as train/evaluate do with the same flags', async () => {
    const fromPredict = await loadTexts('predict', d.csv, 1);
    const fromTrain = (await loadCsv(d.csv, { textColumn: 1, labelColumn: 2 })).texts;
    expect(fromPredict[0]).not.toBe('review'); // the header cell is predicted as a text
    expect(fromPredict).toEqual(fromTrain);
  });
});

describe('explain vs predict on a model whose preprocessing names only maxlen', () => {
  it('both pad the same way (predict defaults to post, explain to pre): same probabilities', async () => {
    const m = await loadModel(model);
    const pre = m.metadata.preprocessing as { maxlen: number };
    m.metadata = { ...m.metadata, preprocessing: { maxlen: pre.maxlen } };
    const p = join(d.dir, 'maxlen-only.bilstm');
    await m.save(p);
    m.dispose();
    const texts = ['a great film', 'the plot was awful'];
    const pr = await predictTexts('predict', p, texts, 32);
    const ex = await explainFile('explain', p, texts, undefined);
    for (let i = 0; i < texts.length; i++) {
      expect(ex.explanations[i].probabilities[0]).toBe(pr.predictions[i].probabilities[1]); // (the library: [p(pos)]; predict: labels order)
    }
  });
});

describe('explain exit code for a foreign model file', () => {
  it('a model file with a tokenizer but no attention layer is a runtime error (1), like predict on a foreign file', async () => {
    const tok = tokenizer({ oovToken: '<OOV>' }).fitOnTexts(['a b c']);
    const m = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }),
      layers.globalAveragePooling1D(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    m.build();
    m.metadata = { labels: ['neg', 'pos'], tokenizer: tok.toJSON(), preprocessing: { maxlen: 3, padding: 'post', truncating: 'post', charLevel: false } };
    const p = join(d.dir, 'noattn.bilstm');
    await m.save(p);
    m.dispose();
    const { values, positionals } = parse(explainCmd, ['--model', p, 'a b']);
    const err = await explainCmd.run(values, positionals, quiet).then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull();
    const dsc = describeError('explain', err);
    // predict on the same file runs; explain refused it with a ConfigError, which describeError maps to exit 2 (usage)
    expect(dsc.code, dsc.line).toBe(1);
    expect(dsc.line).toMatch(/^bilstm-attn explain: expected a model file explain can read, got ".*noattn\.bilstm": explain: expected a model with an attention layer/);
    const { values: pv, positionals: pp } = parse(predictCmd, ['--model', p, 'a b']);
    await predictCmd.run(pv, pp, quiet);
  });
});


describe('usage errors name what was found', () => {
  it('a negative or dash-leading value is reported as given, not as "none"', () => {
    for (const [argv, value] of [[['--data', 'names', '--batch-size', '-1'], '-1'], [['--data', 'names', '--seed', '-5'], '-5'], [['--data', 'names', '--json=false'], 'false']] as const) {
      let line = '';
      try { trainOptions(parse(train, [...argv]).values); } catch (e) { line = describeError('train', e).line; }
      // was: "bilstm-attn train: expected a value after --batch-size, got none."
      expect(line).not.toMatch(/got none/);
      expect(line).toContain(`"${value}"`);
      if (value !== 'false') expect(line).toContain(`which reads as an option (write --${argv[2].slice(2)}=${value})`);
    }
  });

  // the optimizer takes 0 now (as Keras); the CLI still wants a rate that trains: > 0 as the float32 the kernels take,
  // so 1e-46 (0 there) is refused like 0 (a review: it trained at rate 0 without a word)
  it('--learning-rate 0 and 1e-46 (0 as a float32) are refused, 1e-8 taken', () => {
    const line = (lr: string) => {
      try { trainOptions(parse(train, ['--data', 'names', '--learning-rate', lr]).values); return ''; } catch (e) { return describeError('train', e).line; }
    };
    expect(line('0')).toBe('bilstm-attn train: expected --learning-rate to be a number > 0 (as a float32) and <= 10, got "0".');
    expect(line('1e-46')).toBe('bilstm-attn train: expected --learning-rate to be a number > 0 (as a float32) and <= 10, got "1e-46".');
    expect(line('11')).toMatch(/expected --learning-rate to be a number in \[0, 10\], got "11"/);
    expect(line('1e-8')).toBe('');
  });
});

describe('demo flag errors', () => {
  it('name the demo command, not train', async () => {
    const { demo } = await import('../../src/cli/demo.js');
    const { values } = parse(demo, ['--threads', '100', '--out', join(d.dir, 'demo')]);
    const err = await demo.run(values, [], quiet).then(() => null, (e: unknown) => e);
    // was: "bilstm-attn train: expected --threads to be an integer in [1, 64], got "100"."
    expect(describeError('demo', err).line).toMatch(/^bilstm-attn demo: expected --threads to be an integer in \[1, 64\], got "100"/);
  });
});

describe('summary', () => {
  it('names the tokenizer\'s vocabulary as kept in the file (train --vocab trims it), not as the tokens train saw', async () => {
    const { values } = parse(train, ['--data', d.csv, '--text-column', 'review', '--label-column', 'sentiment', '--out', join(d.dir, 'v5'), ...SMALL, '--vocab', '5']);
    const r = await runTrain(trainOptions(values), quiet);
    const seen = (r.report.data as { tokensSeen: number }).tokensSeen;
    const { summary } = await import('../../src/cli/summary.js');
    const lines: string[] = [];
    await summary.run(parse(summary, ['--model', r.modelPath]).values, [], { log: (l) => lines.push(l), err: () => {}, isTTY: false });
    // was "tokenizer: 4 tokens seen in training" while train saw (and report.json says) ~25
    const kept = tokenizerFromJSON((await loadModel(r.modelPath)).metadata.tokenizer as string).wordIndex.size;
    expect(kept).toBeLessThan(seen);
    expect(lines.find((l) => l.startsWith('tokenizer:'))).toBe(`tokenizer: ${kept} tokens in its vocabulary`);
  });
});
