// pop()/add() on a model whose input shape came from its data (no inputShape declared, as Keras allows): the model
// forgets that shape (inputShape = null), so summary(), countParams(), getWeights() and save() now throw a
// StateError "expected a known input shape" although the model was in use and its layers carry weights.
// Keras's Sequential.pop() keeps the built graph (summary works after pop).
import { describe, it, expect } from 'vitest';
import { initSync, sequential, layers } from '../src/index.js';

initSync();

const x = { data: Float32Array.from({ length: 4 * 5 * 3 }, (_, i) => Math.sin(i)), shape: [4, 5, 3] };

function built() {
  const m = sequential({ layers: [layers.lstm({ units: 4, name: 'l' }), layers.dense({ units: 2, name: 'd1' }), layers.dense({ units: 1, name: 'd2' })] });
  m.predict(x); // builds from the data's shape [5, 3]
  expect(m.summary(undefined, undefined, () => {})).toContain('Total params');
  return m;
}

describe('pop() on a model built from its data', () => {
  it('summary() and countParams() still work after pop()', () => {
    const m = built();
    m.pop();
    expect(() => m.summary(undefined, undefined, () => {})).not.toThrow();
    expect(m.countParams()).toBe(4 * 4 * (3 + 4 + 1) + 2 * (4 + 1));
  });

  it('getWeights() and save() work after pop() then add()', async () => {
    const m = built();
    const kept = m.getWeights().slice(0, 5);
    m.pop();
    m.add(layers.dense({ units: 3, name: 'd3' }));
    expect(m.getWeights().slice(0, 5).map((w) => Array.from(w.data))).toEqual(kept.map((w) => Array.from(w.data)));
    await expect(m.save()).resolves.toBeInstanceOf(Uint8Array);
  });
});
