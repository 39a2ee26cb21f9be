// loadTorchWeights and exportTorchWeights: a model's weights from and to a PyTorch state_dict saved as safetensors.
// Each layer maps to a torch module by class (Embedding -> embedding, BatchNormalization -> bn, LSTM and
// Bidirectional(LSTM) -> lstm, GRU and Bidirectional(GRU) -> gru, SimpleRNN and Bidirectional(SimpleRNN) -> rnn,
// Attention -> attention, Dense -> fc; the second of a kind gets _1, then _2 ...), named as the reference modules of
// test/fixtures/torch/generate.py hold them. Torch layouts are transposed where ours are Keras's: nn.LSTM weight_ih
// [4H, I] = kernel^T, weight_hh [4H, H] = recurrent_kernel^T, the same gate order (i, f, g, o = Keras i, f, c, o) and
// two biases (bias = bias_ih + bias_hh; exported as bias_ih = bias, bias_hh = 0); nn.GRU (Keras's resetAfter GRU)
// weight_ih [3H, I] = kernel^T and weight_hh [3H, H] = recurrent_kernel^T with the gate blocks r, z, n for Keras's
// z, r, h, bias_ih = bias row 0 and bias_hh = bias row 1 (same reordering); nn.RNN (nonlinearity tanh or relu)
// weight_ih [H, I] = kernel^T, weight_hh [H, H] = recurrent_kernel^T and two biases as nn.LSTM's; nn.Linear weight
// [U, I] = kernel^T. A `mapping` renames the default keys.
import { Sequential } from '../../model/sequential.js';
import { openSource, type SourceOptions } from '../../io/sources.js';
import { openSink } from '../../io/sinks.js';
import { readSafetensors, safetensorsLayout, writeSafetensors, type SafetensorsHeader, type SafetensorsOut } from '../../io/safetensors.js';
import { CheckpointError, ConfigError, describeValue, fmtShape, isPlainObject, didYouMean } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import { LSTM } from '../../layers/lstm.js';
import { GRU } from '../../layers/gru.js';
import { SimpleRNN } from '../../layers/simple-rnn.js';
import { Bidirectional } from '../../layers/bidirectional.js';
import { checkInitialized } from '../../core/wasm.js';

/** Default state_dict key -> the key in your file; or a function of the default key (and our weight name). */
export type TorchMapping = Record<string, string> | ((defaultKey: string, weightName: string | null) => string);

export interface TorchWeightsOptions extends SourceOptions {
  /** Renames the default keys (see the README's table); keys not listed keep their default name. */
  mapping?: TorchMapping;
}

export interface ExportTorchOptions {
  mapping?: TorchMapping;
}

/** One tensor of the state_dict and how it relates to our weights. */
interface TorchTensor {
  key: string;
  /** Index into model.weightNames, or -1 for a tensor we do not hold (num_batches_tracked). */
  weight: number;
  shape: number[];
  /** Our weight's shape ([] for num_batches_tracked). */
  ours: number[];
  /** copy: same layout; transpose: torch [b, a] = ours [a, b]; biasIh / biasHh: the two halves of an LSTM's or a
   *  SimpleRNN's bias;
   *  gruTranspose: transpose with the gate blocks swapped (gruBlocks); gruBiasIh / gruBiasHh: a GRU bias's row 0 / 1. */
  how: 'copy' | 'transpose' | 'biasIh' | 'biasHh' | 'counter' | 'conv' | 'gruTranspose' | 'gruBiasIh' | 'gruBiasHh';
}

