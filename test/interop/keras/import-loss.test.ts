// Keras import of a training config's loss: names, Keras 3 serialized functions, serialized loss classes with
// from_logits / label_smoothing (Keras 3 and tf.keras 2 layouts), per-output lists and dicts of one; a reduction, axis
// or loss we do not have, a user's loss under a built-in's name or loss_weights other than 1 leave the model uncompiled with a note
// instead of training it on another loss.
import { describe, it, expect } from 'vitest';
import { initSync } from '../../../src/index.js';
import { importEditedConfig } from '../../helpers/keras-files.js';

initSync();
const OLD = '"loss": "binary_crossentropy"';

async function loadEdited(edit: (c: string) => string) {
  const { m, notes } = await importEditedConfig(edit);
  return { loss: m.getCompileConfig()?.loss ?? null, notes };
}
const load = (loss: string) => loadEdited((c) => c.replace(OLD, `"loss": ${loss}`));

describe('Keras import: the training config loss', () => {
  it('serialized loss classes carry from_logits and label_smoothing over (Keras 3 and tf.keras 2 configs)', async () => {
    const k3 = await load('{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {"name": "binary_crossentropy", "reduction": "sum_over_batch_size", "from_logits": true, "label_smoothing": 0.1, "axis": -1, "dtype": null}, "registered_name": null}');
    expect(k3.loss).toEqual({ name: 'binaryCrossentropy', fromLogits: true, labelSmoothing: 0.1 });
    // tf.keras 2.x: LossFunctionWrapper's config (reduction 'auto', fn); Keras writes a float32 smoothing as float64
    const k2 = await load('{"class_name": "BinaryCrossentropy", "config": {"reduction": "auto", "name": "binary_crossentropy", "from_logits": false, "label_smoothing": 0.20000000298023224, "axis": -1, "fn": "binary_crossentropy"}}');
    expect(k2.loss).toEqual({ name: 'binaryCrossentropy', labelSmoothing: 0.2 });
    const plain = await load('{"class_name": "BinaryCrossentropy", "config": {"reduction": "auto", "name": "binary_crossentropy", "from_logits": false, "label_smoothing": 0.0, "axis": -1}}');
    expect(plain.loss).toBe('binaryCrossentropy');
  });

  it('a serialized function and a per-output list or dict of one loss import as the name', async () => {
    for (const loss of ['{"module": "keras.losses", "class_name": "function", "config": "binary_crossentropy", "registered_name": "binary_crossentropy"}',
      '["binary_crossentropy"]', '{"dense": "binary_crossentropy"}', '{"dense": {"class_name": "BinaryCrossentropy", "config": {}}}']) {
      expect((await load(loss)).loss, loss).toBe('binaryCrossentropy');
    }
  });

  it("Keras's other names for them import: 'bce', 'BCE', 'mse', 'MSE', class names as strings, Keras 3's reduction 'mean'", async () => {
    for (const [loss, want] of [['"bce"', 'binaryCrossentropy'], ['"BCE"', 'binaryCrossentropy'], ['"MSE"', 'meanSquaredError'], ['"mse"', 'meanSquaredError'],
      ['"BinaryCrossentropy"', 'binaryCrossentropy'], ['"CategoricalCrossentropy"', 'categoricalCrossentropy'],
      ['{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {"reduction": "mean", "from_logits": true}, "registered_name": null}', { name: 'binaryCrossentropy', fromLogits: true }]] as const) {
      expect((await load(loss)).loss, loss).toEqual(want);
    }
  });

  it('another reduction, axis, loss or option value leaves the model uncompiled and says why', async () => {
    for (const loss of [
      // Keras 3's reduction None is no reduction (the sum's gradient), and an axis None another loss (a review)
      '{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {"name": "binary_crossentropy", "reduction": null, "from_logits": false, "label_smoothing": 0.0, "axis": -1}, "registered_name": null}',
      '{"class_name": "BinaryCrossentropy", "config": {"axis": null}}',
      // a user's class or function under a built-in's name
      '{"class_name": "Custom>BinaryCrossentropy", "config": {}}',
      '{"module": "__main__", "class_name": "BinaryCrossentropy", "config": {}, "registered_name": "BinaryCrossentropy"}',
      '{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {}, "registered_name": "mine>BinaryCrossentropy"}',
      '{"module": "__main__", "class_name": "function", "config": "binary_crossentropy", "registered_name": "binary_crossentropy"}',
      '{"class_name": "BinaryCrossentropy", "config": {"reduction": "sum", "from_logits": true}}',
      '{"class_name": "BinaryCrossentropy", "config": {"axis": 1}}',
      '{"class_name": "Hinge", "config": {}}',
      '{"class_name": "function", "config": "hinge"}',
      '["binary_crossentropy", "mse"]',
      '{"class_name": "SparseCategoricalCrossentropy", "config": {"ignore_class": 0}}',
    ]) {
      const r = await load(loss);
      expect(r.loss, loss).toBeNull();
      expect(r.notes.join('\n'), loss).toMatch(/training config not imported \(optimizer "Adam", loss .*\): call compile yourself/);
    }
    // loss_weights scale the loss and its gradients in Keras (a review: they were dropped silently); weights of 1 import
    const weighted = await loadEdited((c) => c.replace('"loss_weights": null', '"loss_weights": [0.5]'));
    expect(weighted.loss).toBeNull();
    expect(weighted.notes).toContain('training config not imported (loss_weights [0.5]: compile here has no loss weights): call compile yourself');
    for (const lw of ['[1]', '{"dense": 1}', '1.0']) expect((await loadEdited((c) => c.replace('"loss_weights": null', `"loss_weights": ${lw}`))).loss, lw).toBe('binaryCrossentropy');
    const bad = await load('{"class_name": "BinaryCrossentropy", "config": {"label_smoothing": 2}}');
    expect(bad.loss).toBeNull();
    expect(bad.notes.join('\n')).toMatch(/training config not imported \(compile: loss binaryCrossentropy: expected labelSmoothing to be a number in \[0, 1\], got 2\.\): call compile yourself/);
  });
});
