// Keras model configs (Keras 2 / tf.keras `model_config`, Keras 3 `config.json`) -> a Sequential config of ours, layer
// by layer: the Keras options we honour are carried over, those that would change what a layer computes are refused
// naming the layer; a Functional model that is a straight chain from one input to one output becomes a Sequential.
// customObjects maps a custom attention class (plain, `Custom>Name` or `package>Name`) to our attention layer.
import { ConfigError, CheckpointError, describeValue, isPlainObject } from '../../errors.js';

/** What a custom class of the file becomes: our layer's name ('attention'), or that with options. */
export type CustomObject = string | { layer: string; returnSequences?: boolean };

export interface KerasPlanOptions {
  /** keras_version as the file records it ('2.15.0', '3.3.3'): decides hard_sigmoid's formula. */
  kerasVersion: string;
  customObjects?: Record<string, CustomObject>;
  /** The function named in errors ('loadKerasModel'). */
  where: string;
}

/** A layer of ours made from a Keras layer: which Keras layer's weights it takes. */
export interface PlannedLayer { kerasName: string; kerasClass: string; className: string; config: Record<string, unknown>; cudnn?: boolean }

export interface KerasPlan {
  /** Our Sequential config ({ className: 'Sequential', config: { name, layers } }). */
  model: { className: 'Sequential'; config: { name: string; layers: { className: string; config: Record<string, unknown> }[] } };
  layers: PlannedLayer[];
  /** The per-sample input shape the file declares (null entries: free lengths), or null when it declares none. */
  inputShape: (number | null)[] | null;
  /** Options of the file we do not carry over because they only affect training (regularizers, RNN dropout ...). */
  notes: string[];
}

type Json = Record<string, unknown>;
interface KerasLayer { className: string; name: string; config: Json; buildInputShape: (number | null)[] | null }

/** The major version of Keras that wrote a file, from its keras_version. */
export function kerasMajor(version: string, where: string): 2 | 3 {
  // a TF.js model.json records its writer ('tfjs-layers 4.22.0', or ours): both follow Keras 2 (hard_sigmoid)
  if (version.startsWith('tfjs-layers') || version.startsWith('bilstm-attn')) return 2;
  const m = /^(\d+)\./.exec(version);
  const major = m ? Number(m[1]) : NaN;
  if (major === 3) return 3;
  if (major === 2 || major === 1) return 2;
  throw new CheckpointError(`${where}: expected keras_version 1.x, 2.x or 3.x, got ${JSON.stringify(version)}.`);
}

