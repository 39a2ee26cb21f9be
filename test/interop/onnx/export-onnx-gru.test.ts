// exportOnnx of GRU and Bidirectional(GRU): ONNX's GRU node (gates z, r, h as Keras's; linear_before_reset =
// resetAfter; resetAfter's input and recurrent bias rows in Wb and Rb) run by onnxruntime-node agrees with
// model.predict within 1e-5 of the output scale, at batch 1 and 16, unmasked and with post-padded masked ids (a full
// and an empty row); most cases end at the recurrent layer, so every unit of every step or direction is compared. The
// cases ONNX's GRU cannot reproduce are refused as the LSTM's are.
import { describe, it, expect } from 'vitest';
import { sequential, layers, exportOnnx, ConfigError } from '../../../src/index.js';
import { ONNX_SCHEMA } from '../../../src/interop/onnx/onnx-schema.js';
import { T, emb, randomized, itRunsEachCase, compareFloatInput, type OrtCase } from './ort-compare.js';

type Gate = 'sigmoid' | 'hardSigmoid' | 'hardSigmoidKeras3';
interface GruOpts { units?: number; resetAfter?: boolean; returnSequences?: boolean; goBackwards?: boolean; useBias?: boolean;
  recurrentActivation?: Gate; activation?: 'tanh' | 'relu' | 'sigmoid' }

const gru = (o: GruOpts = {}) => layers.gru({ units: 4, ...o });
const biGru = (mergeMode: 'concat' | 'sum' | 'mul' | 'ave', o: GruOpts = {}) => layers.bidirectional({ layer: gru(o), mergeMode });

