// exportTfjs: a Sequential -> the TF.js Layers format (model.json + one weight shard) that tf.loadLayersModel reads.
// The topology is Keras 2 style JSON as TF.js serializes it (class_name + snake_case config); weights are named as TF.js
// names its own (layer/weight, bidirectional/forward_<lstm, gru or simple_rnn>/kernel), since loadLayersModel matches
// them by name. Our attention layer is the custom class BilstmAttention, which `registerAttention(tf)`
// (bilstm-attn/tfjs) defines.
import { Sequential } from '../../model/sequential.js';
import { openSink } from '../../io/sinks.js';
import { nodeFs } from '../../io/common.js';
import { ConfigError, describeValue } from '../../errors.js';
import { VERSION } from '../../model/version.js';

/** The class name our attention layer has in a TF.js model.json (registerAttention registers it). */
export const TFJS_ATTENTION_CLASS = 'BilstmAttention';
/** The one weight shard exportTfjs writes. */
export const TFJS_SHARD = 'group1-shard1of1.bin';

/** A TF.js Layers model as files in memory: what exportTfjs returns without a target, and loadTfjsModel takes. */
export interface TfjsFiles { files: Record<string, Uint8Array> }

type Json = Record<string, unknown>;

const ACTIVATIONS: Record<string, string> = { linear: 'linear', sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', softmax: 'softmax', hardSigmoid: 'hard_sigmoid',
  elu: 'elu', selu: 'selu', relu6: 'relu6', softplus: 'softplus', softsign: 'softsign', swish: 'swish', gelu: 'gelu', mish: 'mish' };
const init = (class_name: string, config: Json = {}) => ({ class_name, config });
const GLOROT = init('VarianceScaling', { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null });

/**
 * Writes the model in the TF.js Layers format. `target`: a directory path (created if missing; model.json and
 * group1-shard1of1.bin are written into it), or omitted: the files are returned as { files: { name: bytes } }.
 */