/** The plan for a model config: our layers, the input shape, what was dropped. */
export function planKerasModel(modelConfig: unknown, opts: KerasPlanOptions): KerasPlan {
  const { where } = opts;
  if (!isPlainObject(modelConfig)) throw new CheckpointError(`${where}: expected the model config to be a JSON object, got ${describeValue(modelConfig)}.`);
  const cls = String(modelConfig.class_name ?? '');
  const inner = modelConfig.config;
  let chain: KerasLayer[];
  let name = 'sequential';
  let buildShape: (number | null)[] | null = null;
  if (cls === 'Sequential') {
    // Keras 2.0-2.1 kept a bare list of layers; later versions { name, layers }
    const list = Array.isArray(inner) ? inner : isPlainObject(inner) ? inner.layers : undefined;
    if (!Array.isArray(list)) throw new CheckpointError(`${where}: expected the Sequential config to hold a list of layers, got ${describeValue(inner)}.`);
    if (isPlainObject(inner) && typeof inner.name === 'string') name = inner.name;
    chain = list.map((l, i) => kerasLayer(l, `layer ${i}`, where));
    // Keras 2.2-2.3 and tf.keras record a Sequential built without an input layer's shape as build_input_shape, from
    // which Sequential.from_config builds it
    if (isPlainObject(inner) && Array.isArray(inner.build_input_shape)) buildShape = inner.build_input_shape as (number | null)[];
  } else if (cls === 'Functional' || cls === 'Model') {
    if (!isPlainObject(inner)) throw new CheckpointError(`${where}: expected the ${cls} config to be an object, got ${describeValue(inner)}.`);
    if (typeof inner.name === 'string') name = inner.name;
    chain = straightChain(inner, where);
  } else {
    throw new ConfigError(`${where}: expected a Sequential or Functional model, got class ${JSON.stringify(cls)}. Subclassed models have no config to import: save the model as Sequential or Functional.`);
  }
  const major = kerasMajor(opts.kerasVersion, where);
  const notes: string[] = [];
  let inputShape: (number | null)[] | null = null;
  const planned: PlannedLayer[] = [];
  // the rank (batch axis included) of what reaches each layer, where known: Keras 2 records no shapes but BatchNormalization's axis may be a number
  let rank: number | null = null;
  // (a batch shape, the batch axis first: where no layer declares one)
  if (buildShape && !chain.some((l, i) => l.className === 'InputLayer' || (i < 2 && (l.config.batch_input_shape !== undefined || l.config.batch_shape !== undefined)))) {
    const b = buildShape as (number | null)[];
    if (b.length < 2 || b.slice(1).some((d) => d !== null && !(Number.isInteger(d) && d > 0))) throw new CheckpointError(`${where}: expected build_input_shape to be [batch, dims...], got ${describeValue(b)}.`);
    inputShape = b.slice(1);
    rank = b.length;
  }
  chain.forEach((l, i) => {
    const c = l.config;
    if (l.className === 'InputLayer') {
      if (i !== 0) throw new ConfigError(`${where}: expected an InputLayer only first, got ${l.name} at position ${i}.`);
      if (c.sparse === true || c.ragged === true) throw new ConfigError(`${where}: layer ${l.name} (InputLayer): expected dense input, got ${c.sparse ? 'sparse' : 'ragged'}.`);
      inputShape = batchShape(c, l.name, where);
      rank = inputShape.length + 1;
      return;
    }
    if (i === 0 || (i === 1 && chain[0].className === 'InputLayer' && inputShape === null)) {
      const declared = c.batch_input_shape !== undefined || c.batch_shape !== undefined ? batchShape(c, l.name, where) : null;
      if (declared) { inputShape = declared; rank = declared.length + 1; }
    }
    // layers that act in training only and are the identity at inference (noise, activity regularization): left out,
    // said in the notes, as regularizers are
    if (TRAINING_ONLY_LAYERS.includes(l.className)) {
      const opt = ['stddev', 'rate', 'l1', 'l2'].filter((k) => typeof c[k] === 'number').map((k) => `${k} ${c[k]}`).join(', ');
      notes.push(`${l.name}: ${l.className}${opt ? `(${opt})` : ''} not imported (inference is the same: it acts in training only; fit here trains without it)`);
      return;
    }
    const next = chain[i + 1];
    const p = convertLayer(l, next, major, opts, notes, rank);
    planned.push(p);
    rank = rankAfter(p, rank);
  });
  if (planned.length === 0) throw new ConfigError(`${where}: expected at least one layer besides the input, got none.`);
  refuseMaskedCudnn(planned, where);
  // the model's own trainable false (Keras's from_config passes it to the constructor, whose setter sets every
  // layer's, after the layers were built from their configs): every layer frozen, whatever its own config says
  if (isPlainObject(inner) && inner.trainable === false) for (const p of planned) p.config.trainable = false;
  // Keras 2 Embedding records its length as input_length, not as a batch shape
  const first = planned[0];
  if (!inputShape && first.className === 'Embedding' && typeof first.config.inputLength === 'number') inputShape = [first.config.inputLength];
  if (inputShape) {
    const s = inputShape as (number | null)[];
    if (first.className === 'Embedding') {
      if (s.length !== 1) throw new ConfigError(`${where}: layer ${first.kerasName} (Embedding): expected input of token ids [batch, length], got a batch shape of ${s.length + 1} dimensions.`);
      if (s[0] !== null) first.config.inputLength = s[0];
    } else if (s.slice(1).every((d) => d !== null)) {
      // a free length (Input(shape=(None, F))) stays free: any T per call
      first.config.inputShape = s.slice();
    }
  }
  return { model: { className: 'Sequential', config: { name, layers: planned.map((p) => ({ className: p.className, config: p.config })) } }, layers: planned, inputShape, notes };
}

/** A layer entry of either Keras version: class name, name, config, and (Keras 3) the input shape it was built for. */
function kerasLayer(entry: unknown, at: string, where: string): KerasLayer {
  if (!isPlainObject(entry) || typeof entry.class_name !== 'string' || !isPlainObject(entry.config)) {
    throw new CheckpointError(`${where}: expected ${at} to be { class_name, config }, got ${describeValue(entry)}.`);
  }
  const config = entry.config;
  const name = typeof config.name === 'string' ? config.name : typeof entry.name === 'string' ? entry.name : at;
  const bc = entry.build_config;
  const shape = isPlainObject(bc) && Array.isArray(bc.input_shape) ? bc.input_shape as (number | null)[] : null;
  // Keras 3 keeps a registered custom class as class_name 'AttentionLayer' with registered_name 'Custom>AttentionLayer'
  return { className: entry.class_name, name, config, buildInputShape: shape };
}

function batchShape(c: Json, layer: string, where: string): (number | null)[] {
  const s = c.batch_input_shape ?? c.batch_shape;
  if (!Array.isArray(s) || s.length < 2 || !s.slice(1).every((d) => d === null || (Number.isInteger(d) && (d as number) > 0))) {
    throw new CheckpointError(`${where}: layer ${layer}: expected a batch shape [null, ...positive integers or null], got ${describeValue(s)}.`);
  }
  return s.slice(1) as (number | null)[];
}

