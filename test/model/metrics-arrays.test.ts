// The array metrics against scikit-learn on two edge cases a review found: class ids above 1 in yTrue only (read as
// probabilities: precision([0, 1, 2], [0, 1, 1]) gave 1), and AUC on float64 scores that float32 made ties; then class
// counts and ids past the limits (ValueErrors, not wrapped ids, RangeErrors or an exhausted heap).
import { describe, it, expect } from 'vitest';
import { metrics, ValueError } from '../../src/index.js';

describe('metrics on class ids: yTrue has an id > 1 that yPred never predicts', () => {
  // sklearn: precision_score([0,1,2],[0,1,1], average='macro') = (1 + 0.5 + 0) / 3 = 0.5 (zero_division=0),
  // recall = (1 + 1 + 0) / 3 = 2/3; MetricOptions.numClasses says "default: the largest id + 1", here 3,
  // and metrics.confusionMatrix on the same arrays is 3 x 3.
  const yTrue = [0, 1, 2], yPred = [0, 1, 1];
  it('are macro-averaged over 3 classes, as with numClasses: 3 and as confusionMatrix reads them', () => {
    expect(metrics.confusionMatrix(yTrue, yPred)).toHaveLength(3);
    expect(metrics.precision(yTrue, yPred, { numClasses: 3 })).toBeCloseTo(0.5, 12);
    expect(metrics.precision(yTrue, yPred)).toBeCloseTo(0.5, 12);
    expect(metrics.recall(yTrue, yPred)).toBeCloseTo(2 / 3, 12);
  });
});

describe('metrics.auc on float64 scores', () => {
  it('orders scores that differ below float32 precision (sklearn roc_auc_score gives 1)', () => {
    expect(metrics.auc([0, 1], [0.1, 0.1 + 1e-10])).toBe(1);
    // sklearn: 1.0 (both positives above both negatives); got 0.875
    expect(metrics.auc([0, 1, 0, 1], [0.3, 0.30000001, 0.2, 0.9])).toBe(1);
  });
});

// Class counts past what can be counted: numClasses or a class id is checked (an integer in [0, numClasses), or below
// the limit when numClasses is inferred) before it is stored in an Int32Array, where 2^32 + 1 wrapped to class 1, and
// before K x K cells or K per-class counts are allocated (numClasses 2^32 was a RangeError, 60000 or an id of 1e6 ran
// the heap out of memory, precision with numClasses 2^31 allocated 16 GiB of one-hot rows).
describe('class counts past the limits (confusionMatrix 8192 = 2^13 classes, 2^26 cells; other metrics 2^24)', () => {
  const cmWhy = '2^26 cells at most in the 8192 x 8192 matrix';
  it('confusionMatrix refuses numClasses past 8192, naming the limit', () => {
    for (const k of [2 ** 32, 60000, 8193]) {
      expect(() => metrics.confusionMatrix([0, 1], [0, 1], { numClasses: k }))
        .toThrow(new ValueError(`metrics.confusionMatrix: expected numClasses to be an integer in [1, 8192] (${cmWhy}), got ${k}.`));
    }
    expect(() => metrics.confusionMatrix([0], { data: new Float32Array(8193), shape: [1, 8193] }))
      .toThrow(new ValueError(`metrics.confusionMatrix: expected yPred with at most 8192 units (classes; ${cmWhy}), got [1, 8193].`));
  });

  it('confusionMatrix refuses a class id past numClasses or 8191, naming it and its row, before it can wrap', () => {
    expect(() => metrics.confusionMatrix([0, 2 ** 32 + 1], [0, 1]))
      .toThrow(new ValueError(`metrics.confusionMatrix: expected class ids below 8192 (${cmWhy}), got 4294967297 at row 1 of yTrue.`));
    expect(() => metrics.confusionMatrix([0, 1, 0], [0, 1, 1e6]))
      .toThrow(new ValueError(`metrics.confusionMatrix: expected class ids below 8192 (${cmWhy}), got 1000000 at row 2 of yPred.`));
    expect(() => metrics.confusionMatrix([0, 1], [0, 8192])).toThrow(/got 8192 at row 1 of yPred/);
    expect(() => metrics.confusionMatrix([0, 1], [0, 2 ** 32 + 1], { numClasses: 2 }))
      .toThrow(new ValueError('metrics.confusionMatrix: expected class ids in [0, 2) (numClasses), got 4294967297 at row 1 of yPred.'));
  });

  it('confusionMatrix of 5000 classes (25M cells) still works', () => {
    const m = metrics.confusionMatrix([0, 4999, 4999], [0, 4999, 3]);
    expect(m).toHaveLength(5000);
    expect([m[0]![0], m[4999]![4999], m[4999]![3], m[4999]!.length]).toEqual([1, 1, 1, 5000]);
  });

  it('precision, recall, f1 and accuracy refuse numClasses and class ids past 2^24', () => {
    for (const k of [2 ** 31, 2 ** 24 + 1]) {
      expect(() => metrics.precision([0, 1], [0, 1], { numClasses: k }))
        .toThrow(new ValueError(`metrics.precision: expected numClasses to be an integer in [2, 16777216] (2^24, the most classes counted), got ${k}.`));
    }
    expect(() => metrics.recall([0, 2 ** 32 + 1], [0, 2]))
      .toThrow(new ValueError('metrics.recall: expected class ids below 16777216 (2^24, the most classes counted), got 4294967297 at row 1 of yTrue.'));
    expect(() => metrics.f1([0, 2], [0, 2 ** 24])).toThrow(/got 16777216 at row 1 of yPred\.$/);
    expect(() => metrics.accuracy([0, 1], [0, 2 ** 32 + 1], { numClasses: 3 }))
      .toThrow(new ValueError('metrics.accuracy: expected class ids in [0, 3) (numClasses), got 4294967297 at row 1 of yPred.'));
  });

  it('count thousands (and a million) classes from ids without [rows, K] one-hot arrays, as the one-hot metrics do', () => {
    // ids 0 and 1e6 both right: precision = 2 of 1e6 + 1 classes
    expect(metrics.precision([0, 1e6], [0, 1e6])).toBe(2 / (1e6 + 1));
    expect(metrics.precision([0, 1], [0, 1], { numClasses: 60000 })).toBe(2 / 60000);
    // weighted, 5 classes: ids give exactly what the same rows one-hot (as a softmax's output) give
    const yTrue = [0, 1, 2, 3, 4, 4, 2, 1, 0, 3], yPred = [0, 2, 2, 3, 1, 4, 2, 0, 0, 4];
    const w = [0.5, 1, 2, 0.25, 1, 3, 1, 0.5, 2, 1];
    const oneHot = { data: new Float32Array(yPred.flatMap((c) => [0, 1, 2, 3, 4].map((j) => (j === c ? 1 : 0)))), shape: [10, 5] };
    for (const f of [metrics.precision, metrics.recall, metrics.f1, metrics.accuracy]) {
      expect(f(yTrue, yPred, { sampleWeight: w })).toBe(f(yTrue, oneHot, { sampleWeight: w }));
      expect(f(yTrue, yPred, { numClasses: 7 })).toBe(f(yTrue, { data: new Float32Array(70).map((_, i) => (i % 7 === yPred[Math.floor(i / 7)] ? 1 : 0)), shape: [10, 7] }));
    }
  });
});
