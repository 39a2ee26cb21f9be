// SimpleRNN and Bidirectional(SimpleRNN) layers against PyTorch float64 fixtures (test/fixtures/simple_rnn.json) and the
// float64 reference, with masks, goBackwards, merge modes, and training in a model (threads, files, projections).
import { describe, it, expect } from 'vitest';
import { layers, sequential, init, initSync, loadModel, optimizers, ConfigError } from '../../src/index.js';
import { fixture, runLayer, type Arr } from '../helpers/layer.js';
import { expectClose, rand } from '../helpers/kernels.js';
import { rnnForward, rnnBackward } from '../ref/rnn.js';
import { flipTime, TANH } from '../ref/dense.js';

interface RnnCase {
  name: string; goBackwards: boolean; returnSequences: boolean; act: string; dims: { B: number; T: number; I: number; H: number };
  x: Arr; mask: Arr | null; kernel: Arr; recurrent_kernel: Arr; bias: Arr; y: Arr; r: Arr; dx: Arr; dkernel: Arr; drecurrent_kernel: Arr; dbias: Arr;
}

describe('simpleRNN vs PyTorch', () => {
  const f = fixture<{ cases: RnnCase[] }>('simple_rnn');
  for (const c of f.cases) {
    it(`${c.name}: ${c.act}, goBackwards ${c.goBackwards}, returnSequences ${c.returnSequences}${c.mask ? ', masked' : ''}`, () => {
      const { B, T, I, H } = c.dims;
      const l = layers.simpleRNN({ units: H, activation: c.act as 'tanh' | 'relu', returnSequences: c.returnSequences, goBackwards: c.goBackwards });
      const order = (v: number[]) => (c.returnSequences && c.goBackwards ? flipTime(v, B, T, H) : v);
      const r = runLayer(l, [T, I], B, c.x.data, order(c.r.data),
        { weights: [c.kernel.data, c.recurrent_kernel.data, c.bias.data], ...(c.mask ? { mask: c.mask.data } : {}) });
      expectClose(r.y, order(c.y.data), 1e-5, 1e-4, 'y');
      expectClose(r.dx!, c.dx.data, 5e-5, 5e-4, 'dx');
      expectClose(r.grads[0], c.dkernel.data, 5e-5, 5e-4, 'dkernel');
      expectClose(r.grads[1], c.drecurrent_kernel.data, 5e-5, 5e-4, 'drecurrent_kernel');
      expectClose(r.grads[2], c.dbias.data, 5e-5, 5e-4, 'dbias');
    });
  }
});

describe('bidirectional simpleRNN', () => {
  const B = 3, T = 5, I = 4, H = 6;
  for (const mode of ['concat', 'ave'] as const) for (const seqs of [true, false]) {
    it(`matches the reference: mergeMode ${mode}, returnSequences ${seqs}, masked`, () => {
      const x = Float64Array.from(Float32Array.from(rand(B * T * I, 1)));
      const w = [I * H, H * H, H, I * H, H * H, H].map((n, k) => Float64Array.from(Float32Array.from(rand(n, 10 + k, -0.5, 0.5))));
      const mask = [1, 1, 1, 0, 0, /**/ 0, 1, 1, 1, 1, /**/ 1, 0, 1, 0, 1];
      const outW = mode === 'concat' ? 2 * H : H;
      const dy = Float64Array.from(Float32Array.from(rand(B * (seqs ? T : 1) * outW, 30)));
      const got = runLayer(layers.bidirectional({ layer: layers.simpleRNN({ units: H, returnSequences: seqs }), mergeMode: mode }), [T, I], B, x, dy, { weights: w, mask });
      // the reference: forward direction over input positions, backward direction reversed (aligned back), zeros at
      // masked steps when returning sequences; dy split (concat) or halved (ave) onto each direction's steps
      const dims = { B, T, I, H, act: TANH };
      const hf = rnnForward(x, w[0], w[1], w[2], { ...dims, reverse: false }, mask), hb = rnnForward(x, w[3], w[4], w[5], { ...dims, reverse: true }, mask);
      const R = B * (seqs ? T : 1), y = new Float64Array(R * outW), df = new Float64Array(B * T * H), dg = new Float64Array(B * T * H);
      for (let r = 0; r < R; r++) {
        const bt = seqs ? r : Math.floor(r) * T;
        const pf = seqs ? r : r * T + T - 1, pb = seqs ? r : r * T;
        const on = seqs ? mask[r] : 1;
        void bt;
        for (let j = 0; j < H; j++) {
          const a = on * hf[pf * H + j], b = on * hb[pb * H + j];
          if (mode === 'concat') { y[r * 2 * H + j] = a; y[r * 2 * H + H + j] = b; df[pf * H + j] = on * dy[r * 2 * H + j]; dg[pb * H + j] = on * dy[r * 2 * H + H + j]; }
          else { y[r * H + j] = (a + b) / 2; df[pf * H + j] = on * dy[r * H + j] / 2; dg[pb * H + j] = on * dy[r * H + j] / 2; }
        }
      }
      expectClose(got.y, y, 1e-5, 1e-4, 'y');
      const gf = rnnBackward(df, x, w[0], w[1], hf, { ...dims, reverse: false }, mask), gb = rnnBackward(dg, x, w[3], w[4], hb, { ...dims, reverse: true }, mask);
      expectClose(got.dx!, gf.dx.map((v, i) => v + gb.dx[i]), 5e-5, 5e-4, 'dx');
      [gf.dW, gf.dU, gf.dbias, gb.dW, gb.dU, gb.dbias].forEach((g, i) => expectClose(got.grads[i], g, 5e-5, 5e-4, `grad ${i}`));
    });
  }
});

