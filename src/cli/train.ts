// `bilstm-attn train`: labelled texts -> tokenizer (fitted on the training split) -> the reference Bi-LSTM + attention
// classifier -> <out>/model.bilstm, report.json and training.svg, and the held-out metrics.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, info } from '../core/wasm.js';
import type { Sequential } from '../model/sequential.js';
import { textClassifier } from '../model/text-classifier.js';
import { optimizers } from '../model/optimizers.js';
import { metrics } from '../model/metrics.js';
import { callbacks, type EarlyStopping } from '../model/callbacks.js';
import { tokenizer as makeTokenizer } from '../data/tokenizer.js';
import { padSequences, type PadMode } from '../data/pad-sequences.js';
import type { TextDataset } from '../data/text-dataset.js';
import { VERSION } from '../model/version.js';
import { trainingPlot } from '../viz/training-plot.js';
import { ShapeError } from '../errors.js';
import { int, optInt, num, oneOf, str, usageError, type Command, type Output, type Values } from './args.js';
import { dataSpec, loadSplit, trimmedTokenizerJSON, type DataSpec, type Preprocessing } from './data.js';

/** --learning-rate: > 0 as the float32 the kernels take (1e-46 is 0 there: it would train nothing) and <= 10. */
function learningRate(c: string, v: Values): number {
  const lr = num(c, v, 'learning-rate', 0.001, 0, 10, true);
  if (!(Math.fround(lr) > 0)) throw usageError(c, '--learning-rate to be a number > 0 (as a float32) and <= 10', JSON.stringify(String(v['learning-rate'])));
  return lr;
}
import { confusionTable, metricsTable, printJson, seconds } from './output.js';

export interface TrainOptions {
  data: DataSpec;
  out: string;
  maxlen: number | undefined;
  vocab: number;
  units: number;
  cell: 'lstm' | 'gru' | 'simpleRNN';
  embeddingDim: number;
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  threads: number;
  valSplit: number;
  /** Keep the weights of the epoch with the lowest validation loss (when there is a validation split), not the last. */
  restoreBest: boolean;
  testSplit: number;
  charLevel: boolean;
  padding: PadMode;
  truncating: PadMode;
  verbose: 0 | 1 | 2;
}

export interface HeldOut {
  samples: number;
  loss: number;
  metrics: Record<string, number>;
  confusionMatrix: number[][];
}

export interface TrainResult {
  model: Sequential;
  modelPath: string;
  reportPath: string;
  plotPath: string;
  report: Record<string, unknown>;
  heldOut: HeldOut;
  /** The held-out texts and their class names (the demo explains a few). */
  test: { texts: string[]; labels: string[] };
}

/** Labels as the loss wants them: 0/1 for the sigmoid head, class ids for the softmax head. */
function targets(ds: TextDataset): Float32Array {
  return Float32Array.from(ds.labels);
}

/** The held-out metrics reported, in this order (fit itself logs loss and accuracy only, to keep the bar short). */
export const HELD_OUT_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc'] as const;

/**
 * Held-out loss (evaluate), the metrics over the whole set from predict's output (the library's metrics: binary with
 * class 1 positive, more classes macro-averaged, auc exact) and the confusion matrix (rows true, columns predicted).
 */
export function heldOutMetrics(model: Sequential, x: { data: Int32Array; shape: number[] }, ds: TextDataset, batchSize: number): HeldOut {
  const [loss] = model.evaluate(x, targets(ds), { batchSize });
  const out = model.predict(x, { batchSize });
  const m: Record<string, number> = {};
  for (const name of HELD_OUT_METRICS) m[name] = metrics[name](ds.labels, out);
  return { samples: ds.texts.length, loss, metrics: m, confusionMatrix: metrics.confusionMatrix(ds.labels, out, { numClasses: ds.classNames.length }) };
}

