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
