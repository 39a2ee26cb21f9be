// What --data names (a built-in data set, a CSV file, a folder of text files) loaded as labelled texts, and the
// model file a command reads, with the tokenizer and preprocessing its metadata holds turned back into an encoder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { CheckpointError, ValueError, describeValue } from '../errors.js';
import { splitDataset, type SplitTextDataset, type TextDataset } from '../data/text-dataset.js';
import { tokenizerFromJSON, type Tokenizer } from '../data/tokenizer.js';
import { padSequences, type PadMode } from '../data/pad-sequences.js';
import { loadModel } from '../model/load.js';
import type { Sequential } from '../model/sequential.js';
import { datasets } from '../data/datasets/index.js';
import { loadCsv, parseCsv } from '../data/load-csv.js';
import { loadTextFolder } from '../data/load-text-folder.js';
import { usageError, str, type Values } from './args.js';

/** The built-in data sets --data accepts by name. */
export const BUILTIN = ['names', 'spam'] as const;
export type Builtin = (typeof BUILTIN)[number];

export interface DataSpec {
  /** What was given to --data. */
  data: string;
  kind: Builtin | 'csv' | 'folder';
  textColumn: string | number;
  labelColumn: string | number;
}

/** A column given by name, or by 0-based index when it is all digits. */
function column(v: string | undefined, dflt: string): string | number {
  if (v === undefined) return dflt;
  return /^\d+$/.test(v) ? Number(v) : v;
}

/** Checks --data (and the CSV column flags): a built-in name, an existing file or an existing folder. */
export function dataSpec(cmd: string, v: Values, name = 'data'): DataSpec {
  const data = str(v, name);
  if (data === undefined || data === '') throw usageError(cmd, `--${name} <file.csv|folder|${BUILTIN.join('|')}>`, 'none');
  const textColumn = column(str(v, 'text-column'), 'text');
  const labelColumn = column(str(v, 'label-column'), 'label');
  if ((BUILTIN as readonly string[]).includes(data) && !existsSync(data)) return { data, kind: data as Builtin, textColumn, labelColumn };
  if (!existsSync(data)) throw usageError(cmd, `--${name} to be ${BUILTIN.join(', ')}, a CSV file or a folder`, `${JSON.stringify(data)} (no such file or folder)`);
  return { data, kind: statSync(data).isDirectory() ? 'folder' : 'csv', textColumn, labelColumn };
}

async function loadFile(s: DataSpec): Promise<TextDataset> {
  return s.kind === 'folder' ? loadTextFolder(s.data) : loadCsv(s.data, { textColumn: s.textColumn, labelColumn: s.labelColumn });
}

/** The data with its seeded held-out split (built-in sets split themselves the same way). */
export async function loadSplit(s: DataSpec, testFraction: number, seed: number): Promise<SplitTextDataset> {
  if (s.kind === 'names') return datasets.names({ testFraction, seed });
  if (s.kind === 'spam') return datasets.spamAssassin({ testFraction, seed });
  return splitDataset(await loadFile(s), { testFraction, seed });
}

/** The texts to evaluate on: a built-in set's held-out split, or every row of a file or folder. */
export async function loadForEvaluation(s: DataSpec, testFraction: number, seed: number): Promise<TextDataset> {
  if (s.kind === 'names' || s.kind === 'spam') return (await loadSplit(s, testFraction, seed)).test;
  return loadFile(s);
}

/** Texts to predict from a file: a CSV (its text column) or any other file, one text per non-empty line. */
export async function loadTexts(cmd: string, path: string, textColumn: string | number): Promise<string[]> {
  if (!existsSync(path) || statSync(path).isDirectory()) throw usageError(cmd, '--data to name a text or CSV file', `${JSON.stringify(path)} (no such file)`);
  if (/\.csv$/i.test(path)) {
    // the text column only: a CSV to predict needs no labels
    const texts: string[] = [];
    let at = -1;
    await parseCsv(path, {}, JSON.stringify(path), `bilstm-attn ${cmd}`, ({ fields, line }) => {
      if (at < 0) {
        at = typeof textColumn === 'number' ? textColumn : fields.indexOf(textColumn);
        if (at < 0 || at >= fields.length) throw usageError(cmd, `--text-column to name a column of ${JSON.stringify(path)} (${fields.map((f) => JSON.stringify(f)).join(', ')})`, `${JSON.stringify(textColumn)} (line ${line})`);
        return; // the header row (train and evaluate read the same file the same way)
      }
      texts.push(fields[at] ?? '');
    });
    return texts;
  }
  // one text a line (\n, \r\n or \r, as loadCsv), a UTF-8 byte order mark dropped (as loadCsv, loadTextFolder)
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
}

/**
 * The tokenizer's JSON (Keras's to_json layout, which tokenizerFromJSON and Keras read) keeping only the words it
 * can emit: index < numWords. Texts give the same sequences (a dropped word was OOV either way), and a 20,000-word
 * model over a 100,000-word corpus does not carry 80,000 unused words in its file.
 */
