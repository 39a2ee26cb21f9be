// GRU and Bidirectional(GRU) layers against PyTorch float64 fixtures (test/fixtures/gru.json) and the float64
// reference (itself checked against them), with masks, goBackwards, every merge mode, and training in a model.
import { describe, it, expect } from 'vitest';
import { layers, sequential, initSync, loadModel, ConfigError, Sequential } from '../../src/index.js';
import { fixture, runLayer } from '../helpers/layer.js';
import { expectLayerMatchesCase, parityTokens, trainOnThreads, type RecurrentCase } from '../helpers/recurrent.js';
import { expectClose, rand } from '../helpers/kernels.js';
import { gruForward, gruBackward, type GruDims } from '../ref/gru.js';
import { TANH, SIGMOID } from '../ref/dense.js';

describe('gru vs PyTorch', () => {
  const f = fixture<{ cases: (RecurrentCase & { resetAfter: boolean })[] }>('gru');
  for (const c of f.cases) {
    it(`${c.name}: resetAfter ${c.resetAfter}, goBackwards ${c.goBackwards}, returnSequences ${c.returnSequences}${c.mask ? ', masked' : ''}`, () => {
      expectLayerMatchesCase(layers.gru({ units: c.dims.H, returnSequences: c.returnSequences, goBackwards: c.goBackwards, resetAfter: c.resetAfter }), c);
    });
  }
});

/** Bidirectional's expected output and gradients from the float64 reference (Keras: the backward direction's sequence
 *  flipped back to input positions, zeros at masked steps when returning sequences). */
function biReference(x: Float64Array, w: Float64Array[], d: Omit<GruDims, 'reverse'>, mode: string, seqs: boolean, dy: Float64Array, mask?: number[]) {
  const { B, T, H } = d;
  const run = (k: number, reverse: boolean) => gruForward(x, w[k], w[k + 1], w[k + 2], { ...d, reverse }, mask).hseq;
  const hf = run(0, false), hb = run(3, true);
  const last = (h: Float64Array, t: number) => Float64Array.from({ length: B * H }, (_, i) => h[(Math.floor(i / H) * T + t) * H + (i % H)]);
  const zeroMasked = (h: Float64Array) => (mask ? h.map((v, i) => (mask[Math.floor(i / H)] ? v : 0)) : h);
  const f = seqs ? zeroMasked(hf) : last(hf, T - 1), g = seqs ? zeroMasked(hb) : last(hb, 0);
  const R = f.length / H;
  const out = mode === 'concat' ? new Float64Array(2 * f.length) : new Float64Array(f.length);
  const df = new Float64Array(f.length), dg = new Float64Array(f.length);
  for (let r = 0; r < R; r++) for (let j = 0; j < H; j++) {
    const i = r * H + j, a = f[i], b = g[i];
    if (mode === 'concat') { out[r * 2 * H + j] = a; out[r * 2 * H + H + j] = b; df[i] = dy[r * 2 * H + j]; dg[i] = dy[r * 2 * H + H + j]; }
    else if (mode === 'sum') { out[i] = a + b; df[i] = dy[i]; dg[i] = dy[i]; }
    else if (mode === 'mul') { out[i] = a * b; df[i] = dy[i] * b; dg[i] = dy[i] * a; }
    else { out[i] = (a + b) / 2; df[i] = dy[i] / 2; dg[i] = dy[i] / 2; }
  }
  // back to per-position gradients of each direction's hseq
  const spread = (dv: Float64Array, t: number) => {
    if (seqs) return mask ? dv.map((v, i) => (mask[Math.floor(i / H)] ? v : 0)) : dv;
    const full = new Float64Array(B * T * H);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) full[(b * T + t) * H + j] = dv[b * H + j];
    return full;
  };
  const gf = gruBackward(spread(df, T - 1), x, w[0], w[1], w[2], { ...d, reverse: false }, mask);
  const gb = gruBackward(spread(dg, 0), x, w[3], w[4], w[5], { ...d, reverse: true }, mask);
  return { y: out, dx: gf.dx.map((v, i) => v + gb.dx[i]), grads: [gf.dW, gf.dU, gf.dbias, gb.dW, gb.dU, gb.dbias] };
}

describe('bidirectional gru', () => {
  const B = 3, T = 5, I = 4, H = 6;
  for (const resetAfter of [true, false]) for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const seqs of [true, false]) {
    it(`matches the reference: resetAfter ${resetAfter}, mergeMode ${mode}, returnSequences ${seqs}, masked`, () => {
      const G = 3 * H, nb = resetAfter ? 2 * G : G;
      const x = Float64Array.from(Float32Array.from(rand(B * T * I, 1)));
      const w = [I * G, H * G, nb, I * G, H * G, nb].map((n, k) => Float64Array.from(Float32Array.from(rand(n, 10 + k, -0.5, 0.5))));
      const mask = [1, 1, 1, 0, 0, /**/ 0, 1, 1, 1, 1, /**/ 1, 0, 1, 0, 1];
      const outW = mode === 'concat' ? 2 * H : H;
      const dy = Float64Array.from(Float32Array.from(rand(B * (seqs ? T : 1) * outW, 30)));
      const l = layers.bidirectional({ layer: layers.gru({ units: H, returnSequences: seqs, resetAfter }), mergeMode: mode });
      const got = runLayer(l, [T, I], B, x, dy, { weights: w, mask });
      const want = biReference(x, w, { B, T, I, H, act: TANH, recAct: SIGMOID, resetAfter }, mode, seqs, dy, mask);
      expectClose(got.y, want.y, 1e-5, 1e-4, 'y');
      expectClose(got.dx!, want.dx, 5e-5, 5e-4, 'dx');
      want.grads.forEach((g, i) => expectClose(got.grads[i], g, 5e-5, 5e-4, `grad ${i}`));
    });
  }
});

