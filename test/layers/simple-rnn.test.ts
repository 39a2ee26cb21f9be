// SimpleRNN and Bidirectional(SimpleRNN) layers against PyTorch float64 fixtures (test/fixtures/simple_rnn.json) and the
// float64 reference, with masks, goBackwards, merge modes, and training in a model (threads, files, projections).
import { describe, it, expect } from 'vitest';
import { layers, sequential, initSync, loadModel, ConfigError } from '../../src/index.js';
import { fixture, runLayer } from '../helpers/layer.js';
import { expectLayerMatchesCase, parityTokens, trainOnThreads, type RecurrentCase } from '../helpers/recurrent.js';
import { expectClose, rand } from '../helpers/kernels.js';
import { rnnForward, rnnBackward } from '../ref/rnn.js';
import { TANH } from '../ref/dense.js';

describe('simpleRNN vs PyTorch', () => {
  const f = fixture<{ cases: RecurrentCase[] }>('simple_rnn');
  for (const c of f.cases) {
    it(`${c.name}: ${c.act}, goBackwards ${c.goBackwards}, returnSequences ${c.returnSequences}${c.mask ? ', masked' : ''}`, () => {
      expectLayerMatchesCase(layers.simpleRNN({ units: c.dims.H, activation: c.act as 'tanh' | 'relu', returnSequences: c.returnSequences, goBackwards: c.goBackwards }), c);
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
    const { x, y } = parityTokens();
    const bytes = await trainOnThreads(build, x, y, async (m, loss) => {
      expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.7);
      expect(m.getConfig().config.layers[2]).toMatchObject({ className: 'SimpleRNN', config: { units: 6, activation: 'relu', goBackwards: true } });
      expect(m.getConfig().config.layers[2].config).not.toHaveProperty('recurrentActivation');
      const back = await loadModel(await m.save());
      const want = Buffer.from(m.predict(x).data.buffer);
      expect(Buffer.from(back.predict(x).data.buffer).equals(want)).toBe(true);
      back.cacheInputProjections();
      expect(Buffer.from(back.predict(x).data.buffer).equals(want)).toBe(true);
      back.dispose();
    });
    expect(bytes[0].equals(bytes[1])).toBe(true);
  });

  it('refuses a recurrentActivation, a recurrentDropout outside [0, 1), and bad option types, naming them', () => {
    initSync();
    expect(() => layers.simpleRNN({ units: 4, recurrentActivation: 'sigmoid' } as never)).toThrow(ConfigError);
    expect(() => layers.simpleRNN({ units: 4, recurrentDropout: NaN })).toThrow(/expected recurrentDropout to be a rate in \[0, 1\), got NaN/);
    expect(() => layers.simpleRNN({ units: 0 })).toThrow(/layers\.simpleRNN\(simple_rnn(_\d+)?\): expected units/);
    expect(() => layers.simpleRNN({ units: 2, activation: 'gelu' as never })).toThrow(/activation/);
  });
});
