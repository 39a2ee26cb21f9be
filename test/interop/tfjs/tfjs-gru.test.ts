// GRU and Bidirectional(GRU) in the TF.js Layers format, against @tensorflow/tfjs 4.22 itself (cpu backend). TF.js's
// GRUCell (tfjs-layers/src/layers/recurrent.ts) runs only Keras 2.3.1's reset-before form, hh = act(x W_h + b_h +
// (r * h) U_h) with a bias [3H], and throws on reset_after true: exportTfjs writes resetAfter false GRUs, which
// tf.loadLayersModel loads and predicts within 1e-5 of the outputs' scale, and refuses resetAfter true naming the layer.
// GRUs TF.js built and saved import with loadTfjsModel and predict as TF.js.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportTfjs, loadTfjsModel, sequential, layers, ConfigError, type Sequential } from '../../../src/index.js';
import { registerAttention } from '../../../src/interop/tfjs/register-attention.js';
import { ids } from '../../helpers/models.js';
import { tfSave } from '../../helpers/tfjs-files.js';
import { modelJson, tfLoad, tfPredict, ours, within, stirWeights, features, padded, bothWays, randomize } from '../../helpers/tfjs-compare.js';

registerAttention(tf);
beforeAll(async () => { await tf.setBackend('cpu'); });

/** Weights scaled up with a seeded ripple, so gates sit away from 0.5 and biases are not zero. */
const stir = (m: Sequential, k = 2.5): Sequential => stirWeights(m, k);

