// SimpleRNN and Bidirectional(SimpleRNN) in the TF.js Layers format, against @tensorflow/tfjs 4.22 itself (cpu
// backend). TF.js's SimpleRNNCell (tfjs-layers/src/layers/recurrent.ts) computes Keras's h = act(x . kernel + bias +
// h_prev . recurrent_kernel) with kernel [I, H], recurrent_kernel [H, H], bias [H]: exportTfjs writes its layout, which
// tf.loadLayersModel loads and predicts within 1e-5 of the outputs' scale; SimpleRNNs TF.js built and saved import
// with loadTfjsModel and predict as TF.js. The cases TF.js runs otherwise are refused, as the LSTM's and GRU's.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportTfjs, loadTfjsModel, sequential, layers, ConfigError, type Sequential } from '../../../src/index.js';
import { registerAttention } from '../../../src/interop/tfjs/register-attention.js';
import { ids } from '../../helpers/models.js';
import { tfSave } from '../../helpers/tfjs-files.js';
import { modelJson, tfLoad, tfPredict, ours, within, stirWeights, features, padded, bothWays, randomize } from '../../helpers/tfjs-compare.js';

registerAttention(tf);
beforeAll(async () => { await tf.setBackend('cpu'); });

/** Weights scaled with a seeded ripple, so biases are not zero and the state carries across steps. */
const stir = (m: Sequential, k = 1.5): Sequential => stirWeights(m, k);

