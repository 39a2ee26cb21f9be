// summary(): Keras 2.15 table and parameter counts, including the 278 M-parameter reference model (not allocated).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync } from '../../src/index.js';

initSync();

function referenceModel(attention: boolean) {
  return sequential({ layers: [
    layers.embedding({ inputDim: 241664, outputDim: 1152, inputLength: 1152 }),
    layers.batchNormalization(),
    layers.activation({ activation: 'tanh' }),
    layers.dropout({ rate: 0.5 }),
    layers.bidirectional({ layer: layers.lstm({ units: 32, returnSequences: attention }) }),
    ...(attention ? [layers.attention({ returnSequences: false })] : []),
    layers.batchNormalization(),
    layers.activation({ activation: 'tanh' }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}

describe('summary', () => {
  it('reports the reference model per layer and in total, as Keras does', () => {
    const m = referenceModel(false);
    const text = m.summary(undefined, undefined, () => {});
    const counts = m.layers.map((l) => l.countParams());
    expect(counts).toEqual([278396928, 4608, 0, 0, 303360, 256, 0, 0, 65]);
    expect(text).toContain('Total params: 278705217');
    expect(text).toContain('Trainable params: 278702785');
    expect(text).toContain('Non-trainable params: 2432');
    expect(text).toContain(' bidirectional');
    expect(text).toMatch(/\(None, 1152, 1152\)\s+278396928/);
    expect(text).toMatch(/\(None, 64\)\s+303360/);
    expect(m.countParams()).toBe(278705217);
  });

  it('gives the attention layer F + T parameters after a sequence-returning Bi-LSTM', () => {
    const m = referenceModel(true);
    m.summary(undefined, undefined, () => {});
    const att = m.layers.find((l) => l.className === 'Attention')!;
    expect(att.countParams()).toBe(64 + 1152);
    expect(att.outputShape).toEqual([64]);
  });

  it('prints the Keras layout: header, wrapped names, blank rows, footer with sizes', () => {
    const m = sequential({ name: 'demo', layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    const lines = m.summary(undefined, undefined, () => {}).split('\n');
    expect(lines[0]).toBe('Model: "demo"');
    expect(lines[1]).toBe('_'.repeat(65));
    expect(lines[2]).toBe(' Layer (type)                Output Shape              Param #   ');
    expect(lines[3]).toBe('='.repeat(65));
    expect(lines[4].startsWith(' embedding')).toBe(true);
    expect(lines[4].indexOf('(None, 7, 5)')).toBe(29);
    expect(lines[4].indexOf('55')).toBe(55);
    // Keras wraps long first-column text at 26 characters
    expect(lines.some((l) => l.startsWith(' bidirectional_') || l.startsWith(' bidirectional (Bidirection'))).toBe(true);
    expect(lines.every((l) => l.length <= 65)).toBe(true);
    expect(lines).toContain('Total params: 399 (1.56 KB)');
    expect(lines).toContain('Non-trainable params: 0 (0.00 Byte)');
  });
});

describe('summary options as Keras print_summary takes them (a review of the model API)', () => {
  // summary(lineLength, positions, printFn) calls printFn once per line.
  //
  // Keras (keras-team/tf-keras v2.15.0 tf_keras/utils/layer_utils.py print_summary): "print_fn: ... It will be called
  // on each line of the summary" -- every line goes through its own `print_fn(...)` call (`print_fn(f'Model: ...')`,
  // `print_fn("_" * line_length)`, one per row in print_row, ...). TF.js (tensorflow/tfjs tfjs-layers/src/utils/
  // layer_utils.ts printSummary) likewise calls printFn per line.
  it('printFn receives each summary line separately', () => {
    const m = sequential({ name: 'm', layers: [layers.dense({ name: 'dense', units: 2, inputShape: [3] })] });
    const calls: string[] = [];
    m.summary(undefined, undefined, (s) => { calls.push(s); });
    expect(calls[0]).toBe('Model: "m"');
    expect(calls[1]).toBe('_'.repeat(65));
    expect(calls.every((s) => !s.includes('\n'))).toBe(true);
  });

  // summary(lineLength, positions) ignores `positions`.
  //
  // Keras (keras-team/tf-keras v2.15.0 tf_keras/utils/layer_utils.py print_summary):
  //   `positions = positions or [0.45, 0.85, 1.0]; if positions[-1] <= 1: positions = [int(line_length * p) ...]`
  // and print_row pads each column to those positions. The expected lines below are the output of that print_row,
  // transcribed verbatim in /work/scratch/review-api/summary_ref.py, for line_length 65, positions [0.3, 0.6, 1.0]:
  //   ' Layer (type)      Output Shape        Param #                   '
  //   ' dense (Dense)     (None, 2)           8                         '
  // TF.js printSummary(model, lineLength, positions, printFn) honours positions too.
  it('summary lays the columns out at the given positions', () => {
    const m = sequential({ name: 'm', layers: [layers.dense({ name: 'dense', units: 2, inputShape: [3] })] });
    const lines = m.summary(65, [0.3, 0.6, 1.0], () => {}).split('\n');
    expect(lines[2]).toBe(' Layer (type)      Output Shape        Param #                   ');
    expect(lines[4]).toBe(' dense (Dense)     (None, 2)           8                         ');
  });

  it('refuses a lineLength, positions or printFn it cannot use', () => {
    const m = sequential({ name: 'm', layers: [layers.dense({ name: 'dense', units: 2, inputShape: [3] })] });
    const quiet = () => {};
    expect(() => m.summary(NaN, undefined, quiet)).toThrow('summary: expected lineLength to be an integer in [20, 10000], got NaN.');
    expect(() => m.summary(65, [0.5, 0.4, 1], quiet)).toThrow(/expected positions to be the three columns' right edges/);
    expect(() => m.summary(65, [0.5, 1], quiet)).toThrow(/expected positions/);
    expect(() => m.summary(65, undefined, 'log' as never)).toThrow('summary: expected printFn to be a function, got "log".');
    // absolute edges (the last > 1) as Keras takes them
    expect(m.summary(65, [19, 39, 65], quiet)).toBe(m.summary(65, [0.3, 0.6, 1.0], quiet));
  });
});