// ---------------------------------------------------------------- Functional models

/** Inbound layer names of a node, from either version's form (Keras 2 [[name, node, tensor, kwargs]], Keras 3 { args }). */
function nodeInputs(node: unknown): string[] {
  if (Array.isArray(node)) return node.map((t) => (Array.isArray(t) ? String(t[0]) : ''));
  if (isPlainObject(node)) {
    const out: string[] = [];
    const visit = (v: unknown) => {
      if (Array.isArray(v)) { v.forEach(visit); return; }
      if (!isPlainObject(v)) return;
      if (v.class_name === '__keras_tensor__' && isPlainObject(v.config) && Array.isArray(v.config.keras_history)) out.push(String(v.config.keras_history[0]));
    };
    visit(node.args);
    return out;
  }
  return [];
}

/** The `training` argument a node's call was made with (Keras 2 [[name, node, tensor, kwargs]], Keras 3 { kwargs }). */
function nodeTraining(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (const t of node) if (Array.isArray(t) && isPlainObject(t[3]) && t[3].training !== undefined) return t[3].training;
    return undefined;
  }
  return isPlainObject(node) && isPlainObject(node.kwargs) ? node.kwargs.training : undefined;
}

/** [[name, 0, 0]] or [name, 0, 0] (Keras 3 with one tensor) -> the layer names. */
function endpoints(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (v.length > 0 && typeof v[0] === 'string') return [v[0]];
  return v.map((t) => (Array.isArray(t) ? String(t[0]) : ''));
}

/** The layers of a Functional config in order from its one input to its one output; anything else is refused. */
function straightChain(c: Json, where: string): KerasLayer[] {
  if (!Array.isArray(c.layers)) throw new CheckpointError(`${where}: expected the Functional config to hold layers, got ${describeValue(c.layers)}.`);
  const entries = c.layers.map((l, i) => ({ layer: kerasLayer(l, `layer ${i}`, where), nodes: isPlainObject(l) && Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [] }));
  const byName = new Map(entries.map((e) => [e.layer.name, e]));
  const ins = endpoints(c.input_layers), outs = endpoints(c.output_layers);
  if (ins.length !== 1 || outs.length !== 1) {
    throw new ConfigError(`${where}: expected a Functional model with one input and one output (imported as Sequential), got ${ins.length} inputs and ${outs.length} outputs.`);
  }
  const chain: KerasLayer[] = [];
  let at = outs[0];
  for (let guard = 0; guard <= entries.length; guard++) {
    const e = byName.get(at);
    if (!e) throw new CheckpointError(`${where}: expected a layer named ${JSON.stringify(at)} in the Functional config, got none.`);
    chain.unshift(e.layer);
    if (at === ins[0]) break;
    const training = nodeTraining(e.nodes[0]);
    if (training !== undefined && training !== null) {
      throw new ConfigError(`${where}: layer ${e.layer.name} (${e.layer.className}): expected a call in inference mode at predict time, got training=${JSON.stringify(training)} in the model's graph (batch statistics or Monte-Carlo dropout when predicting), which this import does not reproduce.`);
    }
    if (e.nodes.length !== 1) throw new ConfigError(`${where}: expected each layer to be called once (a straight chain), got ${e.layer.name} (${e.layer.className}) called ${e.nodes.length} times.`);
    const from = nodeInputs(e.nodes[0]);
    if (from.length !== 1) throw new ConfigError(`${where}: expected a straight chain from one input to one output, got ${e.layer.name} (${e.layer.className}) taking ${from.length} inputs (${from.join(', ')}).`);
    at = from[0];
  }
  if (chain[0].name !== ins[0]) throw new CheckpointError(`${where}: expected the chain from the output to reach the input ${ins[0]}, got a cycle.`);
  const off = entries.find((e) => !chain.includes(e.layer));
  if (off) throw new ConfigError(`${where}: expected a straight chain from one input to one output, got ${off.layer.name} (${off.layer.className}) off that path (a branch).`);
  return chain;
}

// ---------------------------------------------------------------- layers

/** Layers that act on each step's features alone, so that TimeDistributed of them is the layer itself on [B, T, F]. */
const TIME_DISTRIBUTABLE = ['Dense', 'Activation', 'Dropout', 'LeakyReLU', 'ReLU', 'ELU', 'Softmax'];

/** Keras layers that are the identity at inference and act in training only: imported as nothing, with a note. */
const TRAINING_ONLY_LAYERS = ['AlphaDropout', 'ActivityRegularization'];

