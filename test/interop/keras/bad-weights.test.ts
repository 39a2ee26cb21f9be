// Weights from Keras and TF.js files that must be refused: a NaN or an Infinity (loaded before, predicting NaN; the
// torch loader already refused them) and a small file whose config claims a huge layer (its memory was laid out, 4 GiB,
// before the file's shapes were compared).
import { describe, it, expect, beforeAll, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { exportKeras, exportTfjs, loadKerasModel, loadKerasWeights, loadTfjsModel, sequential, layers, init, CheckpointError, type Sequential } from '../../../src/index.js';
import { openHdf5 } from '../../../src/io/hdf5.js';
import { ids, seededWeights } from '../../helpers/models.js';

const custom = { customObjects: { AttentionLayer: 'attention' as const } };
function model(): Sequential {
  const m = sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
    layers.bidirectional({ layer: layers.lstm({ units: 3 }) }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  m.setWeights(seededWeights(m, 3, 0.6));
  return m;
}

beforeAll(async () => { await init(); });

/** Loads, and if that succeeds reports what the model predicts (so a failure shows the NaN prediction). */
async function outcome(p: Promise<Sequential>): Promise<string> {
  try {
    const m = await p;
    const T = m.layers[0].inputShape[0] as number;
    const xx = { data: ids(4 * T, 2, 1, 5), shape: [4, T] };
    const bad = m.getWeights().reduce((n, w) => n + w.data.filter((v) => !Number.isFinite(v)).length, 0);
    return `loaded with ${bad} non-finite weight values; predicts ${Array.from((m.predict(xx) as { data: Float32Array }).data).join(', ')}`;
  } catch (e) {
    return e instanceof CheckpointError ? 'CheckpointError' : `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('non-finite weights in a file', () => {
  it('loadTfjsModel: a NaN in the shard is a CheckpointError', async () => {
    const files = (await exportTfjs(model()))!.files;
    const shard = files['group1-shard1of1.bin'].slice();
    new DataView(shard.buffer).setFloat32(shard.length - 4, NaN, true); // the dense bias
    files['group1-shard1of1.bin'] = shard;
    expect(await outcome(loadTfjsModel({ files }))).toBe('CheckpointError');
  });

  it('loadKerasModel (.keras): an Infinity in the dense kernel is a CheckpointError', async () => {
    const zip = unzipSync((await exportKeras(model()))!);
    const h5bytes = zip['model.weights.h5'].slice();
    const ds = openHdf5(h5bytes, 't').dataset('layers/dense/vars/0');
    const L = ds.layout as { kind: string; offset: number };
    expect(L.kind).toBe('contiguous');
    new DataView(h5bytes.buffer).setFloat32(L.offset, Infinity, true);
    const bytes = zipSync({ 'metadata.json': zip['metadata.json'], 'config.json': zip['config.json'], 'model.weights.h5': h5bytes }, { level: 0 });
    expect(await outcome(loadKerasModel(bytes, custom))).toBe('CheckpointError');
    await expect(loadKerasModel(bytes, custom)).rejects.toThrow(/loadKerasModel: expected finite weights, got Infinity in .*dense.* at flat index 0\./);
    // loadKerasWeights: refused, the model as it was
    const m = model(), before = m.getWeights().map((w) => Array.from(w.data));
    await expect(loadKerasWeights(m, h5bytes)).rejects.toThrow(/loadKerasWeights: expected finite weights, got Infinity/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it('loadKerasModel (legacy .h5 fixture): a NaN in a weight is a CheckpointError', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../fixtures/keras/tfk2_15_attention.h5', import.meta.url)));
    const f = openHdf5(bytes.slice(), 't');
    const mw = f.group('model_weights');
    const ds = mw.walk().filter((n) => n.kind === 'dataset' && n.layout.kind !== 'chunked').at(-1)! as ReturnType<typeof mw.dataset>;
    const L = ds.layout as { offset: number };
    new DataView(bytes.buffer).setFloat32(L.offset, NaN, true);
    expect(await outcome(loadKerasModel(bytes, custom))).toBe('CheckpointError');
  });

  it('loadTfjsModel: a config claiming a 200M x 4 embedding over a 160-byte shard fails before growing memory by GiBs', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const files = (await exportTfjs(m))!.files;
    const j = JSON.parse(new TextDecoder().decode(files['model.json']));
    j.modelTopology.config.layers[0].config.input_dim = 200_000_000;
    files['model.json'] = new TextEncoder().encode(JSON.stringify(j));
    let grown = 0;
    const grow = WebAssembly.Memory.prototype.grow;
    const spy = vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(function (this: WebAssembly.Memory, pages: number) {
      grown += pages * 65536;
      return grow.call(this, pages);
    });
    try {
      await expect(loadTfjsModel({ files })).rejects.toThrow(CheckpointError);
    } finally { spy.mockRestore(); }
    expect(files['model.json'].length + files['group1-shard1of1.bin'].length).toBeLessThan(4096);
    expect(grown, `Wasm memory grown by ${(grown / 2 ** 30).toFixed(2)} GiB for a file under 4 KiB`).toBeLessThan(2 ** 26);
  }, 60000);
});