/** Trains and writes <out>/model.bilstm, report.json and training.svg. Same options and seed -> the same model bytes. */
export async function runTrain(o: TrainOptions, out: Output): Promise<TrainResult> {
  const t0 = Date.now();
  // --out before the work: a file in its place is a usage error now, not an EEXIST after the whole fit
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) throw usageError('train', '--out to name a folder (made if missing)', `${JSON.stringify(o.out)}, a file`);
  await init({ threads: o.threads });
  const split = await loadSplit(o.data, o.testSplit, o.seed);
  const { train, test, classNames } = split;
  const tData = Date.now();
  if (classNames.length < 2) throw new ShapeError(`bilstm-attn train: expected at least 2 labels in ${JSON.stringify(o.data.data)}, got ${JSON.stringify(classNames)}.`);
  if (train.texts.length === 0 || test.texts.length === 0) {
    throw usageError('train', `--test-split to leave texts for both training and the held-out test`, `${o.testSplit} (${train.texts.length} and ${test.texts.length} texts)`);
  }

  const tok = makeTokenizer({ numWords: o.vocab, charLevel: o.charLevel, oovToken: '<OOV>' }).fitOnTexts(train.texts);
  const seqs = tok.textsToSequences(train.texts);
  const longest = seqs.reduce((m, s) => Math.max(m, s.length), 0);
  const maxlen = o.maxlen ?? Math.max(1, Math.min(200, longest));
  const pre: Preprocessing = { maxlen, padding: o.padding, truncating: o.truncating, charLevel: o.charLevel, numWords: o.vocab, oovToken: '<OOV>', lower: true };
  const x = padSequences(seqs, { maxlen, padding: o.padding, truncating: o.truncating });
  const xTest = padSequences(tok.textsToSequences(test.texts), { maxlen, padding: o.padding, truncating: o.truncating });
  const vocabSize = Math.min(o.vocab, tok.wordIndex.size + 1);

  const { model, loss } = textClassifier({ vocabSize, maxlen, embeddingDim: o.embeddingDim, units: o.units, cell: o.cell, dropout: o.dropout, classes: classNames.length, seed: o.seed });
  model.compile({ optimizer: optimizers.adam({ learningRate: o.learningRate }), loss, metrics: ['accuracy'] });
  if (o.verbose) {
    out.log(`${o.data.data}: ${train.texts.length} train, ${test.texts.length} held out; labels ${classNames.join(', ')}; ` +
      `${o.charLevel ? 'characters' : 'words'}: ${tok.wordIndex.size} seen, ${vocabSize} kept; maxlen ${maxlen}`);
  }
  const tFit = Date.now();
  // the best validation epoch's weights, as Keras's EarlyStopping(restore_best_weights) at a fit's end: a patience of
  // every epoch never stops the fit early
  const best: EarlyStopping | null = o.restoreBest && o.valSplit > 0
    ? callbacks.earlyStopping({ monitor: 'val_loss', patience: o.epochs, restoreBestWeights: true }) : null;
  const history = await model.fit(x, targets(train), { epochs: o.epochs, batchSize: o.batchSize, validationSplit: o.valSplit, verbose: o.verbose, callbacks: best ? [best] : [] });
  const tFitEnd = Date.now();
  const keptEpoch = best ? best.bestEpoch + 1 : o.epochs;
  if (best && o.verbose && keptEpoch !== o.epochs) out.log(`kept the weights of epoch ${keptEpoch} (lowest val_loss ${history.history.val_loss[keptEpoch - 1].toFixed(4)}); --keep-last keeps the last epoch's`);
  const heldOut = heldOutMetrics(model, xTest, test, o.batchSize);
  const tEval = Date.now();

  model.metadata = {
    labels: classNames,
    tokenizer: trimmedTokenizerJSON(tok),
    preprocessing: pre,
    history: history.history,
    userDefinedMetadata: { split: { seed: o.seed, testFraction: o.testSplit } },
  };
  mkdirSync(o.out, { recursive: true });
  const modelPath = join(o.out, 'model.bilstm');
  const reportPath = join(o.out, 'report.json');
  const plotPath = join(o.out, 'training.svg');
  await model.save(modelPath);
  const tSave = Date.now();
  writeFileSync(plotPath, trainingPlot(history, { title: `${o.data.data}: loss and accuracy per epoch` }));
  const report = {
    command: 'train',
    labels: classNames, // (as evaluate, predict, explain and summary name them)
    options: { ...o, data: o.data.data, textColumn: o.data.textColumn, labelColumn: o.data.labelColumn, maxlen },
    data: {
      source: o.data.data, kind: o.data.kind, classNames, texts: split.texts.length,
      train: train.texts.length, validation: train.texts.length - (history.params.samples ?? train.texts.length),
      test: test.texts.length, tokensSeen: tok.wordIndex.size, vocabSize, maxlen,
    },
    model: { params: model.countParams(), layers: model.getConfig().config.layers.map((l) => l.className) },
    history: history.history,
    keptEpoch,
    heldOut,
    files: { model: modelPath, plot: plotPath },
    seconds: { data: seconds(tData - t0), tokenize: seconds(tFit - tData), fit: seconds(tFitEnd - tFit), evaluate: seconds(tEval - tFitEnd), save: seconds(tSave - tEval), total: seconds(Date.now() - t0) },
    versions: { 'bilstm-attn': VERSION, node: process.versions.node, v8: process.versions.v8, runtime: info().runtime, threads: info().threads },
  };
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  return { model, modelPath, reportPath, plotPath, report, heldOut, test: { texts: test.texts, labels: Array.from(test.labels, (l) => classNames[l]) } };
}

