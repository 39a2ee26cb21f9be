// Embedding through the public API: an embedding output layer's training metrics (its gradient rows reuse its output).
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync } from '../../src/index.js';
import { argmaxAccuracy } from '../helpers/layer.js';

initSync();

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