describe('exportTfjs: GRU (resetAfter false) -> tf.loadLayersModel', () => {
  it("a GRU alone on float features: the model.json is TF.js's own GRU layout (reset_after false, bias [3H]) and TF.js predicts within 1e-5", async () => {
    const m = stir(sequential({ seed: 21, layers: [layers.gru({ units: 5, resetAfter: false, inputShape: [6, 3] })] }));
    expect(m.getWeights().map((w) => w.shape)).toEqual([[3, 15], [5, 15], [15]]);
    const x = features(7, 6, 3);
    const out = await bothWays(m, x, 'GRU');
    const l = modelJson(out).modelTopology.config.layers[0];
    expect(l.class_name).toBe('GRU');
    expect(l.config).toMatchObject({ units: 5, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, reset_after: false,
      return_sequences: false, go_backwards: false, batch_input_shape: [null, 6, 3] });
    expect(modelJson(out).weightsManifest[0].weights.map((w: { name: string; shape: number[] }) => [w.name, w.shape]))
      .toEqual([['gru/kernel', [3, 15]], ['gru/recurrent_kernel', [5, 15]], ['gru/bias', [15]]]);
  });

  it('the recurrent layers\' dropout and recurrentDropout are written as the rates TF.js trains with, and come back from loadTfjsModel', async () => {
    const m = sequential({ seed: 12, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, dropout: 0.3, recurrentDropout: 0.35, returnSequences: true }) }),
      layers.simpleRNN({ units: 3, dropout: 0.2, returnSequences: true }),
      layers.gru({ units: 2, resetAfter: false, dropout: 0.1 }), layers.dense({ units: 1 })] });
    const out = await bothWays(stir(m), padded(4, 5), 'dropout');
    const t = await tfLoad(out);
    const rates = t.layers.map((l) => (l.getConfig() as { dropout?: number; layer?: { config: { dropout: number } } })).map((c) => c.layer?.config.dropout ?? c.dropout);
    expect(rates.slice(1, 4)).toEqual([0.3, 0.2, 0.1]);
    expect((t.layers[1].getConfig() as { layer: { config: { recurrent_dropout?: number; recurrentDropout?: number } } }).layer.config.recurrentDropout ?? (t.layers[1].getConfig() as { layer: { config: { recurrent_dropout?: number } } }).layer.config.recurrent_dropout).toBe(0.35);
    const back = (await loadTfjsModel(out)).getConfig().config.layers;
    expect([(back[1].config.layer as { config: { dropout: number } }).config.dropout, back[2].config.dropout, back[3].config.dropout]).toEqual([0.3, 0.2, 0.1]);
    expect((back[1].config.layer as { config: { recurrentDropout: number } }).config.recurrentDropout).toBe(0.35);
  });

  it('goBackwards, returnSequences (outputs in processing order, as Keras and TF.js), both, and without a bias: within 1e-5', async () => {
    const x = features(5, 7, 4, 2);
    for (const [goBackwards, returnSequences, useBias] of [[true, false, true], [false, true, true], [true, true, true], [false, true, false]] as const) {
      const m = stir(sequential({ seed: 22, layers: [layers.gru({ units: 4, resetAfter: false, goBackwards, returnSequences, useBias, inputShape: [7, 4] })] }));
      const out = await bothWays(m, x, `goBackwards ${goBackwards}, returnSequences ${returnSequences}, useBias ${useBias}`);
      expect(modelJson(out).modelTopology.config.layers[0].config).toMatchObject({ go_backwards: goBackwards, return_sequences: returnSequences, use_bias: useBias });
      if (!useBias) expect(m.weightNames.map((n) => n.split('/')[1])).toEqual(['kernel', 'recurrent_kernel']);
    }
  });

  it("other activations (hardSigmoid gates, TF.js's default; relu and linear candidates): within 1e-5", async () => {
    const x = features(6, 5, 3, 3);
    for (const [activation, recurrentActivation] of [['tanh', 'hardSigmoid'], ['relu', 'sigmoid'], ['linear', 'hardSigmoid']] as const) {
      const m = stir(sequential({ seed: 23, layers: [layers.gru({ units: 3, resetAfter: false, activation, recurrentActivation, returnSequences: true, inputShape: [5, 3] })] }));
      const out = await bothWays(m, x, `${activation} / ${recurrentActivation}`);
      expect(modelJson(out).modelTopology.config.layers[0].config).toMatchObject({ activation, recurrent_activation: recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : 'sigmoid' });
    }
  });

  it('embedding -> GRU(seq) -> GRU -> dense sigmoid, trained here: TF.js predicts within 1e-5', async () => {
    const m = sequential({ seed: 24, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.gru({ units: 6, resetAfter: false, returnSequences: true }), layers.gru({ units: 4, resetAfter: false, goBackwards: true }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = { data: ids(64 * 7, 11, 0, 10), shape: [64, 7] };
    const y = Float32Array.from({ length: 64 }, (_, i) => (x.data[i * 7] + x.data[i * 7 + 6] > 10 ? 1 : 0));
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const before = m.getWeights()[1].data.slice();
    await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(m.getWeights()[1].data).not.toEqual(before); // trained
    stir(m, 3); // and pushed out of the near-linear start, so the last sigmoid is not flat
    const out = await bothWays(m, x, 'trained GRU stack');
    expect(modelJson(out).modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['Embedding', 'GRU', 'GRU', 'Dense']);
  });
});

describe('exportTfjs: Bidirectional(GRU) -> tf.loadLayersModel', () => {
  it('each merge mode (concat, sum, mul, ave), returning sequences or the last step, goBackwards inside: within 1e-5', async () => {
    const x = features(6, 5, 3, 4);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      for (const [returnSequences, goBackwards] of [[true, false], [false, false], [true, true]] as const) {
        const m = stir(sequential({ seed: 25, layers: [layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false, returnSequences, goBackwards }), mergeMode, inputShape: [5, 3] })] }));
        const out = await bothWays(m, x, `Bi-GRU ${mergeMode}, returnSequences ${returnSequences}, goBackwards ${goBackwards}`);
        const l = modelJson(out).modelTopology.config.layers[0];
        expect(l.config.merge_mode).toBe(mergeMode);
        expect(l.config.layer.class_name).toBe('GRU');
        expect(l.config.layer.config).toMatchObject({ reset_after: false, return_sequences: returnSequences, go_backwards: goBackwards });
      }
    }
    const m = sequential({ layers: [layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false, name: 'g' }), inputShape: [5, 3], name: 'bi' })] });
    expect(m.weightNames).toEqual(['bi/forward_g/kernel', 'bi/forward_g/recurrent_kernel', 'bi/forward_g/bias',
      'bi/backward_g/kernel', 'bi/backward_g/recurrent_kernel', 'bi/backward_g/bias']);
  });

  it('embedding -> Bi-GRU(seq) -> attention(pooled) -> dense: within 1e-5', async () => {
    const m = stir(sequential({ seed: 26, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7 }),
      layers.bidirectional({ layer: layers.gru({ units: 4, resetAfter: false, returnSequences: true, recurrentActivation: 'hardSigmoid' }) }),
      layers.attention({ returnSequences: false }), layers.dense({ units: 3, activation: 'softmax' })] }));
    await bothWays(m, { data: ids(20 * 7, 12, 0, 10), shape: [20, 7] }, 'Bi-GRU + attention');
  });
});

