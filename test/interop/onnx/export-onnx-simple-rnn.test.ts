// exportOnnx of SimpleRNN and Bidirectional(SimpleRNN): ONNX's RNN node (Ht = f(Xt W^T + Ht-1 R^T + Wb + Rb); W [D, H, I]
// = kernel^T, R [D, H, H] = recurrent_kernel^T, B [D, 2H] = [bias, 0], activations [f] per direction) run by
// onnxruntime-node agrees with model.predict within 1e-5 of the output scale, at batch 1 and 16, unmasked and with
// post-padded masked ids (a full and an empty row); most cases end at the recurrent layer, so every unit of every step
// or direction is compared. The cases ONNX's RNN cannot reproduce are refused as the LSTM's and GRU's are.
import { describe, it, expect } from 'vitest';
import { sequential, layers, exportOnnx, ConfigError } from '../../../src/index.js';
import { ONNX_SCHEMA } from '../../../src/interop/onnx/onnx-schema.js';
import { T, emb, randomized, itRunsEachCase, compareFloatInput, type OrtCase } from './ort-compare.js';

interface RnnOpts { units?: number; returnSequences?: boolean; goBackwards?: boolean; useBias?: boolean;
  activation?: 'tanh' | 'relu' | 'sigmoid' | 'hardSigmoid' | 'hardSigmoidKeras3' }

const rnn = (o: RnnOpts = {}) => layers.simpleRNN({ units: 4, ...o });
const biRnn = (mergeMode: 'concat' | 'sum' | 'mul' | 'ave', o: RnnOpts = {}) => layers.bidirectional({ layer: rnn(o), mergeMode });

