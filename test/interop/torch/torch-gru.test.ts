// loadTorchWeights / exportTorchWeights for GRU on the reference module of test/fixtures/torch/generate_gru.py
// (Debian torch): embedding -> bidirectional nn.GRU (batch_first) -> Linear. torch -> import -> its float64 outputs at
// every step and for the last states; import -> export -> the bytes torch loaded (strict) with the same outputs, and
// the same tensors as torch's state_dict; plain and stacked GRUs round trip; GRUs nn.GRU cannot compute are refused.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTorchWeights, exportTorchWeights, CheckpointError, sequential, layers, type Sequential } from '../../../src/index.js';
import { weightBytes, seededWeights } from '../../helpers/models.js';
import { within, tensors, expectRefusedBothWays } from '../../helpers/torch-files.js';

const DIR = new URL('../../fixtures/torch/', import.meta.url);
interface Arr { shape: number[]; data: number[] }
const ref = JSON.parse(readFileSync(new URL('gru_model.json', DIR), 'utf8')) as {
  ids: Arr; y: Arr; y_last: Arr; y_float32: Arr; y_last_float32: Arr; state_dict: Record<string, number[]> };
const TORCH = new Uint8Array(readFileSync(new URL('gru_model.safetensors', DIR)));
const EXPORTED = new Uint8Array(readFileSync(new URL('gru_model_export.safetensors', DIR)));
const x = { data: Int32Array.from(ref.ids.data), shape: ref.ids.shape };

/** The Keras-side equivalent of GruModel: its y (returnSequences) or y_last (not). */
const gruModel = (returnSequences: boolean, seed = 3) => sequential({ seed, layers: [
  layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
  layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences }), mergeMode: 'concat' }),
  layers.dense({ units: 3 }),
] });

describe('PyTorch safetensors: bidirectional nn.GRU (Keras resetAfter GRU)', () => {
  it("torch -> loadTorchWeights -> the module's float64 outputs at every step (Bi-GRU returnSequences -> dense per step)", async () => {
    const m = gruModel(true);
    const before = m.predict(x).data.slice();
    await loadTorchWeights(m, TORCH);
    const y = m.predict(x);
    expect(y.shape).toEqual(ref.y.shape);
    within(y.data, ref.y.data, 'y vs torch float64', 1e-6);
    within(y.data, ref.y_float32.data, 'y vs torch float32', 1e-6);
    expect(Array.from(y.data)).not.toEqual(Array.from(before));
    m.dispose();
  });

  it("the same file into the last-state model gives the module's fc(cat(h_n forward, h_n backward))", async () => {
    const m = gruModel(false);
    await loadTorchWeights(m, TORCH);
    const y = m.predict(x);
    expect(y.shape).toEqual(ref.y_last.shape);
    within(y.data, ref.y_last.data, 'y_last vs torch float64', 1e-6);
    m.dispose();
  });

  it("exportTorchWeights writes torch's state_dict back: the same keys, shapes and float32 values, the bytes torch loaded (strict)", async () => {
    const m = gruModel(true);
    await loadTorchWeights(m, TORCH);
    const out = (await exportTorchWeights(m))!;
    const ours = tensors(out), theirs = tensors(TORCH);
    expect(Object.fromEntries([...ours].map(([k, v]) => [k, v.shape]))).toEqual(ref.state_dict);
    for (const [k, v] of theirs) expect(Array.from(ours.get(k)!.data), k).toEqual(Array.from(v.data));
    expect(Buffer.from(out).equals(Buffer.from(EXPORTED))).toBe(true);
    const back = gruModel(true, 99);
    await loadTorchWeights(back, out);
    expect(weightBytes(back)).toEqual(weightBytes(m));
    m.dispose(); back.dispose();
  });

  it('maps bias_ih to the bias row 0 and bias_hh to row 1, gate blocks r, z, n to z, r, h', async () => {
    const m = gruModel(true);
    await loadTorchWeights(m, TORCH);
    const t = tensors(TORCH);
    const names = m.weightNames, w = m.getWeights();
    const get = (leaf: string) => w[names.findIndex((n) => new RegExp(`backward_gru(_\\d+)?/${leaf}$`).test(n))].data;
    const bias = get('bias'), kernel = get('kernel');
    const ih = t.get('gru.bias_ih_l0_reverse')!.data, hh = t.get('gru.bias_hh_l0_reverse')!.data, wih = t.get('gru.weight_ih_l0_reverse')!.data;
    const H = 4, I = 5;
    for (let j = 0; j < H; j++) {
      // ours z, r, h <- torch r, z, n
      expect([bias[j], bias[H + j], bias[2 * H + j]]).toEqual([ih[H + j], ih[j], ih[2 * H + j]]);
      expect([bias[3 * H + j], bias[4 * H + j], bias[5 * H + j]]).toEqual([hh[H + j], hh[j], hh[2 * H + j]]);
      for (let i = 0; i < I; i++) expect(kernel[i * 3 * H + j]).toBe(wih[(H + j) * I + i]);
    }
    m.dispose();
  });

  it('round trips a plain GRU, one without bias (nn.GRU(bias=False)), a Bi-GRU (keys gru, gru_1, gru_2) and a goBackwards GRU (nn.GRU on the reversed sequence)', async () => {
    const make = (seed: number) => sequential({ seed, layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.gru({ units: 3, returnSequences: true }),
      layers.gru({ units: 2, returnSequences: true, useBias: false }),
      layers.bidirectional({ layer: layers.gru({ units: 2 }), mergeMode: 'sum' }),
      layers.dense({ units: 1 }),
    ] });
    const a = make(1), b = make(2);
    a.setWeights(seededWeights(a, 5, 1)); // (biases start at 0: both rows must differ to tell them apart)
    const bytes = (await exportTorchWeights(a))!;
    expect(Object.fromEntries([...tensors(bytes)].map(([k, v]) => [k, v.shape]))).toEqual({
      'embedding.weight': [11, 5],
      'gru.weight_ih_l0': [9, 5], 'gru.weight_hh_l0': [9, 3], 'gru.bias_ih_l0': [9], 'gru.bias_hh_l0': [9],
      'gru_1.weight_ih_l0': [6, 3], 'gru_1.weight_hh_l0': [6, 2],
      'gru_2.weight_ih_l0': [6, 2], 'gru_2.weight_hh_l0': [6, 2], 'gru_2.bias_ih_l0': [6], 'gru_2.bias_hh_l0': [6],
      'gru_2.weight_ih_l0_reverse': [6, 2], 'gru_2.weight_hh_l0_reverse': [6, 2], 'gru_2.bias_ih_l0_reverse': [6], 'gru_2.bias_hh_l0_reverse': [6],
      'fc.weight': [1, 2], 'fc.bias': [1],
    });
    expect(weightBytes(b)).not.toEqual(weightBytes(a));
    await loadTorchWeights(b, bytes);
    expect(weightBytes(b)).toEqual(weightBytes(a));
    const back = sequential({ seed: 3, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }), layers.gru({ units: 3, goBackwards: true, useBias: false })] });
    back.setWeights(seededWeights(back, 6, 1));
    const c = sequential({ seed: 4, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }), layers.gru({ units: 3, goBackwards: true, useBias: false })] });
    await loadTorchWeights(c, (await exportTorchWeights(back))!);
    expect(weightBytes(c)).toEqual(weightBytes(back));
    for (const m of [a, b, back, c]) m.dispose();
  });

  it('a GRU of another size is a CheckpointError naming the key, our weight and both shapes (transposed)', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.bidirectional({ layer: layers.gru({ units: 5, returnSequences: true }) }), layers.dense({ units: 3 })] });
    const before = weightBytes(m);
    const err = await loadTorchWeights(m, TORCH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/^loadTorchWeights: expected gru.weight_ih_l0 of shape \[15, 5\] \(for bidirectional(_\d+)?\/forward_gru(_\d+)?\/kernel \[5, 15\], transposed\), got \[12, 5\]\.$/);
    expect(weightBytes(m)).toEqual(before);
    m.dispose();
  });
});

