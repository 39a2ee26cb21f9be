// `bilstm-attn predict`: the label and its probability for each text given on the command line or in a file.
import { init } from '../core/wasm.js';
import { int, str, usageError, type Command } from './args.js';
import { loadTextModel, loadTexts } from './data.js';
import { printJson, toPredictions, type Prediction } from './output.js';
import { displayToken } from '../viz/attention-heatmap.js';

/** Predictions for texts with a model file's own tokenizer and preprocessing. */
export async function predictTexts(cmd: string, modelPath: string | undefined, texts: string[], batchSize: number): Promise<{ labels: string[]; predictions: Prediction[] }> {
  await init();
  const tm = await loadTextModel(cmd, modelPath);
  const out = tm.model.predict(tm.encode(texts), { batchSize });
  return { labels: tm.labels, predictions: toPredictions(out.data, out.shape[out.shape.length - 1], tm.labels) };
}

export const predict: Command = {
  name: 'predict',
  summary: 'Predict the label of texts with a trained model: one line per text, label and probability.',
  usage: 'predict --model <file.bilstm> "text" ... | --data <file.txt|file.csv>',
  positionals: true,
  options: {
    model: { type: 'string', short: 'm', arg: '<file>', help: 'a model file written by `bilstm-attn train`' },
    data: { type: 'string', arg: '<file>', help: 'texts to predict: one per line, or a CSV file (its text column)' },
    'text-column': { type: 'string', arg: '<name|i>', help: 'CSV column of the texts (default text)' },
    'batch-size': { type: 'string', arg: '<n>', help: 'batch size (default 256)' },
  },
  more: 'Output: <label>\\t<probability>\\t<text> per line; --json gives { labels, predictions: [{ text, label, probability, probabilities }] }.',
  async run(v, pos, out) {
    const c = 'predict';
    const batchSize = int(c, v, 'batch-size', 256, 1);
    const file = str(v, 'data');
    if (file !== undefined && pos.length > 0) throw usageError(c, 'texts or --data, not both', `${pos.length} text(s) and --data`);
    const col = str(v, 'text-column');
    const texts = file !== undefined ? await loadTexts(c, file, col === undefined ? 'text' : /^\d+$/.test(col) ? Number(col) : col) : pos;
    if (texts.length === 0) throw usageError(c, 'at least one text (arguments or --data)', 'none');
    const { labels, predictions } = await predictTexts(c, str(v, 'model'), texts, batchSize);
    if (v.json) {
      printJson(out, { command: 'predict', labels, predictions: predictions.map((p, i) => ({ text: texts[i], label: p.label, probability: p.probability, probabilities: p.probabilities })) });
      return;
    }
    // a label or text's control characters shown as symbols (displayToken), never sent to the terminal
    predictions.forEach((p, i) => out.log(`${displayToken(p.label)}\t${p.probability.toFixed(4)}\t${displayToken(texts[i].replace(/\s+/g, ' '))}`));
  },
};
