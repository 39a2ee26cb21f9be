// loadKerasModel on every generated Keras fixture (test/fixtures/keras: Keras 2.3.1, tf.keras 2.12/2.15 and Keras 3
// layouts; float64 numpy references): outputs and attention within 2e-5 of the reference, relative to their scale;
// files that must be refused are refused naming why.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { initSync, loadKerasModel, loadKerasWeights, CheckpointError, ConfigError, Sequential } from '../../../src/index.js';

initSync();
const DIR = new URL('../../fixtures/keras/', import.meta.url);
interface Arr { shape: number[]; data: number[] }
interface Case { name: string; ids?: Arr; x?: Arr; y: Arr; attention?: Record<string, Arr> }
interface Fixture { file: string; format: string; importable?: boolean; refuse_because?: string; keras_version: string; cases: Case[]; model: { layers: string[] } }

const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Fixture)
  .filter((f) => f.format === 'hdf5-model' || f.format === 'keras-zip');
const CUSTOM = { AttentionLayer: 'attention' as const };
/** Fixtures of features not built yet: each must be refused with this message until it is (then move it out). */
const PENDING: Record<string, RegExp> = {};

function within(actual: ArrayLike<number>, expected: number[], what: string): void {
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  let worst = 0, at = -1;
  expected.forEach((e, i) => { const d = Math.abs(actual[i] - e); if (d > worst) { worst = d; at = i; } });
  expect(actual.length, what).toBe(expected.length);
  if (worst > 2e-5 * scale) throw new Error(`${what}: |diff| ${worst.toExponential(2)} at ${at} (${actual[at]} vs ${expected[at]}), over 2e-5 x scale ${scale}`);
}

function predict(m: Sequential, c: Case) {
  const x = c.ids ? { data: Int32Array.from(c.ids.data), shape: c.ids.shape } : { data: Float32Array.from(c.x!.data), shape: c.x!.shape };
  return m.predict(x, { returnAttention: true }) as { data: Float32Array; attention: { layer: string; data: Float32Array }[] };
}

describe('loadKerasModel on the generated fixtures', () => {
  for (const f of fixtures.filter((x) => x.importable !== false && !PENDING[x.file])) {
    it(`${f.file} (${f.format}, Keras ${f.keras_version}: ${f.model.layers.join(' -> ')})`, async () => {
      const m = await loadKerasModel(new URL(f.file, DIR), { customObjects: CUSTOM });
      for (const c of f.cases) {
        const p = predict(m, c);
        within(p.data, c.y.data, `${f.file} ${c.name} y`);
        for (const [name, a] of Object.entries(c.attention ?? {})) {
          const got = p.attention.find((e) => e.layer === name);
          expect(got, `${f.file}: attention of ${name}`).toBeDefined();
          within(got!.data, a.data, `${f.file} ${c.name} attention ${name}`);
        }
      }
    });
  }

  for (const [file, re] of Object.entries(PENDING)) {
    it(`refuses ${file} until its feature exists`, async () => {
      await expect(loadKerasModel(new URL(file, DIR), { customObjects: CUSTOM })).rejects.toThrow(re);
    });
  }

  it('a free-length Keras model (Input(shape=(None,))) imports with a free length: any T, None in the summary', async () => {
    for (const file of ['k3_varlen_gap.keras', 'tfk2_15_varlen_lstm.h5']) {
      const m = await loadKerasModel(new URL(file, DIR), { customObjects: CUSTOM });
      expect(m.freeLength, file).toBe(true);
      expect(m.summary(undefined, undefined, () => {}), file).toMatch(/\(None, None, 8\)/);
      const f = fixtures.find((x) => x.file === file)!;
      expect(new Set(f.cases.map((c) => c.ids!.shape[1])).size, file).toBe(2);
    }
  });

  it('a free-length Keras model with the attention layer takes its length from b [T, 1], fixed, and rebuilds from its config', async () => {
    // k3_attention.keras with its input made free: Input(shape=(None,))
    const zip = unzipSync(readFileSync(new URL('k3_attention.keras', DIR)));
    const config = strFromU8(zip['config.json']);
    expect(config).toContain('"batch_shape": [null, 8]');
    zip['config.json'] = strToU8(config.replace('"batch_shape": [null, 8]', '"batch_shape": [null, null]'));
    const m = await loadKerasModel(zipSync(zip), { customObjects: CUSTOM });
    const ref = await loadKerasModel(new URL('k3_attention.keras', DIR), { customObjects: CUSTOM });
    expect(m.freeLength).toBe(false);
    expect(m.outputShape).toEqual(ref.outputShape);
    const c = Sequential.fromConfig(m.getConfig());
    expect(c.freeLength).toBe(false);
    c.setWeights(m.getWeights());
    const f = fixtures.find((x) => x.file === 'k3_attention.keras')!;
    const want = Array.from(predict(ref, f.cases[0]).data);
    expect(Array.from(predict(m, f.cases[0]).data)).toEqual(want);
    expect(Array.from(predict(c, f.cases[0]).data)).toEqual(want);
  });

  for (const f of fixtures.filter((x) => x.importable === false)) {
    it(`refuses ${f.file}: ${f.refuse_because}`, async () => {
      const e = await loadKerasModel(new URL(f.file, DIR), { customObjects: CUSTOM }).catch((x) => x);
      expect(e instanceof ConfigError || e instanceof CheckpointError, String(e)).toBe(true);
    });
  }
});