describe('exportTfjs: SimpleRNN -> tf.loadLayersModel', () => {
  it("a SimpleRNN alone on float features: the model.json is TF.js's own SimpleRNN layout (kernel [I, H], recurrent_kernel [H, H], bias [H]) and TF.js predicts within 1e-5", async () => {
    const m = stir(sequential({ seed: 21, layers: [layers.simpleRNN({ units: 5, inputShape: [6, 3] })] }));
    expect(m.getWeights().map((w) => w.shape)).toEqual([[3, 5], [5, 5], [5]]);
    const x = features(7, 6, 3);
    const out = await bothWays(m, x, 'SimpleRNN');
    const l = modelJson(out).modelTopology.config.layers[0];
    expect(l.class_name).toBe('SimpleRNN');
    expect(l.config).toMatchObject({ units: 5, activation: 'tanh', use_bias: true, return_sequences: false, go_backwards: false,
      return_state: false, stateful: false, unroll: false, dropout: 0, recurrent_dropout: 0, batch_input_shape: [null, 6, 3] });
    // the keys TF.js's own SimpleRNN getConfig writes: no recurrent_activation, no implementation
    expect(l.config).not.toHaveProperty('recurrent_activation');
    expect(l.config).not.toHaveProperty('implementation');
    expect(modelJson(out).weightsManifest[0].weights.map((w: { name: string; shape: number[] }) => [w.name, w.shape]))
      .toEqual([['simple_rnn/kernel', [3, 5]], ['simple_rnn/recurrent_kernel', [5, 5]], ['simple_rnn/bias', [5]]]);
  });

  it('goBackwards, returnSequences (outputs in processing order, as Keras and TF.js), both, and without a bias: within 1e-5', async () => {
    const x = features(5, 7, 4, 2);
    for (const [goBackwards, returnSequences, useBias] of [[true, false, true], [false, true, true], [true, true, true], [false, true, false]] as const) {
      const m = stir(sequential({ seed: 22, layers: [layers.simpleRNN({ units: 4, goBackwards, returnSequences, useBias, inputShape: [7, 4] })] }));
      const out = await bothWays(m, x, `goBackwards ${goBackwards}, returnSequences ${returnSequences}, useBias ${useBias}`);
      expect(modelJson(out).modelTopology.config.layers[0].config).toMatchObject({ go_backwards: goBackwards, return_sequences: returnSequences, use_bias: useBias });
      if (!useBias) expect(m.weightNames.map((n) => n.split('/')[1])).toEqual(['kernel', 'recurrent_kernel']);
    }
  });

  it('other activations (relu, linear, sigmoid, hardSigmoid): within 1e-5', async () => {
    const x = features(6, 5, 3, 3);
    for (const activation of ['relu', 'linear', 'sigmoid', 'hardSigmoid'] as const) {
      const m = stir(sequential({ seed: 23, layers: [layers.simpleRNN({ units: 3, activation, returnSequences: true, inputShape: [5, 3] })] }), 1);
      const out = await bothWays(m, x, activation);
      expect(modelJson(out).modelTopology.config.layers[0].config.activation).toBe(activation === 'hardSigmoid' ? 'hard_sigmoid' : activation);
    }
  });

  it('embedding -> SimpleRNN(seq) -> SimpleRNN(goBackwards, relu) -> dense sigmoid, trained here: TF.js predicts within 1e-5', async () => {
    const m = sequential({ seed: 24, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.simpleRNN({ units: 6, returnSequences: true }), layers.simpleRNN({ units: 4, goBackwards: true, activation: 'relu' }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    const x = { data: ids(64 * 7, 11, 0, 10), shape: [64, 7] };
    const y = Float32Array.from({ length: 64 }, (_, i) => (x.data[i * 7] + x.data[i * 7 + 6] > 10 ? 1 : 0));
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const before = m.getWeights()[1].data.slice();
    await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(m.getWeights()[1].data).not.toEqual(before); // trained
    stir(m, 2); // and pushed out of the near-linear start, so the last sigmoid is not flat
    const out = await bothWays(m, x, 'trained SimpleRNN stack');
    expect(modelJson(out).modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['Embedding', 'SimpleRNN', 'SimpleRNN', 'Dense']);
  });
});

describe('exportTfjs: Bidirectional(SimpleRNN) -> tf.loadLayersModel', () => {
  it('each merge mode (concat, sum, mul, ave), returning sequences or the last step, goBackwards inside: within 1e-5', async () => {
    const x = features(6, 5, 3, 4);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      for (const [returnSequences, goBackwards] of [[true, false], [false, false], [true, true], [false, true]] as const) {
        const m = stir(sequential({ seed: 25, layers: [layers.bidirectional({ layer: layers.simpleRNN({ units: 3, returnSequences, goBackwards }), mergeMode, inputShape: [5, 3] })] }));
        const out = await bothWays(m, x, `Bi-SimpleRNN ${mergeMode}, returnSequences ${returnSequences}, goBackwards ${goBackwards}`);
        const l = modelJson(out).modelTopology.config.layers[0];
        expect(l.config.merge_mode).toBe(mergeMode);
        expect(l.config.layer.class_name).toBe('SimpleRNN');
        expect(l.config.layer.config).toMatchObject({ return_sequences: returnSequences, go_backwards: goBackwards });
      }
    }
    const m = sequential({ layers: [layers.bidirectional({ layer: layers.simpleRNN({ units: 3, name: 's' }), inputShape: [5, 3], name: 'bi' })] });
    expect(m.weightNames).toEqual(['bi/forward_s/kernel', 'bi/forward_s/recurrent_kernel', 'bi/forward_s/bias',
      'bi/backward_s/kernel', 'bi/backward_s/recurrent_kernel', 'bi/backward_s/bias']);
  });

  it('embedding -> Bi-SimpleRNN(seq, relu) -> attention(pooled) -> dense: within 1e-5', async () => {
    const m = stir(sequential({ seed: 26, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7 }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 4, returnSequences: true, activation: 'relu' }) }),
      layers.attention({ returnSequences: false }), layers.dense({ units: 3, activation: 'softmax' })] }), 1);
    await bothWays(m, { data: ids(20 * 7, 12, 0, 10), shape: [20, 7] }, 'Bi-SimpleRNN + attention');
  });
});