const SUPPORTED = ['InputLayer', 'Embedding', 'LSTM', 'CuDNNLSTM', 'GRU', 'CuDNNGRU', 'SimpleRNN', 'Bidirectional', 'Dense', 'BatchNormalization', 'Dropout', 'SpatialDropout1D',
  'Activation', 'LeakyReLU', 'ReLU', 'ELU', 'Softmax', 'RepeatVector', 'Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'GaussianNoise', 'GaussianDropout', 'Masking', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'Flatten',
  'TimeDistributed (of Dense, Activation, Dropout or an activation layer)',
  ...TRAINING_ONLY_LAYERS.map((c) => `${c} (left out)`), 'your attention class via customObjects'];

/** The Keras activation name -> ours (hard_sigmoid by the Keras version that wrote the file). */
function activation(v: unknown, layer: string, option: string, major: 2 | 3, where: string): string {
  const n = typeof v === 'string' ? v : isPlainObject(v) && typeof v.class_name === 'string' ? v.class_name : isPlainObject(v) && isPlainObject(v.config) ? String(v.config.name) : v === null || v === undefined ? 'linear' : '';
  const map: Record<string, string> = { linear: 'linear', sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', softmax: 'softmax',
    hard_sigmoid: major === 3 ? 'hardSigmoidKeras3' : 'hardSigmoid',
    // (a Dense's or an Activation's only: an LSTM given one is refused when it is built); TF.js names them the same
    elu: 'elu', selu: 'selu', relu6: 'relu6', softplus: 'softplus', softsign: 'softsign', swish: 'swish', silu: 'swish', gelu: 'gelu', mish: 'mish' };
  const ours = map[n];
  if (!ours) throw new ConfigError(`${where}: layer ${layer}: expected ${option} to be one of ${Object.keys(map).join(', ')}, got ${describeValue(v)}.`);
  return ours;
}

/** Options that only shape training (regularizers, constraints): not carried over, said in the notes. */
function trainingOnly(l: KerasLayer, notes: string[]): void {
  for (const [k, v] of Object.entries(l.config)) {
    if ((k.endsWith('_regularizer') || k.endsWith('_constraint')) && v !== null && v !== undefined) notes.push(`${l.name}: ${k} not imported (fit here trains without it)`);
  }
}

function refuse(l: KerasLayer, what: string, got: unknown, where: string): never {
  throw new ConfigError(`${where}: layer ${l.name} (${l.className}): expected ${what}, got ${describeValue(got)}.`);
}

/** The rank of a layer's output, from the rank of its input (null: unknown). */
function rankAfter(p: PlannedLayer, rank: number | null): number | null {
  const c = p.config as Record<string, any>;
  switch (p.className) {
    case 'Embedding': return 3;
    case 'LSTM': case 'GRU': case 'SimpleRNN': return c.returnSequences ? 3 : 2;
    case 'Bidirectional': return c.layer.config.returnSequences ? 3 : 2;
    case 'Attention': return c.returnSequences ? 3 : 2;
    case 'GlobalAveragePooling1D': case 'GlobalMaxPooling1D': return c.keepdims ? 3 : 2;
    case 'Flatten': return 2;
    case 'RepeatVector': case 'Conv1D': case 'MaxPooling1D': case 'AveragePooling1D': return 3;
    default: return rank;
  }
}