// Files Keras itself wrote (test/fixtures/keras/real, with sources and licences): a generator of ours could share a
// misreading with our reader; these cannot. References: numpy float64 from the weights h5py reads in each file.
const REAL = new URL('real/', DIR);
const real = readdirSync(REAL).filter((f) => f.endsWith('.h5.json') || f.endsWith('.keras.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, REAL), 'utf8')) as Fixture & { refuse_because?: string });

describe('loadKerasModel on files Keras wrote', () => {
  for (const f of real.filter((x) => x.importable !== false)) {
    it(`${f.file} (Keras ${f.keras_version})`, async () => {
      const m = await loadKerasModel(new URL(f.file, DIR));
      for (const c of f.cases) within(predict(m, c).data, c.y.data, `${f.file} ${c.name}`);
    });
  }
  for (const f of real.filter((x) => x.importable === false)) {
    it(`refuses ${f.file}: ${f.refuse_because}`, async () => {
      const e = await loadKerasModel(new URL(f.file, DIR)).catch((x) => x);
      expect(e instanceof ConfigError || e instanceof CheckpointError, String(e)).toBe(true);
      expect((e as Error).message).toMatch(/^loadKerasModel: .*expected .*got/s);
    });
  }
});

describe('loadKerasWeights', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.weights.h5.json')).map((x) => JSON.parse(readFileSync(new URL(x, DIR), 'utf8')) as Fixture & { architecture_from: string })) {
    it(`${f.file} into a model built from ${f.architecture_from}`, async () => {
      const m = await loadKerasModel(new URL(f.architecture_from, DIR), { customObjects: CUSTOM });
      m.setWeights(m.getWeights().map((w) => ({ data: new Float32Array(w.data.length).fill(0.01), shape: w.shape })));
      await loadKerasWeights(m, new URL(f.file, DIR));
      for (const c of f.cases) within(predict(m, c).data, c.y.data, `${f.file} ${c.name}`);
    });
  }

  it('matches a hand-built model by layer order, whatever its layer names', async () => {
    const f = JSON.parse(readFileSync(new URL('k2_3_1_attention.weights.h5.json', DIR), 'utf8')) as Fixture & { architecture_from: string };
    const arch = await loadKerasModel(new URL(f.architecture_from, DIR), { customObjects: CUSTOM });
    const cfg = JSON.parse(JSON.stringify(arch.getConfig()));
    for (const l of cfg.config.layers) l.config.name = `mine_${l.config.name}`;
    const m = Sequential.fromConfig(cfg);
    expect(m.layers[0].name).toBe('mine_embedding_1');
    await loadKerasWeights(m, new URL(f.file, DIR));
    for (const c of f.cases) within(predict(m, c).data, c.y.data, `renamed model ${c.name}`);
  });

  it('changes nothing when the file does not fit the model', async () => {
    const m = await loadKerasModel(new URL('k2_3_1_hard_sigmoid.h5', DIR));
    const before = m.getWeights().map((w) => Array.from(w.data));
    const e = await loadKerasWeights(m, new URL('k2_3_1_attention.weights.h5', DIR)).catch((x) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/^loadKerasWeights: expected .*got/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });
});

describe('examples/keras.mjs', () => {
  it('imports the Keras 3 file, predicts with attention and saves', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [new URL('../../../examples/keras.mjs', import.meta.url).pathname], { encoding: 'utf8' });
    expect(out).toMatch(/imported keras 3\.15\.1; p = \[0\.\d{4}, 0\.\d{4}\]/);
    expect(out).toMatch(/attention of sample 0: (0\.\d{3} ?){8}/);
    expect(out).toMatch(/saved as a bilstm-attn file of \d+ bytes/);
  });
});