const MODULE: Record<string, string> = { Embedding: 'embedding', BatchNormalization: 'bn', LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn', Attention: 'attention', Dense: 'fc', Conv1D: 'conv' };

/** The classes with weights that map, for messages. */
const MAPPED = ['Embedding', 'BatchNormalization', 'LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'Attention', 'Dense', 'Conv1D'];

/** The class a layer maps by: a Bidirectional by the layer it wraps (nn.LSTM, nn.GRU or nn.RNN with bidirectional=True). */
const moduleClass = (layer: Layer): string => (layer instanceof Bidirectional ? layer.layer.className : layer.className);

/**
 * nn.GRU's gate blocks are r, z, n where Keras's are z, r, h: index j of a gate axis of 3H in one layout is index
 * gruIndex(j, H) in the other (the first two blocks swapped, so the map is its own inverse).
 */
function gruIndex(j: number, H: number): number {
  return j < H ? j + H : j < 2 * H ? j - H : j;
}

/** The default state_dict of the reference module for this model, in weight order. */
export function defaultTorchKeys(model: Sequential): TorchTensor[] {
  const names = model.weightNames; // builds the model
  const index = new Map(names.map((n, i) => [n, i]));
  const shapes = new Map(model.layers.flatMap((l) => l.weights.map((w) => [w.name, w.shape.slice()] as const)));
  const seen = new Map<string, number>();
  const out: TorchTensor[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const cls = moduleClass(layer);
    const base = MODULE[cls];
    if (!base) throw new ConfigError(`torch weights: expected layers among ${MAPPED.join(', ')} (or without weights), got ${layer.className} ${layer.name}.`);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const mod = n === 0 ? base : `${base}_${n}`;
    const add = (w: string, key: string, how: TorchTensor['how']) => {
      const s = shapes.get(w)!;
      // (nn.Conv1d's weight [F, C, K] for Keras's kernel [K, C, F])
      // (a GRU bias [2, 3H] is two torch vectors [3H])
      const shape = how === 'transpose' || how === 'gruTranspose' ? [s[1], s[0]] : how === 'conv' ? [s[2], s[1], s[0]]
        : how === 'gruBiasIh' || how === 'gruBiasHh' ? [s[1]] : s;
      out.push({ key: `${mod}.${key}`, weight: index.get(w)!, shape, ours: s, how });
    };
    for (const w of layer.weights) {
      const parts = w.name.split('/');
      const leaf = parts[parts.length - 1];
      const suffix = layer.className === 'Bidirectional' && parts[parts.length - 2].startsWith('backward_') ? '_reverse' : '';
      switch (`${cls}/${leaf}`) {
        case 'Embedding/embeddings': add(w.name, 'weight', 'copy'); break;
        case 'BatchNormalization/gamma': add(w.name, 'weight', 'copy'); break;
        case 'BatchNormalization/beta': add(w.name, 'bias', 'copy'); break;
        case 'BatchNormalization/moving_mean': add(w.name, 'running_mean', 'copy'); break;
        case 'BatchNormalization/moving_variance':
          add(w.name, 'running_var', 'copy');
          out.push({ key: `${mod}.num_batches_tracked`, weight: -1, shape: [], ours: [], how: 'counter' });
          break;
        case 'LSTM/kernel': add(w.name, `weight_ih_l0${suffix}`, 'transpose'); break;
        case 'LSTM/recurrent_kernel': add(w.name, `weight_hh_l0${suffix}`, 'transpose'); break;
        case 'LSTM/bias': add(w.name, `bias_ih_l0${suffix}`, 'biasIh'); add(w.name, `bias_hh_l0${suffix}`, 'biasHh'); break;
        case 'GRU/kernel': add(w.name, `weight_ih_l0${suffix}`, 'gruTranspose'); break;
        case 'GRU/recurrent_kernel': add(w.name, `weight_hh_l0${suffix}`, 'gruTranspose'); break;
        case 'GRU/bias': add(w.name, `bias_ih_l0${suffix}`, 'gruBiasIh'); add(w.name, `bias_hh_l0${suffix}`, 'gruBiasHh'); break;
        case 'SimpleRNN/kernel': add(w.name, `weight_ih_l0${suffix}`, 'transpose'); break;
        case 'SimpleRNN/recurrent_kernel': add(w.name, `weight_hh_l0${suffix}`, 'transpose'); break;
        case 'SimpleRNN/bias': add(w.name, `bias_ih_l0${suffix}`, 'biasIh'); add(w.name, `bias_hh_l0${suffix}`, 'biasHh'); break;
        case 'Attention/W': add(w.name, 'W', 'copy'); break;
        case 'Attention/b': add(w.name, 'b', 'copy'); break;
        case 'Dense/kernel': add(w.name, 'weight', 'transpose'); break;
        case 'Conv1D/kernel': add(w.name, 'weight', 'conv'); break;
        case 'Conv1D/bias': add(w.name, 'bias', 'copy'); break;
        case 'Dense/bias': add(w.name, 'bias', 'copy'); break;
        default: throw new ConfigError(`torch weights: expected a weight we know how to map, got ${w.name} of ${layer.className}.`);
      }
    }
  }
  return out;
}

/** The default keys renamed by the user's mapping; checked: known keys, string values, no two tensors on one key. */
function applyMapping(model: Sequential, tensors: TorchTensor[], mapping: unknown, where: string): TorchTensor[] {
  if (mapping === undefined) return tensors;
  const names = model.weightNames;
  let rename: (t: TorchTensor) => unknown;
  if (typeof mapping === 'function') {
    rename = (t) => (mapping as (k: string, w: string | null) => unknown)(t.key, t.weight >= 0 ? names[t.weight] : null);
  } else if (isPlainObject(mapping)) {
    const known = new Set(tensors.map((t) => t.key));
    const bad = Object.keys(mapping).find((k) => !known.has(k));
    if (bad !== undefined) throw new ConfigError(`${where}: expected mapping keys among this model's default state_dict keys (${[...known].join(', ')}), got ${JSON.stringify(bad)}.`);
    rename = (t) => (Object.hasOwn(mapping, t.key) ? mapping[t.key] : t.key);
  } else {
    throw new ConfigError(`${where}: expected mapping to be an object { defaultKey: yourKey } or a function (defaultKey, weightName) => yourKey, got ${describeValue(mapping)}.`);
  }
  const taken = new Map<string, string>();
  return tensors.map((t) => {
    const key = rename(t);
    if (typeof key !== 'string' || key === '' || key === '__metadata__') throw new ConfigError(`${where}: expected mapping to give ${t.key} a non-empty key other than __metadata__, got ${describeValue(key)}.`);
    const other = taken.get(key);
    if (other !== undefined) throw new ConfigError(`${where}: expected mapping to give each tensor its own key, got ${JSON.stringify(key)} for both ${other} and ${t.key}.`);
    taken.set(key, t.key);
    return { ...t, key };
  });
}

function checkModel(model: unknown, where: string): asserts model is Sequential {
  if (!(model instanceof Sequential)) throw new ConfigError(`${where}: expected a Sequential model, got ${describeValue(model)}.`);
}

function checkOptions(o: unknown, allowed: string[], where: string): Record<string, unknown> {
  if (!isPlainObject(o)) throw new ConfigError(`${where}: expected options { ${allowed.join(', ')} }, got ${describeValue(o)}.`);
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new ConfigError(`${where}: expected options among ${allowed.join(', ')}, got an unknown option ${JSON.stringify(extra)}.${didYouMean(extra, allowed)}`);
  return o;
}

/**
 * Refuses an LSTM or GRU that nn.LSTM or nn.GRU, which the keys are for, cannot compute: activations other than tanh
 * and a recurrent activation other than sigmoid (torch has no others), a Bidirectional around a layer with goBackwards
 * (Keras then runs its forward layer backwards and its backward layer forwards; torch's first direction reads
 * forwards, so the weights would land in the other direction's slots, 0.026 off in a review's check), or a GRU with
 * resetAfter false (nn.GRU applies the reset gate after the recurrent product: r * (W_hn h + b_hn), Keras's
 * resetAfter true; (r * h) W_hn has no nn.GRU form). A SimpleRNN is nn.RNN, whose nonlinearity is tanh or relu (a
 * constructor argument, not in the state_dict: the user builds nn.RNN with the one we have); other activations and
 * a goBackwards layer inside a Bidirectional are refused as above. A plain goBackwards LSTM, GRU or SimpleRNN is
 * torch's on the sequence reversed in time (README).
 */
function checkTorchRecurrent(model: Sequential, where: string): void {
  for (const layer of model.layers) {
    const rnn = layer instanceof Bidirectional ? layer.layer : layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN ? layer : null;
    if (!rnn) continue;
    if (rnn instanceof SimpleRNN) {
      const bad = rnn.activation !== 'tanh' && rnn.activation !== 'relu' ? `activation ${describeValue(rnn.activation)} (nn.RNN's nonlinearity is 'tanh' or 'relu')`
        : layer instanceof Bidirectional && rnn.goBackwards ? 'goBackwards true inside a Bidirectional (nn.RNN\'s first direction reads forwards)' : null;
      if (bad) throw new ConfigError(`${where}: expected SimpleRNNs nn.RNN computes (activation 'tanh' or 'relu', no goBackwards inside a Bidirectional), got ${layer.name} with ${bad}.`);
      continue;
    }
    const torch = rnn instanceof GRU ? 'nn.GRU' : 'nn.LSTM';
    const bad = rnn.activation !== 'tanh' ? `activation ${describeValue(rnn.activation)}`
      : rnn.recurrentActivation !== 'sigmoid' ? `recurrentActivation ${describeValue(rnn.recurrentActivation)}`
        : layer instanceof Bidirectional && rnn.goBackwards ? `goBackwards true inside a Bidirectional (${torch}'s first direction reads forwards)`
          : rnn instanceof GRU && !rnn.resetAfter ? 'resetAfter false (nn.GRU applies the reset gate after the recurrent product, r * (W_hn h + b_hn): Keras\'s resetAfter true)' : null;
    if (!bad) continue;
    if (rnn instanceof GRU) throw new ConfigError(`${where}: expected GRUs nn.GRU computes (activation 'tanh', recurrentActivation 'sigmoid', resetAfter true, no goBackwards inside a Bidirectional), got ${layer.name} with ${bad}.`);
    throw new ConfigError(`${where}: expected LSTMs nn.LSTM computes (activation 'tanh', recurrentActivation 'sigmoid', no goBackwards inside a Bidirectional), got ${layer.name} with ${bad}.`);
  }
}

/**
 * Loads a PyTorch state_dict saved as safetensors into a model built like the reference module: every key the model
 * needs must be there with its shape, and no other (num_batches_tracked is read past). All or nothing: on any failure
 * the model is as it was.
 */
export async function loadTorchWeights(model: Sequential, source: unknown, options: TorchWeightsOptions = {}): Promise<void> {
  const where = 'loadTorchWeights';
  checkModel(model, where);
  checkTorchRecurrent(model, where); // its weights would load into a layer computing other than nn.LSTM / nn.GRU / nn.RNN
  checkInitialized(); // before the file is read
  const { mapping, ...sourceOptions } = checkOptions(options, ['mapping', 'onProgress', 'signal'], where) as TorchWeightsOptions;
  const names = model.weightNames;
  const tensors = applyMapping(model, defaultTorchKeys(model), mapping, where);
  const byKey = new Map(tensors.map((t) => [t.key, t]));
  const label = (t: TorchTensor) => (t.weight >= 0 ? ` (for ${names[t.weight]})` : '');
  const select = (h: SafetensorsHeader) => {
    const inFile = new Map(h.tensors.map((e) => [e.name, e]));
    const missing = tensors.filter((t) => t.how !== 'counter' && !inFile.has(t.key));
    if (missing.length) {
      throw new CheckpointError(`${where}: expected ${missing.map((t) => `${t.key} ${fmtShape(t.shape)}${label(t)}`).join(', ')} in the file, got none of ${missing.length === 1 ? 'it' : 'them'} (the file holds ${h.tensors.map((e) => e.name).join(', ') || 'no tensors'}). Pass { mapping } to rename keys.`);
    }
    const extra = h.tensors.filter((e) => !byKey.has(e.name));
    if (extra.length) {
      throw new CheckpointError(`${where}: expected only this model's tensors (${tensors.map((t) => t.key).join(', ')}), got also ${extra.map((e) => `${e.name} ${fmtShape(e.shape)}`).join(', ')}. Pass { mapping } to rename keys.`);
    }
    for (const t of tensors) {
      const e = inFile.get(t.key);
      if (!e) continue;
      const same = e.shape.length === t.shape.length && e.shape.every((d, i) => d === t.shape[i]);
      if (!same) {
        const ours = t.weight >= 0 ? ` (for ${names[t.weight]} ${fmtShape(t.ours)}${t.how === 'transpose' || t.how === 'gruTranspose' ? ', transposed' : ''})` : '';
        throw new CheckpointError(`${where}: expected ${t.key} of shape ${fmtShape(t.shape)}${ours}, got ${fmtShape(e.shape)}.`);
      }
    }
    return tensors.filter((t) => t.how !== 'counter').map((t) => t.key);
  };
  const src = await openSource(source, where, sourceOptions);
  const { values } = await readSafetensors(src, where, select);
  const weights = model.getWeights();
  for (const t of tensors) {
    const v = values.get(t.key);
    if (t.weight < 0 || !v) continue;
    const bad = v.findIndex((f) => !Number.isFinite(f));
    if (bad >= 0) throw new CheckpointError(`${where}: ${t.key} (for ${names[t.weight]}): expected finite numbers, got ${v[bad]} at index ${bad}.`);
    const w = weights[t.weight];
    if (t.how === 'transpose') {
      const [a, b] = w.shape; // ours [a, b] <- torch [b, a]
      for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) w.data[i * b + j] = v[j * a + i];
    } else if (t.how === 'gruTranspose') {
      const [a, b] = w.shape; // ours [a, 3H] <- torch [3H, a], blocks r, z, n -> z, r, h
      for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) w.data[i * b + j] = v[gruIndex(j, b / 3) * a + i];
    } else if (t.how === 'gruBiasIh' || t.how === 'gruBiasHh') {
      const G = v.length, row = t.how === 'gruBiasIh' ? 0 : G; // ours [2, 3H]: input row, recurrent row
      for (let j = 0; j < G; j++) w.data[row + j] = v[gruIndex(j, G / 3)];
    } else if (t.how === 'conv') {
      const [K, C, F] = w.shape; // ours [K, C, F] <- torch [F, C, K]
      for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) w.data[(k * C + c) * F + f] = v[(f * C + c) * K + k];
    } else if (t.how === 'biasHh') {
      for (let i = 0; i < v.length; i++) w.data[i] += v[i]; // after biasIh: tensors are in weight order, ih first
      const sum = w.data.findIndex((f) => !Number.isFinite(f));
      if (sum >= 0) throw new CheckpointError(`${where}: ${t.key} (for ${names[t.weight]}): expected bias_ih + bias_hh to be finite in float32 (our single bias), got ${w.data[sum]} at index ${sum}.`);
    } else {
      w.data.set(v);
    }
  }
  model.setWeights(weights); // checks shapes and finiteness before writing anything
}