const CASES: OrtCase[] = [
  { name: 'embedding -> GRU(resetAfter, last state)', maskable: true, layers: () => [emb(), gru({ resetAfter: true })] },
  { name: 'embedding -> GRU(resetAfter false, last state)', maskable: true, layers: () => [emb(), gru({ resetAfter: false })] },
  { name: 'embedding -> GRU(resetAfter, goBackwards, last state)', maskable: true, layers: () => [emb(), gru({ goBackwards: true })] },
  { name: 'embedding -> GRU(resetAfter false, goBackwards, last state)', maskable: true, layers: () => [emb(), gru({ resetAfter: false, goBackwards: true })] },
  { name: 'embedding -> GRU(resetAfter, seq) -> GRU(resetAfter false, seq)', maskable: false,
    layers: () => [emb(), gru({ returnSequences: true }), gru({ units: 3, resetAfter: false, returnSequences: true })] },
  { name: 'embedding -> GRU(resetAfter false, seq) -> GRU(goBackwards, last state) -> dense(sigmoid)', maskable: false,
    layers: () => [emb(), gru({ resetAfter: false, returnSequences: true }), gru({ units: 3, goBackwards: true }), layers.dense({ units: 2, activation: 'sigmoid' })] },
  { name: "embedding -> GRU(Keras 2's: resetAfter false, hardSigmoid gates, last state)", maskable: true,
    layers: () => [emb(), gru({ resetAfter: false, recurrentActivation: 'hardSigmoid' })] },
  { name: 'embedding -> GRU(hardSigmoidKeras3 gates, relu candidate, seq)', maskable: false,
    layers: () => [emb(), gru({ recurrentActivation: 'hardSigmoidKeras3', activation: 'relu', returnSequences: true })] },
  { name: 'embedding -> GRU(resetAfter, no bias, last state)', maskable: true,
    layers: () => [emb(), gru({ useBias: false })] },
  { name: 'embedding -> GRU(resetAfter false, no bias, last state)', maskable: true,
    layers: () => [emb(), gru({ useBias: false, resetAfter: false })] },
  ...(['concat', 'sum', 'mul', 'ave'] as const).flatMap((mode) => [true, false].flatMap((returnSequences) => [true, false].map((resetAfter) => ({
    name: `embedding -> Bi-GRU(${mode}, ${returnSequences ? 'seq' : 'last state'}, resetAfter ${resetAfter})`, maskable: true,
    layers: () => [emb(), biGru(mode, { returnSequences, resetAfter })],
  })))),
  { name: 'embedding -> Bi-GRU(concat, seq, hardSigmoid gates, resetAfter false) -> attention(pooled) -> dense(sigmoid)', maskable: true,
    layers: () => [emb(), biGru('concat', { returnSequences: true, resetAfter: false, recurrentActivation: 'hardSigmoid' }),
      layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> Bi-GRU(mul, last state, hardSigmoidKeras3 gates)', maskable: true,
    layers: () => [emb(), biGru('mul', { recurrentActivation: 'hardSigmoidKeras3' })] },
  { name: 'embedding -> Bi-GRU(sum, seq) -> Bi-LSTM(ave, last state) -> dense', maskable: true,
    layers: () => [emb(), biGru('sum', { returnSequences: true }), layers.bidirectional({ layer: layers.lstm({ units: 3 }), mergeMode: 'ave' }), layers.dense({ units: 2 })] },
];

describe('exportOnnx of GRU runs in onnxruntime-node as model.predict', () => {
  itRunsEachCase(CASES);

  it('a float-input GRU ([batch, time, features]) takes float32 input', async () => {
    await compareFloatInput(randomized(sequential({ seed: 5, layers: [layers.gru({ units: 3, returnSequences: true, resetAfter: false, inputShape: [T, 2] })] }), 2));
  });

  it('writes one GRU node per layer: direction, linear_before_reset = resetAfter, W/R [D, 3H, K], B [D, 6H]', async () => {
    const { default: protobuf } = await import('protobufjs/light.js');
    const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
    const m = sequential({ layers: [emb(), biGru('concat', { returnSequences: true, resetAfter: false }), gru({ units: 3, goBackwards: true })] });
    type Attr = { name: string; i?: number; s?: Uint8Array };
    const decoded = ModelProto.toObject(ModelProto.decode((await exportOnnx(m))!), { longs: Number }) as {
      graph: { node: { op_type: string; input: string[]; attribute: Attr[] }[]; initializer: { name: string; dims: number[] }[] } };
    const nodes = decoded.graph.node.filter((n) => n.op_type === 'GRU');
    expect(decoded.graph.node.filter((n) => n.op_type === 'LSTM')).toHaveLength(0);
    const attr = (n: (typeof nodes)[0], k: string) => n.attribute.find((a) => a.name === k);
    const dims = (name: string) => decoded.graph.initializer.find((t) => t.name === name)!.dims;
    expect(nodes.map((n) => new TextDecoder().decode(attr(n, 'direction')!.s))).toEqual(['bidirectional', 'reverse']);
    expect(nodes.map((n) => attr(n, 'linear_before_reset')!.i ?? 0)).toEqual([0, 1]);
    expect(nodes.map((n) => attr(n, 'hidden_size')!.i)).toEqual([4, 3]);
    expect(nodes.map((n) => [dims(n.input[1]), dims(n.input[2]), dims(n.input[3])])).toEqual([
      [[2, 12, 5], [2, 12, 4], [2, 24]],
      [[1, 9, 8], [1, 9, 3], [1, 18]],
    ]);
  });
});

describe('exportOnnx refuses the GRU cases ONNX cannot reproduce exactly', () => {
  it('a masked plain GRU with returnSequences (Keras repeats the output at pads, ONNX writes 0)', async () => {
    const m = sequential({ layers: [emb(true), gru({ returnSequences: true }), layers.attention({ returnSequences: false }), layers.dense({ units: 1 })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/^exportOnnx: layer gru_\d+ \(GRU\) returns sequences under a mask: Keras repeats the previous output at padded steps, ONNX's GRU writes 0 there\. Wrap it in a bidirectional layer or drop returnSequences to export it\.$/);
  });
  it('a GRU with goBackwards and returnSequences', async () => {
    const m = sequential({ layers: [emb(), gru({ returnSequences: true, goBackwards: true })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/^exportOnnx: layer gru_\d+ \(GRU\) has goBackwards with returnSequences \(outputs in reversed time order\), which the ONNX export does not cover\.$/);
  });
  it('a Bidirectional around a goBackwards GRU', async () => {
    const m = sequential({ layers: [emb(), layers.bidirectional({ layer: gru({ goBackwards: true }) })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/^exportOnnx: layer bidirectional_\d+ \(Bidirectional\) wraps a GRU with goBackwards \(its directions swapped\), which the ONNX export does not cover\.$/);
  });
  it('a GRU activation or recurrent activation ONNX cannot express (linear)', async () => {
    const a = sequential({ layers: [emb(), layers.gru({ units: 2, activation: 'linear' })] });
    await expect(exportOnnx(a)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(a)).rejects.toThrow(/^exportOnnx: layer gru_\d+ has activation "linear", which ONNX's GRU cannot express\.$/);
    const r = sequential({ layers: [emb(), layers.bidirectional({ layer: layers.gru({ units: 2, recurrentActivation: 'linear' }) })] });
    await expect(exportOnnx(r)).rejects.toThrow(/^exportOnnx: layer forward_gru_\d+ has recurrentActivation "linear", which ONNX's GRU cannot express\.$/);
  });
});
