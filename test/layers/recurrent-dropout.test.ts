// The recurrent layers' dropout (Keras's LSTM/GRU/SimpleRNN dropout and recurrent_dropout): in training one keep mask
// [B, I] per batch on the input and one [B, H] on h_{t-1} in the recurrent product, shared over time, scaled by
// 1 / (1 - rate); the layer equals the float64 reference on those masks; inference reads x as it is; a Bidirectional's
// directions draw masks of their own; the same bytes per seed and on 1 or 2 threads; configs and files keep the rates.
import { describe, it, expect } from 'vitest';
import { layers, sequential, init, initSync, loadModel } from '../../src/index.js';
import { runLayer } from '../helpers/layer.js';
import { expectClose, rand } from '../helpers/kernels.js';
import { rnnForward, rnnBackward } from '../ref/rnn.js';
import { gruForward, gruBackward } from '../ref/gru.js';
import { lstmForward, lstmBackward } from '../ref/lstm.js';
import { TANH, SIGMOID } from '../ref/dense.js';

const B = 6, T = 5, I = 7, H = 4, RATE = 0.4;
const f32 = (v: ArrayLike<number>) => Float64Array.from(Float32Array.from(v as number[]));

/** The mask [B, I] the layer drew (its private buffer), as numbers. */
function maskOf(r: ReturnType<typeof runLayer>): Float64Array {
  const p = (r.layer as unknown as { dropMask: number }).dropMask;
  return Float64Array.from(r.arena.f32(p, B * I));
}

