// exportKeras: a Sequential -> a Keras 3 `.keras` archive (saving_lib's layout, as Keras 3.15.1 writes it): a zip of
// metadata.json, config.json and model.weights.h5, stored (no compression) with fixed dates, so the same model gives
// the same bytes. The config is Keras 3's (module / class_name / config / registered_name / build_config, snake_case
// keys, a Sequential with its InputLayer); the weights are the weight store layers/<snake_case class>[_n]/.../vars/<i>,
// written with h5wasm (src/io/hdf5-write.ts). Our attention is the registered custom class
// 'bilstm_attn>AttentionLayer', whose Python definition the README gives.
import { Sequential } from '../../model/sequential.js';
import { openSink } from '../../io/sinks.js';
import type { H5WriteDataset, H5WriteGroup } from '../../io/hdf5-write.js';
import { detectRuntime } from '../../core/runtime.js';
import { ConfigError, describeValue } from '../../errors.js';
import { VERSION } from '../../model/version.js';

/** The Keras version whose .keras layout exportKeras writes (metadata.json's keras_version). */
export const KERAS_EXPORT_VERSION = '3.15.1';
/** How our attention layer is named in the exported config (register_keras_serializable(package="bilstm_attn")). */
export const KERAS_ATTENTION_CLASS = 'AttentionLayer';
export const KERAS_ATTENTION_REGISTERED = 'bilstm_attn>AttentionLayer';
/** The fixed date of every zip entry and of metadata.json (so the same model gives the same bytes). */
const ZIP_DATE = new Date(1980, 0, 1, 0, 0, 0);
const DATE_SAVED = '1980-01-01@00:00:00';

type Json = Record<string, unknown>;
type Cfg = Record<string, any>;

const ACTIVATIONS: Record<string, string> = { linear: 'linear', sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', softmax: 'softmax', hardSigmoidKeras3: 'hard_sigmoid',
  elu: 'elu', selu: 'selu', relu6: 'relu6', softplus: 'softplus', softsign: 'softsign', swish: 'swish', gelu: 'gelu', mish: 'mish' };
const POLICY = () => ({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null });
const init = (class_name: string, config: Json = {}) => ({ module: 'keras.initializers', class_name, config, registered_name: null });

/**
 * Writes the model as a Keras 3 `.keras` file. `target`: a file path, or omitted: the archive's bytes are returned.
 * Runs in Node, Deno and Bun (h5wasm compiles its Wasm at run time); elsewhere it throws a ConfigError.
 */
export function exportKeras(model: Sequential): Promise<Uint8Array>;
export function exportKeras(model: Sequential, target: string): Promise<undefined>;
export function exportKeras(model: Sequential, target?: string): Promise<Uint8Array | undefined>;
export async function exportKeras(model: Sequential, target?: string): Promise<Uint8Array | undefined> {
  const where = 'exportKeras';
  if (!(model instanceof Sequential)) throw new ConfigError(`${where}: expected a Sequential model, got ${describeValue(model)}.`);
  if (target !== undefined && typeof target !== 'string') throw new ConfigError(`${where}: expected a file path or no target (to get the bytes), got ${describeValue(target)}.`);
  const rt = detectRuntime().name;
  if (rt !== 'node' && rt !== 'deno' && rt !== 'bun') {
    throw new ConfigError(`${where}: expected Node, Deno or Bun (the HDF5 writer, h5wasm, compiles WebAssembly at run time), got the runtime ${rt}. Export in Node, or use exportTfjs / exportOnnx here.`);
  }
  const config = kerasConfig(model, where);
  const weights = weightStore(model, where);
  const [{ writeHdf5 }, { zipSync }] = await Promise.all([import('../../io/hdf5-write.js'), import('fflate')]);
  const h5 = await writeHdf5(weights, where);
  const enc = new TextEncoder();
  const metadata = enc.encode(JSON.stringify({ keras_version: KERAS_EXPORT_VERSION, date_saved: DATE_SAVED, generated_by: `bilstm-attn ${VERSION}` }));
  // saving_lib's order: metadata.json, config.json, model.weights.h5; ZIP_STORED as Keras writes (level 0)
  const opts = { level: 0 as const, mtime: ZIP_DATE };
  const zip = zipSync({
    'metadata.json': [metadata, opts],
    'config.json': [enc.encode(JSON.stringify(config)), opts],
    'model.weights.h5': [h5, opts],
  });
  const sink = await openSink(target, where, { size: zip.length });
  try {
    await sink.write(zip);
    const out = await sink.close();
    return target === undefined ? out! : undefined;
  } catch (e) {
    await sink.abort(e);
    throw e;
  }
}