describe('zeroOutputForMask on the last output (LSTM and GRU)', () => {
  // Keras's backend.rnn: last_output = outputs[-1], the masked outputs, so a sample whose final processed step is masked
  // returns 0 (and takes no gradient there); the others return the state, as without the option
  for (const kind of ['gru', 'lstm'] as const) for (const goBackwards of [false, true]) {
    it(`${kind}, goBackwards ${goBackwards}: 0 where the final processed step is masked, else the state; gradients likewise`, () => {
      const B = 4, T = 5, I = 3, H = 4;
      const x = Float64Array.from(Float32Array.from(rand(B * T * I, 3)));
      // final processed step: t = T - 1 (forwards) or 0 (goBackwards); rows 1 and 3 have it masked
      const last = goBackwards ? 0 : T - 1;
      const mask = Array.from({ length: B * T }, (_, i) => (i % T === last && Math.floor(i / T) % 2 === 1 ? 0 : (i % T === 2 ? 0 : 1)));
      const dy = Float64Array.from(Float32Array.from(rand(B * H, 4)));
      const make = (zero: boolean) => (kind === 'gru' ? layers.gru({ units: H, goBackwards, zeroOutputForMask: zero }) : layers.lstm({ units: H, goBackwards, zeroOutputForMask: zero }));
      const plain = runLayer(make(false), [T, I], B, x, dy.map((v, i) => (Math.floor(i / H) % 2 === 1 ? 0 : v)), { mask, seed: 5 });
      const zeroed = runLayer(make(true), [T, I], B, x, dy, { mask, seed: 5, weights: plain.weights });
      for (let b = 0; b < B; b++) {
        const got = Array.from(zeroed.y.subarray(b * H, (b + 1) * H)), carried = Array.from(plain.y.subarray(b * H, (b + 1) * H));
        // (zeros of either sign: the mask multiplies, as Keras's where() keeps the sign of nothing)
        if (b % 2 === 1) { expect(got.every((v) => v === 0), `row ${b}: ${got}`).toBe(true); expect(carried.some((v) => v !== 0)).toBe(true); }
        else expect(got, `row ${b}`).toEqual(carried);
      }
      // the masked rows' dy never reaches the weights or x: the gradients of the plain layer with those rows of dy at 0
      expect(Array.from(zeroed.dx!)).toEqual(Array.from(plain.dx!));
      zeroed.grads.forEach((g, i) => expect(Array.from(g), `grad ${i}`).toEqual(Array.from(plain.grads[i])));
    });
  }
});

describe('gru in a model', () => {
  it('trains: the loss falls, the same seed gives the same weight bytes on 1 and 2 threads, and config round trips', async () => {
    const build = () => sequential({ seed: 7, layers: [
      layers.embedding({ inputDim: 12, outputDim: 8, inputLength: 9, maskZero: true }),
      layers.bidirectional({ layer: layers.gru({ units: 10, returnSequences: true }) }),
      layers.gru({ units: 6, resetAfter: false, goBackwards: true }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    const { x, y } = parityTokens();
    const bytes = await trainOnThreads(build, x, y, async (m, loss) => {
      expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.5);
      // the model file keeps the layer's options and weights: the same predictions, bit for bit
      expect(m.getConfig().config.layers[2]).toMatchObject({ className: 'GRU', config: { units: 6, resetAfter: false, goBackwards: true } });
      expect(m.getConfig().config.layers[1]).toMatchObject({ className: 'Bidirectional', config: { layer: { className: 'GRU', config: { resetAfter: true } } } });
      const back = await loadModel(await m.save());
      expect(Buffer.from(back.predict(x).data.buffer).equals(Buffer.from(m.predict(x).data.buffer))).toBe(true);
      back.dispose();
    });
    expect(bytes[0].equals(bytes[1])).toBe(true);
  });

  it('a Bidirectional around a GRU or LSTM built with trainable false keeps both directions frozen (Keras), through its config too', () => {
    initSync();
    for (const kind of ['gru', 'lstm'] as const) {
      const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
        layers.bidirectional({ layer: layers[kind]({ units: 3, trainable: false }) }), layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const before = m.getWeights().map((w) => Array.from(w.data));
      m.trainOnBatch({ data: Int32Array.from({ length: 20 }, (_, i) => i % 10), shape: [4, 5] }, Float32Array.of(0, 1, 0, 1));
      const moved = m.getWeights().map((w, i) => Array.from(w.data).some((v, j) => v !== before[i][j]));
      expect(moved, kind).toEqual([true, false, false, false, false, false, false, true, true]);
      expect(Sequential.fromConfig(m.getConfig()).layers[1].trainable, kind).toBe(false);
      m.dispose();
    }
  });

  it('refuses rates outside [0, 1) and wrong option types, naming them', () => {
    initSync();
    expect(() => layers.gru({ units: 4, recurrentDropout: 1 })).toThrow(ConfigError);
    expect(() => layers.gru({ units: 4, recurrentDropout: 1 })).toThrow(/expected recurrentDropout to be a rate in \[0, 1\), got 1/);
    expect(() => layers.gru({ units: 4, dropout: -0.1 })).toThrow(/expected dropout to be a rate in \[0, 1\)/);
    expect(() => layers.gru({ units: 4, resetAfter: 'yes' as unknown as boolean })).toThrow(/resetAfter/);
    expect(() => layers.gru({ units: 0 })).toThrow(/units/);
  });
});
