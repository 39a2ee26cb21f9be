// Keras import (fixed after a review; each test failed before its fix): a Functional model whose node calls a layer with an explicit `training=True` (Keras 3 node
// {args, kwargs: {training: true}}; Keras 2 [[name, 0, 0, {"training": true}]]) is imported as if the kwarg were not
// there. Keras honours it at predict: keras/src/layers/layer.py __call__ "(1) The `training` argument passed to this
// `Layer.call`, if not None" wins; keras/src/ops/function.py _run_through_graph replays `node.arguments` (args and
// kwargs); BatchNormalization.call: `if training and self.trainable: mean, variance = self._moments(inputs, mask)`
// (batch statistics), Dropout.call: `if training and self.rate > 0: return backend.random.dropout(...)` (MC dropout).
// The importer (config.ts straightChain/nodeInputs) reads only node.args, so the Keras model's output is not reproduced
// and nothing says so: expected a ConfigError naming the training kwarg.
import { describe, it, expect } from 'vitest';
import { initSync, loadKerasModel, sequential, layers, exportKeras, ConfigError, type Sequential } from '../../../src/index.js';
import { editKeras, toFunctional, pred } from '../../helpers/keras-files.js';

initSync();

/** Keras 3 Sequential config (InputLayer first) -> Functional straight chain, with per-layer node kwargs. */

describe('Functional call kwargs training=True', () => {
  it('functional BN called with training=True', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.batchNormalization(), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const bytes = await exportKeras(m);
    const plain = await loadKerasModel(await editKeras(bytes, (c) => toFunctional(c)));
    const x = { data: Int32Array.from({ length: 30 }, (_, i) => 1 + (i * 7) % 9), shape: [5, 6] };
    expect(pred(plain, x)).toEqual(pred(m, x));
    await expect(loadKerasModel(await editKeras(bytes, (c) => toFunctional(c, { 2: { training: true } })))).rejects.toThrow(ConfigError);
  });
  it('Dropout called with training=True (Monte-Carlo dropout) is refused', async () => {
    const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.dropout({ rate: 0.5 }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })] });
    const bytes = await exportKeras(m);
    await expect(loadKerasModel(await editKeras(bytes, (c) => toFunctional(c, { 2: { training: true } })))).rejects.toThrow(ConfigError);
  });
});