function convertLayer(l: KerasLayer, next: KerasLayer | undefined, major: 2 | 3, opts: KerasPlanOptions, notes: string[], inRank: number | null): PlannedLayer {
  const { where } = opts;
  const c = l.config;
  const base = { name: l.name, trainable: c.trainable ?? true };
  const out = (className: string, config: Json): PlannedLayer => ({ kerasName: l.name, kerasClass: l.className, className, config: { ...base, ...config } });
  trainingOnly(l, notes);
  // Keras 3 LoRA: the file holds the kernel with the factors merged in (what predicts), and Keras trains the factors
  // with the kernel frozen; here the kernel itself trains
  if (typeof c.lora_rank === 'number' && c.lora_rank > 0) notes.push(`${l.name}: lora_rank ${c.lora_rank} not imported (the saved kernel holds the factors merged in, so inference is the same; fit here trains the kernel itself, which Keras keeps frozen)`);
  const custom = customFor(l.className, opts.customObjects);
  if (custom) return convertCustom(l, next, custom, where, out);
  switch (l.className) {
    case 'Embedding':
      return out('Embedding', { inputDim: c.input_dim, outputDim: c.output_dim, maskZero: c.mask_zero ?? false,
        ...(Number.isInteger(c.input_length) ? { inputLength: c.input_length } : {}) });
    case 'LSTM':
      return out('LSTM', lstmConfig(l, major, where, notes));
    case 'CuDNNLSTM':
      // Keras 2's GPU-only LSTM: an LSTM with tanh and sigmoid; its weights come in cuDNN's layout and become an
      // LSTM's when they are read (matchWeights), as Keras's load_weights converts them
      return out('LSTM', lstmConfig(l, major, where, notes));
    case 'SimpleRNN':
      return out('SimpleRNN', simpleRnnConfig(l, major, where, notes));
    case 'GRU':
    case 'CuDNNGRU':
      // (Keras 2's GPU-only GRU: a GRU with reset_after, tanh and sigmoid; its weights converted when read, as CuDNNLSTM's)
      return out('GRU', gruConfig(l, major, opts.kerasVersion, where, notes));
    case 'Bidirectional': {
      const inner = kerasLayer(c.layer, `the layer wrapped by ${l.name}`, where);
      if (!RECURRENT.includes(inner.className)) refuse(l, 'to wrap an LSTM, a GRU, a SimpleRNN, a CuDNNLSTM or a CuDNNGRU', inner.className, where);
      const gru = inner.className.endsWith('GRU'), simple = inner.className === 'SimpleRNN';
      const mode = c.merge_mode === undefined ? 'concat' : c.merge_mode;
      if (!['concat', 'sum', 'mul', 'ave'].includes(mode as string)) refuse(l, "merge_mode 'concat', 'sum', 'mul' or 'ave'", mode, where);
      const rnnConfig = (k: KerasLayer) => (gru ? gruConfig(k, major, opts.kerasVersion, where, notes) : simple ? simpleRnnConfig(k, major, where, notes) : lstmConfig(k, major, where, notes));
      const fwd = rnnConfig(inner);
      // the wrapped layer's trainable (Keras rebuilds it from its config; its weights then stay out of the wrapper's
      // trainable_weights): ours is the wrapper's, frozen when the wrapped layer is
      const innerTrainable = inner.config.trainable ?? true;
      if (c.backward_layer !== undefined && c.backward_layer !== null) {
        const back = kerasLayer(c.backward_layer, `the backward layer of ${l.name}`, where);
        if ((back.config.trainable ?? true) !== innerTrainable) refuse(l, `a backward layer as trainable as the forward one (${innerTrainable})`, back.config.trainable, where);
        if (back.className !== inner.className) refuse(l, `a backward layer of class ${inner.className}`, back.className, where);
        const bwd = rnnConfig(back);
        if (bwd.goBackwards === fwd.goBackwards) refuse(l, `a backward layer with go_backwards ${!fwd.goBackwards} (the forward one's opposite)`, bwd.goBackwards, where);
        for (const k of Object.keys(fwd)) {
          if (k === 'name' || k === 'goBackwards' || k === 'zeroOutputForMask') continue;
          if (JSON.stringify(fwd[k]) !== JSON.stringify(bwd[k])) refuse(l, `a backward layer like the forward one (${k} ${JSON.stringify(fwd[k])})`, bwd[k], where);
        }
      }
      // Keras: the forward layer runs as the wrapped one (go_backwards either way), the backward one the other way; and
      // both zero masked steps exactly when they return sequences (zero_output_for_mask, set by the wrapper)
      const { zeroOutputForMask: _z, ...layer } = fwd;
      return { ...out('Bidirectional', { mergeMode: mode, layer: { className: gru ? 'GRU' : simple ? 'SimpleRNN' : 'LSTM', config: layer }, ...(innerTrainable === false ? { trainable: false } : {}) }), ...(inner.className.startsWith('CuDNN') ? { cudnn: true } : {}) };
    }
    case 'Dense':
      return out('Dense', { units: c.units, activation: activation(c.activation, l.name, 'activation', major, where), useBias: c.use_bias ?? true });
    case 'BatchNormalization': case 'BatchNormalizationV1': case 'BatchNormalizationV2': {
      const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
      const rank = l.buildInputShape ? l.buildInputShape.length : inRank;
      if (axis !== -1 && !(rank !== null && axis === rank - 1)) refuse(l, 'axis -1 (the last)', c.axis, where);
      if (c.center === false || c.scale === false) refuse(l, 'center and scale true (gamma and beta)', { center: c.center, scale: c.scale }, where);
      if (c.renorm === true) refuse(l, 'renorm false', true, where);
      if (typeof c.virtual_batch_size === 'number') notes.push(`${l.name}: virtual_batch_size ${c.virtual_batch_size} not imported (inference is the same; fit here normalizes over the whole batch)`);
      return out('BatchNormalization', { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3 });
    }
    case 'Dropout':
      if (c.noise_shape !== null && c.noise_shape !== undefined) {
        // [batch, 1, F] drops whole channels over time: SpatialDropout1D, exactly; other shapes act in training only
        const ns = c.noise_shape;
        if (Array.isArray(ns) && ns.length === 3 && ns[1] === 1 && (ns[0] === null || ns[0] === undefined)) return out('SpatialDropout1D', { rate: c.rate });
        notes.push(`${l.name}: Dropout noise_shape ${JSON.stringify(ns)} not imported (inference is the same; fit here drops elements)`);
      }
      return out('Dropout', { rate: c.rate });
    case 'SpatialDropout1D':
      return out('SpatialDropout1D', { rate: c.rate });
    case 'Activation':
      return out('Activation', { activation: activation(c.activation, l.name, 'activation', major, where) });
    case 'Masking':
      return out('Masking', { maskValue: c.mask_value ?? 0 });
    case 'GlobalAveragePooling1D': case 'GlobalAvgPool1D': case 'GlobalMaxPooling1D': case 'GlobalMaxPool1D': {
      if (c.data_format !== undefined && c.data_format !== 'channels_last') refuse(l, "data_format 'channels_last'", c.data_format, where);
      if (c.keepdims !== undefined && typeof c.keepdims !== 'boolean') refuse(l, 'keepdims true or false', c.keepdims, where);
      return out(l.className.includes('Max') ? 'GlobalMaxPooling1D' : 'GlobalAveragePooling1D', { keepdims: c.keepdims ?? false });
    }
    // Keras's activation layers: LeakyReLU (alpha; Keras 3's negative_slope), and ReLU, ELU, Softmax where one of
    // our activations computes them
    case 'LeakyReLU': {
      const a = c.negative_slope ?? c.alpha ?? 0.3;
      if (typeof a !== 'number' || !(a >= 0)) refuse(l, 'a negative_slope (alpha) >= 0', a, where);
      return out('LeakyReLU', { alpha: a });
    }
    case 'ReLU': {
      const max = c.max_value ?? null, slope = c.negative_slope ?? 0, threshold = c.threshold ?? 0;
      if (threshold === 0 && slope === 0 && max === null) return out('Activation', { activation: 'relu' });
      if (threshold === 0 && slope === 0 && max === 6) return out('Activation', { activation: 'relu6' });
      if (threshold === 0 && max === null && typeof slope === 'number' && slope > 0) return out('LeakyReLU', { alpha: slope });
      return refuse(l, 'a plain ReLU, one with max_value 6 (relu6) or one with a negative_slope alone (a LeakyReLU)', { max_value: max, negative_slope: slope, threshold }, where);
    }
    case 'ELU':
      if ((c.alpha ?? 1) !== 1) refuse(l, 'alpha 1 (elu)', c.alpha, where);
      return out('Activation', { activation: 'elu' });
    case 'Softmax': {
      const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
      if (axis !== -1 && !(inRank !== null && axis === inRank - 1)) refuse(l, 'axis -1 (the last)', c.axis, where);
      return out('Activation', { activation: 'softmax' });
    }
    case 'Conv1D': case 'Convolution1D': {
      if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last') refuse(l, "data_format 'channels_last'", c.data_format, where);
      if (c.groups !== undefined && c.groups !== 1) refuse(l, 'groups 1', c.groups, where);
      const one = (v: unknown, dflt: number) => (Array.isArray(v) && v.length === 1 ? v[0] : v ?? dflt);
      return out('Conv1D', { filters: c.filters, kernelSize: one(c.kernel_size, NaN), strides: one(c.strides, 1), padding: c.padding ?? 'valid',
        dilationRate: one(c.dilation_rate, 1), activation: activation(c.activation, l.name, 'activation', major, where), useBias: c.use_bias ?? true });
    }
    case 'MaxPooling1D': case 'MaxPool1D': case 'AveragePooling1D': case 'AvgPool1D': {
      if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last') refuse(l, "data_format 'channels_last'", c.data_format, where);
      const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
      return out(l.className.startsWith('Max') ? 'MaxPooling1D' : 'AveragePooling1D', { poolSize: one(c.pool_size) ?? 2, strides: one(c.strides) ?? null, padding: c.padding ?? 'valid' });
    }
    case 'GaussianNoise':
      return out('GaussianNoise', { stddev: c.stddev });
    case 'GaussianDropout':
      return out('GaussianDropout', { rate: c.rate });
    case 'RepeatVector':
      if (!Number.isInteger(c.n) || (c.n as number) < 1) refuse(l, 'n a positive integer', c.n, where);
      return out('RepeatVector', { n: c.n });
    case 'TimeDistributed': {
      // Keras applies the wrapped layer to each step; our Dense, Activation and Dropout on [batch, time, features]
      // act on the last axis, step by step, so the wrapped layer is imported as it is (its weights are the wrapper's)
      const inner = kerasLayer(c.layer, `the layer wrapped by ${l.name}`, where);
      if (!TIME_DISTRIBUTABLE.includes(inner.className)) refuse(l, `to wrap a ${TIME_DISTRIBUTABLE.join(', ')}`, inner.className, where);
      if (inRank !== null && inRank !== 3) refuse(l, `input [batch, time, features] (rank 3)`, `rank ${inRank}`, where);
      const trainable = (c.trainable ?? true) !== false && (inner.config.trainable ?? true) !== false;
      const p = convertLayer({ ...inner, name: l.name, config: { ...inner.config, name: l.name, trainable } }, next, major, opts, notes, inRank);
      return { ...p, kerasName: l.name, kerasClass: 'TimeDistributed' };
    }
    case 'Flatten':
      // channels_first moves the second axis last before flattening (Keras's Flatten)
      if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last') refuse(l, "data_format 'channels_last'", c.data_format, where);
      return out('Flatten', {});
    case 'Attention': case 'AdditiveAttention': case 'MultiHeadAttention':
      throw new ConfigError(`${where}: layer ${l.name} (${l.className}): Keras's built-in ${l.className} is not this package's attention layer (e = tanh(x.W + b), softmax over time); only a custom attention class maps to it, through customObjects.`);
    default:
      // the customObjects hint only for a class that may be a custom attention layer: a name with "att" in it or a
      // registered custom class ('package>Name'), not Keras's own layers (GRU, Conv1D, ...)
      throw new ConfigError(`${where}: layer ${l.name}: expected one of ${SUPPORTED.join(', ')}, got class ${JSON.stringify(l.className)}.${/att/i.test(l.className) || l.className.includes('>') ? ` A custom attention layer with weights W [F, 1] and b [T, 1] maps to ours with customObjects: { ${JSON.stringify(baseName(l.className))}: 'attention' }.` : ''}`);
  }
}

