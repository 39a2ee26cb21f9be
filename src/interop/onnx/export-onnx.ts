// exportOnnx: a Sequential model as an ONNX model (opset 17, IR version 8), encoded with protobufjs over the published
// ONNX schema (onnx-schema.ts). Layer by layer: embedding -> Gather; LSTM / Bidirectional(LSTM) -> LSTM (gates reordered
// from Keras i, f, c, o to ONNX i, o, f, c; Keras bias in Wb, zeros in Rb); GRU / Bidirectional(GRU) -> GRU (gates z, r, h
// in both; resetAfter's input and recurrent biases in Wb and Rb, linear_before_reset = resetAfter); SimpleRNN /
// Bidirectional(SimpleRNN) -> RNN (W = kernel^T, R = recurrent_kernel^T, bias in Wb, zeros in Rb); attention -> MatMul,
// Add, Tanh, Softmax, Mul (ReduceSum when pooled); batch normalization -> Mul, Add with the inference scale folded;
// dense -> MatMul, Add; activations; dropout -> nothing. Masks become ONNX sequence lengths, exact only for post-padded
// ids (see README).
import { Sequential } from '../../model/sequential.js';
import { Layer, type Activation } from '../../layers/layer.js';
import { Embedding } from '../../layers/embedding.js';
import { LSTM } from '../../layers/lstm.js';
import { GRU } from '../../layers/gru.js';
import { SimpleRNN } from '../../layers/simple-rnn.js';
import { Bidirectional } from '../../layers/bidirectional.js';
import { Attention } from '../../layers/attention.js';
import { Dense } from '../../layers/dense.js';
import { ActivationLayer } from '../../layers/activation.js';
import { BatchNormalization } from '../../layers/batch-normalization.js';
import { Dropout } from '../../layers/dropout.js';
import { SpatialDropout1D } from '../../layers/spatial-dropout1d.js';
import { GlobalAveragePooling1D } from '../../layers/global-average-pooling1d.js';
import { GlobalMaxPooling1D } from '../../layers/global-max-pooling1d.js';
import { Flatten } from '../../layers/flatten.js';
import { LeakyReLU } from '../../layers/leaky-relu.js';
import { RepeatVector } from '../../layers/repeat-vector.js';
import { Conv1D, windowLayout } from '../../layers/conv1d.js';
import { Pooling1D, MaxPooling1D } from '../../layers/max-pooling1d.js';
import { GaussianNoise, GaussianDropout } from '../../layers/gaussian-noise.js';
import { openSink } from '../../io/sinks.js';
import { ConfigError, describeValue } from '../../errors.js';
import { ONNX_SCHEMA } from './onnx-schema.js';
import { ONNX_OPSET } from './opset.js';

export { ONNX_OPSET };
const IR_VERSION = 8;

// TensorProto.DataType and AttributeProto.AttributeType values of the schema
const FLOAT = 1, INT32 = 6, INT64 = 7;
const A_FLOAT = 1, A_INT = 2, A_STRING = 3, A_INTS = 7, A_STRINGS = 8;

type AttrValue = number | string | number[] | string[] | { float: number } | { floats: number[] };
interface NodeSpec { op_type: string; input: string[]; output: string[]; name: string; attribute: object[] }
interface TensorSpec { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }

const utf8 = (s: string) => new TextEncoder().encode(s);

function attribute(name: string, v: AttrValue): object {
  if (typeof v === 'string') return { name, type: A_STRING, s: utf8(v) };
  if (typeof v === 'number') return { name, type: A_INT, i: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') return { name, type: A_STRINGS, strings: (v as string[]).map(utf8) };
    return { name, type: A_INTS, ints: v as number[] };
  }
  if ('float' in v) return { name, type: A_FLOAT, f: v.float };
  return { name, type: 6, floats: v.floats };
}