describe('exportTfjs: SimpleRNNs under a mask (embedding maskZero)', () => {
  it('SimpleRNN(seq) -> SimpleRNN -> dense: both carry the state and repeat the output over padded steps, so TF.js predicts within 1e-5', async () => {
    const x = padded(10, 7, 5);
    for (const goBackwards of [false, true]) {
      const stack = (maskZero: boolean) => sequential({ seed: 27, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero }),
        layers.simpleRNN({ units: 4, returnSequences: true, goBackwards }), layers.simpleRNN({ units: 3 }), layers.dense({ units: 2 })] });
      const m = stir(stack(true));
      const out = await bothWays(m, x, `masked SimpleRNN stack, goBackwards ${goBackwards}`);
      expect(modelJson(out).modelTopology.config.layers[0].config.mask_zero).toBe(true);
      // the mask bites: the same model without it predicts otherwise on the padded rows
      const unmasked = stack(false);
      unmasked.setWeights(m.getWeights());
      expect(Math.max(...Array.from(ours(unmasked, x), (v, i) => Math.abs(v - ours(m, x)[i])))).toBeGreaterThan(1e-3);
    }
  });

  it("Bi-SimpleRNN (last step, goBackwards inside or not) -> dense and Bi-SimpleRNN(seq) -> attention(pooled) -> dense: within 1e-5; the Bi-SimpleRNN's own padded-step outputs differ (0 here, repeated in TF.js)", async () => {
    const x = padded(10, 7, 8);
    for (const [mergeMode, goBackwards] of [['concat', false], ['ave', false], ['mul', true]] as const) {
      const last = stir(sequential({ seed: 28, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
        layers.bidirectional({ layer: layers.simpleRNN({ units: 3, goBackwards }), mergeMode }), layers.dense({ units: 2 })] }));
      await bothWays(last, x, `masked Bi-SimpleRNN last step, ${mergeMode}, goBackwards ${goBackwards}`);
    }
    const m = stir(sequential({ seed: 29, layers: [layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 3, returnSequences: true }) }),
      layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] }));
    const out = await bothWays(m, x, 'masked Bi-SimpleRNN(seq) + pooled attention');
    const t = await tfLoad(out);
    const inner = tf.model({ inputs: t.inputs, outputs: t.layers[1].output as tf.SymbolicTensor });
    const seq = tfPredict(inner, x);
    const row = 2, T = 7, D = 6; // sample 2 is padded at its last step
    expect(x.data[row * T + T - 1]).toBe(0);
    expect(Array.from({ length: D }, (_, k) => seq[(row * T + T - 1) * D + k]).some((v) => v !== 0)).toBe(true);
    t.dispose();
  });
});

describe('exportTfjs: SimpleRNNs TF.js cannot run are refused, naming the layer', () => {
  it('zeroOutputForMask on a SimpleRNN alone, an activation TF.js lacks, and a masked Bidirectional around a goBackwards SimpleRNN returning sequences', async () => {
    const zero = sequential({ layers: [layers.simpleRNN({ units: 2, returnSequences: true, zeroOutputForMask: true, inputShape: [4, 3], name: 'sz' })] });
    await expect(exportTfjs(zero)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(zero)).rejects.toThrow(/^exportTfjs: layer sz: expected a SimpleRNN TF\.js can run \(zeroOutputForMask false: TF\.js has no such option\), got zeroOutputForMask true\. Export it with exportKeras instead\.$/);
    const k3 = sequential({ layers: [layers.bidirectional({ layer: layers.simpleRNN({ units: 2, activation: 'hardSigmoidKeras3', name: 'sk' }), inputShape: [4, 3] })] });
    await expect(exportTfjs(k3)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(k3)).rejects.toThrow(/^exportTfjs: layer sk: expected an activation TF\.js has .* got "hardSigmoidKeras3" \(Keras 3's relu6/);
    const bi = (maskZero: boolean) => sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 11, outputDim: 3, inputLength: 5, maskZero }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 2, returnSequences: true, goBackwards: true }), name: 'bs' }),
      layers.attention({ returnSequences: false }),
    ] });
    await expect(exportTfjs(bi(true))).rejects.toThrow(ConfigError);
    await expect(exportTfjs(bi(true))).rejects.toThrow(/^exportTfjs: layer bs: expected a Bidirectional TF\.js runs as Keras under a mask, got one around a SimpleRNN with goBackwards and returnSequences \(TF\.js repeats outputs at padded steps where Keras writes 0, and here they land on real steps\)\. Export it with exportKeras, or drop goBackwards\.$/);
    expect(modelJson((await exportTfjs(bi(false)))!).modelTopology.config.layers[1].config.layer.class_name).toBe('SimpleRNN'); // unmasked it exports
  });

  it("a SimpleRNN reading a mask that ended (after a conv1d's output it is TF.js's, not ours)", async () => {
    const m = sequential({ layers: [layers.embedding({ inputDim: 11, outputDim: 3, inputLength: 6, maskZero: true }),
      layers.simpleRNN({ units: 2, returnSequences: true }), layers.conv1d({ filters: 2, kernelSize: 2 }), layers.simpleRNN({ units: 2, name: 'after' })] });
    await expect(exportTfjs(m)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(m)).rejects.toThrow(/^exportTfjs: layer after: expected a model TF\.js masks as we do, got SimpleRNN after the mask ended \(TF\.js passes the embedding's mask on past a conv1d, a pooling, repeatVector or a recurrent layer's last state, and applies it here: other outputs\)\./);
  });
});