/** Keras refuses a mask reaching a CuDNNLSTM or CuDNNGRU ('Masking is not supported for CuDNN RNNs'), so no Keras
 *  model has one; a file that says otherwise is refused rather than imported as a layer that would honour the mask. */
function refuseMaskedCudnn(planned: PlannedLayer[], where: string): void {
  let masked = false;
  for (const p of planned) {
    const c = p.config as Record<string, any>;
    const cudnn = p.kerasClass.startsWith('CuDNN') || (p.className === 'Bidirectional' && p.cudnn === true);
    if (masked && cudnn) throw new ConfigError(`${where}: layer ${p.kerasName} (${p.kerasClass}): expected no mask reaching a cuDNN layer (Keras refuses one: 'Masking is not supported for CuDNN RNNs'), got the mask of an Embedding with mask_zero or a Masking layer before it.`);
    if ((p.className === 'Embedding' && c.maskZero) || p.className === 'Masking') masked = true;
    // the global poolings consume it also with keepdims (Keras's compute_mask returns None)
    if (rankAfter(p, 3) === 2 || p.className.startsWith('Global') || p.className === 'Conv1D' || p.className.endsWith('Pooling1D')) masked = false;
  }
}

/** The recurrent layers a Bidirectional may wrap. */
const RECURRENT = ['LSTM', 'CuDNNLSTM', 'GRU', 'CuDNNGRU', 'SimpleRNN'];

