// exportKeras: our models -> Keras 3 .keras archives. Checked by re-importing with loadKerasModel (same weight bytes,
// same prediction bytes), by the archive's entries and config keys, and by the committed exported file
// test/fixtures/keras/exported/, whose layout and numbers /usr/bin/python3 test/fixtures/keras/check_export.py checks
// with h5py and a numpy forward pass: here we check that exportKeras still writes exactly those bytes.
import { describe, it, expect, vi, afterEach, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportKeras, loadKerasModel, sequential, layers, init, ConfigError, type Sequential } from '../../../src/index.js';
import { smallModel, smallData, ids, seededWeights } from '../../helpers/models.js';
import { unzipSync, strFromU8 } from 'fflate';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/keras/exported');
const FIXTURE = join(FIXTURE_DIR, 'bilstm_attn_masked_attention.keras');
const custom = { customObjects: { AttentionLayer: 'attention' as const } };

/** The zip's local entries as written: name, compression method, DOS time and date, sizes. */
function zipEntries(b: Uint8Array): { name: string; method: number; time: number; date: number; size: number; csize: number }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  let at = 0;
  while (v.getUint32(at, true) === 0x04034b50) {
    const nameLen = v.getUint16(at + 26, true), extra = v.getUint16(at + 28, true), csize = v.getUint32(at + 18, true);
    out.push({ name: new TextDecoder().decode(b.subarray(at + 30, at + 30 + nameLen)), method: v.getUint16(at + 8, true),
      time: v.getUint16(at + 10, true), date: v.getUint16(at + 12, true), size: v.getUint32(at + 22, true), csize });
    at += 30 + nameLen + extra + csize;
  }
  return out;
}

function entry(b: Uint8Array, name: string): Uint8Array {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (v.getUint32(at, true) === 0x04034b50) {
    const nameLen = v.getUint16(at + 26, true), extra = v.getUint16(at + 28, true), csize = v.getUint32(at + 18, true);
    const start = at + 30 + nameLen + extra;
    if (new TextDecoder().decode(b.subarray(at + 30, at + 30 + nameLen)) === name) return b.subarray(start, start + csize);
    at = start + csize;
  }
  throw new Error(`no entry ${name}`);
}

const configOf = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(entry(b, 'config.json')));
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Non-trivial weights: trainable ones uniform +-0.6; moving statistics set away from 0 / 1 (variances positive). */
function withWeights(m: Sequential, seed: number): Sequential {
  const names = m.weightNames;
  const ws = seededWeights(m, seed, 0.6).map((w, i) => {
    if (names[i].endsWith('moving_mean')) return { data: w.data.map((_, j) => 0.1 * ((j % 5) - 2)), shape: w.shape };
    if (names[i].endsWith('moving_variance')) return { data: w.data.map((_, j) => 0.5 + 0.25 * (j % 4)), shape: w.shape };
    return w;
  });
  m.setWeights(ws);
  return m;
}

/** Export, import with loadKerasModel: the same weights (bit for bit) and the same predictions (bit for bit). */
async function roundTrip(m: Sequential, x: { data: Int32Array | Float32Array; shape: number[] }): Promise<{ bytes: Uint8Array; back: Sequential }> {
  const bytes = (await exportKeras(m))!;
  const back = await loadKerasModel(bytes, custom);
  const a = m.getWeights(), b = back.getWeights();
  expect(b.map((w) => w.shape)).toEqual(a.map((w) => w.shape));
  a.forEach((w, i) => expect(bits(b[i].data), `weight ${i} (${m.weightNames[i]})`).toEqual(bits(w.data)));
  const p = (m.predict(x) as { data: Float32Array }).data, q = (back.predict(x) as { data: Float32Array }).data;
  expect(bits(q)).toEqual(bits(p));
  expect(new Set(Array.from(p)).size).toBeGreaterThan(1); // the predictions depend on the input: the comparison is real
  return { bytes, back };
}

/** Token ids with 0 = padding: each row pre-padded by a different count, one row all padding. */
function paddedIds(n: number, T: number, vocab: number, seed: number): { data: Int32Array; shape: number[] } {
  const d = ids(n * T, seed, 1, vocab - 1);
  for (let r = 0; r < n; r++) for (let t = 0; t < Math.min(T, r % (T + 1)); t++) d[r * T + t] = 0;
  return { data: d, shape: [n, T] };
}