describe('loadTfjsModel: SimpleRNNs TF.js built and saved', () => {
  it("embedding -> SimpleRNN(seq) -> SimpleRNN(goBackwards, relu) -> dense, TF.js's defaults otherwise: predicts as TF.js", async () => {
    const t = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 13, outputDim: 5, inputLength: 8 }),
      tf.layers.simpleRNN({ units: 6, returnSequences: true }),
      tf.layers.simpleRNN({ units: 4, goBackwards: true, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    randomize(t, 31);
    const saved = await tfSave(t);
    expect(modelJson(saved).modelTopology.config.layers[1].class_name).toBe('SimpleRNN');
    const m = await loadTfjsModel(saved);
    expect(m.layers.map((l) => l.className)).toEqual(['Embedding', 'SimpleRNN', 'SimpleRNN', 'Dense']);
    expect(m.layers[1].getConfig()).toMatchObject({ activation: 'tanh', returnSequences: true, goBackwards: false });
    expect(m.layers[2].getConfig()).toMatchObject({ activation: 'relu', goBackwards: true });
    const x = { data: ids(30 * 8, 9, 0, 12), shape: [30, 8] };
    within(ours(m, x), tfPredict(t, x), 'ours vs TF.js (SimpleRNN stack)');
    t.dispose();
  });

  it('Bidirectional(SimpleRNN) in each merge mode, SimpleRNN without a bias, float input: predicts as TF.js', async () => {
    const x = features(9, 6, 3, 6);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      const t = tf.sequential({ layers: [
        tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 4, returnSequences: true }) as tf.RNN, mergeMode, inputShape: [6, 3] }),
        tf.layers.simpleRNN({ units: 3, useBias: false, activation: 'relu' }),
      ] });
      randomize(t, 41, 0.9);
      const m = await loadTfjsModel(await tfSave(t));
      expect(m.layers.map((l) => l.className)).toEqual(['Bidirectional', 'SimpleRNN']);
      expect(m.weightNames.at(-1)).toMatch(/recurrent_kernel$/);
      within(ours(m, x), tfPredict(t, x), `ours vs TF.js (Bi-SimpleRNN ${mergeMode})`);
      t.dispose();
    }
  });

  it('a masked embedding -> Bi-SimpleRNN (last step) and SimpleRNN(seq, goBackwards) -> SimpleRNN: predicts as TF.js', async () => {
    const x = padded(12, 7, 3);
    for (const rnn of [
      () => [tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 3 }) as tf.RNN })],
      () => [tf.layers.simpleRNN({ units: 4, returnSequences: true, goBackwards: true }), tf.layers.simpleRNN({ units: 3 })],
    ]) {
      const t = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }), ...rnn(), tf.layers.dense({ units: 2 })] });
      randomize(t, 51);
      const m = await loadTfjsModel(await tfSave(t));
      within(ours(m, x), tfPredict(t, x), `ours vs TF.js (masked, ${m.layers[1].className})`);
      t.dispose();
    }
  });

  it('a masked Bidirectional around a goBackwards SimpleRNN returning sequences is refused, as exportTfjs refuses to write it', async () => {
    const t = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 5, maskZero: true }),
      tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 2, returnSequences: true, goBackwards: true }) as tf.RNN }),
      tf.layers.simpleRNN({ units: 2 }), tf.layers.dense({ units: 1 })] });
    const saved = await tfSave(t);
    await expect(loadTfjsModel(saved)).rejects.toThrow(ConfigError);
    await expect(loadTfjsModel(saved)).rejects.toThrow(/^loadTfjsModel: layer bidirectional\w*: expected a Bidirectional TF\.js runs as Keras under a mask, got one around a SimpleRNN with goBackwards and returnSequences/);
    t.dispose();
  });
});