/** Prints the held-out metrics and confusion matrix. */
export function printHeldOut(out: Output, h: HeldOut, labels: string[], title: string): void {
  out.log(`${title} (${h.samples} texts):`);
  for (const l of metricsTable({ loss: h.loss, ...h.metrics })) out.log(l);
  out.log('confusion matrix (rows: true, columns: predicted):');
  for (const l of confusionTable(h.confusionMatrix, labels)) out.log(l);
}

/** Flags -> TrainOptions (usage errors for bad values). */
export function trainOptions(v: Values): TrainOptions {
  const c = 'train';
  const data = dataSpec(c, v);
  const verbose = v.json ? 0 : (int(c, v, 'verbose', 1, 0, 2) as 0 | 1 | 2);
  return {
    data,
    out: str(v, 'out') ?? 'bilstm-attn-model',
    maxlen: optInt(c, v, 'maxlen', 1, 100_000),
    vocab: int(c, v, 'vocab', 20_000, 2),
    units: int(c, v, 'units', 32, 1, 4096),
    cell: oneOf(c, v, 'cell', ['lstm', 'gru', 'simpleRNN'] as const, 'lstm'),
    embeddingDim: int(c, v, 'embedding-dim', 32, 1, 4096),
    dropout: num(c, v, 'dropout', 0, 0, 1),
    epochs: int(c, v, 'epochs', 10, 1, 100_000),
    batchSize: int(c, v, 'batch-size', 32, 1, 1_000_000),
    learningRate: learningRate(c, v),
    seed: int(c, v, 'seed', 1, 0, 0xffffffff),
    threads: int(c, v, 'threads', 1, 1, 64),
    valSplit: num(c, v, 'val-split', 0.1, 0, 1),
    restoreBest: v['keep-last'] !== true,
    testSplit: num(c, v, 'test-split', 0.2, 0, 1),
    charLevel: v['char-level'] === true || (data.kind === 'names' && v['word-level'] !== true),
    padding: oneOf(c, v, 'padding', ['pre', 'post'] as const, 'post'),
    truncating: oneOf(c, v, 'truncating', ['pre', 'post'] as const, 'post'),
    verbose,
  };
}