/** The committed fixture's model: the masked reference classifier with attention (names fixed: the bytes hold them). */
function fixtureModel(): Sequential {
  return withWeights(sequential({ seed: 17, name: 'sequential', layers: [
    layers.embedding({ name: 'embedding', inputDim: 12, outputDim: 4, inputLength: 6, maskZero: true }),
    layers.batchNormalization({ name: 'batch_normalization' }),
    layers.activation({ name: 'activation', activation: 'tanh' }),
    layers.dropout({ name: 'dropout', rate: 0.25 }),
    layers.bidirectional({ name: 'bidirectional', layer: layers.lstm({ name: 'lstm', units: 3, returnSequences: true }), mergeMode: 'concat' }),
    layers.attention({ name: 'attention_layer', returnSequences: false }),
    layers.dense({ name: 'dense', units: 1, activation: 'sigmoid' }),
  ]}), 23);
}

beforeAll(async () => { await init(); });
afterEach(() => { vi.unstubAllGlobals(); });

describe('exportKeras -> loadKerasModel: identical weights and predictions', () => {
  it('embedding -> Bi-LSTM(seq) -> attention(pooled) -> dense sigmoid', async () => {
    const m = withWeights(smallModel(5), 1);
    const { bytes, back } = await roundTrip(m, smallData(30, 3).x);
    expect(back.layers.map((l) => l.className)).toEqual(['Embedding', 'Bidirectional', 'Attention', 'Dense']);
    const x = smallData(8, 5).x;
    const pa = m.predict(x, { returnAttention: true }).attention[0].data, pb = back.predict(x, { returnAttention: true }).attention[0].data;
    expect(bits(pb)).toEqual(bits(pa));
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('masked reference classifier (mask_zero, batch norm, dropout, Bi-LSTM, batch norm, dense), no attention', async () => {
    const m = withWeights(sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 15, outputDim: 6, inputLength: 9, maskZero: true }),
      layers.batchNormalization(), layers.activation({ activation: 'tanh' }), layers.dropout({ rate: 0.3 }),
      layers.bidirectional({ layer: layers.lstm({ units: 4 }), mergeMode: 'concat' }),
      layers.batchNormalization(), layers.activation({ activation: 'tanh' }), layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]}), 2);
    const { bytes } = await roundTrip(m, paddedIds(12, 9, 15, 4));
    const cfg = configOf(bytes);
    expect(cfg.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['InputLayer', 'Embedding', 'BatchNormalization',
      'Activation', 'Dropout', 'Bidirectional', 'BatchNormalization', 'Activation', 'Dropout', 'Dense']);
  });

  it('masked attention returning sequences, merge modes sum / mul / ave, LSTM, global pooling, Keras 3 hard_sigmoid', async () => {
    for (const mergeMode of ['sum', 'mul', 'ave'] as const) {
      const m = withWeights(sequential({ seed: 8, layers: [
        layers.embedding({ inputDim: 10, outputDim: 5, inputLength: 7, maskZero: true }),
        layers.spatialDropout1D({ rate: 0.2 }),
        layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'hardSigmoidKeras3' }), mergeMode }),
        layers.attention({ returnSequences: true }),
        layers.lstm({ units: 2, returnSequences: true }),
        layers.globalAveragePooling1D(),
        layers.dense({ units: 3, activation: 'softmax' }),
      ]}), 11);
      const { bytes } = await roundTrip(m, paddedIds(9, 7, 10, 6));
      expect(configOf(bytes).config.layers[3].config.merge_mode).toBe(mergeMode);
    }
  });

  it('float input with masking, global max pooling', async () => {
    const m = withWeights(sequential({ seed: 9, layers: [
      layers.masking({ maskValue: 0, inputShape: [6, 3] }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), mergeMode: 'concat' }),
      layers.globalMaxPooling1D(),
      layers.dense({ units: 2, activation: 'relu' }),
    ]}), 5);
    const x = { data: Float32Array.from(ids(8 * 6 * 3, 2, 0, 9), (v) => (v === 0 ? 0 : v / 5 - 1)), shape: [8, 6, 3] };
    const { bytes } = await roundTrip(m, x);
    expect(configOf(bytes).config.layers[0].config).toMatchObject({ batch_shape: [null, 6, 3], dtype: 'float32' });
  });
});