describe('bad Keras files', () => {
  const seeded = (n: number, max: number, seed: number) => { let s = seed; return Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % max; }); };
  for (const name of ['tfk2_15_attention.h5', 'k3_attention.keras']) {
    const bytes = new Uint8Array(readFileSync(new URL(name, DIR)));
    it(`${name}: 60 seeded truncations are CheckpointErrors`, async () => {
      for (const cut of [0, 4, 8, ...seeded(57, bytes.length, 3)]) {
        const e = await loadKerasModel(bytes.slice(0, cut), { customObjects: CUSTOM }).then(() => null, (x) => x);
        if (!(e instanceof CheckpointError)) throw new Error(`${name} cut at ${cut}: expected a CheckpointError, got ${e}`);
      }
    });
    it(`${name}: 150 seeded byte flips load or fail with our errors, never anything else`, async () => {
      for (const at of seeded(150, bytes.length, 5)) {
        const b = bytes.slice();
        b[at] ^= 0x5a;
        const e = await loadKerasModel(b, { customObjects: CUSTOM }).then(() => null, (x) => x);
        if (e !== null && !(e instanceof CheckpointError) && !(e instanceof ConfigError)) throw new Error(`${name} flip at ${at}: ${e?.constructor?.name}: ${e?.message}`);
      }
    });
  }
});

describe('training config', () => {
  it('compiles from a tf.keras training_config and a Keras 3 compile_config, and leaves a model uncompiled without one', async () => {
    const want = { optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, lazy: false }, loss: 'binaryCrossentropy', metrics: ['accuracy'] };
    for (const f of ['tfk2_15_attention.h5', 'k2_3_1_attention.h5', 'k3_masked_attention.keras']) {
      const m = await loadKerasModel(new URL(f, DIR), { customObjects: CUSTOM });
      expect(m.getCompileConfig(), f).toEqual(want);
    }
    const bare = await loadKerasModel(new URL('k3_attention.keras', DIR), { customObjects: CUSTOM });
    expect(bare.getCompileConfig()).toBeNull();
    // weighted_metrics (null in the fixtures) become weightedMetrics
    const zip = unzipSync(readFileSync(new URL('k3_masked_attention.keras', DIR)));
    const config = strFromU8(zip['config.json']);
    expect(config).toContain('"weighted_metrics": null');
    zip['config.json'] = strToU8(config.replace('"weighted_metrics": null', '"weighted_metrics": ["acc"]'));
    const w = await loadKerasModel(zipSync(zip), { customObjects: CUSTOM });
    expect(w.getCompileConfig()).toEqual({ ...want, weightedMetrics: ['accuracy'] });
    // metrics other than accuracy, named or serialized, are said in the import's notes (they were dropped silently);
    // a serialized accuracy is carried over as a named one is
    zip['config.json'] = strToU8(config.replace('"metrics": ["accuracy"], "weighted_metrics": null',
      '"metrics": [{"module": "keras.metrics", "class_name": "MeanMetricWrapper", "config": {"name": "accuracy"}}, "msle"], "weighted_metrics": ["acc", {"module": "keras.metrics", "class_name": "AUC", "config": {"name": "auc"}}]'));
    const n = await loadKerasModel(zipSync(zip), { customObjects: CUSTOM });
    expect(n.getCompileConfig()).toEqual({ ...want, weightedMetrics: ['accuracy'] });
    const notes = (n.metadata.userDefinedMetadata as { kerasImport: { notes: string[] } }).kerasImport.notes;
    expect(notes).toContain('compile metrics "msle", "auc (AUC)" not imported (the accuracies, mse and mae are): pass metrics to compile yourself');
  });
});