describe('exportTfjs: GRUs under a mask (embedding maskZero)', () => {
  it('GRU(seq) -> GRU -> dense: both carry the state and repeat the output over padded steps, so TF.js predicts within 1e-5', async () => {
    const x = padded(10, 7, 5);
    for (const goBackwards of [false, true]) {
      const m = stir(sequential({ seed: 27, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
        layers.gru({ units: 4, resetAfter: false, returnSequences: true, goBackwards }), layers.gru({ units: 3, resetAfter: false }), layers.dense({ units: 2 })] }));
      const out = await bothWays(m, x, `masked GRU stack, goBackwards ${goBackwards}`);
      expect(modelJson(out).modelTopology.config.layers[0].config.mask_zero).toBe(true);
      // the mask bites: the same model without it predicts otherwise on the padded rows
      const unmasked = sequential({ seed: 27, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7 }),
        layers.gru({ units: 4, resetAfter: false, returnSequences: true, goBackwards }), layers.gru({ units: 3, resetAfter: false }), layers.dense({ units: 2 })] });
      unmasked.setWeights(m.getWeights());
      expect(Math.max(...Array.from(ours(unmasked, x), (v, i) => Math.abs(v - ours(m, x)[i])))).toBeGreaterThan(1e-3);
    }
  });

  it('Bi-GRU (last step) -> dense and Bi-GRU(seq) -> attention(pooled) -> dense: within 1e-5; the Bi-GRU\'s own padded-step outputs differ (0 here, repeated in TF.js)', async () => {
    const x = padded(10, 7, 8);
    for (const mergeMode of ['concat', 'ave'] as const) {
      const last = stir(sequential({ seed: 28, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
        layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false }), mergeMode }), layers.dense({ units: 2 })] }));
      await bothWays(last, x, `masked Bi-GRU last step, ${mergeMode}`);
    }
    const m = stir(sequential({ seed: 29, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false, returnSequences: true }) }),
      layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] }));
    const out = await bothWays(m, x, 'masked Bi-GRU(seq) + pooled attention');
    const t = await tfLoad(out);
    const inner = tf.model({ inputs: t.inputs, outputs: t.layers[1].output as tf.SymbolicTensor });
    const seq = tfPredict(inner, x);
    const row = 2, T = 7, D = 6; // sample 2 is padded at its last step
    expect(x.data[row * T + T - 1]).toBe(0);
    expect(Array.from({ length: D }, (_, k) => seq[(row * T + T - 1) * D + k]).some((v) => v !== 0)).toBe(true);
    t.dispose();
  });
});

describe('exportTfjs: GRUs TF.js cannot run are refused, naming the layer', () => {
  it("resetAfter true (our default, tf.keras 2's and Keras 3's; TF.js's GRUCell throws on it), alone or in a Bidirectional", async () => {
    const alone = sequential({ layers: [layers.gru({ units: 2, inputShape: [4, 3], name: 'g1' })] });
    await expect(exportTfjs(alone)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(alone)).rejects.toThrow(/^exportTfjs: layer g1: expected a GRU TF\.js can run \(resetAfter false: TF\.js's GRUCell has only Keras 2\.3\.1's reset-before form and throws "GRUCell does not support reset_after parameter set to true"\), got resetAfter true\. Export it with exportKeras or exportOnnx, or build the GRU with resetAfter: false\.$/);
    const bi = sequential({ layers: [layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }),
      layers.bidirectional({ layer: layers.gru({ units: 2, resetAfter: true, name: 'inner' }), name: 'bi' })] });
    await expect(exportTfjs(bi)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(bi)).rejects.toThrow(/^exportTfjs: layer bi \(its inner\): expected a GRU TF\.js can run \(resetAfter false.*got resetAfter true\./);
    // and TF.js itself refuses what we would have written
    expect(() => tf.layers.gru({ units: 2, resetAfter: true } as Parameters<typeof tf.layers.gru>[0])).toThrow(/GRUCell does not support reset_after parameter set to true/);
  });

  it('zeroOutputForMask on a GRU alone, an activation TF.js lacks, and a masked Bidirectional around a goBackwards GRU returning sequences', async () => {
    const zero = sequential({ layers: [layers.gru({ units: 2, resetAfter: false, returnSequences: true, zeroOutputForMask: true, inputShape: [4, 3], name: 'gz' })] });
    await expect(exportTfjs(zero)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(zero)).rejects.toThrow(/^exportTfjs: layer gz: expected a GRU TF\.js can run \(zeroOutputForMask false: TF\.js has no such option\), got zeroOutputForMask true\. Export it with exportKeras instead\.$/);
    const k3 = sequential({ layers: [layers.gru({ units: 2, resetAfter: false, recurrentActivation: 'hardSigmoidKeras3', inputShape: [4, 3], name: 'gk' })] });
    await expect(exportTfjs(k3)).rejects.toThrow(/layer gk: expected an activation TF\.js has .* got "hardSigmoidKeras3" \(Keras 3's relu6/);
    const bi = (maskZero: boolean) => sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 11, outputDim: 3, inputLength: 5, maskZero }),
      layers.bidirectional({ layer: layers.gru({ units: 2, resetAfter: false, returnSequences: true, goBackwards: true }), name: 'bg' }),
      layers.attention({ returnSequences: false }),
    ] });
    await expect(exportTfjs(bi(true))).rejects.toThrow(ConfigError);
    await expect(exportTfjs(bi(true))).rejects.toThrow(/^exportTfjs: layer bg: expected a Bidirectional TF\.js runs as Keras under a mask, got one around a GRU with goBackwards and returnSequences/);
    expect(modelJson((await exportTfjs(bi(false)))!).modelTopology.config.layers[1].config.layer.class_name).toBe('GRU'); // unmasked it exports
  });
});