export function trimmedTokenizerJSON(tok: Tokenizer): string {
  const limit = tok.numWords ?? Infinity;
  const keep = (w: string) => (tok.wordIndex.get(w) ?? Infinity) < limit;
  const dict = <K extends string | number>(m: ReadonlyMap<K, number | string>, ok: (k: K, v: number | string) => boolean) =>
    JSON.stringify(`{${[...m].filter(([k, v]) => ok(k, v)).map(([k, v]) => `${JSON.stringify(String(k))}: ${JSON.stringify(v)}`).join(', ')}}`);
  const c = [
    `"num_words": ${tok.numWords === null ? 'null' : tok.numWords}`,
    `"filters": ${JSON.stringify(tok.filters)}`,
    `"lower": ${tok.lower}`,
    `"split": ${JSON.stringify(tok.split)}`,
    `"char_level": ${tok.charLevel}`,
    `"oov_token": ${tok.oovToken === null ? 'null' : JSON.stringify(tok.oovToken)}`,
    `"document_count": ${tok.documentCount}`,
    `"word_counts": ${dict(tok.wordCounts, (w) => keep(w))}`,
    `"word_docs": ${dict(tok.wordDocs, (w) => keep(w))}`,
    `"index_docs": ${dict(tok.indexDocs, (i) => i < limit)}`,
    `"index_word": ${dict(tok.indexWord, (i) => i < limit)}`,
    `"word_index": ${dict(tok.wordIndex, (_w, i) => (i as number) < limit)}`,
  ];
  return `{"class_name": "Tokenizer", "config": {${c.join(', ')}}${tok.nfkc ? ', "nfkc": true' : ''}}`;
}

/** How the CLI turned texts into ids, saved as model.metadata.preprocessing. */
export interface Preprocessing {
  maxlen: number;
  padding: PadMode;
  truncating: PadMode;
  charLevel: boolean;
  [k: string]: unknown;
}

/** A model file written by `bilstm-attn train` (or any model whose metadata has labels, tokenizer, preprocessing). */
export interface TextModel {
  model: Sequential;
  tokenizer: Tokenizer;
  labels: string[];
  preprocessing: Preprocessing;
  /** Texts -> padded ids [N, maxlen] as the model was trained on. */
  encode(texts: string[]): { data: Int32Array; shape: number[] };
}

/** Loads --model: a missing path is a usage error; a file that is not a text model a runtime error. */
export async function loadTextModel(cmd: string, path: string | undefined): Promise<TextModel> {
  if (path === undefined || path === '') throw usageError(cmd, '--model <file.bilstm>', 'none');
  if (!existsSync(path) || statSync(path).isDirectory()) throw usageError(cmd, '--model to name a model file', `${JSON.stringify(path)} (no such file)`);
  const model = await loadModel(path);
  try {
    return textModel(cmd, path, model);
  } catch (e) {
    model.dispose(); // refused: its memory goes back at once
    throw e;
  }
}

function textModel(cmd: string, path: string, model: Sequential): TextModel {
  const meta = model.metadata;
  const need = (what: string) => new ValueError(`bilstm-attn ${cmd}: expected a model written by \`bilstm-attn train\` (metadata.${what}), got ${JSON.stringify(path)} without it.`);
  if (typeof meta.tokenizer !== 'string') throw need('tokenizer');
  if (!meta.preprocessing || typeof meta.preprocessing.maxlen !== 'number') throw need('preprocessing.maxlen');
  let tok: Tokenizer;
  try {
    tok = tokenizerFromJSON(meta.tokenizer);
  } catch (e) {
    throw new CheckpointError(`bilstm-attn ${cmd}: expected metadata.tokenizer in ${JSON.stringify(path)} to be a tokenizer's JSON, got one that fails: ${(e as Error).message}`);
  }
  // what the file does not say: Keras's pad_sequences defaults ('pre'), as the library's explain() (train writes both)
  const pre = { padding: 'pre', truncating: 'pre', charLevel: false, ...meta.preprocessing } as Preprocessing;
  const units = model.outputShape[model.outputShape.length - 1] as number;
  const classes = units === 1 ? 2 : units;
  if (meta.labels && meta.labels.length !== classes) {
    throw new CheckpointError(`bilstm-attn ${cmd}: expected metadata.labels in ${JSON.stringify(path)} to name the model's ${classes} classes (${units === 1 ? 'one sigmoid unit: 2 labels' : `${units} output units`}), got ${meta.labels.length} label${meta.labels.length === 1 ? '' : 's'} ${JSON.stringify(meta.labels)}.`);
  }
  // the commands print and score the outputs as probabilities: a model compiled with a loss fromLogits whose last
  // layer is no sigmoid or softmax outputs logits
  const loss = model.getCompileConfig()?.loss;
  const act = (model.layers[model.layers.length - 1] as { activation?: unknown }).activation;
  if (typeof loss === 'object' && loss.fromLogits && act !== 'sigmoid' && act !== 'softmax') {
    throw new ValueError(`bilstm-attn ${cmd}: expected a model whose outputs are probabilities (a last sigmoid or softmax), got ${JSON.stringify(path)}, compiled with a loss fromLogits on a last ${describeValue(act ?? 'linear')} output (logits).`);
  }
  const labels = meta.labels ?? (units === 1 ? ['0', '1'] : Array.from({ length: units }, (_, i) => String(i)));
  return {
    model, tokenizer: tok, labels, preprocessing: pre,
    encode: (texts) => padSequences(tok.textsToSequences(texts), { maxlen: pre.maxlen, padding: pre.padding, truncating: pre.truncating }),
  };
}

/** Class ids of a data set in a model's label order; a label the model does not know is a ValueError. */
export function labelIds(cmd: string, ds: TextDataset, labels: string[]): Int32Array {
  const map = ds.classNames.map((c) => labels.indexOf(c));
  const bad = map.findIndex((i) => i < 0);
  if (bad >= 0) throw new ValueError(`bilstm-attn ${cmd}: expected labels among the model's ${JSON.stringify(labels)}, got ${JSON.stringify(ds.classNames[bad])} in the data.`);
  return Int32Array.from(ds.labels, (l) => map[l]);
}
