// Embedding through the public API: its rows in inference (written only when a layer reads them), an embedding output layer's
// training metrics (its gradient rows reuse its output).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync } from '../../src/index.js';
import { argmaxAccuracy } from '../helpers/layer.js';

initSync();

describe('embedding rows in inference, written only when read', () => {
  // predict defers the gather (an LSTM reads each position's row from the table itself) and writes the rows only
  // for a layer that reads them, or when the embedding is the last layer
  it('an embedding as the last layer predicts its rows, and a pooling layer after it sees them', () => {
    const B = 3, T = 5, D = 6, V = 17;
    const x = { data: Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V), shape: [B, T] };
    const only = sequential({ seed: 2, layers: [layers.embedding({ inputDim: V, outputDim: D, inputLength: T, embeddingsInitializer: 'normal' })] });
    const E = only.getWeights()[0].data;
    const want = Array.from(x.data).flatMap((id) => Array.from(E.subarray(id * D, (id + 1) * D)));
    expect(Array.from(only.predict(x).data)).toEqual(want);
    expect(Array.from(only.predict(x, { batchSize: 2 }).data)).toEqual(want);
    // the mean over time of the rows (a pooling layer reads them) against the same mean by hand
    const pooled = sequential({ seed: 2, layers: [layers.embedding({ inputDim: V, outputDim: D, inputLength: T, embeddingsInitializer: 'normal' }),
      layers.globalAveragePooling1D()] });
    const got = pooled.predict(x).data;
    for (let b = 0; b < B; b++) for (let j = 0; j < D; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += want[(b * T + t) * D + j];
      expect(got[b * D + j]).toBeCloseTo(s / T, 6);
    }
  });
});

describe('embedding rows through a dropout in inference', () => {
  // a dropout passes its input on unread in inference, so the rows are still written only for a layer that reads them
  it('an LSTM after a dropout predicts the bytes of the same model without it; a pooling layer after one sees the rows', () => {
    const B = 4, T = 6, D = 8, V = 50;
    const x = { data: Int32Array.from({ length: B * T }, (_, i) => (i * 11 + 5) % V), shape: [B, T] };
    const build = (drop: boolean) => sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: V, outputDim: D, inputLength: T }),
      ...(drop ? [layers.spatialDropout1D({ rate: 0.5 }), layers.dropout({ rate: 0.3 })] : []),
      layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    const withDrop = build(true), plain = build(false);
    withDrop.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    withDrop.trainOnBatch(x, Float32Array.from({ length: B }, (_, i) => i % 2)); // dropout active: reads the rows
    plain.setWeights(withDrop.getWeights());
    const bytes = (m: typeof plain) => Array.from(new Uint32Array(m.predict(x).data.buffer));
    expect(bytes(withDrop)).toEqual(bytes(plain));
    expect(new Set(bytes(plain)).size).toBeGreaterThan(1);
    // pooled after a dropout: the mean over time of the rows, by hand
    const pooled = sequential({ seed: 2, layers: [layers.embedding({ inputDim: V, outputDim: D, inputLength: T, embeddingsInitializer: 'normal' }),
      layers.dropout({ rate: 0.5 }), layers.globalAveragePooling1D()] });
    const E = pooled.getWeights()[0].data, got = pooled.predict(x).data;
    for (let b = 0; b < B; b++) for (let j = 0; j < D; j++) {
      let sum = 0;
      for (let t = 0; t < T; t++) sum += E[x.data[b * T + t] * D + j];
      expect(got[b * D + j]).toBeCloseTo(sum / T, 6);
    }
  });
});

describe('embedding as the output layer', () => {
  it('training metrics see its outputs, though its backward writes the gradient rows over them once spent', () => {
    // each [b, t] row of D outputs is one prediction (argmax) against a one-hot label; the expected accuracy comes from
    // predict before the step (the same forward)
    const B = 5, T = 4, D = 3, V = 40; // 20 distinct ids: every output row gets a gradient row written over it
    const m = sequential({ seed: 5, layers: [layers.embedding({ inputDim: V, outputDim: D, inputLength: T, embeddingsInitializer: 'normal' })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['accuracy'] });
    const x = { data: Int32Array.from({ length: B * T }, (_, i) => (i * 3) % V), shape: [B, T] };
    const label = (r: number) => (r * 2) % D;
    const y = { data: Float32Array.from({ length: B * T * D }, (_, i) => (i % D === label(Math.floor(i / D)) ? 1 : 0)), shape: [B, T, D] };
    const want = argmaxAccuracy(m.predict(x).data, B * T, D, label);
    expect(want).toBeGreaterThan(0.05);
    expect(want).toBeLessThan(0.95);
    const [, acc] = m.trainOnBatch(x, y);
    expect(acc).toBeCloseTo(want, 6);
  });
});
