// Flatten as a layer and in models: [batch, T, F] -> [batch, T * F] in row-major order (outputs against a float64
// reference of the whole model, gradients against central differences), the mask dropped (padded steps pass on their
// values, as in Keras), the shapes and options it refuses, and its config through a model file.
import { describe, it, expect } from 'vitest';
import { initSync, layers, sequential, loadModel, ConfigError, ShapeError } from '../../src/index.js';
import { fdCheck } from '../helpers/models.js';

initSync();
const T = 5, E = 3, V = 9;
const ids = [[1, 2, 3, 0, 0], [4, 4, 8, 7, 6], [0, 0, 5, 1, 2], [3, 1, 4, 1, 5]];
const labels = [1, 0, 1, 0];

function flatModel(maskZero = false) {
  return sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: V, outputDim: E, inputLength: T, maskZero }),
    layers.flatten(),
    layers.dense({ units: 2, activation: 'tanh' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}

/** The same model in float64 from its weights: each sample's embedding rows laid end to end, then the two Dense. */
function reference(w: { data: Float32Array }[], rows: number[][]): number[] {
  const [emb, k1, b1, k2, b2] = w.map((t) => Float64Array.from(t.data));
  return rows.map((r) => {
    const x = r.flatMap((id) => Array.from(emb.subarray(id * E, id * E + E)));
    const h = [0, 1].map((u) => Math.tanh(x.reduce((s, v, i) => s + v * k1[i * 2 + u], b1[u])));
    const z = h.reduce((s, v, i) => s + v * k2[i], b2[0]);
    return 1 / (1 + Math.exp(-z));
  });
}

describe('flatten', () => {
  it('lays each sample\'s [T, F] end to end: outputs equal a float64 reference of the whole model, spread over the batch', () => {
    const m = flatModel();
    expect(m.outputShape).toEqual([1]);
    expect(m.layers[1].outputShape).toEqual([T * E]);
    const p = m.predict(ids).data;
    const want = reference(m.getWeights(), ids);
    const scale = Math.max(...want.map(Math.abs));
    want.forEach((v, i) => expect(Math.abs(p[i] - v), `sample ${i}`).toBeLessThan(1e-6 * scale));
  });

  it('gradients (embedding rows through the flattened positions, both Dense) match central differences', () => {
    const m = flatModel();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    fdCheck(m, ids, labels);
  });

  it('drops the mask as Keras does: padded steps pass on their embedding row (id 0\'s), which changes the output', () => {
    const m = flatModel(true);
    const l = m.layers[1];
    l.inMask = 5;
    expect(l.outputMask()).toBe(0);
    const before = m.predict(ids).data.slice();
    const want = reference(m.getWeights(), ids);
    before.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
    const w = m.getWeights();
    w[0].data.set([2, -1, 0.5]); // id 0's row
    m.setWeights(w);
    const after = m.predict(ids).data;
    expect(after[0]).not.toBe(before[0]); // a padded sample
    expect(after[1]).toBe(before[1]);     // no padding: the same bits
  });

  it('after attention returning sequences and a Bi-LSTM: trains, and its gradients match central differences', () => {
    const m = sequential({ seed: 5, layers: [
      layers.embedding({ inputDim: V, outputDim: E, inputLength: T }),
      layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }) }),
      layers.attention({ returnSequences: true }),
      layers.flatten({ name: 'flat' }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    expect(m.outputShape).toEqual([1]);
    expect(m.layers[3].outputShape).toEqual([T * 4]);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    fdCheck(m, ids, labels);
    const text = m.summary(undefined, undefined, () => {});
    expect(text).toMatch(/flat \(Flatten\)\s+\(None, 20\)\s+0/);
  });

  it('refuses a free length, channels_first and unknown options, naming what it expected', () => {
    const m = sequential({ layers: [layers.embedding({ inputDim: V, outputDim: E }), layers.flatten({ name: 'f' }), layers.dense({ units: 1 })] });
    expect(() => m.predict(ids)).toThrow(ShapeError);
    expect(() => m.predict(ids)).toThrow(/f: expected every dimension of its input known \(a fixed length: give the first layer inputLength or inputShape\), got per-sample shape \[null, 3\]/);
    expect(() => layers.flatten({ dataFormat: 'channels_first' as never })).toThrow(ConfigError);
    expect(() => layers.flatten({ dataFormat: 'channels_first' as never })).toThrow(/expected dataFormat 'channels_last', got "channels_first" \(which moves the features before time first\): not supported/);
    expect(() => layers.flatten({ dataFormt: 'channels_last' } as never)).toThrow(/dataFormt/);
  });

  it('keeps its config through getConfig / fromConfig and a model file, with the same outputs', async () => {
    const m = flatModel();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await m.fit(ids, labels, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(m.getConfig().config.layers[1]).toEqual({ className: 'Flatten', config: { name: m.layers[1].name, trainable: true, dataFormat: 'channels_last' } });
    const back = await loadModel(await m.save());
    expect(back.layers[1].className).toBe('Flatten');
    expect(Array.from(back.predict(ids).data)).toEqual(Array.from(m.predict(ids).data));
  });
});