/**
 * Writes the model's weights as a PyTorch state_dict in safetensors (the reference module's keys, renamed by
 * `mapping`): to a path or WritableStream, or, without a target, returned as bytes. LSTM and SimpleRNN biases go to
 * bias_ih, with bias_hh zeros; a GRU's input and recurrent bias rows to bias_ih and bias_hh; BatchNorm's num_batches_tracked is written as an I64 0. torch.load_state_dict(strict=True) takes it.
 */
export function exportTorchWeights(model: Sequential, target?: undefined, options?: ExportTorchOptions): Promise<Uint8Array>;
export function exportTorchWeights(model: Sequential, target: string | WritableStream<Uint8Array>, options?: ExportTorchOptions): Promise<undefined>;
export function exportTorchWeights(model: Sequential, target?: unknown, options?: ExportTorchOptions): Promise<Uint8Array | undefined>;
export async function exportTorchWeights(model: Sequential, target?: unknown, options: ExportTorchOptions = {}): Promise<Uint8Array | undefined> {
  const where = 'exportTorchWeights';
  checkModel(model, where);
  const { mapping } = checkOptions(options, ['mapping'], where) as ExportTorchOptions;
  checkTorchRecurrent(model, where);
  const tensors = applyMapping(model, defaultTorchKeys(model), mapping, where);
  const weights = model.getWeights();
  const le = (x: Float32Array) => {
    const out = new Uint8Array(4 * x.length);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < x.length; i++) dv.setFloat32(4 * i, x[i], true);
    return out;
  };
  const outs: SafetensorsOut[] = tensors.map((t) => ({
    name: t.key,
    dtype: t.how === 'counter' ? 'I64' : 'F32',
    shape: t.shape,
    bytes: () => {
      if (t.how === 'counter') return new Uint8Array(8);
      const w = weights[t.weight];
      if (t.how === 'biasHh') return new Uint8Array(4 * w.data.length);
      if (t.how === 'gruBiasIh' || t.how === 'gruBiasHh') {
        const G = w.shape[1], row = t.how === 'gruBiasIh' ? 0 : G;
        return le(Float32Array.from({ length: G }, (_, j) => w.data[row + gruIndex(j, G / 3)]));
      }
      if (t.how === 'gruTranspose') {
        const [a, b] = w.shape;
        const x = new Float32Array(a * b);
        for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) x[gruIndex(j, b / 3) * a + i] = w.data[i * b + j];
        return le(x);
      }
      if (t.how === 'conv') {
        const [K, C, F] = w.shape;
        const x = new Float32Array(K * C * F);
        for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) x[(f * C + c) * K + k] = w.data[(k * C + c) * F + f];
        return le(x);
      }
      if (t.how !== 'transpose') return le(w.data);
      const [a, b] = w.shape;
      const x = new Float32Array(a * b);
      for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) x[j * a + i] = w.data[i * b + j];
      return le(x);
    },
  }));
  const metadata = { format: 'pt' };
  const { head, dataBytes } = safetensorsLayout(outs, metadata);
  const sink = await openSink(target, where, { size: head.length + dataBytes });
  try {
    await writeSafetensors(sink, outs, metadata);
  } catch (e) {
    await sink.abort(e).catch(() => {});
    throw e;
  }
  return sink.close();
}