/** Collects nodes and initializers with fresh names. */
class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  private n = 0;

  fresh(base: string): string { return `${base}_${this.n++}`; }

  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1, base = op.toLowerCase()): string[] {
    const out = Array.from({ length: outputs }, () => this.fresh(base));
    this.nodes.push({ op_type: op, input: inputs, output: out, name: this.fresh(`${op}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return out;
  }

  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, base?: string): string {
    return this.node(op, inputs, attrs, 1, base)[0];
  }

  /** A reduction over axes: in opset 17 ReduceSum takes them as an input, ReduceMean/Max/Prod as an attribute. */
  reduce(op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceProd', x: string, axes: number[], keepdims: 0 | 1): string {
    return op === 'ReduceSum' ? this.op(op, [x, this.ints(axes)], { keepdims }) : this.op(op, [x], { axes, keepdims });
  }

  floats(name: string, dims: number[], data: ArrayLike<number>): string {
    const f = Float32Array.from(data);
    this.initializers.push({ name, dims, data_type: FLOAT, raw_data: littleEndian(f) });
    return name;
  }

  /** A constant int64 (int32) vector, named by its values so equal constants are shared. */
  ints(data: number[], type = INT64): string {
    const name = `const_${type === INT64 ? 'i64' : 'i32'}_${data.join('_')}`;
    const bytes = type === INT64 ? littleEndian(BigInt64Array.from(data.map(BigInt))) : littleEndian(Int32Array.from(data));
    this.initializers.push({ name, dims: [data.length], data_type: type, raw_data: bytes });
    return name;
  }
}

/** Raw little-endian bytes of a typed array (ONNX raw_data is little-endian whatever the host). */
function littleEndian(a: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  if (a instanceof BigInt64Array) a.forEach((v, i) => dv.setBigInt64(i * 8, v, true));
  else if (a instanceof Int32Array) a.forEach((v, i) => dv.setInt32(i * 4, v, true));
  else a.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}

/** Keras gate blocks i, f, c, o -> ONNX i, o, f, c: ONNX block g comes from Keras block KERAS_BLOCK[g]. */
const KERAS_BLOCK = [0, 3, 1, 2];

/** Keras GRU gate blocks z, r, h are ONNX GRU's z, r, h. */
const GRU_BLOCK = [0, 1, 2];

/** A Keras kernel [K, nH] (rows = inputs) as ONNX [nH, K] in ONNX's gate order (blocks: KERAS_BLOCK or GRU_BLOCK). */
function onnxGates(kernel: Float32Array, K: number, H: number, blocks = KERAS_BLOCK): Float32Array {
  const n = blocks.length;
  const out = new Float32Array(n * H * K);
  for (let g = 0; g < n; g++) {
    const src = blocks[g] * H;
    for (let j = 0; j < H; j++) for (let k = 0; k < K; k++) out[(g * H + j) * K + k] = kernel[k * n * H + src + j];
  }
  return out;
}

/** ONNX's B [Wb, Rb] from a Keras bias: [nH] (in Wb, zeros in Rb) or a GRU's [2, 3H] (input bias, recurrent bias). */
function onnxBias(bias: Float32Array | null, H: number, blocks = KERAS_BLOCK): Float32Array {
  const n = blocks.length;
  const out = new Float32Array(2 * n * H);
  if (!bias) return out;
  for (let half = 0; half < bias.length / (n * H); half++) {
    for (let g = 0; g < n; g++) out.set(bias.subarray(half * n * H + blocks[g] * H, half * n * H + blocks[g] * H + H), half * n * H + g * H);
  }
  return out;
}

/** ONNX's name for the op a recurrent layer becomes, in messages: a SimpleRNN is ONNX's RNN. */
const onnxOp = (l: LSTM | GRU | SimpleRNN): string => (l instanceof SimpleRNN ? 'RNN (a SimpleRNN)' : l.className);

/** ONNX LSTM activations [f, g, h], GRU activations [f, g] or RNN activations [f] (+ alpha/beta for HardSigmoid) for
 *  our gates' and state's. */
function recurrentActivations(l: LSTM | GRU | SimpleRNN, where: string): { names: string[]; alpha: number[]; beta: number[] } {
  const one = (a: Activation, role: string): { name: string; alpha: number; beta: number; params: boolean } => {
    switch (a) {
      case 'sigmoid': return { name: 'Sigmoid', alpha: 0, beta: 0, params: false };
      case 'tanh': return { name: 'Tanh', alpha: 0, beta: 0, params: false };
      case 'relu': return { name: 'Relu', alpha: 0, beta: 0, params: false };
      case 'hardSigmoid': return { name: 'HardSigmoid', alpha: 0.2, beta: 0.5, params: true };
      case 'hardSigmoidKeras3': return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5, params: true };
      default: throw new ConfigError(`${where}: layer ${l.name} has ${role} ${describeValue(a)}, which ONNX's ${onnxOp(l)} cannot express.`);
    }
  };
  const g = one(l.activation, 'activation');
  // a SimpleRNN (ONNX's RNN) has one activation, f
  const list = l instanceof SimpleRNN ? [g] : l instanceof GRU ? [one(l.recurrentActivation, 'recurrentActivation'), g] : [one(l.recurrentActivation, 'recurrentActivation'), g, g];
  // alpha/beta are consumed in order by the activations that take them (onnxruntime's reading of the spec)
  const withParams = list.filter((a) => a.params);
  return { names: list.map((a) => a.name), alpha: withParams.map((a) => a.alpha), beta: withParams.map((a) => a.beta) };
}

interface Flow { x: string; rank: number; mask: string | null }

/** An elementwise or softmax activation on x (softmax over the last axis). */
function activate(g: GraphBuilder, x: string, a: Activation): string {
  switch (a) {
    case 'linear': return x;
    case 'sigmoid': return g.op('Sigmoid', [x]);
    case 'tanh': return g.op('Tanh', [x]);
    case 'relu': return g.op('Relu', [x]);
    case 'hardSigmoid': return g.op('HardSigmoid', [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'hardSigmoidKeras3': return g.op('HardSigmoid', [x], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    case 'softmax': return g.op('Softmax', [x], { axis: -1 });
    case 'elu': return g.op('Elu', [x], { alpha: { float: 1 } });
    case 'selu': return g.op('Selu', [x], { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } });
    case 'relu6': return g.op('Clip', [x, g.floats('zero_f', [], [0]), g.floats('six_f', [], [6])]);
    case 'softplus': return g.op('Softplus', [x]);
    case 'softsign': return g.op('Softsign', [x]);
    case 'swish': return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    // opset 17 has no Gelu: x * (1 + erf(x / sqrt 2)) / 2; nor Mish: x * tanh(softplus(x))
    case 'gelu': return g.op('Mul', [g.op('Mul', [x, g.op('Add', [g.op('Erf', [g.op('Mul', [x, g.floats('inv_sqrt2_f', [], [Math.SQRT1_2])])]), g.floats('one_f', [], [1])])]), g.floats('half_f', [], [0.5])]);
    case 'mish': return g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x])])]);
  }
}