describe('exportKeras: flatten', () => {
  it('embedding(maskZero) -> flatten -> dense, and attention(seq) -> flatten: Keras 3 Flatten entries, identical round trips', async () => {
    const a = withWeights(sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 6, maskZero: true }), layers.flatten({ name: 'flat' }),
      layers.dense({ units: 4, activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' }),
    ]}), 7);
    const { bytes } = await roundTrip(a, paddedIds(8, 6, 10, 3));
    expect(configOf(bytes).config.layers[2]).toEqual({ module: 'keras.layers', class_name: 'Flatten', registered_name: null,
      config: { name: 'flat', trainable: true, dtype: configOf(bytes).config.layers[2].config.dtype, data_format: 'channels_last' } });
    const b = withWeights(sequential({ seed: 6, layers: [
      layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 6 }),
      layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }) }),
      layers.attention({ returnSequences: true }), layers.flatten(), layers.dense({ units: 2, activation: 'softmax' }),
    ]}), 8);
    await roundTrip(b, paddedIds(8, 6, 10, 5));
  });
});

describe('exportKeras: conv1d and maxPooling1D', () => {
  it("Keras's imdb_cnn_lstm and a same / causal / strided stack: Keras 3 Conv1D and MaxPooling1D entries, identical round trips", async () => {
    const a = withWeights(sequential({ seed: 18, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 8 }), layers.conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling1D({ poolSize: 2 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })] }), 5);
    const { bytes } = await roundTrip(a, paddedIds(6, 8, 10, 3));
    expect(configOf(bytes).config.layers[2]).toMatchObject({ class_name: 'Conv1D', config: { filters: 4, kernel_size: [3], strides: [1], padding: 'valid', dilation_rate: [1], activation: 'relu' } });
    expect(configOf(bytes).config.layers[3]).toMatchObject({ class_name: 'MaxPooling1D', config: { pool_size: [2], strides: [2], padding: 'valid' } });
    const b = withWeights(sequential({ seed: 19, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 8 }), layers.conv1d({ filters: 5, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      layers.conv1d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'causal', activation: 'elu' }), layers.maxPooling1D({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.averagePooling1D({ poolSize: 2, padding: 'same' }), layers.flatten(), layers.dense({ units: 2 })] }), 6);
    await roundTrip(b, paddedIds(6, 8, 10, 4));
  });
});

describe('exportKeras: GRU', () => {
  it('GRU (reset after and before) and Bidirectional(GRU) under a mask: Keras 3 GRU entries with the keys Keras 3 writes, gru_cell stores, identical round trips', async () => {
    const m = withWeights(sequential({ seed: 21, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6, maskZero: true }),
      layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true }), mergeMode: 'sum' }),
      layers.gru({ units: 4, resetAfter: false, goBackwards: true, recurrentActivation: 'hardSigmoidKeras3', dropout: 0.25, recurrentDropout: 0.15 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] }), 9);
    const { bytes, back } = await roundTrip(m, paddedIds(9, 6, 10, 4));
    const cfg = configOf(bytes).config.layers;
    expect(cfg[3]).toMatchObject({ class_name: 'GRU', config: { units: 4, reset_after: false, go_backwards: true, recurrent_activation: 'hard_sigmoid', dropout: 0.25, recurrent_dropout: 0.15 } });
    // the input dropout comes back (Keras trains with it)
    expect(back.getConfig().config.layers[2].config).toMatchObject({ dropout: 0.25, recurrentDropout: 0.15 });
    expect(cfg[2]).toMatchObject({ class_name: 'Bidirectional', config: { merge_mode: 'sum', layer: { class_name: 'GRU', config: { reset_after: true, zero_output_for_mask: true } } } });
    // the keys of a GRU entry are those of the Keras 3 file in the fixtures (test/fixtures/keras/k3_gru.keras)
    const fixture = JSON.parse(strFromU8(unzipSync(readFileSync(new URL('../../fixtures/keras/k3_gru.keras', import.meta.url)))['config.json']));
    const theirs = fixture.config.layers.find((l: { class_name: string }) => l.class_name === 'GRU');
    expect(Object.keys(cfg[3].config).sort()).toEqual(Object.keys(theirs.config).sort());
    expect(Object.keys(cfg[3]).sort()).toEqual(Object.keys(theirs).sort());
  });
});

describe('exportKeras: SimpleRNN', () => {
  it('SimpleRNN and Bidirectional(SimpleRNN) under a mask: Keras 3 entries with the keys Keras 3 writes, simple_rnn_cell stores, identical round trips', async () => {
    const m = withWeights(sequential({ seed: 22, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 3, returnSequences: true }), mergeMode: 'concat' }),
      layers.simpleRNN({ units: 4, activation: 'relu', goBackwards: true }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] }), 10);
    const { bytes } = await roundTrip(m, paddedIds(9, 6, 10, 5));
    const cfg = configOf(bytes).config.layers;
    expect(cfg[3]).toMatchObject({ class_name: 'SimpleRNN', config: { units: 4, activation: 'relu', go_backwards: true } });
    const fixture = JSON.parse(strFromU8(unzipSync(readFileSync(new URL('../../fixtures/keras/k3_simple_rnn.keras', import.meta.url)))['config.json']));
    const theirs = fixture.config.layers.find((l: { class_name: string }) => l.class_name === 'Bidirectional').config.layer;
    expect(Object.keys(cfg[3].config).sort()).toEqual(Object.keys(theirs.config).sort());
    expect(Object.keys(cfg[2].config.layer.config).sort()).toEqual(Object.keys(theirs.config).sort());
  });
});