const CASES: OrtCase[] = [
  { name: 'embedding -> SimpleRNN(last state)', maskable: true, layers: () => [emb(), rnn()] },
  { name: 'embedding -> SimpleRNN(goBackwards, last state)', maskable: true, layers: () => [emb(), rnn({ goBackwards: true })] },
  { name: 'embedding -> SimpleRNN(relu, last state)', maskable: true, layers: () => [emb(), rnn({ activation: 'relu' })] },
  { name: 'embedding -> SimpleRNN(relu, goBackwards, last state)', maskable: true, layers: () => [emb(), rnn({ activation: 'relu', goBackwards: true })] },
  { name: 'embedding -> SimpleRNN(sigmoid, last state)', maskable: true, layers: () => [emb(), rnn({ activation: 'sigmoid' })] },
  { name: 'embedding -> SimpleRNN(hardSigmoid, last state)', maskable: true, layers: () => [emb(), rnn({ activation: 'hardSigmoid' })] },
  { name: 'embedding -> SimpleRNN(no bias, last state)', maskable: true, layers: () => [emb(), rnn({ useBias: false })] },
  { name: 'embedding -> SimpleRNN(seq) -> SimpleRNN(relu, seq)', maskable: false,
    layers: () => [emb(), rnn({ returnSequences: true }), rnn({ units: 3, activation: 'relu', returnSequences: true })] },
  { name: 'embedding -> SimpleRNN(hardSigmoidKeras3, seq) -> SimpleRNN(goBackwards, last state) -> dense(sigmoid)', maskable: false,
    layers: () => [emb(), rnn({ activation: 'hardSigmoidKeras3', returnSequences: true }), rnn({ units: 3, goBackwards: true }), layers.dense({ units: 2, activation: 'sigmoid' })] },
  ...(['concat', 'sum', 'mul', 'ave'] as const).flatMap((mode) => [true, false].flatMap((returnSequences) => (['tanh', 'relu'] as const).map((activation) => ({
    name: `embedding -> Bi-SimpleRNN(${mode}, ${returnSequences ? 'seq' : 'last state'}, ${activation})`, maskable: true,
    layers: () => [emb(), biRnn(mode, { returnSequences, activation })],
  })))),
  { name: 'embedding -> Bi-SimpleRNN(concat, seq, no bias) -> attention(pooled) -> dense(sigmoid)', maskable: true,
    layers: () => [emb(), biRnn('concat', { returnSequences: true, useBias: false }), layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> Bi-SimpleRNN(mul, last state, hardSigmoid)', maskable: true,
    layers: () => [emb(), biRnn('mul', { activation: 'hardSigmoid' })] },
  { name: 'embedding -> Bi-SimpleRNN(sum, seq) -> Bi-GRU(ave, last state) -> dense', maskable: true,
    layers: () => [emb(), biRnn('sum', { returnSequences: true }), layers.bidirectional({ layer: layers.gru({ units: 3 }), mergeMode: 'ave' }), layers.dense({ units: 2 })] },
];

describe('exportOnnx of SimpleRNN runs in onnxruntime-node as model.predict', () => {
  itRunsEachCase(CASES);

  it('a float-input SimpleRNN ([batch, time, features]) takes float32 input', async () => {
    await compareFloatInput(randomized(sequential({ seed: 5, layers: [layers.simpleRNN({ units: 3, returnSequences: true, inputShape: [T, 2] })] }), 2), 0.05);
  });

  it('writes one RNN node per layer: direction, activations, W/R [D, H, K], B [D, 2H] with the bias in Wb and zeros in Rb', async () => {
    const { default: protobuf } = await import('protobufjs/light.js');
    const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
    const m = randomized(sequential({ layers: [emb(), biRnn('concat', { returnSequences: true, activation: 'relu' }), rnn({ units: 3, goBackwards: true, activation: 'hardSigmoid' })] }), 7);
    type Attr = { name: string; i?: number; s?: Uint8Array; strings?: Uint8Array[]; floats?: number[] };
    type Tensor = { name: string; dims: number[]; raw_data: Uint8Array };
    const decoded = ModelProto.toObject(ModelProto.decode((await exportOnnx(m))!), { longs: Number }) as {
      graph: { node: { op_type: string; input: string[]; attribute: Attr[] }[]; initializer: Tensor[] } };
    const nodes = decoded.graph.node.filter((n) => n.op_type === 'RNN');
    expect(decoded.graph.node.filter((n) => n.op_type === 'LSTM' || n.op_type === 'GRU')).toHaveLength(0);
    const attr = (n: (typeof nodes)[0], k: string) => n.attribute.find((a) => a.name === k);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    const init = (name: string) => decoded.graph.initializer.find((t) => t.name === name)!;
    expect(nodes.map((n) => text(attr(n, 'direction')!.s!))).toEqual(['bidirectional', 'reverse']);
    expect(nodes.map((n) => attr(n, 'activations')!.strings!.map(text))).toEqual([['Relu', 'Relu'], ['HardSigmoid']]);
    expect(attr(nodes[0], 'activation_alpha')).toBeUndefined();
    expect(attr(nodes[1], 'activation_alpha')!.floats![0]).toBeCloseTo(0.2, 7);
    expect(attr(nodes[1], 'activation_beta')!.floats![0]).toBeCloseTo(0.5, 7);
    expect(nodes.map((n) => attr(n, 'hidden_size')!.i)).toEqual([4, 3]);
    expect(nodes.map((n) => [init(n.input[1]).dims, init(n.input[2]).dims, init(n.input[3]).dims])).toEqual([
      [[2, 4, 5], [2, 4, 4], [2, 8]],
      [[1, 3, 8], [1, 3, 3], [1, 6]],
    ]);
    // W = kernel^T, R = recurrent_kernel^T, B = [bias, 0] per direction (the backward direction second)
    const f32 = (t: Tensor) => { const b = t.raw_data; return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
    const w = m.getWeights(), H = 4, I = 5;
    const [W, R, B] = [1, 2, 3].map((k) => f32(init(nodes[0].input[k])));
    for (const d of [0, 1]) {
      const [k, u, b] = w.slice(1 + 3 * d, 4 + 3 * d).map((x) => x.data);
      for (let j = 0; j < H; j++) {
        for (let i = 0; i < I; i++) expect(W[(d * H + j) * I + i]).toBe(k[i * H + j]);
        for (let i = 0; i < H; i++) expect(R[(d * H + j) * H + i]).toBe(u[i * H + j]);
        expect([B[d * 2 * H + j], B[d * 2 * H + H + j]]).toEqual([b[j], 0]);
      }
    }
  });
});

describe('exportOnnx refuses the SimpleRNN cases ONNX cannot reproduce exactly', () => {
  it('a masked plain SimpleRNN with returnSequences (Keras repeats the output at pads, ONNX writes 0)', async () => {
    const m = sequential({ layers: [emb(true), rnn({ returnSequences: true }), layers.attention({ returnSequences: false }), layers.dense({ units: 1 })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/^exportOnnx: layer simple_rnn(_\d+)? \(SimpleRNN\) returns sequences under a mask: Keras repeats the previous output at padded steps, ONNX's RNN writes 0 there\. Wrap it in a bidirectional layer or drop returnSequences to export it\.$/);
  });
  it('a SimpleRNN with goBackwards and returnSequences', async () => {
    const m = sequential({ layers: [emb(), rnn({ returnSequences: true, goBackwards: true })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/^exportOnnx: layer simple_rnn(_\d+)? \(SimpleRNN\) has goBackwards with returnSequences \(outputs in reversed time order\), which the ONNX export does not cover\.$/);
  });
  it('a Bidirectional around a goBackwards SimpleRNN', async () => {
    const m = sequential({ layers: [emb(), layers.bidirectional({ layer: rnn({ goBackwards: true }) })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/^exportOnnx: layer bidirectional(_\d+)? \(Bidirectional\) wraps a SimpleRNN with goBackwards \(its directions swapped\), which the ONNX export does not cover\.$/);
  });
  it("activation linear (only the spec's optional Affine could say it, which the export does not write), alone or in a Bidirectional", async () => {
    const a = sequential({ layers: [emb(), layers.simpleRNN({ units: 2, activation: 'linear' })] });
    await expect(exportOnnx(a)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(a)).rejects.toThrow(/^exportOnnx: layer simple_rnn(_\d+)? has activation "linear", which ONNX's RNN \(a SimpleRNN\) cannot express\.$/);
    const b = sequential({ layers: [emb(), layers.bidirectional({ layer: layers.simpleRNN({ units: 2, activation: 'linear' }) })] });
    await expect(exportOnnx(b)).rejects.toThrow(/^exportOnnx: layer forward_simple_rnn(_\d+)? has activation "linear", which ONNX's RNN \(a SimpleRNN\) cannot express\.$/);
  });
});