/**
 * The graph for one LSTM, GRU or SimpleRNN run: X [B,T,I] -> ONNX Y [T,D,B,H] and Y_h [D,B,H]. A GRU is ONNX's GRU with
 * linear_before_reset = resetAfter (r * (h . R_h + Rb_h), Keras's reset_after; else (r * h) . R_h + Rb_h, with Rb 0).
 * A SimpleRNN is ONNX's RNN, Ht = f(Xt . W^T + Ht-1 . R^T + Wb + Rb): Keras's act(x . kernel + bias + h . recurrent_kernel).
 */
function recurrentNode(g: GraphBuilder, flow: Flow, cells: (LSTM | GRU | SimpleRNN)[], weights: Float32Array[][], direction: string, lens: string | null, where: string): [string, string] {
  const l = cells[0];
  const gru = l instanceof GRU;
  // ONNX's RNN (a SimpleRNN): one block, W [H, I], B [Wb, Rb] with the bias in Wb
  const blocks = gru ? GRU_BLOCK : l instanceof SimpleRNN ? [0] : KERAS_BLOCK, n = blocks.length;
  const H = l.units, I = l.inputShape[1] as number;
  const W: Float32Array[] = [], R: Float32Array[] = [], Bs: Float32Array[] = [];
  cells.forEach((_, d) => {
    const [k, u, b] = weights[d];
    W.push(onnxGates(k, I, H, blocks)); R.push(onnxGates(u, H, H, blocks)); Bs.push(onnxBias(b ?? null, H, blocks));
  });
  const cat = (parts: Float32Array[]) => { const o = new Float32Array(parts.reduce((s, p) => s + p.length, 0)); let at = 0; for (const p of parts) { o.set(p, at); at += p.length; } return o; };
  const D = cells.length;
  const wn = g.floats(g.fresh(`${l.name}_W`), [D, n * H, I], cat(W));
  const rn = g.floats(g.fresh(`${l.name}_R`), [D, n * H, H], cat(R));
  const bn = g.floats(g.fresh(`${l.name}_B`), [D, 2 * n * H], cat(Bs));
  const xt = g.op('Transpose', [flow.x], { perm: [1, 0, 2] });
  const acts = recurrentActivations(l, where);
  const attrs: Record<string, AttrValue> = { hidden_size: H, direction, activations: Array(D).fill(acts.names).flat() };
  if (acts.alpha.length) {
    attrs.activation_alpha = { floats: Array(D).fill(acts.alpha).flat() };
    attrs.activation_beta = { floats: Array(D).fill(acts.beta).flat() };
  }
  if (l instanceof GRU) attrs.linear_before_reset = l.resetAfter ? 1 : 0;
  const op = gru ? 'GRU' : l instanceof SimpleRNN ? 'RNN' : 'LSTM';
  const [y, yh] = g.node(op, [xt, wn, rn, bn, lens ?? ''], attrs, 2, op.toLowerCase());
  return [y, yh];
}

