// `bilstm-attn explain`: the prediction for texts and the attention paid to each token, as a terminal heatmap
// (coloured on a terminal, plain weights otherwise) and optionally a self-contained HTML file.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { init } from '../core/wasm.js';
import { ConfigError, ValueError } from '../errors.js';
import { str, usageError, type Command, type Output } from './args.js';
import { loadTextModel } from './data.js';
import { printJson } from './output.js';
import { explain as explainTexts, type Explanation } from '../model/explain.js';
import { attentionHeatmap, terminalHeatmap } from '../viz/attention-heatmap.js';

/**
 * Colour on a terminal unless NO_COLOR is set; FORCE_COLOR or --color force it. 24-bit when COLORTERM says the
 * terminal has it, else the 256-colour cube.
 */
export function useColor(out: Output, flag: boolean | undefined): false | 'truecolor' | 'ansi256' {
  if (flag === false) return false;
  const env = process.env;
  const on = flag === true || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') ||
    ((env.NO_COLOR === undefined || env.NO_COLOR === '') && out.isTTY);
  if (!on) return false;
  return /^(truecolor|24bit)$/i.test(env.COLORTERM ?? '') ? 'truecolor' : 'ansi256';
}

/** Explains texts with a model file; writes the HTML heatmap when asked. */
export async function explainFile(cmd: string, modelPath: string | undefined, texts: string[], html: string | undefined): Promise<{ labels: string[]; explanations: Explanation[] }> {
  await init();
  const tm = await loadTextModel(cmd, modelPath);
  let explanations: Explanation[];
  try {
    explanations = explainTexts(tm.model, tm.tokenizer, texts, { padding: tm.preprocessing.padding, truncating: tm.preprocessing.truncating });
  } catch (e) {
    // the model file cannot be explained (no attention layer, another output): a runtime error (exit 1), not a flag's
    if (e instanceof ConfigError) throw new ValueError(`bilstm-attn ${cmd}: expected a model file explain can read, got ${JSON.stringify(modelPath)}: ${e.message}`);
    throw e;
  }
  if (html !== undefined) writeFileSync(html, attentionHeatmap(explanations, { format: 'html', title: `Attention of ${basename(modelPath!)}` }));
  return { labels: tm.labels, explanations };
}

/** Explains texts with a model file and prints (or returns as JSON) the result; writes the HTML heatmap when asked. */
export async function runExplain(cmd: string, modelPath: string | undefined, texts: string[], html: string | undefined, out: Output, opts: { json: boolean; color?: boolean }): Promise<void> {
  const { labels, explanations: ex } = await explainFile(cmd, modelPath, texts, html);
  if (opts.json) {
    // probabilities in the order of labels, as predict's (one sigmoid unit: the library's [p] becomes [1 - p, p])
    const explanations = ex.map((e) => (e.probabilities.length === 1 ? { ...e, probabilities: [1 - e.probabilities[0], e.probabilities[0]] } : e));
    printJson(out, { command: 'explain', labels, explanations, ...(html !== undefined ? { html } : {}) });
    return;
  }
  out.log(terminalHeatmap(ex, { color: useColor(out, opts.color) }).replace(/\n$/, ''));
  if (html !== undefined) out.log(`wrote ${html}`);
}

export const explain: Command = {
  name: 'explain',
  summary: 'Show which tokens the attention weighed for the prediction of each text (terminal heatmap, optional HTML).',
  usage: 'explain --model <file.bilstm> "text" ... [--html out.html]',
  positionals: true,
  options: {
    model: { type: 'string', short: 'm', arg: '<file>', help: 'a model file written by `bilstm-attn train`' },
    html: { type: 'string', arg: '<file>', help: 'also write the heatmap as a self-contained HTML page' },
    color: { type: 'boolean', help: 'colour even when stdout is not a terminal (default: colour on a terminal; NO_COLOR turns it off)' },
    'no-color': { type: 'boolean', help: 'plain text with the weights, even on a terminal' },
  },
  async run(v, pos, out) {
    const c = 'explain';
    if (pos.length === 0) throw usageError(c, 'at least one text to explain', 'none');
    if (v.color && v['no-color']) throw usageError(c, '--color or --no-color', 'both');
    await runExplain(c, str(v, 'model'), pos, str(v, 'html'), out, { json: v.json === true, color: v['no-color'] ? false : v.color === true ? true : undefined });
  },
};