/** The Keras 3 config.json of a Sequential: InputLayer first (int32 for token ids), then each layer. @internal */
export function kerasConfig(model: Sequential, where = 'exportKeras'): Json {
  model.build();
  const first = model.layers[0];
  const batchShape = [null, ...first.inputShape];
  const input = {
    module: 'keras.layers', class_name: 'InputLayer',
    config: { batch_shape: batchShape, dtype: first.className === 'Embedding' ? 'int32' : 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false },
    registered_name: null,
  };
  const layers = model.layers.map((l) => kerasLayer(l.className, l.getConfig() as Cfg, [null, ...l.inputShape], where));
  return {
    module: 'keras', class_name: 'Sequential',
    config: { name: model.name, trainable: true, dtype: POLICY(), layers: [input, ...layers] },
    registered_name: null,
    build_config: { input_shape: batchShape },
  };
}

function act(v: unknown, layer: string, where: string): string {
  const a = ACTIVATIONS[String(v)];
  if (!a) {
    throw new ConfigError(`${where}: layer ${layer}: expected an activation Keras 3 has (${Object.keys(ACTIVATIONS).join(', ')}), got ${describeValue(v)}${v === 'hardSigmoid' ? ' (Keras 2\'s clip(0.2x + 0.5, 0, 1); Keras 3\'s hard_sigmoid is relu6(x + 3) / 6, our \'hardSigmoidKeras3\')' : ''}.`);
  }
  return a;
}

/**
 * A Keras 3 LSTM, GRU or SimpleRNN (cls) entry: Keras 3's RNN keys, then the cell's (unit_forget_bias for the LSTM,
 * reset_after and seed for the GRU, seed for the LSTM; a SimpleRNN has no recurrent_activation and no seed).
 */
function lstm(c: Cfg, name: string, goBackwards: boolean, inShape: (number | null)[], where: string, cls = 'LSTM'): Json {
  const own = cls === 'GRU' ? { reset_after: c.resetAfter } : cls === 'LSTM' ? { unit_forget_bias: c.unitForgetBias } : {};
  const simple = cls === 'SimpleRNN';
  return {
    module: 'keras.layers', class_name: cls,
    config: {
      name, trainable: c.trainable, dtype: POLICY(), return_sequences: c.returnSequences, return_state: false,
      go_backwards: goBackwards, stateful: false, unroll: false, zero_output_for_mask: c.zeroOutputForMask ?? false, units: c.units,
      activation: act(c.activation, c.name, where), ...(simple ? {} : { recurrent_activation: act(c.recurrentActivation, c.name, where) }), use_bias: c.useBias,
      kernel_initializer: init('GlorotUniform', { seed: null }), recurrent_initializer: init('Orthogonal', { seed: null, gain: 1.0 }),
      bias_initializer: init('Zeros'), ...(cls === 'LSTM' ? own : {}), kernel_regularizer: null, recurrent_regularizer: null,
      bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
      dropout: c.dropout ?? 0.0, recurrent_dropout: c.recurrentDropout ?? 0.0, ...(cls === 'GRU' ? own : {}), ...(simple ? {} : { seed: null }),
    },
    registered_name: null,
    build_config: { input_shape: inShape },
  };
}

