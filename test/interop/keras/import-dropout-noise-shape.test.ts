// Keras import (fixed after a review; each test failed before its fix): Dropout(noise_shape=...) is refused, though Dropout is the identity at inference whatever its
// noise_shape (keras/src/layers/regularization/dropout.py call: `if training and self.rate > 0: return
// backend.random.dropout(inputs, self.rate, noise_shape=self.noise_shape, ...)` / `return inputs`), and the importer's
// own policy for training-only options is a note (LSTM dropout, regularizers). noise_shape (None, 1, F) is exactly
// SpatialDropout1D, which we have.
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, exportKeras, ConfigError, type Sequential } from '../../../src/index.js';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';

initSync();

async function editKeras(bytes: Uint8Array, edit: (cfg: any) => any): Promise<Uint8Array> {
  const z = unzipSync(bytes);
  const cfg = edit(JSON.parse(strFromU8(z['config.json'])));
  return zipSync({ 'metadata.json': z['metadata.json'], 'config.json': strToU8(JSON.stringify(cfg)), 'model.weights.h5': z['model.weights.h5'] }, { level: 0 });
}
/** Keras 3 Sequential config (InputLayer first) -> Functional straight chain, with per-layer node kwargs. */
function toFunctional(cfg: any, kwargs: Record<number, Record<string, unknown>> = {}): any {
  const ls = cfg.config.layers.map((l: any, i: number) => {
    const name = l.config.name;
    const out = { ...l, name, inbound_nodes: [] as unknown[] };
    if (i > 0) out.inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { shape: [], dtype: 'float32', keras_history: [cfg.config.layers[i - 1].config.name, 0, 0] } }], kwargs: kwargs[i] ?? {} }];
    return out;
  });
  return { module: 'keras.src.models.functional', class_name: 'Functional', config: { name: 'functional', trainable: true, layers: ls,
    input_layers: [ls[0].name, 0, 0], output_layers: [ls[ls.length - 1].name, 0, 0] }, registered_name: 'Functional' };
}

const pred = (m: Sequential, x: unknown) => Array.from((m.predict(x as never) as { data: Float32Array }).data);

describe('Dropout noise_shape', () => {
  it('Dropout with noise_shape', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.dropout({ rate: 0.3 }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const bytes = await exportKeras(m);
    const back = await loadKerasModel(await editKeras(bytes, (c) => { c.config.layers[2].config.noise_shape = [null, 1, 4]; return c; }));
    const x = { data: Int32Array.from({ length: 30 }, (_, i) => 1 + (i * 7) % 9), shape: [5, 6] };
    expect(pred(back, x)).toEqual(pred(m, x));
  });
});
