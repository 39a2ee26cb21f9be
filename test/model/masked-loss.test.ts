// The loss and the compiled metrics of a sequence output under a mask (an embedding's maskZero passed on by Dense), as
// Keras: each step weighted by its mask, the loss the mean over the unmasked steps, metrics over those steps only. A
// float64 reference from the model's own weights. Keras sources:
// tf-keras v2.15.0 tf_keras/engine/compile_utils.py LossesContainer.__call__:
//     sw = losses_utils.apply_mask(y_p, sw, losses_utils.get_mask(y_p))
// tf_keras/utils/losses_utils.py apply_valid_mask: "Valid entries have weight `total/valid`" = sum(loss * sw) / valid;
// Keras 3 keras/src/losses/loss.py apply_mask: mask_weight = ops.divide_no_nan(total, valid) (an empty mask: 0);
// metrics (compile_utils.py MetricsContainer.update_state): metric_obj.update_state(y_t, y_p, sample_weight=mask);
// evaluate: each batch's loss averaged weighted by the batch's samples. SEMANTICS.md section 8. Before, the loss was
// the mean over every step, padding included (evaluate 20.6 against Keras's 1.10 here).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync } from '../../src/index.js';

initSync();

const T = 4, V = 6, D = 3;
const X = [[1, 2, 0, 0], [3, 4, 5, 0], [5, 0, 0, 0]];
const B = X.length;
// labels per step (the output is [B, T, 1])
const Y = [[0.5, -1, 7, 7], [1, 0.25, -0.5, 9], [2, -3, 5, 5]];

function model(activation: 'linear' | 'sigmoid') {
  const m = sequential({ seed: 11, layers: [
    layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero: true }),
    layers.dense({ units: 1, activation }),
  ] });
  // deterministic weights, row 0 (padding) far from the others so pads contribute visibly when counted
  const E = new Float32Array(V * D);
  for (let i = 0; i < V * D; i++) E[i] = Math.sin(1.3 * i + 0.2) * 0.8;
  E.set([2, -2, 1.5], 0);
  m.setWeights([
    { data: E, shape: [V, D] },
    { data: Float32Array.from([0.7, -0.4, 0.9]), shape: [D, 1] },
    { data: Float32Array.from([0.1]), shape: [1] },
  ]);
  return m;
}

/** float64 z[b][t] = E[id] . K + b from the model's own weights. */
function logits(m: ReturnType<typeof model>): number[][] {
  const [E, K, bias] = m.getWeights().map((w) => Array.from(w.data));
  return X.map((row) => row.map((id) => {
    let z = bias[0];
    for (let d = 0; d < D; d++) z += E[id * D + d] * K[d];
    return z;
  }));
}

/** max relative error over a flat list, relative to the largest |expected|. */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  return err / Math.max(scale, 1e-12);
}