export const train: Command = {
  name: 'train',
  summary: 'Train the Bi-LSTM + attention text classifier on labelled texts; write the model, a report and a plot.',
  usage: 'train --data <file.csv|folder|names|spam> [options]',
  positionals: false,
  options: {
    data: { type: 'string', arg: '<src>', help: 'a CSV file (text and label columns), a folder with one sub-folder of text files per label, or a built-in set: names (first name -> gender, character level), spam (SpamAssassin ham vs spam)' },
    'text-column': { type: 'string', arg: '<name|i>', help: 'CSV column of the texts (default text)' },
    'label-column': { type: 'string', arg: '<name|i>', help: 'CSV column of the labels (default label)' },
    out: { type: 'string', short: 'o', arg: '<dir>', help: 'where model.bilstm, report.json and training.svg go (default bilstm-attn-model)' },
    maxlen: { type: 'string', arg: '<n>', help: 'tokens per text after padding/truncating (default: the longest training text, at most 200)' },
    vocab: { type: 'string', arg: '<n>', help: 'keep the n-1 most frequent tokens (default 20000)' },
    'char-level': { type: 'boolean', help: 'characters as tokens (the default for names)' },
    'word-level': { type: 'boolean', help: 'words as tokens for names too' },
    padding: { type: 'string', arg: '<pre|post>', help: 'where padding goes (default post)' },
    truncating: { type: 'string', arg: '<pre|post>', help: 'which end of a long text is cut (default post: keeps the beginning)' },
    'embedding-dim': { type: 'string', arg: '<n>', help: 'embedding size (default 32)' },
    units: { type: 'string', arg: '<n>', help: 'units per direction of the Bi-LSTM (or Bi-GRU, Bi-SimpleRNN) (default 32)' },
    cell: { type: 'string', arg: '<lstm|gru|simpleRNN>', help: 'the recurrent layer: lstm (default), gru or simpleRNN' },
    dropout: { type: 'string', arg: '<rate>', help: 'dropout before the output layer (default 0: none)' },
    epochs: { type: 'string', arg: '<n>', help: 'epochs (default 10)' },
    'batch-size': { type: 'string', arg: '<n>', help: 'batch size (default 32)' },
    'learning-rate': { type: 'string', arg: '<x>', help: "Adam's learning rate (default 0.001)" },
    seed: { type: 'string', arg: '<n>', help: 'seed of the split, the initial weights and the shuffling (default 1)' },
    threads: { type: 'string', arg: '<n>', help: 'threads (default 1; the same bytes with any number)' },
    'val-split': { type: 'string', arg: '<f>', help: 'fraction of the training texts used for validation each epoch (default 0.1; 0: none)' },
    'keep-last': { type: 'boolean', help: "keep the last epoch's weights (default: those of the epoch with the lowest val_loss, when --val-split > 0)" },
    'test-split': { type: 'string', arg: '<f>', help: 'fraction held out for the final test (default 0.2)' },
    verbose: { type: 'string', arg: '<0|1|2>', help: '0 silent, 1 progress bar (default), 2 one line per epoch' },
  },
  more: 'Two labels give one sigmoid unit (binaryCrossentropy), more a softmax (sparseCategoricalCrossentropy).\n' +
    'The same command with the same --seed writes a byte-identical model.bilstm.\n\n' +
    'Example: bilstm-attn train --data reviews.csv --text-column review --label-column sentiment --epochs 5 --out model',
  async run(v, _pos, out) {
    const o = trainOptions(v);
    let r: TrainResult;
    try {
      r = await runTrain(o, out);
    } catch (e) {
      // a bad split is the flags' fault: say which flag
      if (e instanceof ShapeError && /validationSplit/.test(e.message)) throw usageError('train', '--val-split to leave texts for both training and validation', `${o.valSplit} (${e.message})`);
      throw e;
    }
    if (v.json) {
      printJson(out, r.report);
      return;
    }
    const labels = r.report.data as { classNames: string[] };
    printHeldOut(out, r.heldOut, labels.classNames, 'held-out test');
    out.log(`wrote ${r.modelPath}, ${r.reportPath}, ${r.plotPath} in ${(r.report.seconds as { total: number }).total} s`);
  },
};
