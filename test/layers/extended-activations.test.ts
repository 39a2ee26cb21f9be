// Dense and Activation layers with the extended activations (elu, selu, relu6, softplus, softsign, swish, gelu, mish):
// outputs against a float64 reference of the model, whole-model gradients against central differences, configs and
// model files, and an LSTM refusing them (its kernels compute only the gate activations).
import { describe, it, expect } from 'vitest';
import { initSync, layers, sequential, loadModel, ConfigError } from '../../src/index.js';
import { fdCheck } from '../helpers/models.js';
import { actExt, EXT_KINDS, EXT_NAMES } from '../ref/activation.js';

initSync();
const NAMES = EXT_KINDS.map((k) => EXT_NAMES[k]);

describe('extended activations in layers', () => {
  it('dense(act) -> activation(act) -> dense: outputs equal a float64 reference of the model for each activation', () => {
    EXT_KINDS.forEach((kind, n) => {
      const name = EXT_NAMES[kind];
      const m = sequential({ seed: 20 + n, layers: [layers.dense({ units: 5, activation: name, inputShape: [4] }), layers.activation({ activation: name }), layers.dense({ units: 2 })] });
      const x = Float32Array.from({ length: 6 * 4 }, (_, i) => 3 * Math.sin(i * 1.7 + n));
      const w = m.getWeights().map((t) => Float64Array.from(t.data));
      const [k1, b1, k2, b2] = w;
      const want: number[] = [];
      for (let r = 0; r < 6; r++) {
        const h = Array.from({ length: 5 }, (_, u) => actExt(actExt(Array.from({ length: 4 }, (_, i) => x[r * 4 + i] * k1[i * 5 + u]).reduce((s, v) => s + v, b1[u]), kind), kind));
        for (let o = 0; o < 2; o++) want.push(h.reduce((s, v, u) => s + v * k2[u * 2 + o], b2[o]));
      }
      const got = m.predict({ data: x, shape: [6, 4] }).data;
      const scale = Math.max(...want.map(Math.abs));
      want.forEach((v, i) => expect(Math.abs(got[i] - v), `${name} output ${i}`).toBeLessThan(1e-5 * scale));
    });
  });

  it('gradients through each match central differences (embedding -> LSTM -> dense(act) -> activation(act) -> dense, MSE)', () => {
    EXT_KINDS.forEach((kind, n) => {
      const name = EXT_NAMES[kind];
      const m = sequential({ seed: 30 + n, layers: [
        layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 4 }), layers.lstm({ units: 3 }),
        layers.dense({ units: 4, activation: name }), layers.activation({ activation: name }), layers.dense({ units: 2 }),
      ] });
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const x = { data: Int32Array.from({ length: 5 * 4 }, (_, i) => (i * 7 + n) % 9), shape: [5, 4] };
      fdCheck(m, x, { data: Float32Array.from({ length: 10 }, (_, i) => Math.cos(i + n)), shape: [5, 2] }, { amplitude: 1.5 });
    });
  });

  it('configs and model files keep them; an LSTM refuses them, naming what it takes', async () => {
    const m = sequential({ seed: 3, layers: NAMES.map((a, i) => layers.dense({ units: 3, activation: a, ...(i === 0 ? { inputShape: [2] } : {}) })) });
    const back = await loadModel(await m.save());
    expect(back.layers.map((l) => (l.getConfig() as { activation: string }).activation)).toEqual(NAMES);
    const x = { data: Float32Array.from([0.5, -1, 2, -3]), shape: [2, 2] };
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
    expect(() => layers.lstm({ units: 2, activation: 'gelu' as never })).toThrow(ConfigError);
    expect(() => layers.lstm({ units: 2, activation: 'gelu' as never })).toThrow(/expected activation to be one of linear, sigmoid, tanh, relu, hardSigmoid, hardSigmoidKeras3, got "gelu"/);
    expect(() => layers.dense({ units: 2, activation: 'geelu' as never })).toThrow(/expected activation to be one of .*gelu.*Did you mean "gelu"\?/);
  });
});