describe('losses and metrics on a masked sequence output', () => {
  it('MSE loss is the mean over unmasked steps only (evaluate and computeGradients)', () => {
    const m = model('linear');
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const z = logits(m);
    let sum = 0, valid = 0;
    // dL/dK and dL/db of L = sum_valid (z - y)^2 / valid
    const dK = [0, 0, 0];
    let db = 0;
    const [E] = m.getWeights().map((w) => Array.from(w.data));
    X.forEach((row, b) => row.forEach((id, t) => {
      if (id === 0) return;
      valid++;
      sum += (z[b][t] - Y[b][t]) ** 2;
    }));
    X.forEach((row, b) => row.forEach((id, t) => {
      if (id === 0) return;
      const g = (2 * (z[b][t] - Y[b][t])) / valid;
      for (let d = 0; d < D; d++) dK[d] += g * E[id * D + d];
      db += g;
    }));
    const kerasLoss = sum / valid;
    const [loss] = m.evaluate(X, Y.map((r) => r.map((v) => [v])), { batchSize: B });
    expect(Math.abs(loss - kerasLoss) / kerasLoss).toBeLessThan(1e-5);
    const g = m.computeGradients(X, Y.map((r) => r.map((v) => [v])));
    expect(relErr(g.grads[1].data, dK)).toBeLessThan(1e-5);
    expect(relErr(g.grads[2].data, [db])).toBeLessThan(1e-5);
  });

  it('MSE with sampleWeight under a mask: sum_valid w_b l / #valid (Keras apply_mask then apply_valid_mask)', () => {
    const m = model('linear');
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const z = logits(m);
    const w = [2, 0.5, 3];
    let sum = 0, valid = 0;
    X.forEach((row, b) => row.forEach((id, t) => {
      if (id === 0) return;
      valid++;
      sum += w[b] * (z[b][t] - Y[b][t]) ** 2;
    }));
    const kerasLoss = sum / valid;
    const [loss] = m.evaluate(X, Y.map((r) => r.map((v) => [v])), { batchSize: B, sampleWeight: w });
    expect(Math.abs(loss - kerasLoss) / kerasLoss).toBeLessThan(1e-5);
  });

  it('binary cross-entropy (sigmoid, from logits) and accuracy count unmasked steps only', () => {
    const m = model('sigmoid');
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const z = logits(m);
    // labels: real steps labelled by the sign of z (all right), pads labelled against their prediction (all wrong)
    const yb: number[][] = X.map((row, b) => row.map((id, t) => (id === 0 ? (z[b][t] > 0 ? 0 : 1) : (z[b][t] > 0 ? 1 : 0))));
    // flip one real step so the loss and accuracy are not trivial
    yb[1][1] = 1 - yb[1][1];
    let sum = 0, valid = 0, correct = 0;
    X.forEach((row, b) => row.forEach((id, t) => {
      if (id === 0) return;
      const zz = z[b][t], y = yb[b][t];
      valid++;
      sum += Math.max(zz, 0) - zz * y + Math.log1p(Math.exp(-Math.abs(zz))); // K2 logits form (SEMANTICS §8)
      const p = 1 / (1 + Math.exp(-zz));
      if ((p > 0.5 ? 1 : 0) === y) correct++;
    }));
    const [loss, acc] = m.evaluate(X, yb.map((r) => r.map((v) => [v])), { batchSize: B });
    expect(Math.abs(loss - sum / valid) / (sum / valid)).toBeLessThan(1e-5);
    expect(acc).toBeCloseTo(correct / valid, 6);
  });

  it('evaluate in batches averages the batches\' masked means weighted by their samples; an all-padding batch adds 0', () => {
    const m = model('linear');
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const z = logits(m);
    const yy = Y.map((r) => r.map((v) => [v]));
    // batches of 2 rows: rows 0-1, then row 2
    const mean = (rows: number[]) => {
      let sum = 0, valid = 0;
      for (const b of rows) X[b].forEach((id, t) => { if (id !== 0) { valid++; sum += (z[b][t] - Y[b][t]) ** 2; } });
      return valid ? sum / valid : 0;
    };
    const want = (2 * mean([0, 1]) + 1 * mean([2])) / 3;
    const [loss] = m.evaluate(X, yy, { batchSize: 2 });
    expect(Math.abs(loss - want) / want).toBeLessThan(1e-5);
    // a batch whose every step is padding: loss 0 and no gradient (Keras 3's divide_no_nan), not NaN
    const pads = [[0, 0, 0, 0]];
    const g = m.computeGradients(pads, [[[1], [2], [3], [4]]]);
    expect(g.loss).toBe(0);
    expect(g.grads.every((t) => t.data.every((v) => v === 0))).toBe(true);
    const [l2] = m.evaluate([...X, ...pads], [...yy, [[1], [2], [3], [4]]], { batchSize: 2 });
    expect(Math.abs(l2 - (2 * mean([0, 1]) + 2 * mean([2])) / 4) / l2).toBeLessThan(1e-5); // [2, pad]: its mean is row 2's
  });

  it('trainOnBatch and fit report and step on the masked mean', async () => {
    const m = model('linear'), ref = model('linear');
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    ref.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const yy = Y.map((r) => r.map((v) => [v]));
    const [want] = ref.evaluate(X, yy, { batchSize: B });
    const g = ref.computeGradients(X, yy);
    const [loss] = m.trainOnBatch(X, yy);
    expect(loss).toBe(want);
    // SGD lr 0.01: w - 0.01 g
    const w0 = ref.getWeights();
    m.getWeights().forEach((w, i) => {
      const exp = Array.from(w0[i].data, (v, j) => Math.fround(v - Math.fround(0.01 * g.grads[i].data[j])));
      expect(relErr(w.data, exp), `weight ${i}`).toBeLessThan(1e-6);
    });
  });
});