/** One layer's Keras 3 entry; build_config only for the classes that have their own build() in Keras 3. */
function kerasLayer(className: string, c: Cfg, inShape: (number | null)[], where: string): Json {
  const base = { name: c.name, trainable: c.trainable, dtype: POLICY() };
  const out = (class_name: string, config: Json, built = false, module: string | null = 'keras.layers', registered: string | null = null) => ({
    module, class_name, config: { ...base, ...config }, registered_name: registered, ...(built ? { build_config: { input_shape: inShape } } : {}),
  });
  switch (className) {
    case 'Embedding':
      return out('Embedding', { input_dim: c.inputDim, output_dim: c.outputDim, embeddings_initializer: init('RandomUniform', { seed: null, minval: -0.05, maxval: 0.05 }),
        embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: c.maskZero ?? false, quantization_config: null }, true);
    case 'LSTM': case 'GRU': case 'SimpleRNN':
      return lstm(c, c.name, c.goBackwards, inShape, where, className);
    case 'Bidirectional': {
      const inner = c.layer.config as Cfg, cls = c.layer.className as string;
      // the forward copy runs as the wrapped LSTM or GRU does, the backward one the other way (Keras's Bidirectional)
      const f = lstm(inner, `forward_${inner.name}`, !!inner.goBackwards, inShape, where, cls);
      const b = lstm(inner, `backward_${inner.name}`, !inner.goBackwards, inShape, where, cls);
      // inside Bidirectional(return_sequences) Keras 3 zeroes masked steps (zero_output_for_mask = return_sequences)
      (f.config as Cfg).zero_output_for_mask = (b.config as Cfg).zero_output_for_mask = !!inner.returnSequences;
      return out('Bidirectional', { merge_mode: c.mergeMode, layer: f, backward_layer: b }, true);
    }
    case 'Attention':
      return out(KERAS_ATTENTION_CLASS, { return_sequences: c.returnSequences }, true, null, KERAS_ATTENTION_REGISTERED);
    case 'Dense':
      return out('Dense', { units: c.units, activation: act(c.activation, c.name, where), use_bias: c.useBias, kernel_initializer: init('GlorotUniform', { seed: null }),
        bias_initializer: init('Zeros'), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null, quantization_config: null }, true);
    case 'BatchNormalization':
      return out('BatchNormalization', { axis: -1, momentum: c.momentum, epsilon: c.epsilon, center: true, scale: true,
        beta_initializer: init('Zeros'), gamma_initializer: init('Ones'), moving_mean_initializer: init('Zeros'), moving_variance_initializer: init('Ones'),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        synchronized: false, renorm: false, renorm_clipping: null, renorm_momentum: 0.99 }, true);
    case 'Dropout':
      return out('Dropout', { rate: c.rate, seed: null, noise_shape: null });
    case 'SpatialDropout1D': // BaseSpatialDropout.get_config: no trainable, dtype a string
      return { module: 'keras.layers', class_name: 'SpatialDropout1D', config: { rate: c.rate, seed: null, name: c.name, dtype: 'float32' }, registered_name: null };
    case 'Activation':
      return out('Activation', { activation: act(c.activation, c.name, where) });
    case 'Masking':
      return out('Masking', { mask_value: c.maskValue });
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      return out(className, { data_format: 'channels_last', keepdims: c.keepdims ?? false });
    case 'Flatten':
      return out('Flatten', { data_format: 'channels_last' });
    case 'LeakyReLU': // Keras 3 names alpha negative_slope
      return out('LeakyReLU', { negative_slope: c.alpha });
    case 'RepeatVector':
      return out('RepeatVector', { n: c.n });
    case 'GaussianNoise':
      return out('GaussianNoise', { stddev: c.stddev, seed: c.seed ?? null });
    case 'GaussianDropout':
      return out('GaussianDropout', { rate: c.rate, seed: c.seed ?? null });
    case 'Conv1D':
      return out('Conv1D', { filters: c.filters, kernel_size: [c.kernelSize], strides: [c.strides], padding: c.padding, data_format: 'channels_last',
        dilation_rate: [c.dilationRate], groups: 1, activation: act(c.activation, c.name, where), use_bias: c.useBias, kernel_initializer: init('GlorotUniform', { seed: null }),
        bias_initializer: init('Zeros'), kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }, true);
    case 'MaxPooling1D': case 'AveragePooling1D':
      return out(className, { pool_size: [c.poolSize], padding: c.padding, strides: [c.strides], data_format: 'channels_last' });
    default:
      throw new ConfigError(`${where}: layer ${c.name}: expected a layer Keras 3 has, got class ${JSON.stringify(className)}.`);
  }
}

