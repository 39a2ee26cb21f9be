// The array metrics against scikit-learn on two edge cases a review found: class ids above 1 in yTrue only (read as
// probabilities: precision([0, 1, 2], [0, 1, 1]) gave 1), and AUC on float64 scores that float32 made ties.
import { describe, it, expect } from 'vitest';
import { metrics } from '../../src/index.js';

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
