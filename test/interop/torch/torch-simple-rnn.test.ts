// loadTorchWeights / exportTorchWeights for SimpleRNN on the reference module of
// test/fixtures/torch/generate_simple_rnn.py (Debian torch): embedding -> bidirectional nn.RNN (batch_first) -> Linear,
// tanh and relu. torch -> import -> its float64 outputs at every step and for the last states; import -> export -> the
// bytes torch loaded (strict) with the same outputs (bias_ih = the float32 sum of torch's two biases, bias_hh = 0);
// plain and stacked SimpleRNNs round trip; SimpleRNNs nn.RNN cannot compute are refused.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTorchWeights, exportTorchWeights, CheckpointError, sequential, layers, type Sequential } from '../../../src/index.js';
import { weightBytes, seededWeights } from '../../helpers/models.js';
import { within as withinScale, tensors, expectRefusedBothWays } from '../../helpers/torch-files.js';

const DIR = new URL('../../fixtures/torch/', import.meta.url);
interface Arr { shape: number[]; data: number[] }
const ref = JSON.parse(readFileSync(new URL('simple_rnn_model.json', DIR), 'utf8')) as {
  ids: Arr; y: Arr; y_last: Arr; y_float32: Arr; y_last_float32: Arr; relu_y: Arr; relu_y_last: Arr; state_dict: Record<string, number[]> };
const TORCH = new Uint8Array(readFileSync(new URL('simple_rnn_model.safetensors', DIR)));
const RELU = new Uint8Array(readFileSync(new URL('simple_rnn_relu.safetensors', DIR)));
const EXPORTED = new Uint8Array(readFileSync(new URL('simple_rnn_model_export.safetensors', DIR)));
const x = { data: Int32Array.from(ref.ids.data), shape: ref.ids.shape };

/** The Keras-side equivalent of RnnModel: its y (returnSequences) or y_last (not). */
const rnnModel = (returnSequences: boolean, seed = 3, activation: 'tanh' | 'relu' = 'tanh'): Sequential => sequential({ seed, layers: [
  layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
  layers.bidirectional({ layer: layers.simpleRNN({ units: 4, returnSequences, activation }), mergeMode: 'concat' }),
  layers.dense({ units: 3 }),
] });

/** torch-files' within, and the outputs' scale must exceed 0.1. */
const within = (actual: ArrayLike<number>, expected: number[], what: string, rtol: number): number => withinScale(actual, expected, what, rtol, 0.1);

