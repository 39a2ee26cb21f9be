// LeakyReLU: y = x (x > 0) or alpha * x, the gradient alpha at x <= 0 (TF's LeakyReluGrad), in float32; its config,
// model files, the mask passing through, and whole-model gradients against central differences.
import { describe, it, expect } from 'vitest';
import { initSync, layers, sequential, loadModel, ConfigError } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { fdCheck } from '../helpers/models.js';

initSync();

describe('leakyReLU', () => {
  it('y = x or alpha x in float32, dx = dy or alpha dy (alpha at 0), over a batch of sequences', () => {
    const alpha = 0.17;
    const x = Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => (i % 7 === 0 ? 0 : 2.5 * Math.sin(i * 1.3)));
    const dy = Float32Array.from({ length: x.length }, (_, i) => Math.cos(i));
    const r = runLayer(layers.leakyReLU({ alpha }), [4, 5], 3, x, dy);
    const a32 = Math.fround(alpha);
    x.forEach((v, i) => {
      expect(r.y[i]).toBe(v > 0 ? v : Math.fround(a32 * v));
      expect(r.dx![i]).toBe(v > 0 ? Math.fround(dy[i]) : Math.fround(a32 * Math.fround(dy[i])));
    });
    expect(layers.leakyReLU().alpha).toBe(0.3); // Keras's and TF.js's default
  });

  it('passes the mask on; gradients through it match central differences (embedding(maskZero) -> LSTM(seq) -> leakyReLU -> pooling -> dense)', () => {
    const m = sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 5, maskZero: true }), layers.lstm({ units: 3, returnSequences: true }),
      layers.leakyReLU({ alpha: 0.2 }), layers.globalAveragePooling1D(), layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    const l = m.layers[2];
    l.inMask = 7;
    expect(l.outputMask()).toBe(7);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    fdCheck(m, [[1, 2, 3, 0, 0], [4, 5, 6, 7, 8], [0, 1, 0, 2, 3]], [1, 0, 1]);
  });

  it('keeps alpha through configs and model files; refuses a negative or non-finite alpha', async () => {
    const m = sequential({ seed: 2, layers: [layers.dense({ units: 4, inputShape: [3] }), layers.leakyReLU({ alpha: 0.05, name: 'lr' }), layers.dense({ units: 1 })] });
    expect(m.getConfig().config.layers[1]).toEqual({ className: 'LeakyReLU', config: { name: 'lr', trainable: true, alpha: 0.05 } });
    const back = await loadModel(await m.save());
    const x = { data: Float32Array.from([1, -2, 3, -0.5, 0.25, -4]), shape: [2, 3] };
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    expect(() => layers.leakyReLU({ alpha: -1 })).toThrow(ConfigError);
    expect(() => layers.leakyReLU({ alpha: Infinity })).toThrow(/expected alpha to be a finite number >= 0, got Infinity/);
  });
});
