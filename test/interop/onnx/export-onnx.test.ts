// exportOnnx: models exported and run with onnxruntime-node agree with model.predict within 1e-5 of the output scale
// (batch 1 and 16, unmasked and masked post-padded ids, every merge mode, the layers the export covers); the cases ONNX
// cannot reproduce exactly are refused naming why.
import { describe, it, expect, afterAll } from 'vitest';
import * as ort from 'onnxruntime-node';
import { sequential, layers, exportOnnx, ONNX_OPSET, ConfigError, type Layer } from '../../../src/index.js';
import { ONNX_SCHEMA } from '../../../src/interop/onnx/onnx-schema.js';
import { T, V, randomized, compare } from './ort-compare.js';

const emb = (maskZero = false) => layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, maskZero });
const bi = (mergeMode: 'concat' | 'sum' | 'mul' | 'ave' = 'concat', returnSequences = true, recurrentActivation: 'sigmoid' | 'hardSigmoid' | 'hardSigmoidKeras3' = 'sigmoid') =>
  layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences, recurrentActivation }), mergeMode });

const CASES: { name: string; layers: () => Layer[]; maskable: boolean }[] = [
  { name: 'embedding -> Bi-LSTM(concat) -> attention(pooled) -> dense(sigmoid)', maskable: true,
    layers: () => [emb(), bi(), layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> batchNorm -> tanh -> dropout -> Bi-LSTM(sum) -> attention(seq) -> dense(relu) -> pooled avg -> dense(softmax)', maskable: true,
    layers: () => [emb(), layers.batchNormalization(), layers.activation({ activation: 'tanh' }), layers.dropout({ rate: 0.3 }), bi('sum'),
      layers.attention(), layers.dense({ units: 6, activation: 'relu' }), layers.globalAveragePooling1D(), layers.dense({ units: 3, activation: 'softmax' })] },
  { name: 'embedding -> Bi-LSTM(mul, hardSigmoid gates) -> attention(pooled) -> dense(tanh)', maskable: true,
    layers: () => [emb(), bi('mul', true, 'hardSigmoid'), layers.attention({ returnSequences: false }), layers.dense({ units: 2, activation: 'tanh' })] },
  { name: 'embedding -> Bi-LSTM(ave, last state, hardSigmoidKeras3 gates) -> dense(hardSigmoidKeras3)', maskable: true,
    layers: () => [emb(), bi('ave', false, 'hardSigmoidKeras3'), layers.dense({ units: 2, activation: 'hardSigmoidKeras3' })] },
  { name: 'embedding -> Bi-LSTM(concat, last state) -> dense(linear)', maskable: true,
    layers: () => [emb(), bi('concat', false), layers.dense({ units: 2 })] },
  { name: 'embedding -> LSTM(seq) -> LSTM(goBackwards, last state) -> dense(sigmoid)', maskable: false,
    layers: () => [emb(), layers.lstm({ units: 4, returnSequences: true }), layers.lstm({ units: 3, goBackwards: true }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> LSTM(relu cell, last state) -> dense(sigmoid)', maskable: true,
    layers: () => [emb(), layers.lstm({ units: 4, activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> Bi-LSTM(concat) -> globalMaxPooling1D(keepdims) -> dense(softmax) on [B, 1, U]', maskable: false,
    layers: () => [emb(), bi(), layers.globalMaxPooling1D({ keepdims: true }), layers.dense({ units: 3, activation: 'softmax' })] },
  { name: 'embedding -> Bi-LSTM(ave) -> globalAveragePooling1D(keepdims) -> dense', maskable: true,
    layers: () => [emb(), bi('ave'), layers.globalAveragePooling1D({ keepdims: true }), layers.dense({ units: 2 })] },
  { name: 'embedding -> LSTM(goBackwards, last state) -> dense', maskable: true,
    layers: () => [emb(), layers.lstm({ units: 4, goBackwards: true }), layers.dense({ units: 2 })] },
  { name: 'embedding -> flatten -> dense(relu) -> dense(sigmoid) (the mask dropped: pads flatten as id 0\'s row)', maskable: true,
    layers: () => [emb(), layers.flatten(), layers.dense({ units: 4, activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> Bi-LSTM(concat) -> attention(seq) -> flatten -> dense(sigmoid)', maskable: true,
    layers: () => [emb(), bi(), layers.attention(), layers.flatten(), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> Bi-LSTM(last) -> dense(elu) -> activation(selu) -> dense(relu6) -> dense(softplus) -> activation(softsign) -> dense(swish) -> dense(gelu) -> dense(mish)', maskable: true,
    layers: () => [emb(), bi('concat', false), layers.dense({ units: 6, activation: 'elu' }), layers.activation({ activation: 'selu' }),
      layers.dense({ units: 6, activation: 'relu6' }), layers.dense({ units: 6, activation: 'softplus' }), layers.activation({ activation: 'softsign' }),
      layers.dense({ units: 6, activation: 'swish' }), layers.dense({ units: 6, activation: 'gelu' }), layers.dense({ units: 3, activation: 'mish' })] },
  { name: "Keras's imdb_cnn_lstm: embedding -> conv1d(relu, valid) -> maxPooling1D(2) -> LSTM -> dense(sigmoid)", maskable: true,
    layers: () => [emb(), layers.conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.maxPooling1D({ poolSize: 2 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })] },
  { name: 'embedding -> conv1d(same, stride 2, no bias) -> conv1d(causal, dilation 2, gelu) -> maxPooling1D(3, stride 2, same) -> globalMaxPooling1D -> dense', maskable: true,
    layers: () => [emb(), layers.conv1d({ filters: 5, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      layers.conv1d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'causal', activation: 'gelu' }), layers.maxPooling1D({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.globalMaxPooling1D(), layers.dense({ units: 2 })] },
  { name: 'embedding -> conv1d(same, tanh) -> averagePooling1D(3, stride 2, same: padding out of the count) -> flatten -> dense', maskable: true,
    layers: () => [emb(), layers.conv1d({ filters: 4, kernelSize: 2, padding: 'same', activation: 'tanh' }), layers.averagePooling1D({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.flatten(), layers.dense({ units: 2 })] },
  { name: 'embedding -> LSTM(last) -> repeatVector(3) -> LSTM(seq) -> dense per step (an autoencoder\'s shape)', maskable: true,
    layers: () => [emb(), layers.lstm({ units: 4 }), layers.repeatVector({ n: 3 }), layers.lstm({ units: 3, returnSequences: true }), layers.dense({ units: 2 })] },
  { name: 'embedding -> gaussianNoise -> Bi-LSTM(seq) -> leakyReLU(0.2) -> attention(pooled) -> gaussianDropout -> dense -> leakyReLU(0.01) (the noise: inference identities)', maskable: true,
    layers: () => [emb(), layers.gaussianNoise({ stddev: 0.5 }), bi(), layers.leakyReLU({ alpha: 0.2 }), layers.attention({ returnSequences: false }), layers.gaussianDropout({ rate: 0.4 }), layers.dense({ units: 3 }), layers.leakyReLU({ alpha: 0.01 })] },
];

const worst: number[] = [];

describe('exportOnnx runs in onnxruntime-node as model.predict', () => {
  afterAll(() => { if (process.env.ONNX_REPORT) console.log(`worst |diff| / scale over ${worst.length} runs: ${Math.max(...worst).toExponential(2)}`); });
  for (const c of CASES) {
    it(`${c.name}: unmasked, batch 1 and 16`, async () => {
      const m = randomized(sequential({ seed: 5, layers: c.layers() }), 11);
      worst.push(await compare(m, 1, false), await compare(m, 16, false));
    });
    if (!c.maskable) continue;
    it(`${c.name}: maskZero, post-padded ids (a full and an empty row), batch 1 and 16`, async () => {
      const [, ...rest] = c.layers();
      const m = randomized(sequential({ seed: 5, layers: [emb(true), ...rest] }), 11);
      worst.push(await compare(m, 1, true, 4), await compare(m, 16, true));
    });
  }

  it('onnxruntime-web (Wasm) runs the same exports: the reference classifier and the batch-norm model, masked and not', async () => {
    for (const c of [CASES[0], CASES[1]]) {
      const [, ...rest] = c.layers();
      const plain = randomized(sequential({ seed: 5, layers: c.layers() }), 11);
      const masked = randomized(sequential({ seed: 5, layers: [emb(true), ...rest] }), 11);
      worst.push(await compare(plain, 16, false, 3, true), await compare(masked, 16, true, 3, true));
    }
  });

  it('a float-input model ([batch, time, features]) takes float32 input', async () => {
    const m = randomized(sequential({ seed: 5, layers: [layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), inputShape: [T, 2] }),
      layers.attention({ returnSequences: false }), layers.dense({ units: 1, activation: 'sigmoid' })] }), 2);
    const x = Float32Array.from({ length: 4 * T * 2 }, (_, i) => Math.sin(i * 0.7));
    const session = await ort.InferenceSession.create((await exportOnnx(m))!);
    const got = (await session.run({ input: new ort.Tensor('float32', x, [4, T, 2]) })).output.data as Float32Array;
    const e = m.predict({ data: x, shape: [4, T, 2] }).data;
    e.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(1e-5));
  });

  it('declares the opset the package exports as ONNX_OPSET (17) and IR version 8', async () => {
    const { default: protobuf } = await import('protobufjs/light.js');
    const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
    const m = sequential({ seed: 2, layers: [layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const decoded = ModelProto.toObject(ModelProto.decode(await exportOnnx(m) as Uint8Array), { longs: Number }) as { ir_version: number; opset_import: Array<{ domain?: string; version: number }> };
    expect(ONNX_OPSET).toBe(17);
    expect(decoded.opset_import.map((o) => [o.domain ?? '', o.version])).toEqual([['', ONNX_OPSET]]);
    expect(decoded.ir_version).toBe(8);
  });

  it('writes to a path', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const m = randomized(sequential({ seed: 5, layers: CASES[0].layers() }), 11);
    const path = `${mkdtempSync(`${tmpdir()}/onnx-`)}/m.onnx`;
    expect(await exportOnnx(m, path)).toBeUndefined();
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from((await exportOnnx(m))!))).toBe(true);
  });
});

describe('exportOnnx refuses what ONNX cannot reproduce exactly', () => {
  it('a masked plain LSTM with returnSequences (Keras repeats the output at pads, ONNX writes 0)', async () => {
    const m = sequential({ layers: [emb(true), layers.lstm({ units: 4, returnSequences: true }), layers.attention({ returnSequences: false }), layers.dense({ units: 1 })] });
    await expect(exportOnnx(m)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(m)).rejects.toThrow(/lstm.*returns sequences under a mask: Keras repeats the previous output at padded steps, ONNX's LSTM writes 0 there/);
  });
  it('an LSTM with goBackwards and returnSequences, a Bidirectional around goBackwards, a masking layer', async () => {
    await expect(exportOnnx(sequential({ layers: [emb(), layers.lstm({ units: 4, returnSequences: true, goBackwards: true })] })))
      .rejects.toThrow(/goBackwards with returnSequences/);
    await expect(exportOnnx(sequential({ layers: [emb(), layers.bidirectional({ layer: layers.lstm({ units: 4, goBackwards: true }) })] })))
      .rejects.toThrow(/wraps an LSTM with goBackwards/);
    await expect(exportOnnx(sequential({ layers: [layers.masking({ inputShape: [T, 2] }), layers.lstm({ units: 2 })] })))
      .rejects.toThrow(/\(Masking\) has no ONNX export yet/);
  });
  it('an LSTM activation ONNX cannot express', async () => {
    const m = sequential({ layers: [emb(), layers.lstm({ units: 2, activation: 'linear' })] });
    await expect(exportOnnx(m)).rejects.toThrow(/layer lstm_\d+ has activation "linear", which ONNX's LSTM cannot express/);
  });
});

describe('examples/onnx.mjs', () => {
  it('trains, exports and serves with onnxruntime-node within 1e-5', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [new URL('../../../examples/onnx.mjs', import.meta.url).pathname], { encoding: 'utf8' });
    expect(out).toMatch(/exported \d+ bytes of ONNX; onnxruntime-node on 64 sequences: max \|difference\| \d\.\d\de-\d+/);
  });
});