describe('PyTorch safetensors: bidirectional nn.RNN (Keras SimpleRNN)', () => {
  it("torch -> loadTorchWeights -> the module's float64 outputs at every step (Bi-SimpleRNN returnSequences -> dense per step)", async () => {
    const m = rnnModel(true);
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
    const m = rnnModel(false);
    await loadTorchWeights(m, TORCH);
    const y = m.predict(x);
    expect(y.shape).toEqual(ref.y_last.shape);
    within(y.data, ref.y_last.data, 'y_last vs torch float64', 1e-6);
    within(y.data, ref.y_last_float32.data, 'y_last vs torch float32', 1e-6);
    m.dispose();
  });

  it("nonlinearity 'relu' (nn.RNN's other): the relu module's float64 outputs, every step and the last states; the tanh model reads the same file otherwise", async () => {
    for (const [returnSequences, want] of [[true, ref.relu_y], [false, ref.relu_y_last]] as const) {
      const m = rnnModel(returnSequences, 4, 'relu');
      await loadTorchWeights(m, RELU);
      within(m.predict(x).data, want.data, `relu ${returnSequences ? 'y' : 'y_last'} vs torch float64`, 1e-6);
      const tanh = rnnModel(returnSequences, 4, 'tanh');
      await loadTorchWeights(tanh, RELU);
      const d = Math.max(...Array.from(tanh.predict(x).data, (v, i) => Math.abs(v - want.data[i])));
      expect(d).toBeGreaterThan(0.05);
      m.dispose(); tanh.dispose();
    }
  });

  it('maps weight_ih to kernel^T, weight_hh to recurrent_kernel^T and bias_ih + bias_hh (summed in float32) to the bias, _reverse to the backward layer', async () => {
    const m = rnnModel(true);
    await loadTorchWeights(m, TORCH);
    const t = tensors(TORCH);
    const names = m.weightNames, w = m.getWeights();
    const H = 4, I = 5;
    for (const [dir, sfx] of [['forward', ''], ['backward', '_reverse']] as const) {
      const get = (leaf: string) => w[names.findIndex((n) => new RegExp(`${dir}_simple_rnn(_\\d+)?/${leaf}$`).test(n))].data;
      const kernel = get('kernel'), rec = get('recurrent_kernel'), bias = get('bias');
      const wih = t.get(`rnn.weight_ih_l0${sfx}`)!.data, whh = t.get(`rnn.weight_hh_l0${sfx}`)!.data;
      const ih = t.get(`rnn.bias_ih_l0${sfx}`)!.data, hh = t.get(`rnn.bias_hh_l0${sfx}`)!.data;
      for (let j = 0; j < H; j++) {
        expect(ih[j] !== 0 && hh[j] !== 0).toBe(true); // both biases matter
        expect(bias[j]).toBe(Math.fround(ih[j] + hh[j]));
        for (let i = 0; i < I; i++) expect(kernel[i * H + j]).toBe(wih[j * I + i]);
        for (let i = 0; i < H; i++) expect(rec[i * H + j]).toBe(whh[j * H + i]);
      }
    }
    m.dispose();
  });

  it('exportTorchWeights writes the state_dict torch loads (strict): the same keys and shapes, weights as torch\'s, bias_ih = the summed bias, bias_hh = 0; the bytes the generator checked', async () => {
    const m = rnnModel(true);
    await loadTorchWeights(m, TORCH);
    const out = (await exportTorchWeights(m))!;
    const ours = tensors(out), theirs = tensors(TORCH);
    expect(Object.fromEntries([...ours].map(([k, v]) => [k, v.shape]))).toEqual(ref.state_dict);
    for (const [k, v] of theirs) {
      if (k.includes('.bias_')) continue;
      expect(Array.from(ours.get(k)!.data), k).toEqual(Array.from(v.data));
    }
    for (const sfx of ['', '_reverse']) {
      const ih = theirs.get(`rnn.bias_ih_l0${sfx}`)!.data, hh = theirs.get(`rnn.bias_hh_l0${sfx}`)!.data;
      expect(Array.from(ours.get(`rnn.bias_ih_l0${sfx}`)!.data)).toEqual(Array.from(ih, (v, j) => Math.fround(v + hh[j])));
      expect(Array.from(ours.get(`rnn.bias_hh_l0${sfx}`)!.data)).toEqual([0, 0, 0, 0]);
    }
    expect(Buffer.from(out).equals(Buffer.from(EXPORTED))).toBe(true);
    const back = rnnModel(true, 99);
    await loadTorchWeights(back, out);
    expect(weightBytes(back)).toEqual(weightBytes(m));
    within(back.predict(x).data, ref.y.data, 'export -> import vs torch float64', 1e-6);
    m.dispose(); back.dispose();
  });

  it('round trips a plain SimpleRNN, one without bias (nn.RNN(bias=False)), a relu one, a Bi-SimpleRNN (keys rnn .. rnn_3) and a goBackwards SimpleRNN (nn.RNN on the reversed sequence)', async () => {
    const make = (seed: number) => sequential({ seed, layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.simpleRNN({ units: 3, returnSequences: true }),
      layers.simpleRNN({ units: 2, returnSequences: true, useBias: false }),
      layers.simpleRNN({ units: 2, returnSequences: true, activation: 'relu' }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 2 }), mergeMode: 'sum' }),
      layers.dense({ units: 1 }),
    ] });
    const a = make(1), b = make(2);
    a.setWeights(seededWeights(a, 5, 1));
    const bytes = (await exportTorchWeights(a))!;
    expect(Object.fromEntries([...tensors(bytes)].map(([k, v]) => [k, v.shape]))).toEqual({
      'embedding.weight': [11, 5],
      'rnn.weight_ih_l0': [3, 5], 'rnn.weight_hh_l0': [3, 3], 'rnn.bias_ih_l0': [3], 'rnn.bias_hh_l0': [3],
      'rnn_1.weight_ih_l0': [2, 3], 'rnn_1.weight_hh_l0': [2, 2],
      'rnn_2.weight_ih_l0': [2, 2], 'rnn_2.weight_hh_l0': [2, 2], 'rnn_2.bias_ih_l0': [2], 'rnn_2.bias_hh_l0': [2],
      'rnn_3.weight_ih_l0': [2, 2], 'rnn_3.weight_hh_l0': [2, 2], 'rnn_3.bias_ih_l0': [2], 'rnn_3.bias_hh_l0': [2],
      'rnn_3.weight_ih_l0_reverse': [2, 2], 'rnn_3.weight_hh_l0_reverse': [2, 2], 'rnn_3.bias_ih_l0_reverse': [2], 'rnn_3.bias_hh_l0_reverse': [2],
      'fc.weight': [1, 2], 'fc.bias': [1],
    });
    expect(weightBytes(b)).not.toEqual(weightBytes(a));
    await loadTorchWeights(b, bytes);
    expect(weightBytes(b)).toEqual(weightBytes(a));
    const back = sequential({ seed: 3, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }), layers.simpleRNN({ units: 3, goBackwards: true })] });
    back.setWeights(seededWeights(back, 6, 1));
    const c = sequential({ seed: 4, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }), layers.simpleRNN({ units: 3, goBackwards: true })] });
    await loadTorchWeights(c, (await exportTorchWeights(back))!);
    expect(weightBytes(c)).toEqual(weightBytes(back));
    for (const m of [a, b, back, c]) m.dispose();
  });

  it('a SimpleRNN of another size is a CheckpointError naming the key, our weight and both shapes (transposed); the model is unchanged', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true }) }), layers.dense({ units: 3 })] });
    const before = weightBytes(m);
    const err = await loadTorchWeights(m, TORCH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/^loadTorchWeights: expected rnn.weight_ih_l0 of shape \[5, 5\] \(for bidirectional(_\d+)?\/forward_simple_rnn(_\d+)?\/kernel \[5, 5\], transposed\), got \[4, 5\]\.$/);
    expect(weightBytes(m)).toEqual(before);
    m.dispose();
  });
});

