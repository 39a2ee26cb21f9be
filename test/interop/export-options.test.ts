// Exports of layer options that used to be lost or written wrong, each round-tripped: a Bidirectional around an LSTM
// with goBackwards (its forward copy runs backwards, as in Keras; TF.js's import refused it), Bidirectional(LSTM
// useBias false) (each direction's cell holds half the weights, not 3 and 1), a standalone LSTM's zeroOutputForMask
// and global pooling's keepdims (written as false, read as false or refused); TF.js has neither option: refused.
import { describe, it, expect, beforeAll } from 'vitest';
import { exportKeras, exportTfjs, loadKerasModel, loadTfjsModel, sequential, layers, init, ConfigError, type Sequential } from '../../src/index.js';
import { openHdf5 } from '../../src/io/hdf5.js';
import { unzipSync } from 'fflate';
import { ids, seededWeights } from '../helpers/models.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const custom = { customObjects: { AttentionLayer: 'attention' as const } };
function withWeights(m: Sequential, seed: number): Sequential { m.setWeights(seededWeights(m, seed, 0.6)); return m; }
function paddedIds(n: number, T: number, vocab: number, seed: number) {
  const d = ids(n * T, seed, 1, vocab - 1);
  for (let r = 0; r < n; r++) for (let t = T - (r % T); t < T; t++) d[r * T + t] = 0; // post-padded
  return { data: d, shape: [n, T] };
}
const pred = (m: Sequential, x: unknown) => (m.predict(x as never) as { data: Float32Array }).data;

beforeAll(async () => { await init(); });

describe('exportKeras / exportTfjs round trips', () => {
  it('Bidirectional around an LSTM with goBackwards: exportKeras -> loadKerasModel and exportTfjs -> loadTfjsModel predict the same', async () => {
    const m = withWeights(sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, goBackwards: true }), mergeMode: 'concat' }),
      layers.dense({ units: 2 }),
    ] }), 3);
    const x = { data: ids(5 * 6, 2, 1, 9), shape: [5, 6] };
    for (const back of [await loadKerasModel(await exportKeras(m), custom), await loadTfjsModel(await exportTfjs(m))]) {
      expect(bits(pred(back, x))).toEqual(bits(pred(m, x)));
    }
  });

  it('Bidirectional(LSTM useBias false): exportKeras puts 2 variables in each direction\'s cell (Keras\'s layout)', async () => {
    const m = withWeights(sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, useBias: false }), mergeMode: 'concat' }),
      layers.dense({ units: 2 }),
    ] }), 3);
    const zip = unzipSync((await exportKeras(m))!);
    const h5 = openHdf5(zip['model.weights.h5'], 'test');
    const fwd = h5.group('layers/bidirectional/forward_layer/cell/vars').keys;
    const bwd = h5.group('layers/bidirectional/backward_layer/cell/vars').keys;
    expect({ fwd: fwd.length, bwd: bwd.length }).toEqual({ fwd: 2, bwd: 2 });
  });

  it('a standalone LSTM with zeroOutputForMask: exportKeras -> loadKerasModel predicts the same under a mask', async () => {
    const m = withWeights(sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6, maskZero: true }),
      layers.lstm({ units: 3, returnSequences: true, zeroOutputForMask: true }),
      layers.dense({ units: 2 }),
    ] }), 3);
    const x = paddedIds(6, 6, 10, 4);
    const bytes = (await exportKeras(m))!;
    const back = await loadKerasModel(bytes, custom);
    expect(bits(pred(back, x))).toEqual(bits(pred(m, x)));
  });

  it('a standalone LSTM with zeroOutputForMask: exportTfjs refuses it (TF.js has no such option)', async () => {
    const m = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6, maskZero: true }),
      layers.lstm({ units: 3, returnSequences: true, zeroOutputForMask: true }),
      layers.dense({ units: 2 }),
    ] });
    await expect(exportTfjs(m)).rejects.toThrow(ConfigError);
    await expect(exportTfjs(m)).rejects.toThrow(/expected an LSTM TF.js can run \(zeroOutputForMask false.*got zeroOutputForMask true/);
  });

  it('loadKerasModel honours zero_output_for_mask: true on a standalone LSTM (Keras 3 writes it in every LSTM config)', async () => {
    const m = withWeights(sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6, maskZero: true }),
      layers.lstm({ units: 3, returnSequences: true, zeroOutputForMask: true }),
      layers.dense({ units: 2 }),
    ] }), 3);
    const zip = unzipSync((await exportKeras(m))!);
    const cfg = JSON.parse(new TextDecoder().decode(zip['config.json']));
    cfg.config.layers[2].config.zero_output_for_mask = true; // what Keras 3 writes for LSTM(..., zero_output_for_mask=True)
    const { zipSync } = await import('fflate');
    const bytes = zipSync({ 'metadata.json': zip['metadata.json'], 'config.json': new TextEncoder().encode(JSON.stringify(cfg)), 'model.weights.h5': zip['model.weights.h5'] }, { level: 0 });
    const back = await loadKerasModel(bytes, custom);
    expect((back.layers[1].getConfig() as { zeroOutputForMask: boolean }).zeroOutputForMask).toBe(true);
  });

  it('globalAveragePooling1D({ keepdims: true }): exportKeras -> loadKerasModel keeps the [batch, 1, F] output', async () => {
    const m = withWeights(sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
      layers.lstm({ units: 3, returnSequences: true }),
      layers.globalAveragePooling1D({ keepdims: true }),
      layers.dense({ units: 2 }),
    ] }), 3);
    const x = { data: ids(5 * 6, 2, 1, 9), shape: [5, 6] };
    const bytes = (await exportKeras(m))!;
    const back = await loadKerasModel(bytes, custom);
    expect((back.predict(x) as { shape: number[] }).shape).toEqual((m.predict(x) as { shape: number[] }).shape);
  });

  it('globalMaxPooling1D({ keepdims: true }): exportTfjs refuses it (TF.js has no keepdims)', async () => {
    const m = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
      layers.lstm({ units: 3, returnSequences: true }),
      layers.globalMaxPooling1D({ keepdims: true }),
      layers.dense({ units: 2 }),
    ] });
    await expect(exportTfjs(m)).rejects.toThrow(/expected keepdims false \(TF.js's GlobalMaxPooling1D has no keepdims\), got true/);
  });
});