/** A Keras SimpleRNN's config as ours: an LSTM's options without the recurrent activation and the forget-gate bias. */
function simpleRnnConfig(l: KerasLayer, major: 2 | 3, where: string, notes: string[]): Json {
  const { unitForgetBias: _u, recurrentActivation: _r, ...rest } = lstmConfig(l, major, where, notes);
  return rest;
}

/**
 * A Keras GRU's (or CuDNNGRU's) config as ours. reset_after, when a config leaves it out, is the default of the Keras
 * that wrote it: false in Keras up to 2.3 (GRU(reset_after=False)) and in TF.js (which has only that form), true in
 * tf.keras 2 and Keras 3; every Keras writes it in get_config. A CuDNNGRU is cuDNN's GRU: reset after, tanh, sigmoid.
 */
function gruConfig(l: KerasLayer, major: 2 | 3, version: string, where: string, notes: string[]): Json {
  const c = l.config;
  const cudnn = l.className === 'CuDNNGRU';
  if (cudnn) for (const k of ['activation', 'recurrent_activation', 'use_bias', 'reset_after']) if (c[k] !== undefined) refuse(l, `no ${k} option (cuDNN fixes it)`, c[k], where);
  const m = /^(\d+)\.(\d+)/.exec(version);
  const oldDefault = version.startsWith('tfjs') || (m !== null && (Number(m[1]) < 2 || (Number(m[1]) === 2 && Number(m[2]) < 4)));
  const { unitForgetBias: _u, ...rest } = lstmConfig(l, major, where, notes);
  const resetAfter = cudnn ? true : c.reset_after ?? !oldDefault;
  if (typeof resetAfter !== 'boolean') refuse(l, 'reset_after true or false', resetAfter, where);
  return { ...rest, resetAfter };
}

