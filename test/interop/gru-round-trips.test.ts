// GRU models through exportKeras / exportTfjs / exportTorchWeights and back: the same predictions, bit for bit, and the refusals.
import { describe, it, expect } from 'vitest';
import { sequential, layers, initSync, exportKeras, loadKerasModel, exportTfjs, loadTfjsModel, exportTorchWeights, loadTorchWeights, type Sequential, type Layer } from '../../src/index.js';
import { ids } from '../helpers/models.js';

const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
const T = 7, V = 20;
function x(n: number) {
  const d = ids(n * T, 3, 1, V - 1);
  for (let i = 0; i < n; i++) for (let t = T - (i % 3); t < T; t++) d[i * T + t] = 0;
  return { data: d, shape: [n, T] };
}
function model(rnn: () => Layer, mask: boolean, seed = 1): Sequential {
  return sequential({ seed, layers: [layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, maskZero: mask }), rnn(), layers.dense({ units: 2, activation: 'softmax' })] });
}
/** weights away from init (bias nonzero). */
function perturb(m: Sequential) {
  m.setWeights(m.getWeights().map((w, k) => ({ data: w.data.map((v, i) => v + 0.1 * Math.sin(i * 1.3 + k)), shape: w.shape })));
}

const CASES: [string, () => Layer, boolean][] = [
  ['GRU reset after', () => layers.gru({ units: 4 }), true],
  ['GRU reset before, no bias, hard sigmoid', () => layers.gru({ units: 4, resetAfter: false, useBias: false, recurrentActivation: 'hardSigmoid' }), true],
  ['GRU goBackwards reset before', () => layers.gru({ units: 4, goBackwards: true, resetAfter: false }), false],
  ['Bi-GRU ave reset after', () => layers.bidirectional({ layer: layers.gru({ units: 4 }), mergeMode: 'ave' }), true],
  ['Bi-GRU concat reset before', () => layers.bidirectional({ layer: layers.gru({ units: 4, resetAfter: false }) }), true],
];

describe('GRU export round trips', () => {
  for (const [name, rnn, mask] of CASES) {
    it(`${name}: exportKeras -> loadKerasModel`, async () => {
      initSync();
      const m = model(rnn, mask); perturb(m);
      // (Keras 3 has no Keras 2 hard sigmoid: refused by design)
      if (JSON.stringify(m.getConfig()).includes('"hardSigmoid"')) { await expect(exportKeras(m)).rejects.toThrow(/hardSigmoid/); return; }
      const back = await loadKerasModel((await exportKeras(m))!);
      expect(bits(back.predict(x(6)))).toEqual(bits(m.predict(x(6))));
    });
    it(`${name}: exportTfjs -> loadTfjsModel (reset before only)`, async () => {
      initSync();
      const m = model(rnn, mask); perturb(m);
      const resetAfter = JSON.stringify(m.getConfig()).includes('"resetAfter":true');
      const p = exportTfjs(m);
      if (resetAfter) { await expect(p).rejects.toThrow(/resetAfter/); return; }
      const back = await loadTfjsModel((await p)!);
      expect(bits(back.predict(x(6)))).toEqual(bits(m.predict(x(6))));
    });
    it(`${name}: exportTorchWeights -> loadTorchWeights (reset after only)`, async () => {
      initSync();
      const m = model(rnn, mask); perturb(m);
      const cfg = JSON.stringify(m.getConfig());
      const torchOk = cfg.includes('"resetAfter":true') && !cfg.includes('hardSigmoid');
      const p = exportTorchWeights(m);
      if (!torchOk) { await expect(p).rejects.toThrow(/nn\.GRU/); return; }
      const m2 = model(rnn, mask, 9);
      await loadTorchWeights(m2, (await p)!);
      expect(bits(m2.predict(x(6)))).toEqual(bits(m.predict(x(6))));
    });
  }
});
