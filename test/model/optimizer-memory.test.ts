// The optimizer state's memory: a recompiled model (a new optimizer) or a changed set of trainable weights reuses the
// state's region instead of leaving it behind (30 recompiles grew the memory by 30 Adam states), the input-projection
// tables after it are laid out again and give the same bytes, and dispose() lets the memory go even while the model or
// its optimizer instance stays reachable (the optimizer's state kept the arena).
import { describe, it, expect } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sequential, layers, optimizers, type Sequential } from '../../src/index.js';
import { smallModel, smallData } from '../helpers/models.js';

const V = 2000;
function model(): Sequential {
  return sequential({ seed: 1, layers: [
    layers.embedding({ inputDim: V, outputDim: 32, inputLength: 8 }),
    layers.bidirectional({ layer: layers.lstm({ units: 32 }) }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}
const x = { data: Int32Array.from({ length: 16 * 8 }, (_, i) => (i * 37) % V), shape: [16, 8] };
const y = Float32Array.from({ length: 16 }, (_, i) => i % 2);
/** The arena's end of persistent memory (weights, row maps, optimizer state, projection tables). */
const persistent = (m: Sequential) => (m as unknown as { persistentMark: number }).persistentMark;

describe('optimizer state is reclaimed', () => {
  it('input-projection tables laid out again after a recompile predict the bytes of a model without them', () => {
    const m = model(), ref = model();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    ref.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    m.trainOnBatch(x, y); ref.trainOnBatch(x, y);
    m.cacheInputProjections();
    const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
    expect(bits(m.predict(x))).toEqual(bits(ref.predict(x)));
    const mark = persistent(m);
    m.compile({ optimizer: 'rmsprop', loss: 'binaryCrossentropy' }); // a smaller state: the tables move
    ref.compile({ optimizer: 'rmsprop', loss: 'binaryCrossentropy' });
    expect(bits(m.predict(x))).toEqual(bits(ref.predict(x)));
    m.trainOnBatch(x, y); ref.trainOnBatch(x, y);
    expect(bits(m.predict(x))).toEqual(bits(ref.predict(x)));
    expect(persistent(m)).toBeLessThan(mark);
    m.dispose(); ref.dispose();
  });

  it('recompiling a model 30 times keeps its persistent memory and Wasm memory at the size of one compile', () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    m.trainOnBatch(x, y);
    const mark = persistent(m), bytes = m.memoryBytes;
    for (let i = 0; i < 30; i++) {
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      m.trainOnBatch(x, y);
    }
    expect(persistent(m)).toBe(mark); // (was mark + 30 x the Adam state, 2 x 4 x params bytes each)
    expect(m.memoryBytes).toBe(bytes);
    m.dispose();
  });

  it('freezing and unfreezing a layer 30 times keeps the persistent memory bounded', () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    m.trainOnBatch(x, y);
    m.layers[0].trainable = false;
    m.trainOnBatch(x, y);
    m.layers[0].trainable = true;
    m.trainOnBatch(x, y);
    const mark = persistent(m);
    for (let i = 0; i < 30; i++) {
      m.layers[0].trainable = i % 2 === 1;
      m.trainOnBatch(x, y);
    }
    m.layers[0].trainable = true;
    m.trainOnBatch(x, y);
    expect(persistent(m)).toBeLessThanOrEqual(mark);
    m.dispose();
  });
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Collects garbage in jobs of their own (deref keeps a target alive until the end of its job). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10; i++) { gc(); await new Promise((r) => setTimeout(r, 10)); }
  return ref.deref() === undefined;
}
const memoryOf = (m: Sequential) => new WeakRef((m as unknown as { arena: { memory: WebAssembly.Memory } }).arena.memory);

describe('dispose() frees the Wasm memory of a model that stays reachable', () => {
  it('uncompiled: freed', async () => {
    const m = smallModel(3);
    m.predict(smallData(8).x);
    const ref = memoryOf(m);
    m.dispose();
    expect(await collected(ref)).toBe(true);
    expect(m.isDisposed).toBe(true);
  });

  it('compiled: freed too', async () => {
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(8);
    m.trainOnBatch(x, y);
    const ref = memoryOf(m);
    m.dispose();
    expect(await collected(ref)).toBe(true); // (was kept: m.optimizer's state -> arena -> memory)
    expect(m.isDisposed).toBe(true);
  });

  it('a disposed model\'s optimizer instance, kept by the caller, does not keep the memory', async () => {
    const opt = optimizers.adam({ learningRate: 1e-3 });
    let ref: WeakRef<WebAssembly.Memory>;
    {
      const m = smallModel(4);
      m.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
      const { x, y } = smallData(8);
      m.trainOnBatch(x, y);
      ref = memoryOf(m);
      m.dispose();
    }
    expect(await collected(ref)).toBe(true);
    expect(opt.iterations).toBe(1);
  });
});

// a layer holds its model weakly (layer.owner): a layer the caller keeps did keep a dropped, undisposed model (its
// memory and workers) alive (a review of the layer-ownership change)
describe('a layer the caller keeps', () => {
  it('does not keep its dropped model alive: without dispose(), the model is collected', async () => {
    const kept = layers.dense({ units: 2, name: 'kept' });
    // (made in a function of its own: an async function's block keeps its locals alive across awaits)
    const ref = ((): WeakRef<object> => {
      const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [3] }), kept] });
      m.predict([[1, 2, 3]]);
      return new WeakRef(m);
    })();
    expect(await collected(ref)).toBe(true);
    expect(kept.owner).toBeNull();
  });
});