function lstmConfig(l: KerasLayer, major: 2 | 3, where: string, notes: string[]): Json {
  const c = l.config;
  // CuDNNLSTM and CuDNNGRU (Keras 2, tf.keras 1.x, tf.compat.v1.keras) have no activation options: cuDNN computes
  // tanh and sigmoid (also a GRU's: gruConfig reads this)
  const cudnn = l.className.startsWith('CuDNN');
  if (cudnn) for (const k of ['activation', 'recurrent_activation', 'use_bias']) if (c[k] !== undefined) refuse(l, `no ${k} option (cuDNN fixes them)`, c[k], where);
  if (c.return_state === true) refuse(l, 'return_state false', true, where);
  if (c.stateful === true) refuse(l, 'stateful false', true, where);
  if (c.time_major === true) refuse(l, 'time_major false', true, where);
  return {
    name: l.name,
    units: c.units,
    // absent: the defaults; null: linear (Keras's activations.get(None)), as activation() reads it
    activation: cudnn ? 'tanh' : activation(c.activation === undefined ? 'tanh' : c.activation, l.name, 'activation', major, where),
    recurrentActivation: cudnn ? 'sigmoid' : activation(c.recurrent_activation === undefined ? 'sigmoid' : c.recurrent_activation, l.name, 'recurrent_activation', major, where),
    useBias: cudnn ? true : c.use_bias ?? true,
    unitForgetBias: c.unit_forget_bias ?? true,
    returnSequences: c.return_sequences ?? false,
    goBackwards: c.go_backwards ?? false,
    // masked steps give zeros instead of the last output (Keras's RNN zero_output_for_mask)
    zeroOutputForMask: c.zero_output_for_mask ?? false,
    // dropout on the inputs and on h_{t-1} in the recurrent product in training (one mask per sample over time), as
    // Keras's cell draws them
    // (Keras applies a rate only inside (0, 1): 1 or more drops nothing there, so nothing here)
    ...(typeof c.dropout === 'number' && c.dropout > 0 && c.dropout < 1 ? { dropout: c.dropout } : {}),
    ...(typeof c.recurrent_dropout === 'number' && c.recurrent_dropout > 0 && c.recurrent_dropout < 1 ? { recurrentDropout: c.recurrent_dropout } : {}),
  };
}

// ---------------------------------------------------------------- custom attention

/** 'Custom>AttentionLayer' and 'my_package>AttentionLayer' -> 'AttentionLayer'. */
function baseName(className: string): string { return className.slice(className.lastIndexOf('>') + 1); }

function customFor(className: string, objects: Record<string, CustomObject> | undefined): { layer: string; returnSequences?: boolean } | null {
  if (!objects) return null;
  const hit = objects[className] ?? objects[baseName(className)];
  if (hit === undefined) return null;
  return typeof hit === 'string' ? { layer: hit } : hit;
}

/** Our attention from a custom class: pooling from the long form, else from the shapes the file records. */
function convertCustom(l: KerasLayer, next: KerasLayer | undefined, custom: { layer: string; returnSequences?: boolean }, where: string,
  out: (className: string, config: Json) => PlannedLayer): PlannedLayer {
  if (custom.layer !== 'attention') {
    throw new ConfigError(`${where}: customObjects: expected ${JSON.stringify(l.className)} to map to 'attention' (the only layer a custom class can become), got ${JSON.stringify(custom.layer)}.`);
  }
  let rs = custom.returnSequences;
  if (rs === undefined && typeof l.config.return_sequences === 'boolean') rs = l.config.return_sequences;
  if (rs === undefined && next?.buildInputShape) rs = next.buildInputShape.length === 3;
  if (rs === undefined && next?.className === 'RepeatVector') rs = false; // (it takes [batch, features])
  if (rs === undefined && next && ['LSTM', 'CuDNNLSTM', 'GRU', 'CuDNNGRU', 'SimpleRNN', 'Bidirectional', 'TimeDistributed', 'Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAvgPool1D', 'GlobalMaxPool1D', 'SpatialDropout1D'].includes(next.className)) rs = true;
  if (rs === undefined) {
    throw new ConfigError(`${where}: layer ${l.name} (${l.className}): expected to know whether it returns sequences (x * a, [batch, T, F]) or pools (sum over time, [batch, F]), got nothing in the file that tells. Say it in customObjects: { ${JSON.stringify(baseName(l.className))}: { layer: 'attention', returnSequences: false } }.`);
  }
  return out('Attention', { returnSequences: rs });
}
