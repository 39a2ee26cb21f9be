// Models TF.js itself saved (tf.io.withSaveHandler), from a differential review of loadTfjsModel against TF.js 4.22
// (400 generated models matched to 1e-5): a model saved with includeOptimizer (its optimizer variables, group
// 'optimizer', were refused as "weight iter: expected dtype float32"), its trainingConfig's camelCase optimizer options
// (replaced by defaults before), and a masked Bidirectional around a goBackwards LSTM returning sequences, which TF.js
// computes otherwise than Keras (imported silently before).
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { init, loadTfjsModel, ConfigError } from '../../../src/index.js';
import { tfSave } from '../../helpers/tfjs-files.js';

beforeAll(async () => { await init(); await tf.setBackend('cpu'); });

const ids = Int32Array.from([3, 1, 2, 0, 0, 4, 4, 1, 2, 0]);

async function savedWithOptimizer(): Promise<{ t: tf.LayersModel; art: tf.io.ModelArtifacts }> {
  const t = tf.sequential({ layers: [
    tf.layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 5 }),
    tf.layers.lstm({ units: 2 }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  t.compile({ optimizer: tf.train.adam(0.05, 0.8, 0.95), loss: 'binaryCrossentropy' });
  await t.fit(tf.tensor(ids, [2, 5], 'int32'), tf.ones([2, 1]), { epochs: 1, verbose: 0 });
  let art!: tf.io.ModelArtifacts;
  await t.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }), { includeOptimizer: true });
  return { t, art };
}

function files(art: tf.io.ModelArtifacts, specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer) {
  const json = { format: art.format, generatedBy: art.generatedBy, convertedBy: art.convertedBy, modelTopology: art.modelTopology,
    trainingConfig: art.trainingConfig, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] };
  return { files: { 'model.json': new TextEncoder().encode(JSON.stringify(json)), 'weights.bin': new Uint8Array(data) } };
}

describe('loadTfjsModel: a model TF.js saved with includeOptimizer', () => {
  it('loads (as tf.loadLayersModel does) and predicts as TF.js', async () => {
    const { t, art } = await savedWithOptimizer();
    expect(art.weightSpecs!.some((s) => s.group === 'optimizer')).toBe(true);
    const data = Array.isArray(art.weightData) ? tf.io.concatenateArrayBuffers(art.weightData) : art.weightData!;
    const back = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs, weightData: data }));
    const want = tf.tidy(() => (back.predict(tf.tensor(ids, [2, 5], 'int32')) as tf.Tensor).dataSync() as Float32Array);
    const m = await loadTfjsModel(files(art, art.weightSpecs!, data)); // (before: CheckpointError "weight iter: expected dtype float32, got \"int32\"")
    const got = (m.predict({ data: ids, shape: [2, 5] }) as { data: Float32Array }).data;
    want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(1e-5));
    const notes = (m.metadata as { userDefinedMetadata: { tfjsImport: { notes: string[] } } }).userDefinedMetadata.tfjsImport.notes;
    expect(notes.join('\n')).toMatch(/optimizer state \(\d+ variables saved with includeOptimizer\) not imported \(fit here starts the optimizer afresh\)/);
    t.dispose(); back.dispose();
  });

  it("its trainingConfig's optimizer options (TF.js's camelCase getConfig) are carried over", async () => {
    const { t, art } = await savedWithOptimizer();
    const keep = art.weightSpecs!.filter((s) => s.group !== 'optimizer');
    const bytes = keep.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
    const data = (Array.isArray(art.weightData) ? tf.io.concatenateArrayBuffers(art.weightData) : art.weightData!).slice(0, bytes);
    expect((art.trainingConfig as unknown as { optimizer_config: { config: object } }).optimizer_config.config).toMatchObject({ learningRate: 0.05, beta1: 0.8, beta2: 0.95 });
    const m = await loadTfjsModel(files(art, keep, data));
    const cc = m.getCompileConfig();
    const notes = (m.metadata as { userDefinedMetadata: { tfjsImport: { notes: string[] } } }).userDefinedMetadata.tfjsImport.notes;
    // (before: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, ... } and no note)
    expect(cc?.optimizer).toMatchObject({ name: 'adam', learningRate: 0.05, beta1: 0.8, beta2: 0.95 });
    expect(notes.join('\n')).not.toMatch(/training config not imported/);
    t.dispose();
  });
});

