// `bilstm-attn demo` (npm run demo): trains first name -> gender at character level with the progress bar, prints the
// held-out metrics, explains a few names and writes the heatmap HTML, all into one output folder.
import { join } from 'node:path';
import { int, str, type Command } from './args.js';
import { dataSpec } from './data.js';
import { explainFile, runExplain } from './explain.js';
import { printJson } from './output.js';
import { printHeldOut, runTrain, trainOptions } from './train.js';

export const demo: Command = {
  name: 'demo',
  summary: 'Train on the names data set (first name -> gender, characters), then explain a few names; writes into --out.',
  usage: 'demo [--out dir] [--epochs n] [--threads n]',
  positionals: false,
  options: {
    out: { type: 'string', short: 'o', arg: '<dir>', help: 'output folder (default demo-output)' },
    epochs: { type: 'string', arg: '<n>', help: 'epochs (default 10)' },
    threads: { type: 'string', arg: '<n>', help: 'threads (default 1)' },
    seed: { type: 'string', arg: '<n>', help: 'seed (default 1)' },
  },
  async run(v, _pos, out) {
    const dir = str(v, 'out') ?? 'demo-output';
    const o = trainOptions({ data: 'names', out: dir, epochs: String(int('demo', v, 'epochs', 10, 1)), threads: String(int('demo', v, 'threads', 1, 1, 64)), seed: String(int('demo', v, 'seed', 1, 0, 0xffffffff)),
      'batch-size': '64', maxlen: '16', json: v.json });
    o.data = dataSpec('demo', { data: 'names' });
    if (v.json) {
      // one document: the training report and the explanations
      const r = await runTrain(o, out);
      const names = r.test.texts.slice(0, 6);
      const html = join(dir, 'heatmap.html');
      const ex = await explainFile('demo', r.modelPath, names, html);
      printJson(out, { command: 'demo', train: r.report, explain: { ...ex, trueLabels: r.test.labels.slice(0, 6), html } });
      return;
    }
    out.log(`$ bilstm-attn train --data names --maxlen 16 --batch-size 64 --epochs ${o.epochs} --out ${dir}`);
    const r = await runTrain(o, out);
    printHeldOut(out, r.heldOut, (r.report.data as { classNames: string[] }).classNames, 'held-out test');
    const names = r.test.texts.slice(0, 6);
    const html = join(dir, 'heatmap.html');
    out.log(`\nthe first held-out names (true label): ${names.map((n, i) => `${n} (${r.test.labels[i]})`).join(', ')}`);
    out.log(`$ bilstm-attn explain --model ${r.modelPath} ${names.join(' ')} --html ${html}`);
    await runExplain('demo', r.modelPath, names, html, out, { json: false });
    out.log(`\nopen ${html} in a browser; the training curves are in ${r.plotPath}`);
  },
};
