// `bilstm-attn summary`: a model file's layers and parameters (Keras's model.summary()), labels and preprocessing.
import { init } from '../core/wasm.js';
import { loadModel } from '../model/load.js';
import { tokenizerFromJSON } from '../data/tokenizer.js';
import { str, usageError, type Command } from './args.js';
import { existsSync, statSync } from 'node:fs';
import { printJson } from './output.js';

export const summary: Command = {
  name: 'summary',
  summary: "Show a model file's layers, output shapes and parameters, its labels and how texts are preprocessed.",
  usage: 'summary --model <file.bilstm>',
  positionals: false,
  options: {
    model: { type: 'string', short: 'm', arg: '<file>', help: 'a model file (any bilstm-attn model; train writes labels and a tokenizer into it)' },
  },
  async run(v, _pos, out) {
    const c = 'summary';
    const path = str(v, 'model');
    if (path === undefined || path === '') throw usageError(c, '--model <file.bilstm>', 'none');
    if (!existsSync(path) || statSync(path).isDirectory()) throw usageError(c, '--model to name a model file', `${JSON.stringify(path)} (no such file)`);
    await init();
    const model = await loadModel(path);
    const meta = model.metadata;
    let vocabulary: number | null = null;
    if (typeof meta.tokenizer === 'string') {
      try { vocabulary = tokenizerFromJSON(meta.tokenizer).wordIndex.size; } catch { vocabulary = null; }
    }
    const text = model.summary(undefined, undefined, () => {});
    if (v.json) {
      printJson(out, {
        command: 'summary', model: path, params: model.countParams(), outputShape: model.outputShape,
        config: model.getConfig(), compile: model.getCompileConfig(), labels: meta.labels ?? null,
        preprocessing: meta.preprocessing ?? null, tokensInTokenizer: vocabulary, createdBy: meta.createdBy ?? null,
        history: meta.history ?? null,
      });
      return;
    }
    out.log(text);
    if (meta.labels) out.log(`labels: ${meta.labels.join(', ')}`);
    if (meta.preprocessing) out.log(`preprocessing: ${JSON.stringify(meta.preprocessing)}`);
    // the saved tokenizer keeps only the words the model can take (train's --vocab), not every word it saw
    if (vocabulary !== null) out.log(`tokenizer: ${vocabulary} tokens in its vocabulary`);
    if (meta.createdBy) out.log(`created by: ${meta.createdBy}`);
  },
};