// nn.RNN's nonlinearity is tanh or relu, and its bidirectional first direction reads forwards: the other SimpleRNNs
// would compute something else with the same tensors, both ways.
describe('SimpleRNNs nn.RNN cannot compute are refused by exportTorchWeights and loadTorchWeights', () => {
  const model = (rnn: Record<string, unknown>, bi: boolean) => sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
    bi ? layers.bidirectional({ layer: layers.simpleRNN({ units: 4, returnSequences: true, ...rnn }) }) : layers.simpleRNN({ units: 4, returnSequences: true, ...rnn }),
    layers.dense({ units: 3 }),
  ] });
  const head = /^(exportTorchWeights|loadTorchWeights): expected SimpleRNNs nn\.RNN computes \(activation 'tanh' or 'relu', no goBackwards inside a Bidirectional\), got /;
  it.each([
    ['activation sigmoid', { activation: 'sigmoid' }, false, /simple_rnn(_\d+)? with activation "sigmoid" \(nn\.RNN's nonlinearity is 'tanh' or 'relu'\)\.$/],
    ['activation linear in a Bidirectional', { activation: 'linear' }, true, /bidirectional(_\d+)? with activation "linear" \(nn\.RNN's nonlinearity is 'tanh' or 'relu'\)\.$/],
    ['activation hardSigmoid', { activation: 'hardSigmoid' }, false, /simple_rnn(_\d+)? with activation "hardSigmoid" /],
    ['a Bidirectional around a goBackwards SimpleRNN', { goBackwards: true }, true, /bidirectional(_\d+)? with goBackwards true inside a Bidirectional \(nn\.RNN's first direction reads forwards\)\.$/],
  ])('%s', async (_n, rnn, bi, want) => {
    await expectRefusedBothWays(model(rnn, bi), TORCH, head, want);
  });
});