describe('loadTfjsModel: masked Bidirectional(LSTM goBackwards, returnSequences) -> LSTM', () => {
  it('is refused with a ConfigError (TF.js computes other outputs than Keras there), as exportTfjs refuses to write it', async () => {
    const t = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 5, maskZero: true }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true, goBackwards: true }) as tf.RNN }),
      tf.layers.lstm({ units: 2 }),
      tf.layers.dense({ units: 1 }),
    ] });
    t.setWeights(t.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.6, 'float32', 11 + i)));
    const saved = await tfSave(t);
    const data = Int32Array.from([3, 1, 2, 0, 0, 4, 4, 1, 2, 0, 1, 2, 3, 4, 2, 2, 0, 0, 0, 0]);
    const want = tf.tidy(() => (t.predict(tf.tensor(data, [4, 5], 'int32')) as tf.Tensor).dataSync() as Float32Array);
    // (before: imported, and ours [0.134, 0.173, 0.212, -0.014] against TF.js's [0.116, 0.166, 0.212, -0.016])
    expect(want.length).toBe(4);
    await expect(loadTfjsModel(saved)).rejects.toThrow(ConfigError);
    await expect(loadTfjsModel(saved)).rejects.toThrow(/layer bidirectional\w*: expected a Bidirectional TF\.js runs as Keras under a mask, got one around an LSTM with goBackwards and returnSequences/);
    t.dispose();
  });
});

describe("loadTfjsModel: TF.js optimizers' configs", () => {
  it("reads RMSProp's decay as rho and Momentum as sgd with momentum (TF.js getConfig keys)", async () => {
    const { sequential, layers, exportTfjs } = await import('../../../src/index.js');
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 5 }), layers.lstm({ units: 2 }), layers.dense({ units: 1, activation: 'sigmoid' })] });
    const out = (await exportTfjs(m))!;
    const withConfig = (optimizer_config: object) => {
      const json = JSON.parse(new TextDecoder().decode(out.files['model.json']));
      json.trainingConfig = { loss: 'binary_crossentropy', metrics: [], optimizer_config }; // (TF.js writes the loss in snake_case)
      return { files: { ...out.files, 'model.json': new TextEncoder().encode(JSON.stringify(json)) } };
    };
    const rms = await loadTfjsModel(withConfig({ class_name: 'RMSProp', config: { learningRate: 0.02, decay: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true } }));
    expect(rms.getCompileConfig()?.optimizer).toMatchObject({ name: 'rmsprop', learningRate: 0.02, rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true });
    const mom = await loadTfjsModel(withConfig({ class_name: 'Momentum', config: { learningRate: 0.3, momentum: 0.7, useNesterov: true } }));
    expect(mom.getCompileConfig()?.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.3, momentum: 0.7, nesterov: true });
    for (const x of [m, rms, mom]) x.dispose();
  });
});

describe('loadTfjsModel: layers TF.js saved that this package maps to its own', () => {
  it('a sequence tagger with conv1d, maxPooling1d, timeDistributed(dense), leakyReLU and a flatten: predicts as TF.js', async () => {
    const t = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 5 }),
      tf.layers.conv1d({ filters: 4, kernelSize: 2, padding: 'same', activation: 'elu' }),
      tf.layers.maxPooling1d({ poolSize: 2, strides: 1 }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.lstm({ units: 4, returnSequences: true }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'relu' }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    let art!: tf.io.ModelArtifacts;
    await t.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const data = Array.isArray(art.weightData) ? tf.io.concatenateArrayBuffers(art.weightData) : art.weightData!;
    const want = tf.tidy(() => (t.predict(tf.tensor(ids, [2, 5], 'int32')) as tf.Tensor).dataSync() as Float32Array);
    const m = await loadTfjsModel(files(art, art.weightSpecs!, data));
    expect(m.layers.map((l) => l.className)).toEqual(['Embedding', 'Conv1D', 'MaxPooling1D', 'LeakyReLU', 'LSTM', 'Dense', 'Flatten', 'Dense']);
    const got = (m.predict({ data: ids, shape: [2, 5] }) as { data: Float32Array }).data;
    expect(got.length).toBe(4);
    want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(1e-5));
    t.dispose();
  });
});
