// model.getLayer(name | index) and a layer's own getWeights/setWeights, as Keras's get_layer and layer.get_weights /
// set_weights (TF.js getLayer, layer.getWeights/setWeights): the layer's slice of the model's weights, in Keras order,
// checked as model.setWeights checks them (all or nothing).
import { describe, it, expect } from 'vitest';
import { initSync, sequential, layers, ConfigError, ShapeError, StateError, ValueError } from '../../src/index.js';
import { weightBytes } from '../helpers/models.js';

initSync();

function model() {
  return sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5, name: 'emb' }),
    layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), name: 'bi' }),
    layers.attention({ name: 'att' }),
    layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }),
  ] });
}
const X = { data: Int32Array.from({ length: 15 }, (_, i) => (i * 5) % 12), shape: [3, 5] };

describe('getLayer and a layer\'s weights', () => {
  it('getLayer finds a layer by name or index; neither, both, an unknown name or a bad index is a ConfigError', () => {
    const m = model();
    expect(m.getLayer('bi')).toBe(m.layers[1]);
    expect(m.getLayer(undefined, 3)).toBe(m.layers[3]);
    expect(() => m.getLayer()).toThrow(new ConfigError('getLayer: expected a layer name or an index, one of them, got neither.'));
    expect(() => m.getLayer('emb', 0)).toThrow(new ConfigError('getLayer: expected a layer name or an index, one of them, got both.'));
    expect(() => m.getLayer('outt')).toThrow(/^getLayer: expected the name of one of the model's layers \("emb", "bi", "att", "out"\), got "outt"\. Did you mean "out"\?$/);
    for (const i of [4, -1, 1.5]) expect(() => m.getLayer(undefined, i)).toThrow(/^getLayer: expected an index in \[0, 3\] \(the model has 4 layers\), got /);
  });

  it('a layer\'s getWeights is its slice of model.getWeights, in Keras order (the Bidirectional: forward then backward)', () => {
    const m = model();
    const all = m.getWeights();
    const per = m.layers.map((l) => l.getWeights());
    expect(per.map((w) => w.length)).toEqual([1, 6, 2, 2]);
    expect(per.flat().map((w) => Array.from(w.data))).toEqual(all.map((w) => Array.from(w.data)));
    expect(per.flat().map((w) => w.shape)).toEqual(all.map((w) => w.shape));
    // copies: writing into one changes nothing
    per[0][0].data.fill(7);
    expect(Array.from(m.getLayer('emb').getWeights()[0].data)).toEqual(Array.from(all[0].data));
  });

  it('a layer\'s setWeights changes that layer only (and the predictions); bad lists change nothing', () => {
    const m = model();
    const before = m.getWeights();
    const p0 = Array.from(m.predict(X).data);
    const out = m.getLayer('out');
    const [k, b] = out.getWeights();
    out.setWeights([{ data: k.data.map((v) => v * 2), shape: k.shape }, { data: Float32Array.of(0.5), shape: [1] }]);
    const after = m.getWeights();
    expect(after.slice(0, -2).map((w) => Array.from(w.data))).toEqual(before.slice(0, -2).map((w) => Array.from(w.data)));
    expect(Array.from(after[after.length - 2].data)).toEqual(Array.from(k.data, (v) => Math.fround(v * 2)));
    expect(Array.from(after[after.length - 1].data)).toEqual([0.5]);
    expect(Array.from(m.predict(X).data)).not.toEqual(p0);
    const bytes = weightBytes(m);
    expect(() => out.setWeights([k])).toThrow(new ShapeError(`out.setWeights: expected 2 weights (out/kernel [6, 1], out/bias [1]), got 1.`));
    expect(() => out.setWeights([k, { data: [1, 2], shape: [2] }])).toThrow(new ShapeError('out.setWeights: weight 1 (out/bias) expected shape [1], got [2].'));
    expect(() => out.setWeights([k, { data: [NaN], shape: [1] }])).toThrow(ValueError);
    expect(weightBytes(m)).toEqual(bytes);
  });

  it('a layer in no model has no weights; after its model is disposed, getWeights is a StateError', () => {
    const free = layers.dense({ units: 2, name: 'free' });
    expect(free.getWeights()).toEqual([]);
    expect(() => free.setWeights([])).not.toThrow();
    expect(() => free.setWeights([[1]])).toThrow(new ShapeError('free.setWeights: expected no weights (the layer is in no model yet, so it has none), got 1. Add it to a model first.'));
    const m = model();
    const att = m.getLayer('att');
    m.dispose();
    expect(() => att.getWeights()).toThrow(StateError);
    expect(() => m.getLayer('att')).toThrow(StateError);
  });
});