export function exportTfjs(model: Sequential): Promise<TfjsFiles>;
export function exportTfjs(model: Sequential, target: string): Promise<undefined>;
export function exportTfjs(model: Sequential, target?: string): Promise<TfjsFiles | undefined>;
export async function exportTfjs(model: Sequential, target?: string): Promise<TfjsFiles | undefined> {
  const where = 'exportTfjs';
  if (!(model instanceof Sequential)) throw new ConfigError(`${where}: expected a Sequential model, got ${describeValue(model)}.`);
  if (target !== undefined && typeof target !== 'string') throw new ConfigError(`${where}: expected a directory path or no target (to get the files), got ${describeValue(target)}.`);
  const names = model.weightNames; // builds the model
  const weights = model.getWeights();
  const topology = tfjsTopology(model, where);
  const trainingConfig = tfjsTrainingConfig(model);
  const json = {
    format: 'layers-model',
    generatedBy: `bilstm-attn ${VERSION}`,
    convertedBy: null,
    modelTopology: topology,
    ...(trainingConfig ? { trainingConfig } : {}),
    weightsManifest: [{ paths: [TFJS_SHARD], weights: names.map((name, i) => ({ name, shape: weights[i].shape, dtype: 'float32' })) }],
  };
  const modelJson = new TextEncoder().encode(JSON.stringify(json));
  const size = weights.reduce((n, w) => n + 4 * w.data.length, 0);
  const write = async (path: string | undefined, parts: Uint8Array[], bytes: number) => {
    const sink = await openSink(path, where, { size: bytes });
    try {
      for (const p of parts) await sink.write(p);
      return await sink.close();
    } catch (e) {
      await sink.abort(e);
      throw e;
    }
  };
  // float32 little-endian, as TF.js reads its shards (every engine we run on is little-endian, as Wasm is)
  const shard = weights.map((w) => new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  if (target === undefined) {
    return { files: { 'model.json': modelJson, [TFJS_SHARD]: (await write(undefined, shard, size))! } };
  }
  const fs = await nodeFs();
  if (!fs) throw new ConfigError(`${where}: expected no target in this runtime, which has no file system, got the path ${JSON.stringify(target)}. Omit the target to get the files.`);
  await fs.mkdir(target, { recursive: true }).catch((e: Error) => {
    throw new ConfigError(`${where}: expected a directory path, got ${JSON.stringify(target)} (${e?.message ?? e}).`);
  });
  const dir = target.endsWith('/') ? target : `${target}/`;
  await write(dir + TFJS_SHARD, shard, size);
  await write(dir + 'model.json', [modelJson], modelJson.length); // last: a model.json means its shard is complete
  return undefined;
}

const TFJS_LOSSES: Record<string, string> = { binaryCrossentropy: 'binary_crossentropy', categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy', meanSquaredError: 'mean_squared_error' };
/** Our compile metrics TF.js has (by its snake_case name in a trainingConfig; loadLayersModel camelCases them back). */
const TFJS_METRICS: Record<string, string> = { accuracy: 'accuracy', acc: 'acc', binaryAccuracy: 'binary_accuracy', binary_accuracy: 'binary_accuracy',
  categoricalAccuracy: 'categorical_accuracy', categorical_accuracy: 'categorical_accuracy', precision: 'precision',
  mse: 'mse', meanSquaredError: 'mse', mean_squared_error: 'mse', mae: 'mae', meanAbsoluteError: 'mae', mean_absolute_error: 'mae' };

/**
 * The model's compile as TF.js's trainingConfig (TF.js's LayersModel.getTrainingConfig layout: the loss and metrics by
 * snake_case name, optimizer_config as TF.js's optimizer class and getConfig), which tf.loadLayersModel compiles the
 * model from; null when the model is not compiled or TF.js cannot say it: a loss with options (TF.js's losses by name
 * have no fromLogits or label smoothing), a learning-rate schedule, gradient clipping, amsgrad or lazy Adam (TF.js's
 * optimizers have none), weighted metrics (its loader refuses them). Metrics TF.js lacks (recall, f1, auc, sparse
 * categorical accuracy) are left out.
 */
function tfjsTrainingConfig(model: Sequential): Json | null {
  const c = model.getCompileConfig();
  if (!c || typeof c.loss !== 'string' || c.weightedMetrics?.length) return null;
  const o = c.optimizer as unknown as Record<string, unknown>;
  const lr = o.learningRate;
  if (typeof lr !== 'number' || o.clipnorm !== undefined || o.globalClipnorm !== undefined || o.clipvalue !== undefined) return null;
  let optimizer: Json;
  if (o.name === 'adam' && !o.amsgrad && !o.lazy) optimizer = { class_name: 'Adam', config: { learningRate: lr, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon } };
  else if (o.name === 'sgd') optimizer = o.momentum ? { class_name: 'Momentum', config: { learningRate: lr, momentum: o.momentum, useNesterov: o.nesterov } } : { class_name: 'SGD', config: { learningRate: lr } };
  else if (o.name === 'rmsprop') optimizer = { class_name: 'RMSProp', config: { learningRate: lr, decay: o.rho, momentum: o.momentum, epsilon: o.epsilon, centered: o.centered } };
  else return null;
  const metrics = [...new Set(c.metrics.map((m) => TFJS_METRICS[m]).filter((m) => m !== undefined))];
  return { loss: TFJS_LOSSES[c.loss], metrics, optimizer_config: optimizer };
}

const MASK_READERS = ['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'Attention', 'GlobalAveragePooling1D'];
const MASK_DROPPERS = ['Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'RepeatVector'];

/**
 * Whether an embedding's mask_zero can go to TF.js as it is. TF.js passes a mask on past the layers where ours ends
 * (a conv1d, a 1-D pooling, repeatVector, a recurrent layer's last state) and applies it in the recurrent layers and
 * attention after them: such a model is written without the mask when no layer read it before it ended (the same
 * outputs), and refused otherwise (a review found TF.js's outputs up to 0.17 off, or a broadcast error).
 */
function tfjsMask(model: Sequential, where: string): boolean {
  let live = false, stale = false, read = false;
  for (const l of model.layers) {
    const c = l.getConfig() as Record<string, unknown>;
    if ((l.className === 'Embedding' && c.maskZero) || l.className === 'Masking') { live = true; stale = false; read = false; continue; }
    if (live) {
      if (MASK_READERS.includes(l.className)) read = true;
      if (MASK_DROPPERS.includes(l.className) || l.outputShape.length === 1) { live = false; stale = true; }
    } else if (stale && MASK_READERS.includes(l.className)) {
      if (!read && model.layers[0].className === 'Embedding') return false;
      throw new ConfigError(`${where}: layer ${l.name}: expected a model TF.js masks as we do, got ${l.className} after the mask ended (TF.js passes the embedding's mask on past a conv1d, a pooling, repeatVector or a recurrent layer's last state, and applies it here: other outputs). Export it with exportKeras or exportOnnx, or drop maskZero.`);
    }
  }
  return true;
}

/** The Keras 2 style topology TF.js reads: { class_name: 'Sequential', config: { name, layers }, keras_version, backend }. */
function tfjsTopology(model: Sequential, where: string): Json {
  const writeMask = tfjsMask(model, where);
  const first = model.layers[0].inputShape;
  let masked = false;
  // TF.js's Flatten takes input of 3 dimensions or more (inputSpec minNDim 3): on [batch, features] it is the
  // identity, so it is left out there
  const kept = model.layers.filter((l) => !(l.className === 'Flatten' && l.inputShape.length === 1));
  if (kept.length === 0) throw new ConfigError(`${where}: expected a layer TF.js runs besides a flatten of [batch, features] (the identity, which TF.js's Flatten refuses), got none.`);
  const layers = kept.map((l, i) => {
    const c = l.getConfig() as Record<string, any>;
    // TF.js repeats the previous output at masked steps where Keras's Bidirectional(returnSequences) writes 0; with a
    // goBackwards LSTM, GRU or SimpleRNN inside, its outputs come in reversed time order and those steps land on real ones
    if (masked && l.className === 'Bidirectional' && c.layer.config.goBackwards && c.layer.config.returnSequences) {
      throw new ConfigError(`${where}: layer ${c.name}: expected a Bidirectional TF.js runs as Keras under a mask, got one around ${c.layer.className === 'LSTM' ? 'an LSTM' : `a ${c.layer.className}`} with goBackwards and returnSequences (TF.js repeats outputs at padded steps where Keras writes 0, and here they land on real steps). Export it with exportKeras, or drop goBackwards.`);
    }
    if ((l.className === 'Embedding' && c.maskZero) || l.className === 'Masking') masked = writeMask;
    else if (MASK_DROPPERS.includes(l.className) || l.outputShape.length === 1) masked = false;
    const entry = tfjsLayer(l.className, c, where);
    if (l.className === 'Embedding' && !writeMask) (entry.config as Json).mask_zero = false;
    if (i === 0) (entry.config as Json).batch_input_shape = [null, ...first];
    return entry;
  });
  return { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: `bilstm-attn ${VERSION}`, backend: 'tensor_flow.js' };
}

function act(v: unknown, layer: string, where: string): string {
  const a = ACTIVATIONS[String(v)];
  if (!a) {
    throw new ConfigError(`${where}: layer ${layer}: expected an activation TF.js has (${Object.keys(ACTIVATIONS).join(', ')}), got ${describeValue(v)}${v === 'hardSigmoidKeras3' ? ' (Keras 3\'s relu6(x + 3) / 6, which TF.js lacks)' : ''}.`);
  }
  return a;
}

function lstm(c: Record<string, any>, where: string): Json {
  return {
    name: c.name, trainable: c.trainable, units: c.units, activation: act(c.activation, c.name, where),
    recurrent_activation: act(c.recurrentActivation, c.name, where), use_bias: c.useBias,
    kernel_initializer: GLOROT, recurrent_initializer: init('Orthogonal', { gain: 1, seed: null }), bias_initializer: init('Zeros'),
    unit_forget_bias: c.unitForgetBias, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null,
    activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
    dropout: c.dropout ?? 0, recurrent_dropout: c.recurrentDropout ?? 0, implementation: null, return_sequences: c.returnSequences, return_state: false,
    go_backwards: c.goBackwards, stateful: false, unroll: false,
  };
}

/**
 * A GRU as TF.js 4's GRUCell runs it (tfjs-layers/src/layers/recurrent.ts): only Keras 2.3.1's reset_after=False form,
 * hh = act(x . W_h + b_h + (r * h) . U_h), one bias [3H] on the input side, gates z, r, h in the kernels' column blocks
 * (its constructor throws "GRUCell does not support reset_after parameter set to true"), so resetAfter true is refused.
 * reset_after is written false, as TF.js's own getConfig writes it. `wrapper`: the Bidirectional around it, named in
 * refusals (its inner zeroOutputForMask is not checked: Bidirectional sets it on its copies, as Keras).
 */
function gru(c: Record<string, any>, where: string, wrapper?: string): Json {
  const layer = wrapper === undefined ? c.name : `${wrapper} (its ${c.name})`;
  if (c.resetAfter) throw new ConfigError(`${where}: layer ${layer}: expected a GRU TF.js can run (resetAfter false: TF.js's GRUCell has only Keras 2.3.1's reset-before form and throws "GRUCell does not support reset_after parameter set to true"), got resetAfter true. Export it with exportKeras or exportOnnx, or build the GRU with resetAfter: false.`);
  if (c.zeroOutputForMask && wrapper === undefined) throw new ConfigError(`${where}: layer ${layer}: expected a GRU TF.js can run (zeroOutputForMask false: TF.js has no such option), got zeroOutputForMask true. Export it with exportKeras instead.`);
  return {
    name: c.name, trainable: c.trainable, units: c.units, activation: act(c.activation, c.name, where),
    recurrent_activation: act(c.recurrentActivation, c.name, where), use_bias: c.useBias,
    kernel_initializer: GLOROT, recurrent_initializer: init('Orthogonal', { gain: 1, seed: null }), bias_initializer: init('Zeros'),
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: c.dropout ?? 0, recurrent_dropout: c.recurrentDropout ?? 0, implementation: null,
    reset_after: false, return_sequences: c.returnSequences, return_state: false, go_backwards: c.goBackwards, stateful: false, unroll: false,
  };
}

/**
 * A SimpleRNN as TF.js 4's SimpleRNNCell runs it (tfjs-layers/src/layers/recurrent.ts): h = act(x . kernel + bias +
 * h_prev . recurrent_kernel), weights kernel [I, H], recurrent_kernel [H, H], bias [H] (Keras's); the config keys are
 * those TF.js's own getConfig writes (no recurrent_activation, no implementation). `wrapper`: as gru's.
 */
function simpleRnn(c: Record<string, any>, where: string, wrapper?: string): Json {
  const layer = wrapper === undefined ? c.name : `${wrapper} (its ${c.name})`;
  if (c.zeroOutputForMask && wrapper === undefined) throw new ConfigError(`${where}: layer ${layer}: expected a SimpleRNN TF.js can run (zeroOutputForMask false: TF.js has no such option), got zeroOutputForMask true. Export it with exportKeras instead.`);
  return {
    name: c.name, trainable: c.trainable, units: c.units, activation: act(c.activation, c.name, where), use_bias: c.useBias,
    kernel_initializer: GLOROT, recurrent_initializer: init('Orthogonal', { gain: 1, seed: null }), bias_initializer: init('Zeros'),
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: c.dropout ?? 0, recurrent_dropout: c.recurrentDropout ?? 0,
    return_sequences: c.returnSequences, return_state: false, go_backwards: c.goBackwards, stateful: false, unroll: false,
  };
}

/** One layer's { class_name, config }: initializers are written as Keras's defaults (the weights follow anyway). */
function tfjsLayer(className: string, c: Record<string, any>, where: string): { class_name: string; config: Json } {
  const base = { name: c.name, trainable: c.trainable };
  const out = (class_name: string, config: Json) => ({ class_name, config: { ...base, ...config } });
  switch (className) {
    case 'Embedding':
      return out('Embedding', { input_dim: c.inputDim, output_dim: c.outputDim, embeddings_initializer: init('RandomUniform', { minval: -0.05, maxval: 0.05, seed: null }),
        embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: c.maskZero ?? false,
        input_length: c.inputLength ?? null });
    case 'LSTM':
      if (c.zeroOutputForMask) throw new ConfigError(`${where}: layer ${c.name}: expected an LSTM TF.js can run (zeroOutputForMask false: TF.js has no such option), got zeroOutputForMask true. Export it with exportKeras instead.`);
      return out('LSTM', lstm(c, where));
    case 'GRU':
      return out('GRU', gru(c, where));
    case 'SimpleRNN':
      return out('SimpleRNN', simpleRnn(c, where));
    case 'Bidirectional': {
      const inner = c.layer.className as string;
      const config = inner === 'GRU' ? gru(c.layer.config, where, c.name) : inner === 'SimpleRNN' ? simpleRnn(c.layer.config, where, c.name) : lstm(c.layer.config, where);
      return out('Bidirectional', { merge_mode: c.mergeMode, layer: { class_name: inner === 'GRU' || inner === 'SimpleRNN' ? inner : 'LSTM', config } });
    }
    case 'Attention':
      return out(TFJS_ATTENTION_CLASS, { return_sequences: c.returnSequences });
    case 'Dense':
      return out('Dense', { units: c.units, activation: act(c.activation, c.name, where), use_bias: c.useBias, kernel_initializer: GLOROT,
        bias_initializer: init('Zeros'), kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null });
    case 'BatchNormalization':
      return out('BatchNormalization', { axis: -1, momentum: c.momentum, epsilon: c.epsilon, center: true, scale: true,
        beta_initializer: init('Zeros'), gamma_initializer: init('Ones'), moving_mean_initializer: init('Zeros'), moving_variance_initializer: init('Ones'),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null });
    case 'Dropout':
      return out('Dropout', { rate: c.rate, noise_shape: null, seed: null });
    case 'SpatialDropout1D':
      return out('SpatialDropout1D', { rate: c.rate, seed: null });
    case 'Activation':
      return out('Activation', { activation: act(c.activation, c.name, where) });
    case 'Masking':
      return out('Masking', { mask_value: c.maskValue });
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      if (c.keepdims) throw new ConfigError(`${where}: layer ${c.name}: expected keepdims false (TF.js's ${className} has no keepdims), got true. Export it with exportKeras instead.`);
      return out(className, {});
    case 'Flatten':
      return out('Flatten', { data_format: 'channels_last' });
    case 'LeakyReLU':
      return out('LeakyReLU', { alpha: c.alpha });
    case 'RepeatVector':
      return out('RepeatVector', { n: c.n });
    case 'GaussianNoise':
      return out('GaussianNoise', { stddev: c.stddev });
    case 'GaussianDropout':
      return out('GaussianDropout', { rate: c.rate });
    case 'Conv1D':
      if (c.padding === 'causal') throw new ConfigError(`${where}: layer ${c.name}: expected a Conv1D TF.js can run, got padding 'causal' (TF.js 4 throws "CAUSAL padding mode in conv1dWithBias is not implemented yet"). Export it with exportKeras or exportOnnx instead.`);
      return out('Conv1D', { filters: c.filters, kernel_size: [c.kernelSize], strides: [c.strides], padding: c.padding, data_format: 'channels_last',
        dilation_rate: [c.dilationRate], activation: act(c.activation, c.name, where), use_bias: c.useBias, kernel_initializer: GLOROT, bias_initializer: init('Zeros'),
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null });
    case 'MaxPooling1D': case 'AveragePooling1D':
      return out(className, { pool_size: [c.poolSize], padding: c.padding, strides: [c.strides] });
    default:
      throw new ConfigError(`${where}: layer ${c.name}: expected a layer TF.js can load, got class ${JSON.stringify(className)}.`);
  }
}
