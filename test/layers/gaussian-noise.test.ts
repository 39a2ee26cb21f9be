// GaussianNoise and GaussianDropout: training draws from the model's stream (the same bytes for the same seed, new
// noise each step), with the noise's mean and spread as Keras's; inference is the identity; gradients (noise fixed by
// computeGradients) against central differences; configs and model files.
import { describe, it, expect } from 'vitest';
import { initSync, layers, sequential, loadModel, ConfigError } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { fdCheck } from '../helpers/models.js';

initSync();
const stats = (v: ArrayLike<number>) => { let m = 0; for (const e of Array.from(v)) m += e; m /= v.length; let q = 0; for (const e of Array.from(v)) q += (e - m) ** 2; return { mean: m, std: Math.sqrt(q / v.length) }; };

describe('gaussianNoise and gaussianDropout', () => {
  it('training: x + N(0, stddev) and x * N(1, sqrt(rate / (1 - rate))), exact float32 given the noise; inference: x itself', () => {
    const n = 20000, x = Float32Array.from({ length: n }, (_, i) => 1 + (i % 5));
    const a = runLayer(layers.gaussianNoise({ stddev: 0.3 }), [n], 1, x, x, { training: true });
    const d = Float64Array.from(a.y, (v, i) => v - x[i]);
    const s = stats(d);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expect(Math.abs(s.std - 0.3)).toBeLessThan(0.01);
    expect(Array.from(a.dx!)).toEqual(Array.from(x)); // the gradient passes as it is
    const rate = 0.2, b = runLayer(layers.gaussianDropout({ rate }), [n], 1, x, x, { training: true });
    const f = Float64Array.from(b.y, (v, i) => v / x[i]);
    const t = stats(f);
    expect(Math.abs(t.mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(t.std - Math.sqrt(rate / (1 - rate)))).toBeLessThan(0.01);
    // dy = x here, so dx = dy * z = x * z = y, bit for bit (the same float32 product)
    expect(Array.from(b.dx!)).toEqual(Array.from(b.y));
    for (const l of [layers.gaussianNoise({ stddev: 0.3 }), layers.gaussianDropout({ rate })]) {
      const r = runLayer(l, [6], 2, x.slice(0, 12), null, { training: false });
      expect(Array.from(r.y)).toEqual(Array.from(x.slice(0, 12)));
    }
  });

  it('in a model: the same bytes for the same seed, predict unaffected, gradients match central differences (noise fixed)', async () => {
    const mk = () => sequential({ seed: 9, layers: [layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 5 }), layers.gaussianNoise({ stddev: 0.2 }),
      layers.lstm({ units: 3 }), layers.gaussianDropout({ rate: 0.3 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = [[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [0, 1, 0, 2, 8]], y = [1, 0, 1];
    const [a, b] = [mk(), mk()];
    for (const m of [a, b]) { m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' }); await m.fit(x, y, { epochs: 3, verbose: 0 }); }
    expect(a.getWeights().map((w) => Array.from(w.data))).toEqual(b.getWeights().map((w) => Array.from(w.data)));
    const plain = sequential({ seed: 9, layers: [layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 5 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    plain.setWeights(a.getWeights());
    expect(Array.from(a.predict(x).data)).toEqual(Array.from(plain.predict(x).data)); // inference: the identity
    fdCheck(a, x, y);
    expect(a.getConfig().config.layers[1]).toEqual({ className: 'GaussianNoise', config: { name: a.layers[1].name, trainable: true, stddev: 0.2 } });
    const back = await loadModel(await a.save());
    expect(back.layers.map((l) => l.className)).toEqual(['Embedding', 'GaussianNoise', 'LSTM', 'GaussianDropout', 'Dense']);
    expect(() => layers.gaussianDropout({ rate: 1 })).toThrow(ConfigError);
    expect(() => layers.gaussianNoise({ stddev: -1 })).toThrow(/expected stddev to be a finite number >= 0, got -1/);
  });
});