describe('sources and store keys', () => {
  it('takes a Node Buffer (whose slice shares memory) as bytes', async () => {
    const f = fixtures.find((x) => x.file === 'k3_attention.keras')!;
    for (const name of ['k3_attention.keras', 'tfk2_15_attention.h5']) {
      const m = await loadKerasModel(readFileSync(new URL(name, DIR)), { customObjects: CUSTOM });
      within(predict(m, f.cases[0]).data, f.cases[0].y.data, `${name} from a Buffer`);
    }
  });

  it('keys the weight store as Keras 3 (and, failing that, as tf.keras 2.13-2.15) does', async () => {
    const { storeKeys } = await import('../../../src/interop/keras/files.js');
    expect(storeKeys('GlobalAveragePooling1D', 0)).toEqual(['global_average_pooling1d', 'global_average_pooling1_d']);
    expect(storeKeys('bilstm_attn>AttentionLayer', 1)).toEqual(['attention_layer_1']);
    expect(storeKeys('LSTM', 2)).toEqual(['lstm_2']);
    expect(storeKeys('BatchNormalization', 0)).toEqual(['batch_normalization']);
  });
});

describe('loadKerasModel: fuzz findings (bench/fuzz.ts)', () => {
  /** The file with one piece of its model_config text replaced in place (same length, so the HDF5 stays valid). */
  function edited(file: string, from: string, to: string): Uint8Array {
    const bytes = readFileSync(new URL(file, DIR));
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf(from);
    expect(at, from).toBeGreaterThan(0);
    expect(to.length).toBe(from.length);
    const out = new Uint8Array(bytes);
    out.set(new TextEncoder().encode(to), at);
    return out;
  }

  it('a first layer without an input shape (was a StateError) is a ConfigError: the model cannot be built here', async () => {
    // seed 99, keras case 34: the Masking layer's batch_input_shape gone
    const b = edited('real/keras2.2.0_masking_lstm.h5', '"batch_input_shape": [null, 10, 42]', '"batch_input_shapX": [null, 10, 42]');
    const e = await loadKerasModel(b).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(/^loadKerasModel: the file's model cannot be built here: .*expected a known input shape, got none/);
  });

  it('an input of the wrong rank for its LSTM (was a ShapeError) is a ConfigError naming the layer and the shape', async () => {
    // seed 99, keras case 1: an extra dimension in the input shape
    const b = edited('real/keras2.0.8_functional_lstm_dense.h5', '"batch_input_shape": [null, 10, 4]', '"batch_input_shape": [null,9,9,4] ');
    const e = await loadKerasModel(b).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(/^loadKerasModel: the file's model cannot be built here: lstm\w*: expected input of shape \[batch, time, features\], got per-sample shape \[9, 9, 4\]/);
  });
});

describe('CuDNNLSTM biases', () => {
  it('two finite biases whose float32 sum overflows: a CheckpointError naming the dataset, no model', async () => {
    const f = JSON.parse(readFileSync(new URL('k2_3_1_cudnn_backwards.h5.json', DIR), 'utf8')) as { weights: { path: string; data: number[] }[] };
    const bias = f.weights.find((w) => w.path.endsWith('cu_dnnlstm_1/bias:0'))!.data;
    const bytes = new Uint8Array(readFileSync(new URL('k2_3_1_cudnn_backwards.h5', DIR)));
    const want = new Uint8Array(Float32Array.from(bias).buffer);
    let at = -1;
    for (let i = 0; i + want.length <= bytes.length && at < 0; i++) if (want.every((b, j) => bytes[i + j] === b)) at = i;
    expect(at).toBeGreaterThan(0); // the dataset's raw little-endian floats
    const big = new Uint8Array(Float32Array.of(3e38).buffer);
    bytes.set(big, at + 4 * 2); bytes.set(big, at + 4 * 22); // index 2 of the input half and of the recurrent half
    const e = await loadKerasModel(bytes).catch((x) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(/expected the input and recurrent biases of .*cu_dnnlstm_1\/bias:0 to sum to finite float32 values, got Infinity at index 2/);
  });
});
