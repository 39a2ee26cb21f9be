// SpatialDropout1D as a layer: whole channels dropped over time in training (mask [B, F] from the layer's Philox
// stream, the same draw dropout makes over B * F elements), kept values scaled by 1 / (1 - rate), identity at
// inference, the sequence mask passed on, the stream moving between steps, and the shape it refuses.
import { describe, it, expect } from 'vitest';
import { layers, sequential, ShapeError } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { rand } from '../helpers/kernels.js';
import { dropoutMask } from '../ref/rng.js';
import { StreamSet } from '../../src/core/rng.js';

const B = 4, T = 5, F = 6;

describe('spatialDropout1D', () => {
  it('in training drops whole channels: y[b, t, f] = x[b, t, f] * mask[b, f] with the reference Philox mask', () => {
    const x = Float32Array.from(rand(B * T * F, 1, 0.5, 1.5));
    const r = runLayer(layers.spatialDropout1D({ rate: 0.5 }), [T, F], B, x, null, { seed: 9, training: true });
    const s = new StreamSet(9).get(0, 'dropout');
    const mask = dropoutMask(B * F, 0.5, s.k0, s.k1, s.lo, s.hi);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) {
      const i = (b * T + t) * F + f;
      expect(r.y[i]).toBe(Math.fround(x[i] * mask[b * F + f]));
    }
    expect(mask.some((m) => m === 0) && mask.some((m) => m === 2)).toBe(true);
  });

  it('is the identity at inference and with rate 0; rate 1 gives zeros in training', () => {
    const x = Float32Array.from(rand(B * T * F, 2));
    const dy = Float32Array.from(rand(B * T * F, 3));
    for (const [rate, training] of [[0.5, false], [0, true]] as const) {
      const r = runLayer(layers.spatialDropout1D({ rate }), [T, F], B, x, dy, { training });
      expect(Array.from(r.y)).toEqual(Array.from(x));
      expect(Array.from(r.dx!)).toEqual(Array.from(dy));
    }
    const r1 = runLayer(layers.spatialDropout1D({ rate: 1 }), [T, F], B, x, dy, { training: true });
    expect(r1.y.every((v) => v === 0) && r1.dx!.every((v) => v === 0)).toBe(true);
  });

  it('backward: dx = dy * mask[b, f] at every step', () => {
    const x = Float32Array.from(rand(B * T * F, 4, 0.5, 1.5)), dy = Float32Array.from(rand(B * T * F, 5));
    const r = runLayer(layers.spatialDropout1D({ rate: 0.3 }), [T, F], B, x, dy, { seed: 2, training: true });
    const s = new StreamSet(2).get(0, 'dropout');
    const mask = dropoutMask(B * F, 0.3, s.k0, s.k1, s.lo, s.hi);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) {
      const i = (b * T + t) * F + f;
      expect(r.dx![i] + 0).toBe(Math.fround(dy[i] * mask[b * F + f]) + 0);
    }
  });

  it('passes the sequence mask on, as Keras (supports_masking)', () => {
    const l = layers.spatialDropout1D({ rate: 0.5 });
    l.inMask = 1234;
    expect(l.outputMask()).toBe(1234);
  });

  it('draws a new mask each training step (the stream moves by ceil(B * F / 4) blocks), none in predict', async () => {
    const m = sequential({ seed: 5, layers: [layers.spatialDropout1D({ rate: 0.5, inputShape: [T, F] }), layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = { data: Float32Array.from(rand(B * T * F, 6)), shape: [B, T, F] };
    const y = { data: new Float32Array(B * T), shape: [B, T, 1] };
    const p1 = m.predict(x).data, p2 = m.predict(x).data;
    expect(Array.from(p1)).toEqual(Array.from(p2));
    const g1 = m.computeGradients(x, y), g2 = m.computeGradients(x, y);
    expect(Array.from(g1.grads[0].data)).toEqual(Array.from(g2.grads[0].data));
    m.trainOnBatch(x, y);
    expect(m.state.streams['0/dropout']).toBe(Math.ceil((B * F) / 4));
  });

  it('refuses input that is not [batch, time, features]', () => {
    const m = sequential({ layers: [layers.spatialDropout1D({ rate: 0.5, inputShape: [6] })] });
    expect(() => m.summary(undefined, undefined, () => {})).toThrow(ShapeError);
    expect(() => m.summary(undefined, undefined, () => {})).toThrow(/spatial_dropout1d(_\d+)?: expected input \[batch, time, features\] \(SpatialDropout1D drops whole feature channels over time\), got per-sample shape \[6\]\./);
  });
});