describe('loadTfjsModel: GRUs TF.js built and saved', () => {
  it("embedding -> GRU(seq) -> GRU(goBackwards) -> dense, TF.js's defaults (hard_sigmoid gates, reset_after false): predicts as TF.js", async () => {
    const t = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 13, outputDim: 5, inputLength: 8 }),
      tf.layers.gru({ units: 6, returnSequences: true }),
      tf.layers.gru({ units: 4, goBackwards: true }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    randomize(t, 31);
    const saved = await tfSave(t);
    expect(modelJson(saved).modelTopology.config.layers[1].config).toMatchObject({ reset_after: false, recurrent_activation: 'hard_sigmoid' });
    const m = await loadTfjsModel(saved);
    expect(m.layers.map((l) => l.className)).toEqual(['Embedding', 'GRU', 'GRU', 'Dense']);
    expect(m.layers[1].getConfig()).toMatchObject({ resetAfter: false, recurrentActivation: 'hardSigmoid', returnSequences: true });
    expect(m.layers[2].getConfig()).toMatchObject({ resetAfter: false, goBackwards: true });
    const x = { data: ids(30 * 8, 9, 0, 12), shape: [30, 8] };
    within(ours(m, x), tfPredict(t, x), 'ours vs TF.js (GRU stack)');
    t.dispose();
  });

  it('Bidirectional(GRU) in each merge mode, GRU without a bias, float input: predicts as TF.js', async () => {
    const x = features(9, 6, 3, 6);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      const t = tf.sequential({ layers: [
        tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }) as tf.RNN, mergeMode, inputShape: [6, 3] }),
        tf.layers.gru({ units: 3, useBias: false, activation: 'relu', recurrentActivation: 'sigmoid' }),
      ] });
      randomize(t, 41, 1.2);
      const m = await loadTfjsModel(await tfSave(t));
      expect(m.layers.map((l) => l.className)).toEqual(['Bidirectional', 'GRU']);
      expect(m.weightNames.at(-1)).toMatch(/recurrent_kernel$/);
      within(ours(m, x), tfPredict(t, x), `ours vs TF.js (Bi-GRU ${mergeMode})`);
      t.dispose();
    }
  });

  it('a masked embedding -> Bi-GRU (last step) and GRU(seq) -> GRU: predicts as TF.js', async () => {
    const x = padded(12, 7, 3);
    for (const rnn of [
      () => [tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as tf.RNN })],
      () => [tf.layers.gru({ units: 4, returnSequences: true, goBackwards: true }), tf.layers.gru({ units: 3 })],
    ]) {
      const t = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }), ...rnn(), tf.layers.dense({ units: 2 })] });
      randomize(t, 51);
      const m = await loadTfjsModel(await tfSave(t));
      within(ours(m, x), tfPredict(t, x), `ours vs TF.js (masked, ${m.layers[1].className})`);
      t.dispose();
    }
  });

  it('a masked Bidirectional around a goBackwards GRU returning sequences is refused, as exportTfjs refuses to write it', async () => {
    const t = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 5, maskZero: true }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, returnSequences: true, goBackwards: true }) as tf.RNN }),
      tf.layers.gru({ units: 2 }), tf.layers.dense({ units: 1 })] });
    const saved = await tfSave(t);
    await expect(loadTfjsModel(saved)).rejects.toThrow(ConfigError);
    await expect(loadTfjsModel(saved)).rejects.toThrow(/^loadTfjsModel: layer bidirectional\w*: expected a Bidirectional TF\.js runs as Keras under a mask, got one around/);
    t.dispose();
  });
});
