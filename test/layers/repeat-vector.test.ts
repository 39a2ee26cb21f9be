// RepeatVector: [batch, F] -> [batch, n, F] copies, the gradient the copies' sum in order (float32); the LSTM
// autoencoder (LSTM -> repeatVector -> LSTM(seq) -> dense on each step) against central differences; configs, files.
import { describe, it, expect } from 'vitest';
import { initSync, layers, sequential, loadModel, ShapeError, ConfigError } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { fdCheck } from '../helpers/models.js';

initSync();

describe('repeatVector', () => {
  it('copies each sample n times; backward sums the n gradients in order, rounding each partial sum to float32', () => {
    const B = 3, F = 4, n = 5;
    const x = Float32Array.from({ length: B * F }, (_, i) => Math.sin(i) * 3);
    const dy = Float32Array.from({ length: B * n * F }, (_, i) => Math.cos(i * 0.7) * (1 + (i % 3) * 1e-3));
    const r = runLayer(layers.repeatVector({ n }), [F], B, x, dy);
    for (let b = 0; b < B; b++) for (let t = 0; t < n; t++) for (let j = 0; j < F; j++) expect(r.y[(b * n + t) * F + j]).toBe(x[b * F + j]);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < F; j++) {
        let s = Math.fround(dy[b * n * F + j]);
        for (let t = 1; t < n; t++) s = Math.fround(s + Math.fround(dy[(b * n + t) * F + j]));
        expect(r.dx![b * F + j]).toBe(s);
      }
    }
  });

  it('an LSTM autoencoder (LSTM -> repeatVector(T) -> LSTM(seq) -> dense per step, MSE): gradients match central differences', () => {
    const T = 4, F = 2;
    const m = sequential({ seed: 7, layers: [
      layers.lstm({ units: 3, inputShape: [T, F] }), layers.repeatVector({ n: T }), layers.lstm({ units: 3, returnSequences: true }), layers.dense({ units: F }),
    ] });
    expect(m.outputShape).toEqual([T, F]);
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = { data: Float32Array.from({ length: 5 * T * F }, (_, i) => Math.sin(i * 0.9)), shape: [5, T, F] };
    fdCheck(m, x, x);
  });

  it('keeps n through configs and model files; refuses input with a time axis and a bad n', async () => {
    const m = sequential({ seed: 2, layers: [layers.dense({ units: 3, inputShape: [2] }), layers.repeatVector({ n: 4, name: 'rep' }), layers.lstm({ units: 2 })] });
    expect(m.getConfig().config.layers[1]).toEqual({ className: 'RepeatVector', config: { name: 'rep', trainable: true, n: 4 } });
    const back = await loadModel(await m.save());
    const x = { data: Float32Array.from([1, -2, 0.5, 3]), shape: [2, 2] };
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    const seq = sequential({ layers: [layers.lstm({ units: 2, returnSequences: true, inputShape: [3, 2] }), layers.repeatVector({ n: 2, name: 'r' })] });
    expect(() => seq.outputShape).toThrow(ShapeError);
    expect(() => seq.outputShape).toThrow(/r: expected input \[batch, features\] \(put it after an LSTM or GRU without returnSequences, or a pooling\), got per-sample shape \[3, 2\]/);
    expect(() => layers.repeatVector({ n: 0 })).toThrow(ConfigError);
  });
});