/** Builds the graph and returns the ModelProto as a plain object for protobufjs. */
function buildGraph(model: Sequential): object {
  const where = 'exportOnnx';
  if (!(model instanceof Sequential)) throw new ConfigError(`${where}: expected a Sequential model, got ${describeValue(model)}.`);
  const names = model.weightNames; // builds the model
  if (names.length === 0 && model.layers.length === 0) throw new ConfigError(`${where}: expected a model with layers, got none.`);
  const values = model.getWeights();
  const perLayer = new Map<Layer, Float32Array[]>();
  let at = 0;
  for (const l of model.layers) { perLayer.set(l, values.slice(at, at + l.weights.length).map((v) => v.data)); at += l.weights.length; }

  const first = model.layers[0];
  const inShape = first.inputShape;
  const T = inShape[0];
  const g = new GraphBuilder();
  const tDim = T === null ? { dim_param: 'time' } : { dim_value: T };
  let input: object;
  let flow: Flow;
  if (first instanceof Embedding) {
    input = { name: 'input', type: { tensor_type: { elem_type: INT64, shape: { dim: [{ dim_param: 'batch' }, tDim] } } } };
    flow = { x: 'input', rank: 2, mask: null };
  } else {
    if (inShape.length !== 2) throw new ConfigError(`${where}: expected the first layer to take ids [batch, time] (embedding) or float input [batch, time, features], got per-sample shape ${JSON.stringify(inShape)}.`);
    input = { name: 'input', type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'batch' }, tDim, { dim_value: inShape[1] }] } } } };
    flow = { x: 'input', rank: 3, mask: null };
  }
  // mask [B,T] bool and its lengths [B] int32, made once from the ids
  let lens: string | null = null;
  const lengths = (): string => {
    if (!lens) lens = g.op('Cast', [g.reduce('ReduceSum', g.op('Cast', [flow.mask!], { to: INT64 }), [1], 0)], { to: INT32 }, 'sequence_lens');
    return lens;
  };
  const refuse = (l: Layer, why: string): never => { throw new ConfigError(`${where}: layer ${l.name} (${l.className}) ${why}`); };

  for (const l of model.layers) {
    const w = perLayer.get(l)!;
    if (l instanceof Embedding) {
      if (l !== first) refuse(l, 'is not the first layer; ONNX export expects the embedding first.');
      const ids = flow.x;
      flow = { x: g.op('Gather', [g.floats(`${l.name}_embeddings`, [l.inputDim, l.outputDim], w[0]), ids], { axis: 0 }), rank: 3, mask: null };
      if (l.maskZero) flow.mask = g.op('Not', [g.op('Equal', [ids, g.ints([0])])], {}, 'mask');
    } else if (l instanceof Dropout || l instanceof SpatialDropout1D || l instanceof GaussianNoise || l instanceof GaussianDropout) {
      // identity at inference
    } else if (l instanceof BatchNormalization) {
      const C = w[0].length, scale = new Float32Array(C), shift = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        const s = w[0][c] / Math.sqrt(w[3][c] + l.epsilon);
        scale[c] = s; shift[c] = w[1][c] - w[2][c] * s;
      }
      flow.x = g.op('Add', [g.op('Mul', [flow.x, g.floats(`${l.name}_scale`, [C], scale)]), g.floats(`${l.name}_shift`, [C], shift)]);
    } else if (l instanceof ActivationLayer) {
      flow.x = activate(g, flow.x, l.activation);
    } else if (l instanceof Dense) {
      const I = l.inputShape[l.inputShape.length - 1] as number;
      let z = g.op('MatMul', [flow.x, g.floats(`${l.name}_kernel`, [I, l.units], w[0])]);
      if (w[1]) z = g.op('Add', [z, g.floats(`${l.name}_bias`, [l.units], w[1])]);
      flow.x = activate(g, z, l.activation);
    } else if (l instanceof LSTM || l instanceof GRU || l instanceof SimpleRNN) {
      if (flow.mask && l.returnSequences) refuse(l, `returns sequences under a mask: Keras repeats the previous output at padded steps, ONNX's ${l instanceof SimpleRNN ? 'RNN' : l.className} writes 0 there. Wrap it in a bidirectional layer or drop returnSequences to export it.`);
      if (flow.mask && !l.returnSequences && l.zeroOutputForMask) refuse(l, `has zeroOutputForMask under a mask: Keras returns 0 for a sample whose last processed step is masked, ONNX's ${l instanceof SimpleRNN ? 'RNN' : l.className} its last real state. Drop zeroOutputForMask to export it.`);
      if (l.goBackwards && l.returnSequences) refuse(l, 'has goBackwards with returnSequences (outputs in reversed time order), which the ONNX export does not cover.');
      const [y, yh] = recurrentNode(g, flow, [l], [w], l.goBackwards ? 'reverse' : 'forward', flow.mask ? lengths() : null, where);
      if (l.returnSequences) flow = { x: g.op('Squeeze', [g.op('Transpose', [y], { perm: [2, 0, 1, 3] }), g.ints([2])]), rank: 3, mask: null };
      else flow = { x: g.op('Squeeze', [yh, g.ints([0])]), rank: 2, mask: null };
    } else if (l instanceof Bidirectional) {
      if (l.layer.goBackwards) refuse(l, `wraps ${l.layer instanceof LSTM ? 'an' : 'a'} ${l.layer.className} with goBackwards (its directions swapped), which the ONNX export does not cover.`);
      const H = l.forwardLayer.units;
      const half = w.length / 2;
      const [y, yh] = recurrentNode(g, flow, [l.forwardLayer, l.backwardLayer], [w.slice(0, half), w.slice(half)], 'bidirectional', flow.mask ? lengths() : null, where);
      const reduce = { sum: 'ReduceSum', mul: 'ReduceProd', ave: 'ReduceMean' } as const;
      if (l.returnSequences) {
        // Y [T,2,B,H]; pads are 0 in both directions (ONNX with sequence_lens, Keras's zero_output_for_mask)
        if (l.mergeMode === 'concat') {
          flow.x = g.op('Reshape', [g.op('Transpose', [y], { perm: [2, 0, 1, 3] }), g.ints([0, 0, 2 * H])]);
        } else {
          const r = g.reduce(reduce[l.mergeMode], y, [1], 0);
          flow.x = g.op('Transpose', [r], { perm: [1, 0, 2] });
        }
        flow.rank = 3;
      } else {
        if (l.mergeMode === 'concat') flow.x = g.op('Reshape', [g.op('Transpose', [yh], { perm: [1, 0, 2] }), g.ints([0, 2 * H])]);
        else flow.x = g.reduce(reduce[l.mergeMode], yh, [0], 0);
        flow = { x: flow.x, rank: 2, mask: null };
      }
    } else if (l instanceof Attention) {
      const F = l.inputShape[1] as number, Tn = l.inputShape[0] as number;
      const e = g.op('Tanh', [g.op('Add', [g.op('MatMul', [flow.x, g.floats(`${l.name}_W`, [F, 1], w[0])]), g.floats(`${l.name}_b`, [Tn, 1], w[1])])]);
      let s = g.op('Squeeze', [e, g.ints([2])]);
      if (flow.mask) s = g.op('Where', [flow.mask, s, g.floats('minus_inf', [], [-Infinity])]);
      let a = g.op('Softmax', [s], { axis: 1 }, 'attention');
      // an all-masked row: softmax of all -inf is NaN; ours is all 0
      if (flow.mask) a = g.op('Where', [flow.mask, a, g.floats('zero_f', [], [0])]);
      const y = g.op('Mul', [flow.x, g.op('Unsqueeze', [a, g.ints([2])])]);
      if (l.returnSequences) flow.x = y;
      else flow = { x: g.reduce('ReduceSum', y, [1], 0), rank: 2, mask: null };
    } else if (l instanceof GlobalAveragePooling1D || l instanceof GlobalMaxPooling1D) {
      const keep = l.outputShape.length === 2 ? 1 : 0;
      if (l instanceof GlobalMaxPooling1D) flow.x = g.reduce('ReduceMax', flow.x, [1], keep);
      else if (!flow.mask) flow.x = g.reduce('ReduceMean', flow.x, [1], keep);
      else {
        // mean over real steps; an all-masked sample gives 0 (sum 0 / max(count, 1))
        const m = g.op('Cast', [flow.mask], { to: FLOAT });
        const sum = g.reduce('ReduceSum', g.op('Mul', [flow.x, g.op('Unsqueeze', [m, g.ints([2])])]), [1], keep);
        let count = g.op('Max', [g.reduce('ReduceSum', m, [1], 1), g.floats('one_f', [], [1])]);
        if (keep) count = g.op('Unsqueeze', [count, g.ints([2])]);
        flow.x = g.op('Div', [sum, count]);
      }
      flow = { x: flow.x, rank: keep ? 3 : 2, mask: null };
    } else if (l instanceof Conv1D || l instanceof Pooling1D) {
      // ONNX's Conv and MaxPool take [batch, channels, time]: transposed there and back; TF's padding as explicit pads
      // (same: the odd one on the right; causal: all on the left), which the length of a free-length model fixes
      const T = l.inputShape[0];
      if (T === null && l.padding !== 'valid') refuse(l, `has padding '${l.padding}' on a free length: ONNX's explicit pads need the length (give the first layer inputLength).`);
      const conv = l instanceof Conv1D;
      const span = conv ? l.span : l.poolSize, stride = l.strides;
      let pads = [0, 0];
      if (T !== null && l.padding !== 'valid') {
        const { out, left } = windowLayout(T, span, stride, l.padding);
        pads = [left, Math.max((out - 1) * stride + span - T - left, 0)];
      }
      const ncw = g.op('Transpose', [flow.x], { perm: [0, 2, 1] });
      let y: string;
      if (conv) {
        const K = l.kernelSize, C = l.inputShape[1] as number, F = l.filters;
        // Keras's kernel [K, C, F] -> ONNX's W [F, C, K]
        const Wo = new Float32Array(F * C * K);
        for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) Wo[(f * C + c) * K + k] = w[0][(k * C + c) * F + f];
        const inputs = [ncw, g.floats(`${l.name}_W`, [F, C, K], Wo)];
        if (w[1]) inputs.push(g.floats(`${l.name}_B`, [F], w[1]));
        y = g.op('Conv', inputs, { kernel_shape: [K], strides: [stride], dilations: [l.dilationRate], pads });
      } else {
        // (AveragePool's count_include_pad 0, its default: the padded places out of the count, as TF's)
        y = g.op(l instanceof MaxPooling1D ? 'MaxPool' : 'AveragePool', [ncw], { kernel_shape: [span], strides: [stride], pads });
      }
      flow = { x: g.op('Transpose', [y], { perm: [0, 2, 1] }), rank: 3, mask: null };
      if (conv) flow.x = activate(g, flow.x, l.activation);
    } else if (l instanceof RepeatVector) {
      // [batch, F] -> [batch, 1, F] -> broadcast to [batch, n, F]
      flow = { x: g.op('Expand', [g.op('Unsqueeze', [flow.x, g.ints([1])]), g.ints([1, l.n, 1])]), rank: 3, mask: null };
    } else if (l instanceof LeakyReLU) {
      flow.x = g.op('LeakyRelu', [flow.x], { alpha: { float: l.alpha } });
    } else if (l instanceof Flatten) {
      // [batch, ...] -> [batch, rest]: ONNX's Flatten at axis 1; the mask stops here, as ours
      flow = { x: g.op('Flatten', [flow.x], { axis: 1 }), rank: 2, mask: null };
    } else {
      refuse(l, 'has no ONNX export yet.');
    }
  }
  // an identity names the output
  g.nodes.push({ op_type: 'Identity', input: [flow.x], output: ['output'], name: 'output_identity', attribute: [] });
  const outShape = model.layers[model.layers.length - 1].outputShape;
  const outDims = [{ dim_param: 'batch' }, ...outShape.map((d) => (d === null ? { dim_param: 'time' } : { dim_value: d }))];
  // shared constants are registered once per name
  const seen = new Set<string>();
  const initializer = g.initializers.filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
  return {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'bilstm-attn',
    graph: {
      name: model.name,
      node: g.nodes,
      initializer,
      input: [input],
      output: [{ name: 'output', type: { tensor_type: { elem_type: FLOAT, shape: { dim: outDims } } } }],
    },
  };
}

/** Writes `model` as an ONNX model (opset 17) to target (a path or a WritableStream), or resolves to the bytes when
 *  target is omitted. A layer or a mask case ONNX cannot reproduce exactly is a ConfigError naming why. */
export function exportOnnx(model: Sequential): Promise<Uint8Array>;
export function exportOnnx(model: Sequential, target: string | WritableStream<Uint8Array>): Promise<undefined>;
export function exportOnnx(model: Sequential, target?: string | WritableStream<Uint8Array>): Promise<Uint8Array | undefined>;
export async function exportOnnx(model: Sequential, target?: string | WritableStream<Uint8Array>): Promise<Uint8Array | undefined> {
  const proto = buildGraph(model);
  // protobufjs (CommonJS) loads on first use, so the main entry stays free of it
  const { default: protobuf } = await import('protobufjs/light.js');
  const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
  const bytes = ModelProto.encode(ModelProto.fromObject(proto)).finish();
  const sink = await openSink(target, 'exportOnnx', { size: bytes.length });
  try {
    await sink.write(bytes);
  } catch (e) {
    await sink.abort(e);
    throw e;
  }
  return sink.close();
}
