// GlobalAveragePooling1D and GlobalMaxPooling1D as layers and in models: the mean over real steps (Keras), the max over
// every step with the mask ignored (Keras 2.15 and 3.15), the mask consumed, keepdims, and the shapes they refuse.
import { describe, it, expect } from 'vitest';
import { layers, sequential, ShapeError } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { rand } from '../helpers/kernels.js';
import { poolAvgForward, poolAvgBackward, poolMaxForward, poolMaxBackward } from '../ref/pool.js';
import { expectClose } from '../helpers/kernels.js';

const B = 3, T = 4, F = 5;
const MASK = [1, 1, 0, 0, /* */ 0, 0, 0, 0, /* */ 0, 1, 1, 1];
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('globalAveragePooling1D', () => {
  it('averages each sample over its real steps; an all-masked sample gives 0; without a mask over T', () => {
    const x = Float32Array.from(rand(B * T * F, 1, -2, 2)), dy = Float32Array.from(rand(B * F, 2));
    for (const mask of [MASK, null]) {
      const r = runLayer(layers.globalAveragePooling1D(), [T, F], B, x, dy, mask ? { mask } : {});
      expectClose(r.y, poolAvgForward(x, B, T, F, mask), 1e-6, 1e-5, 'y');
      expectClose(r.dx!, poolAvgBackward(dy, B, T, F, mask), 1e-7, 1e-6, 'dx');
      if (mask) expect(Array.from(r.y.slice(F, 2 * F))).toEqual([0, 0, 0, 0, 0]);
    }
  });

  it('consumes the mask; keepdims gives [batch, 1, features]', () => {
    const l = layers.globalAveragePooling1D();
    l.inMask = 99;
    expect(l.outputMask()).toBe(0);
    const m = sequential({ layers: [layers.globalAveragePooling1D({ keepdims: true, inputShape: [T, F] }), layers.dense({ units: 2 })] });
    expect(m.outputShape).toEqual([1, 2]);
    const x = { data: Float32Array.from(rand(B * T * F, 3)), shape: [B, T, F] };
    expect(m.predict(x).shape).toEqual([B, 1, 2]);
  });

  it('in a masked model: pad contents and batch neighbours do not change a sample\'s bits', () => {
    const m = sequential({ seed: 4, layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 6, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }),
      layers.globalAveragePooling1D(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    const X = [[3, 4, 5, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 2, 7, 1, 8], [4, 4, 0, 6, 0, 0], [9, 0, 0, 0, 0, 0]];
    const all = m.predict(X);
    X.forEach((row, i) => expect(bits(m.predict([row]).data)[0]).toBe(bits(all.data)[i]));
    const w = m.getWeights();
    w[0].data.set([5, -3, 0.25, 100, -7]);
    m.setWeights(w);
    expect(bits(m.predict(X).data)).toEqual(bits(all.data));
    // the all-padded sample pools to 0: sigmoid(dense bias 0) = 0.5
    expect(all.data[1]).toBe(0.5);
  });
});

describe('globalMaxPooling1D', () => {
  it('takes the max over every step (the mask is ignored, as Keras); the gradient goes to the first max', () => {
    const x = Float32Array.from(rand(B * T * F, 5, -2, 2)), dy = Float32Array.from(rand(B * F, 6));
    x[(0 * T + 3) * F + 2] = 50;                      // a masked step of sample 0 holds the max of feature 2
    const r = runLayer(layers.globalMaxPooling1D(), [T, F], B, x, dy, { mask: MASK });
    const want = poolMaxForward(x, B, T, F);
    expect(Array.from(r.y)).toEqual(Array.from(want.y));
    expect(r.y[2]).toBe(50);
    expect(Array.from(r.dx!)).toEqual(Array.from(Float32Array.from(poolMaxBackward(dy, want.arg, B, T, F))));
  });

  it('consumes the mask and refuses input without a time axis', () => {
    const l = layers.globalMaxPooling1D();
    l.inMask = 7;
    expect(l.outputMask()).toBe(0);
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] }), layers.globalMaxPooling1D()] });
    expect(() => m.outputShape).toThrow(ShapeError);
    expect(() => m.outputShape).toThrow(/global_max_pooling1d(_\d+)?: expected input \[batch, time, features\] with a known feature size \(put it after an LSTM or GRU with returnSequences: true\), got per-sample shape \[2\]\./);
  });

  it('summary: no parameters, output (None, features)', () => {
    const m = sequential({ layers: [layers.lstm({ units: 4, returnSequences: true, inputShape: [6, 2] }), layers.globalMaxPooling1D({ name: 'gmp' })] });
    const text = m.summary(undefined, undefined, () => {});
    expect(text).toMatch(/gmp \(GlobalMaxPooling1D\)\s+\(None, 4\)\s+0/);
  });
});
