// A Bidirectional's forwardLayer moved alone to another model: the model it was in keeps running (alive() checks
// only its top-level layers' owners), and once the other model lays the LSTM out (LSTM.build makes new Weight
// objects, and LSTM.plan activation buffers, whose pointers are in the other model's memory) the first model's
// Bidirectional uses those pointers in its own memory: here a RuntimeError (memory access out of bounds), in other
// layouts silently other predictions; never a StateError. Pre-existing at c92b992 (7bcb1c8).
import { describe, it, expect } from 'vitest';
import { initSync, sequential, layers, StateError } from '../src/index.js';

initSync();

const T = 6, V = 14, N = 12;
const x = { data: Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 5 + (i >> 2)) % (V - 1))), shape: [N, T] };
const yBin = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('a layer nested in a Bidirectional moved alone', () => {
  it('the first model refuses its next call, or predicts as before', () => {
    const a = sequential({ seed: 1, layers: [
      layers.embedding({ inputDim: V, outputDim: 5, inputLength: T, name: 'emb' }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), name: 'bi' }),
      layers.globalAveragePooling1D({ name: 'gap' }),
      layers.dense({ units: 1, activation: 'sigmoid', name: 'head' }),
    ]});
    a.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    for (let s = 0; s < 5; s++) a.trainOnBatch(x, yBin);
    const want = bits(a.predict(x).data);
    const fwd = (a.getLayer('bi') as unknown as { forwardLayer: never }).forwardLayer;
    const b = sequential({ seed: 2, layers: [
      layers.dense({ units: 5, inputShape: [T, 5], name: 'pre' }), fwd,
      layers.globalAveragePooling1D({ name: 'gap2' }), layers.dense({ units: 1, name: 'h2' }),
    ]});
    b.predict({ data: new Float32Array(N * T * 5).fill(0.5), shape: [N, T, 5] }); // lays the forward LSTM out in b's memory
    let got: number[] | null = null;
    try { got = bits(a.predict(x).data); } catch (e) { expect(e).toBeInstanceOf(StateError); return; }
    expect(got).toEqual(want);
  });
});