describe('simpleRNN in a model', () => {
  it('trains: the loss falls, 1 and 2 threads give the same weight bytes, the file and config round trip, projections give the same bytes', async () => {
    const build = () => sequential({ seed: 3, layers: [
      layers.embedding({ inputDim: 12, outputDim: 8, inputLength: 9, maskZero: true }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 10, returnSequences: true }) }),
      layers.simpleRNN({ units: 6, activation: 'relu', goBackwards: true }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    const n = 48;
    const ids = Int32Array.from({ length: n * 9 }, (_, i) => (i % 9 < 2 + (Math.floor(i / 9) % 4) ? 0 : 1 + ((i * 7 + (i >> 2)) % 11)));
    const y = Float32Array.from({ length: n }, (_, r) => (ids[r * 9 + 8] % 2));
    const x = { data: ids, shape: [n, 9] };
    const bytes: Buffer[] = [];
    for (const threads of [1, 2]) {
      await init({ threads });
      const m = build();
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy' });
      const h = await m.fit(x, y, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
      const loss = h.history.loss as number[];
      expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.7);
      bytes.push(Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength))));
      expect(m.getConfig().config.layers[2]).toMatchObject({ className: 'SimpleRNN', config: { units: 6, activation: 'relu', goBackwards: true } });
      expect(m.getConfig().config.layers[2].config).not.toHaveProperty('recurrentActivation');
      const back = await loadModel(await m.save());
      const want = Buffer.from(m.predict(x).data.buffer);
      expect(Buffer.from(back.predict(x).data.buffer).equals(want)).toBe(true);
      back.cacheInputProjections();
      expect(Buffer.from(back.predict(x).data.buffer).equals(want)).toBe(true);
      back.dispose();
      m.dispose();
    }
    expect(bytes[0].equals(bytes[1])).toBe(true);
  });

  it('refuses a recurrentActivation, recurrentDropout, and bad option types, naming them', () => {
    initSync();
    expect(() => layers.simpleRNN({ units: 4, recurrentActivation: 'sigmoid' } as never)).toThrow(ConfigError);
    expect(() => layers.simpleRNN({ units: 4, recurrentDropout: 0.2 })).toThrow(/recurrentDropout inside the SimpleRNN is not supported yet/);
    expect(() => layers.simpleRNN({ units: 0 })).toThrow(/layers\.simpleRNN\(simple_rnn(_\d+)?\): expected units/);
    expect(() => layers.simpleRNN({ units: 2, activation: 'gelu' as never })).toThrow(/activation/);
  });
});
