// Fixed after a review (each test failed before): inputs/options not validated with typed errors.
// 1. trainingPlot({ loss }, { metrics: [] }) draws a 0-px-wide SVG (width = w * names.length = 0) instead of refusing.
// 2. trainingPlot with a metric the history does not have (a typo: 'acuracy') silently draws an empty panel.
// 3. attentionHeatmap/terminalHeatmap check tokens and weights item by item but not label/probability: a label that
//    is not a string or number is drawn as "[object Object]" / "null", or (no prototype) throws a raw TypeError;
//    a probability given as a string is silently dropped.
import { describe, it, expect } from 'vitest';
import { trainingPlot, attentionHeatmap, terminalHeatmap } from '../../src/index.js';
import { BilstmError } from '../../src/errors.js';

const typed = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return e instanceof BilstmError ? 'typed' : `${(e as Error).name}: ${(e as Error).message}`; } };

describe('trainingPlot options', () => {
  it('metrics: [] is refused (not a 0-wide SVG)', () => {
    expect(typed(() => trainingPlot({ loss: [1, 0.5] }, { metrics: [] }))).toBe('typed');
  });
  it('a metric not in the history is refused, naming it', () => {
    expect(typed(() => trainingPlot({ loss: [1, 0.5], accuracy: [0.5, 0.6] }, { metrics: ['loss', 'acuracy'] }))).toBe('typed');
  });
});

describe('heatmap items', () => {
  it('a label without a prototype is a typed error, not a TypeError', () => {
    const e = [{ tokens: ['a'], weights: [1], label: Object.create(null) }];
    expect(typed(() => attentionHeatmap(e))).toBe('typed');
    expect(typed(() => terminalHeatmap(e))).toBe('typed');
  });
  it('a label that is an object or null is refused, not drawn as "[object Object]" / "null"', () => {
    expect(typed(() => attentionHeatmap([{ tokens: ['a'], weights: [1], label: { name: 'pos' } as never }]))).toBe('typed');
    expect(typed(() => attentionHeatmap([{ tokens: ['a'], weights: [1], label: null as never }]))).toBe('typed');
  });
  it('a probability that is not a number is refused, not dropped', () => {
    expect(typed(() => attentionHeatmap([{ tokens: ['a'], weights: [1], label: 'pos', probability: '0.9' as never }]))).toBe('typed');
  });
});
