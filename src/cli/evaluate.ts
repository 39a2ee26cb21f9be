// `bilstm-attn evaluate`: a trained model on labelled texts (a built-in set's held-out split, or a file or folder):
// loss, metrics and the confusion matrix.
import { init } from '../core/wasm.js';
import { ValueError, isPlainObject } from '../errors.js';
import { int, num, str, type Command } from './args.js';
import { dataSpec, labelIds, loadForEvaluation, loadTextModel } from './data.js';
import { printJson } from './output.js';
import { heldOutMetrics, printHeldOut } from './train.js';

export const evaluate: Command = {
  name: 'evaluate',
  summary: 'Evaluate a trained model on labelled texts: loss, accuracy, precision, recall, f1, auc and the confusion matrix.',
  usage: 'evaluate --model <file.bilstm> --data <file.csv|folder|names|spam> [options]',
  positionals: false,
  options: {
    model: { type: 'string', short: 'm', arg: '<file>', help: 'a model file written by `bilstm-attn train`' },
    data: { type: 'string', arg: '<src>', help: 'a CSV file or folder (every text is evaluated), or names / spam (their held-out split)' },
    'text-column': { type: 'string', arg: '<name|i>', help: 'CSV column of the texts (default text)' },
    'label-column': { type: 'string', arg: '<name|i>', help: 'CSV column of the labels (default label)' },
    seed: { type: 'string', arg: '<n>', help: 'split seed for names / spam (default: the one the model was trained with)' },
    'test-split': { type: 'string', arg: '<f>', help: 'held-out fraction for names / spam (default: the one the model was trained with)' },
    'batch-size': { type: 'string', arg: '<n>', help: 'batch size (default 256)' },
  },
  async run(v, _pos, out) {
    const c = 'evaluate';
    const spec = dataSpec(c, v);
    const batchSize = int(c, v, 'batch-size', 256, 1);
    await init();
    const tm = await loadTextModel(c, str(v, 'model'));
    const saved = tm.model.metadata.userDefinedMetadata?.split;
    const split = isPlainObject(saved) ? saved as { seed?: number; testFraction?: number } : {};
    const seed = int(c, v, 'seed', split.seed ?? 1, 0, 0xffffffff);
    const testFraction = num(c, v, 'test-split', split.testFraction ?? 0.2, 0, 1, true);
    const ds = await loadForEvaluation(spec, testFraction, seed);
    const mapped = { texts: ds.texts, labels: labelIds(c, ds, tm.labels), classNames: tm.labels };
    if (tm.model.getCompileConfig() === null) throw new ValueError(`bilstm-attn evaluate: expected a compiled model (its loss) in ${JSON.stringify(str(v, 'model'))}, got none.`);
    const h = heldOutMetrics(tm.model, tm.encode(ds.texts), mapped, batchSize);
    if (v.json) {
      printJson(out, { command: 'evaluate', model: str(v, 'model'), data: spec.data, labels: tm.labels, ...h });
      return;
    }
    printHeldOut(out, h, tm.labels, `${spec.data}${spec.kind === 'names' || spec.kind === 'spam' ? ' held-out split' : ''}`);
  },
};