// nn.GRU computes r * (W_hn h + b_hn) (Keras's resetAfter true), with tanh and sigmoid only, and its bidirectional first
// direction reads forwards: the other GRUs would compute something else with the same tensors, both ways.
describe('GRUs nn.GRU cannot compute are refused by exportTorchWeights and loadTorchWeights', () => {
  const model = (gru: Record<string, unknown>, bi: boolean) => sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
    bi ? layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences: true, ...gru }) }) : layers.gru({ units: 4, returnSequences: true, ...gru }),
    layers.dense({ units: 3 }),
  ] });
  const head = /^(exportTorchWeights|loadTorchWeights): expected GRUs nn\.GRU computes \(activation 'tanh', recurrentActivation 'sigmoid', resetAfter true, no goBackwards inside a Bidirectional\), got /;
  it.each([
    ['resetAfter false (Keras 2.3.1 and TF.js)', { resetAfter: false }, true,
      /bidirectional_\d+ with resetAfter false \(nn\.GRU applies the reset gate after the recurrent product, r \* \(W_hn h \+ b_hn\): Keras's resetAfter true\)\.$/],
    ['a plain GRU with resetAfter false', { resetAfter: false }, false, /gru_\d+ with resetAfter false /],
    ["Keras 2's hardSigmoid recurrent activation", { recurrentActivation: 'hardSigmoid' }, false, /gru_\d+ with recurrentActivation "hardSigmoid"\.$/],
    ['activation relu', { activation: 'relu' }, true, /bidirectional_\d+ with activation "relu"\.$/],
    ['a Bidirectional around a goBackwards GRU', { goBackwards: true }, true, /bidirectional_\d+ with goBackwards true inside a Bidirectional \(nn\.GRU's first direction reads forwards\)\.$/],
  ])('%s', async (_n, gru, bi, want) => {
    await expectRefusedBothWays(model(gru, bi), TORCH, head, want);
  });
});