describe('exportKeras: an LSTM autoencoder', () => {
  it('LSTM -> RepeatVector -> LSTM(seq) -> Dense: Keras 3 RepeatVector entry, identical round trip', async () => {
    const m = withWeights(sequential({ seed: 15, layers: [layers.lstm({ units: 3, inputShape: [4, 2] }), layers.repeatVector({ n: 4 }),
      layers.lstm({ units: 3, returnSequences: true }), layers.dense({ units: 2 })] }), 4);
    const { bytes } = await roundTrip(m, { data: Float32Array.from({ length: 5 * 4 * 2 }, (_, i) => Math.cos(i * 0.3)), shape: [5, 4, 2] });
    expect(configOf(bytes).config.layers[2]).toMatchObject({ class_name: 'RepeatVector', config: { n: 4 } });
  });
});

describe('exportKeras: the extended activations', () => {
  it('elu, selu, relu6, softplus, softsign, swish, gelu, mish: Keras 3 names, identical round trip', async () => {
    const acts = ['elu', 'selu', 'relu6', 'softplus', 'softsign', 'swish', 'gelu', 'mish'] as const;
    const m = withWeights(sequential({ seed: 13, layers: [layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 6 }), layers.lstm({ units: 4 }),
      ...acts.map((a, i) => (i % 2 ? layers.activation({ activation: a }) : layers.dense({ units: 4, activation: a }))), layers.leakyReLU({ alpha: 0.1 }),
      layers.gaussianNoise({ stddev: 0.1 }), layers.gaussianDropout({ rate: 0.2 }), layers.dense({ units: 1 })] }), 9);
    const { bytes } = await roundTrip(m, paddedIds(8, 6, 10, 2));
    expect(configOf(bytes).config.layers.slice(3, 11).map((l: { config: { activation: string } }) => l.config.activation)).toEqual([...acts]);
    expect(configOf(bytes).config.layers[11]).toMatchObject({ class_name: 'LeakyReLU', config: { negative_slope: 0.1 } });
    expect(configOf(bytes).config.layers.slice(12, 14).map((l: { class_name: string }) => l.class_name)).toEqual(['GaussianNoise', 'GaussianDropout']);
  });
});