/** Keras 3's naming.to_snake_case (keras/src/utils/naming.py): GlobalAveragePooling1D -> global_average_pooling1d
 *  (a digit does not split, unlike tf.keras's), then _n from the second layer of a class on (_save_container_state). */
function kerasStoreKey(className: string, n: number): string {
  const base = className.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return n === 0 ? base : `${base}_${n}`;
}

/** The name Keras 3 gives a recurrent layer's cell: lstm_cell, gru_cell, simple_rnn_cell. */
function cellName(cls: string): string { return `${kerasStoreKey(cls, 0)}_cell`; }

/** The class a layer has in the exported config (keys its weight store group). */
function exportedClass(className: string): string {
  return className === 'Attention' ? KERAS_ATTENTION_CLASS : className;
}

/**
 * model.weights.h5 as saving_lib writes it: a root `vars` group named after the model, then layers/<key>/vars for
 * every layer (empty for layers without weights), LSTM weights under cell/vars, Bidirectional's under
 * backward_layer/cell/vars and forward_layer/cell/vars (Keras visits attributes sorted by name). Every vars group
 * carries the owning object's name. @internal
 */
export function weightStore(model: Sequential, where = 'exportKeras'): Omit<H5WriteGroup, 'name'> {
  const values = model.getWeights();
  const vars = (name: string, ws: { data: Float32Array; shape: number[] }[]): H5WriteGroup => ({
    name: 'vars', attrs: { name }, children: ws.map((w, i): H5WriteDataset => ({ name: String(i), data: w.data, shape: w.shape })),
  });
  const group = (name: string, children: H5WriteGroup[]): H5WriteGroup => ({ name, children });
  const seen = new Map<string, number>();
  let at = 0;
  const layers: H5WriteGroup[] = [];
  for (const l of model.layers) {
    const cls = exportedClass(l.className);
    const n = seen.get(cls) ?? 0;
    seen.set(cls, n + 1);
    const ws = values.slice(at, at + l.weights.length);
    at += l.weights.length;
    const key = kerasStoreKey(cls, n);
    const c = l.getConfig() as Cfg;
    if (cls === 'LSTM' || cls === 'GRU' || cls === 'SimpleRNN') {
      layers.push(group(key, [vars(l.name, []), group('cell', [vars(cellName(cls), ws)])]));
    } else if (cls === 'Bidirectional') {
      const inner = (c.layer.config as Cfg).name, cell = cellName(String(c.layer.className));
      layers.push(group(key, [
        vars(l.name, []),
        // each direction's kernel, recurrent kernel and (with useBias) bias: half the list each
        group('backward_layer', [vars(`backward_${inner}`, []), group('cell', [vars(cell, ws.slice(ws.length / 2))])]),
        group('forward_layer', [vars(`forward_${inner}`, []), group('cell', [vars(cell, ws.slice(0, ws.length / 2))])]),
      ]));
    } else {
      layers.push(group(key, [vars(l.name, ws)]));
    }
  }
  if (at !== values.length) throw new ConfigError(`${where}: expected the layers to hold all ${values.length} weights, got ${at}.`);
  return { children: [vars(model.name, []), group('layers', layers)] };
}
