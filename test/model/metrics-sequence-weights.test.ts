// Review of 1e1cd93: metrics on class ids [N, T, 1] with one sampleWeight per sample. prepare() now hands class ids to
// MetricAccumulator.updateIds, which reads weights[m] per ROW (N * T rows) instead of per sample as update() did
// (rows / weights.length rows per weight): rows past N read undefined and every value becomes NaN.
import { describe, it, expect } from 'vitest';
import { metrics } from '../../src/index.js';

describe('metrics on sequence class ids with per-sample weights', () => {
  const yTrue = [[[0], [2]], [[1], [2]]]; // [2, 2, 1]: 2 samples of 2 steps, 3 classes
  const yPred = [[[0], [2]], [[1], [1]]];
  // the same rows flattened, each carrying its sample's weight (what the code gave before 1e1cd93)
  const flatTrue = [0, 2, 1, 2], flatPred = [0, 2, 1, 1], flatW = [1, 1, 2, 2];
  for (const name of ['accuracy', 'precision', 'recall', 'f1'] as const) {
    it(`${name}: each sample's weight covers its rows`, () => {
      const want = metrics[name](flatTrue, flatPred, { sampleWeight: flatW });
      expect(Number.isFinite(want)).toBe(true);
      expect(metrics[name](yTrue, yPred, { sampleWeight: [1, 2] })).toBeCloseTo(want, 12);
    });
  }
});