describe('exportKeras: the archive', () => {
  it('entries metadata.json, config.json, model.weights.h5, stored, fixed dates; the same model gives the same bytes', async () => {
    const m = fixtureModel();
    const a = (await exportKeras(m))!;
    const b = (await exportKeras(fixtureModel()))!;
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    const es = zipEntries(a);
    expect(es.map((e) => e.name)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    for (const e of es) {
      expect(e.method).toBe(0); // ZIP_STORED
      expect(e.csize).toBe(e.size);
      expect(e.date).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(e.time).toBe(0);
    }
    expect(Array.from(entry(a, 'model.weights.h5').subarray(0, 8))).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    const meta = JSON.parse(new TextDecoder().decode(entry(a, 'metadata.json')));
    expect(meta).toMatchObject({ keras_version: '3.15.1', date_saved: '1980-01-01@00:00:00' });
  });

  it('config.json in Keras 3 form: module / class_name / config / registered_name / build_config, snake_case keys', async () => {
    const cfg = configOf((await exportKeras(fixtureModel()))!);
    expect(Object.keys(cfg).sort()).toEqual(['build_config', 'class_name', 'config', 'module', 'registered_name']);
    expect(cfg).toMatchObject({ module: 'keras', class_name: 'Sequential', registered_name: null, build_config: { input_shape: [null, 6] } });
    expect(cfg.config.name).toBe('sequential');
    const ls = cfg.config.layers;
    for (const l of ls) expect(Object.keys(l)).toEqual(expect.arrayContaining(['module', 'class_name', 'config', 'registered_name']));
    expect(ls[0]).toEqual({ module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
      config: { batch_shape: [null, 6], dtype: 'int32', sparse: false, ragged: false, name: 'input_layer', optional: false } });
    const att = ls.find((l: { class_name: string }) => l.class_name === 'AttentionLayer');
    expect(att).toMatchObject({ module: null, registered_name: 'bilstm_attn>AttentionLayer', build_config: { input_shape: [null, 6, 6] } });
    expect(att.config).toMatchObject({ return_sequences: false, trainable: true });
    const bi = ls.find((l: { class_name: string }) => l.class_name === 'Bidirectional');
    expect(bi.config.layer.config).toMatchObject({ name: 'forward_lstm', go_backwards: false, zero_output_for_mask: true, units: 3, recurrent_activation: 'sigmoid' });
    expect(bi.config.backward_layer.config).toMatchObject({ name: 'backward_lstm', go_backwards: true });
    expect(ls[1].config).toMatchObject({ input_dim: 12, output_dim: 4, mask_zero: true });
    expect(ls[1].config.dtype).toEqual({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null });
    expect(ls.filter((l: { build_config?: unknown }) => l.build_config).map((l: { class_name: string }) => l.class_name))
      .toEqual(['Embedding', 'BatchNormalization', 'Bidirectional', 'AttentionLayer', 'Dense']);
    // no camelCase key anywhere
    const keys: string[] = [];
    const walk = (o: unknown) => { if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) { keys.push(k); walk(v); } };
    walk(cfg);
    expect(keys.filter((k) => /[A-Z]/.test(k))).toEqual([]);
  });

  it('writes to a path (the same bytes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bilstm-kerasout-'));
    try {
      const m = fixtureModel();
      expect(await exportKeras(m, join(dir, 'm.keras'))).toBeUndefined();
      expect(Buffer.from(readFileSync(join(dir, 'm.keras'))).equals(Buffer.from((await exportKeras(m))!))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the committed exported file (checked by check_export.py) is what exportKeras writes today, with our predictions', async () => {
    const m = fixtureModel();
    const bytes = (await exportKeras(m))!;
    const x = paddedIds(8, 6, 12, 31);
    const p = m.predict(x, { returnAttention: true });
    const json = { file: 'bilstm_attn_masked_attention.keras', written_by: 'test/interop/keras/export-keras.test.ts (KERAS_EXPORT_WRITE=1)',
      ids: { shape: x.shape, data: Array.from(x.data) }, y: { shape: p.shape, data: Array.from(p.data) },
      attention: { shape: p.attention[0].shape, data: Array.from(p.attention[0].data) } };
    if (process.env.KERAS_EXPORT_WRITE === '1') {
      writeFileSync(FIXTURE, bytes);
      writeFileSync(`${FIXTURE}.json`, JSON.stringify(json) + '\n');
    }
    expect(Buffer.from(readFileSync(FIXTURE)).equals(Buffer.from(bytes)), 'exportKeras no longer writes the committed file: rerun with KERAS_EXPORT_WRITE=1 and check_export.py').toBe(true);
    const stored = JSON.parse(readFileSync(`${FIXTURE}.json`, 'utf8'));
    expect(stored.y.data).toEqual(Array.from(p.data));
    expect(stored.attention.data).toEqual(Array.from(p.attention[0].data));
    expect(stored.ids.data).toEqual(Array.from(x.data));
    const back = await loadKerasModel(new Uint8Array(readFileSync(FIXTURE)), custom);
    expect(Array.from((back.predict(x) as { data: Float32Array }).data)).toEqual(stored.y.data);
  });
});

describe('exportKeras: errors', () => {
  it('names what it expected', async () => {
    await expect(exportKeras({} as Sequential)).rejects.toThrow(new ConfigError('exportKeras: expected a Sequential model, got {}.'));
    await expect(exportKeras(smallModel(1), 3 as unknown as string)).rejects.toThrow(ConfigError);
    await expect(exportKeras(smallModel(1), 3 as unknown as string)).rejects.toThrow(/expected a file path or no target/);
    const k2 = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 }), layers.lstm({ units: 2, recurrentActivation: 'hardSigmoid' })] });
    await expect(exportKeras(k2)).rejects.toThrow(/expected an activation Keras 3 has .* got "hardSigmoid" \(Keras 2's clip/);
  });

  it('outside Node, Deno and Bun: a ConfigError saying so', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    await expect(exportKeras(smallModel(1))).rejects.toThrow(new ConfigError('exportKeras: expected Node, Deno or Bun (the HDF5 writer, h5wasm, compiles WebAssembly at run time), got the runtime workerd. Export in Node, or use exportTfjs / exportOnnx here.'));
  });
});
