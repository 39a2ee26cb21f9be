// `bilstm-attn predict` through the built bin: the same probabilities as the library's predict on the saved model,
// texts from arguments or a file, the line format, and exit codes for a missing, corrupt or foreign model file.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, loadModel, tokenizerFromJSON, padSequences, sequential, layers, losses, Sequential } from '../../src/index.js';
import { runBin, trainCsv, writeData } from '../helpers/cli.js';

let d: ReturnType<typeof writeData>;
let model = '';
beforeAll(async () => { d = writeData(); model = trainCsv(d.csv, d.dir); await init(); });
afterAll(() => d?.rm());

const TEXTS = ['a great film', 'the plot was awful', 'quite good acting', 'unseen words only here', ''];

describe('bilstm-attn predict', () => {
  it('gives the probabilities the library gives for the same texts and saved model, bit for bit', async () => {
    const r = runBin(['predict', '--model', model, ...TEXTS, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.labels).toEqual(['neg', 'pos']);
    const m = await loadModel(model);
    const tok = tokenizerFromJSON(m.metadata.tokenizer as string);
    const pre = m.metadata.preprocessing as { maxlen: number; padding: 'pre' | 'post'; truncating: 'pre' | 'post' };
    const p = m.predict(padSequences(tok.textsToSequences(TEXTS), { maxlen: pre.maxlen, padding: pre.padding, truncating: pre.truncating })).data;
    expect(j.predictions).toHaveLength(TEXTS.length);
    j.predictions.forEach((q: { text: string; label: string; probability: number; probabilities: Record<string, number> }, i: number) => {
      expect(q.text).toBe(TEXTS[i]);
      expect(q.probabilities[1]).toBe(p[i]); // (labels order: neg, pos)
      expect(q.label).toBe(p[i] > 0.5 ? 'pos' : 'neg');
      expect(q.probability).toBe(p[i] > 0.5 ? p[i] : 1 - p[i]);
    });
    // the model learned the cue words
    expect(j.predictions.slice(0, 3).map((q: { label: string }) => q.label)).toEqual(['pos', 'neg', 'pos']);
  });

  it('reads texts from a file (one per line, blank lines skipped) and prints label, probability, text', () => {
    const r = runBin(['predict', '--model', model, '--data', d.texts]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^pos\t0\.\d{4}\ta great film$/);
    expect(lines[1]).toMatch(/^neg\t0\.\d{4}\tthe plot was awful$/);
  });

  it('exits 2 for a missing model or no texts, 1 for a corrupt or foreign model file or labels that do not fit it', async () => {
    const corrupt = join(d.dir, 'corrupt.bilstm');
    const bytes = readFileSync(model);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(corrupt, bytes);
    const plain = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }), layers.dense({ units: 1 })] });
    const foreign = join(d.dir, 'plain.bilstm');
    plain.build();
    await plain.save(foreign);
    // labels that do not name the model's classes (one sigmoid unit: 2): predictions with undefined labels before
    const relabeled = async (labels: string[]) => {
      const m = await loadModel(model);
      m.metadata = { ...m.metadata, labels };
      const p = join(d.dir, `labels-${labels.length}.bilstm`);
      await m.save(p);
      m.dispose();
      return p;
    };
    const one = await relabeled(['pos']), three = await relabeled(['a', 'b', 'c']);
    // the same model with a linear last layer compiled with a loss fromLogits: its outputs are logits
    const logitsModel = async () => {
      const m = await loadModel(model);
      const config = m.getConfig();
      const last = config.config.layers[config.config.layers.length - 1];
      last.config.activation = 'linear';
      const l = Sequential.fromConfig(config);
      l.setWeights(m.getWeights());
      l.compile({ optimizer: 'adam', loss: losses.binaryCrossentropy({ fromLogits: true }) });
      l.metadata = m.metadata;
      const p = join(d.dir, 'logits.bilstm');
      await l.save(p);
      m.dispose(); l.dispose();
      return p;
    };
    const logits = await logitsModel();
    const cases = [
      [['predict', '--model', one, 'x'], 1, /^bilstm-attn predict: expected metadata\.labels in ".*labels-1\.bilstm" to name the model's 2 classes \(one sigmoid unit: 2 labels\), got 1 label \["pos"\]\.$/],
      [['predict', '--model', three, 'x'], 1, /expected metadata\.labels .* to name the model's 2 classes .*got 3 labels \["a","b","c"\]\.$/],
      [['predict', '--model', join(d.dir, 'none.bilstm'), 'x'], 2, /^bilstm-attn predict: expected --model to name a model file, got ".*none\.bilstm" \(no such file\)\.$/],
      [['predict', '--model', model], 2, /^bilstm-attn predict: expected at least one text \(arguments or --data\), got none\.$/],
      [['predict', '--model', model, 'x', '--data', d.texts], 2, /expected texts or --data, not both/],
      [['predict', '--model', corrupt, 'x'], 1, /^bilstm-attn predict: CheckpointError: .*checksum/],
      [['predict', '--model', d.csv, 'x'], 1, /^bilstm-attn predict: CheckpointError: /],
      [['predict', '--model', foreign, 'x'], 1, /^bilstm-attn predict: expected a model written by `bilstm-attn train` \(metadata\.tokenizer\)/],
      [['predict', '--model', logits, 'x'], 1, /^bilstm-attn predict: expected a model whose outputs are probabilities \(a last sigmoid or softmax\), got ".*logits\.bilstm", compiled with a loss fromLogits on a last "linear" output \(logits\)\.$/],
    ] as const;
    for (const [args, code, re] of cases) {
      const r = runBin([...args]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(re);
    }
  });
});