describe('recurrent input dropout', () => {
  for (const kind of ['simpleRNN', 'gru', 'lstm'] as const) {
    it(`${kind}: training runs the plain recurrence on x times one mask per sample and feature, shared over time; inference reads x`, () => {
      const x = f32(rand(B * T * I, 1)), dy = f32(rand(B * H, 2));
      const make = (dropout: number) => layers[kind]({ units: H, dropout, goBackwards: true });
      const r = runLayer(make(RATE), [T, I], B, x, dy, { seed: 3 });
      const m = maskOf(r);
      // the mask: 0 or 1 / (1 - rate) (its float32), some of each
      const keep = Math.fround(1 / (1 - RATE));
      expect(Array.from(m).every((v) => v === 0 || v === keep)).toBe(true);
      expect(m.filter((v) => v === 0).length).toBeGreaterThan(3);
      expect(m.filter((v) => v === keep).length).toBeGreaterThan(3);
      const xd = f32(x.map((v, i) => v * m[Math.floor(i / (T * I)) * I + (i % I)]));
      const [W, U, b] = r.weights;
      // dL/dh at the last processed step (goBackwards: position 0)
      const dh = new Float64Array(B * T * H);
      for (let s = 0; s < B; s++) for (let j = 0; j < H; j++) dh[(s * T) * H + j] = dy[s * H + j];
      const d = { B, T, I, H, reverse: true, act: TANH, recAct: SIGMOID };
      let y: Float64Array, g: { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array };
      if (kind === 'simpleRNN') { const h = rnnForward(xd, W, U, b, d); y = h; g = rnnBackward(dh, xd, W, U, h, d); }
      else if (kind === 'gru') { y = gruForward(xd, W, U, b, { ...d, resetAfter: true }).hseq; g = gruBackward(dh, xd, W, U, b, { ...d, resetAfter: true }); }
      else { const cache = lstmForward(xd, W, U, b, d); y = cache.hseq; g = lstmBackward(dh, xd, W, U, cache, d); }
      const last = Float64Array.from({ length: B * H }, (_, i) => y[Math.floor(i / H) * T * H + (i % H)]);
      expectClose(r.y, last, 1e-5, 1e-4, 'y');
      // forward: x' = x * mask  =>  dx = dx' * mask
      expectClose(r.dx!, g.dx.map((v, i) => v * m[Math.floor(i / (T * I)) * I + (i % I)]), 5e-5, 5e-4, 'dx');
      expectClose(r.grads[0], g.dW, 5e-5, 5e-4, 'dW');
      expectClose(r.grads[1], g.dU, 5e-5, 5e-4, 'dU');
      // inference: the input as it is, the plain layer's output
      const inf = runLayer(make(RATE), [T, I], B, x, null, { seed: 3, training: false, weights: r.weights });
      const plain = runLayer(make(0), [T, I], B, x, null, { seed: 3, training: false, weights: r.weights });
      expect(Array.from(inf.y)).toEqual(Array.from(plain.y));
    });
  }

  for (const kind of ['simpleRNN', 'gru', 'lstm'] as const) {
    it(`${kind}: recurrentDropout masks h_{t-1} in the recurrent product with one mask per sample and unit; with dropout too; masked input`, () => {
      const x = f32(rand(B * T * I, 6)), dy = f32(rand(B * T * H, 7));
      const mask = Array.from({ length: B * T }, (_, i) => (i % T === 2 && i % 3 === 0 ? 0 : 1));
      const make = (recurrentDropout: number, dropout = 0) => layers[kind]({ units: H, recurrentDropout, dropout, returnSequences: true });
      const r = runLayer(make(0.3, RATE), [T, I], B, x, dy, { seed: 4, mask });
      const rm = Float64Array.from(r.arena.f32((r.layer as unknown as { rmask: number }).rmask, B * H));
      const keep = Math.fround(1 / 0.7);
      expect(Array.from(rm).every((v) => v === 0 || v === keep)).toBe(true);
      expect(rm.filter((v) => v === 0).length).toBeGreaterThan(0);
      const m = maskOf(r);
      const xd = f32(x.map((v, i) => v * m[Math.floor(i / (T * I)) * I + (i % I)]));
      const [W, U, b] = r.weights;
      const d = { B, T, I, H, reverse: false, act: TANH, recAct: SIGMOID };
      let y: Float64Array, g: { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array };
      if (kind === 'simpleRNN') { y = rnnForward(xd, W, U, b, d, mask, rm); g = rnnBackward(dy, xd, W, U, y, d, mask, rm); }
      else if (kind === 'gru') { y = gruForward(xd, W, U, b, { ...d, resetAfter: true }, mask, rm).hseq; g = gruBackward(dy, xd, W, U, b, { ...d, resetAfter: true }, mask, rm); }
      else { const cache = lstmForward(xd, W, U, b, d, mask, rm); y = cache.hseq; g = lstmBackward(dy, xd, W, U, cache, d, mask, rm); }
      expectClose(r.y, y, 1e-5, 1e-4, 'y');
      expectClose(r.dx!, g.dx.map((v, i) => v * m[Math.floor(i / (T * I)) * I + (i % I)]), 5e-5, 5e-4, 'dx');
      expectClose(r.grads[1], g.dU, 5e-5, 5e-4, 'dU');
      expectClose(r.grads[2], g.dbias, 5e-5, 5e-4, 'dbias');
      // inference: neither mask
      const inf = runLayer(make(0.3, RATE), [T, I], B, x, null, { seed: 4, training: false, weights: r.weights, mask });
      const plain = runLayer(make(0), [T, I], B, x, null, { seed: 4, training: false, weights: r.weights, mask });
      expect(Array.from(inf.y)).toEqual(Array.from(plain.y));
    });
  }

  it('a Bidirectional draws a mask per direction; a model trains to the same bytes on 1 and 2 threads, and its file keeps the rate', async () => {
    initSync();
    const bi = runLayer(layers.bidirectional({ layer: layers.gru({ units: H, dropout: RATE, returnSequences: true }) }), [T, I], B, f32(rand(B * T * I, 4)), f32(rand(B * T * 2 * H, 5)), { seed: 3 });
    const l = bi.layer as unknown as { forwardLayer: { dropMask: number }; backwardLayer: { dropMask: number } };
    const mf = Array.from(bi.arena.f32(l.forwardLayer.dropMask, B * I)), mb = Array.from(bi.arena.f32(l.backwardLayer.dropMask, B * I));
    expect(mf).not.toEqual(mb);
    const n = 32, L = 8;
    const ids = Int32Array.from({ length: n * L }, (_, i) => 1 + ((i * 7 + (i >> 3)) % 19));
    const x = { data: ids, shape: [n, L] }, y = Float32Array.from({ length: n }, (_, r) => ids[r * L] % 2);
    const build = () => sequential({ seed: 9, layers: [
      layers.embedding({ inputDim: 20, outputDim: 12, inputLength: L }),
      layers.bidirectional({ layer: layers.lstm({ units: 16, dropout: 0.3, recurrentDropout: 0.25, returnSequences: true }) }),
      layers.gru({ units: 6, dropout: 0.2, recurrentDropout: 0.1 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    const out: Buffer[] = [];
    for (const threads of [1, 2]) {
      await init({ threads });
      const m = build();
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
      out.push(Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength))));
      expect(m.getConfig().config.layers[2].config).toMatchObject({ dropout: 0.2, recurrentDropout: 0.1 });
      const back = await loadModel(await m.save());
      expect((back.getConfig().config.layers[1].config.layer as { config: { dropout: number } }).config.dropout).toBe(0.3);
      expect(Buffer.from(back.predict(x).data.buffer).equals(Buffer.from(m.predict(x).data.buffer))).toBe(true);
      back.dispose(); m.dispose();
    }
    expect(out[0].equals(out[1])).toBe(true);
  });
});
