// Keras import (fixed after a review; each test failed before its fix): Dropout(noise_shape=...) is refused, though Dropout is the identity at inference whatever its
// noise_shape (keras/src/layers/regularization/dropout.py call: `if training and self.rate > 0: return
// backend.random.dropout(inputs, self.rate, noise_shape=self.noise_shape, ...)` / `return inputs`), and the importer's
// own policy for training-only options is a note (LSTM dropout, regularizers). noise_shape (None, 1, F) is exactly
// SpatialDropout1D, which we have.
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, exportKeras, ConfigError, type Sequential } from '../../../src/index.js';
import { editKeras, toFunctional, pred } from '../../helpers/keras-files.js';

initSync();

/** Keras 3 Sequential config (InputLayer first) -> Functional straight chain, with per-layer node kwargs. */

describe('Dropout noise_shape', () => {
  it('Dropout with noise_shape', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.dropout({ rate: 0.3 }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const bytes = await exportKeras(m);
    const back = await loadKerasModel(await editKeras(bytes, (c) => { c.config.layers[2].config.noise_shape = [null, 1, 4]; return c; }));
    const x = { data: Int32Array.from({ length: 30 }, (_, i) => 1 + (i * 7) % 9), shape: [5, 6] };
    expect(pred(back, x)).toEqual(pred(m, x));
  });
});
