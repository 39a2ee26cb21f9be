// compile refused with a MemoryError (the new optimizer's state does not fit) changes nothing (README "Errors"): the
// model keeps its optimizer and state and trains on (before, it was left on the new optimizer, its old state cleared).
import { describe, it, expect, beforeAll } from 'vitest';
import { init, MemoryError, sequential, layers } from '../../src/index.js';

beforeAll(async () => { await init(); });

describe('compile refused by a MemoryError', () => {
  it('a model of 1.4 GiB of embedding recompiled with adam (2.8 GiB of state)', () => {
    const V = 2 ** 19, D = 720;
    const m = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: V, outputDim: D, inputLength: 2 }),
      layers.globalAveragePooling1D(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const x = { data: new Int32Array([1, 2]), shape: [1, 2] };
    m.trainOnBatch(x, [1]);
    expect(() => m.compile({ optimizer: 'adam', loss: 'meanSquaredError' })).toThrow(MemoryError);
    // fails: compile set the new optimizer and loss before allocateOptimizer refused it
    const cfg = m.getCompileConfig() as { optimizer: { class_name?: string; className?: string }; loss: string };
    expect({ loss: cfg.loss, trains: (() => { try { m.trainOnBatch(x, [1]); return true; } catch (e) { return (e as Error).name; } })() })
      .toEqual({ loss: 'binaryCrossentropy', trains: true });
    m.dispose();
  });
});
