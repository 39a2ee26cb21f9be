// Optimizers against hand-written Keras update rules computed in float64 (test/fixtures/optimizers.json).
import { describe, it, expect } from 'vitest';
import { sequential, layers, optimizers, initSync, type Optimizer, type Sequential } from '../../src/index.js';
import { fixture, type Arr } from '../helpers/layer.js';
import { expectClose } from '../helpers/kernels.js';
import { adamStep, rmspropStep } from '../ref/optim.js';

interface Case { name: string; config: Record<string, number | string | boolean>; params: Arr[] }

function make(c: Case['config']): Optimizer {
  const lr = c.learning_rate as number;
  if (c.optimizer === 'adam') return optimizers.adam({ learningRate: lr, beta1: c.beta_1 as number, beta2: c.beta_2 as number, epsilon: c.epsilon as number });
  if (c.optimizer === 'sgd') return optimizers.sgd({ learningRate: lr, momentum: c.momentum as number, nesterov: c.nesterov as boolean });
  return optimizers.rmsprop({ learningRate: lr, rho: c.rho as number, momentum: c.momentum as number, epsilon: c.epsilon as number });
}

initSync();

describe('optimizers vs Keras rules', () => {
  const f = fixture<{ p0: Arr; grads: Arr[]; cases: Case[] }>('optimizers');
  const n = f.p0.data.length;
  for (const c of f.cases) {
    it(c.name, () => {
      // A linear model y = x . K with x = 1 and MSE-free gradient injection: a dense layer with no bias whose kernel
      // [1, n] is the parameter vector; the loss sum(y * g) / 1 (MSE with crafted labels) gives dK = g exactly.
      const m = sequential({ layers: [layers.dense({ units: n, useBias: false, inputShape: [1] })] });
      m.compile({ optimizer: make(c.config), loss: 'meanSquaredError' });
      m.setWeights([{ data: Float32Array.from(f.p0.data), shape: [1, n] }]);
      f.grads.forEach((g, step) => {
        // MSE over n outputs: dL/dy_j = 2 (y_j - t_j) / n; choose t = y - g n / 2 so that dL/dK = g
        const y = m.predict([[1]]).data;
        const t = Array.from(y, (v, j) => v - (g.data[j] * n) / 2);
        m.trainOnBatch([[1]], [t]);
        expectClose(m.getWeights()[0].data, c.params[step].data, 1e-6, 1e-5, `${c.name} step ${step + 1}`);
      });
    });
  }
});

describe('gradient clipping (Keras rules) and lazy Adam', () => {
  // One dense layer y = x . K + b with x = [1]: dK = dL/dy, db = dL/dy; MSE labels chosen so that dL/dy = g.
  function stepWith(opt: Optimizer, g: number[]): { K: Float32Array; b: Float32Array } {
    const n = g.length;
    const m = sequential({ layers: [layers.dense({ units: n, inputShape: [1], kernelInitializer: 'zeros' })] });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const t = g.map((v) => -(v * n) / 2);
    m.trainOnBatch([[1]], [t]);
    const w = m.getWeights();
    return { K: w[0].data, b: w[1].data };
  }

  it('clipnorm scales each tensor to norm c when larger', () => {
    const g = [3, 4]; // norm 5
    const r = stepWith(optimizers.sgd({ learningRate: 1, clipnorm: 1 }), g);
    expectClose(r.K, [-0.6, -0.8], 1e-7, 1e-6, 'K');
    expectClose(r.b, [-0.6, -0.8], 1e-7, 1e-6, 'b');
  });

  it('globalClipnorm scales all tensors by c / global norm', () => {
    const g = [3, 4]; // K and b each have norm 5: global norm sqrt(50)
    const r = stepWith(optimizers.sgd({ learningRate: 1, globalClipnorm: 1 }), g);
    const s = 1 / Math.sqrt(50);
    expectClose(r.K, [-3 * s, -4 * s], 1e-7, 1e-6, 'K');
  });

  it('clipvalue clips elementwise; clipnorm with globalClipnorm is an error', () => {
    const r = stepWith(optimizers.sgd({ learningRate: 1, clipvalue: 0.5 }), [3, -0.25]);
    expectClose(r.K, [-0.5, 0.25], 1e-7, 1e-6, 'K');
    expect(() => optimizers.adam({ clipnorm: 1, globalClipnorm: 1 })).toThrow(/at most one of clipnorm and globalClipnorm/);
    expect(() => optimizers.sgd({ clipnorm: -1 })).toThrow(/expected clipnorm > 0/);
  });

  it('Adam decays every embedding row (Keras) unless lazy, which leaves untouched rows alone', () => {
    const run = (lazy: boolean) => {
      const m = sequential({ seed: 1, layers: [layers.embedding({ inputDim: 4, outputDim: 2, inputLength: 1 }), layers.lstm({ units: 1 }), layers.dense({ units: 1 })] });
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.1, lazy }), loss: 'mse' });
      const w0 = m.getWeights()[0].data.slice();
      m.trainOnBatch([[1]], [1]);
      m.trainOnBatch([[2]], [1]); // row 1 untouched now, but its moments are non-zero
      return { w0, w: m.getWeights()[0].data };
    };
    const keras = run(false), lazy = run(true);
    expect(keras.w[2]).not.toBe(keras.w0[2]);   // row 1 moved again in step 2
    expect(lazy.w[0]).toBe(lazy.w0[0]);          // row 0 never touched
    expect(lazy.w[6]).toBe(lazy.w0[6]);          // row 3 never touched
    expect(keras.w[6]).toBe(keras.w0[6]);        // zero moments: an untouched row with m = 0 does not move
  });
});

describe('amsgrad, centered RMSprop and clipping through the public API vs float64 references (test/ref/optim.ts)', () => {
  /** Steps of a bias-free dense kernel [1, n] fed the gradient sequence gs (MSE labels chosen so that dL/dK = g). */
  function injected(opt: Optimizer, p0: number[], gs: number[][]): Float32Array[] {
    const n = p0.length;
    const m = sequential({ layers: [layers.dense({ units: n, useBias: false, inputShape: [1] })] });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    m.setWeights([{ data: Float32Array.from(p0), shape: [1, n] }]);
    return gs.map((g) => {
      const y = m.predict([[1]]).data;
      m.trainOnBatch([[1]], [Array.from(y, (v, j) => v - (g[j] * n) / 2)]);
      return m.getWeights()[0].data.slice();
    });
  }
  /** Compares each step's change p_t - p0 (the part the optimizer writes), tolerance relative to its scale. */
  function sameSteps(got: Float32Array[], want: Float64Array[], p0: number[], what: string): void {
    got.forEach((p, s) => {
      const d = Array.from(p, (v, i) => v - p0[i]), e = Array.from(want[s], (v, i) => v - p0[i]);
      const scale = Math.max(...e.map(Math.abs));
      expectClose(d, e, 2e-4 * scale, 1e-3, `${what} step ${s + 1}`);
    });
  }
  // a large first gradient, then small ones of changing sign: v shrinks, so vhat (amsgrad) and mg (centered) matter
  const gs = [[2, -3, 1.5, 0.5], [0.1, -0.2, -0.05, 0.3], [-0.2, 0.1, 0.05, -0.1], [0.05, 0.3, -0.2, 0.1]];
  const p0 = [0.5, -0.25, 1, -1];

  function refAdam(amsgrad: boolean, cfg = { lr: 0.1, b1: 0.9, b2: 0.5, eps: 1e-3 }): Float64Array[] {
    const p = Float64Array.from(p0), m = new Float64Array(4), v = new Float64Array(4), vh = amsgrad ? new Float64Array(4) : null;
    return gs.map((g, t) => { adamStep(p, m, v, vh, g, cfg.lr, cfg.b1, cfg.b2, cfg.eps, t + 1); return p.slice(); });
  }
  function refRms(centered: boolean, mu: number): Float64Array[] {
    const p = Float64Array.from(p0), v = new Float64Array(4), s = mu ? new Float64Array(4) : null, mg = centered ? new Float64Array(4) : null;
    return gs.map((g) => { rmspropStep(p, v, s, mg, g, 0.05, 0.8, 1e-3, mu); return p.slice(); });
  }
  const apart = (a: Float64Array[], b: Float64Array[]) => Math.max(...a.flatMap((p, s) => Array.from(p, (v, i) => Math.abs(v - b[s][i]))));

  it('adam({ amsgrad: true }) follows max(vhat, v), which differs here from plain Adam', () => {
    const want = refAdam(true);
    expect(apart(want, refAdam(false))).toBeGreaterThan(1e-2);
    sameSteps(injected(optimizers.adam({ learningRate: 0.1, beta2: 0.5, epsilon: 1e-3, amsgrad: true }), p0, gs), want, p0, 'amsgrad');
  });

  it('rmsprop({ centered: true }) divides by sqrt(v - mg^2 + eps), with and without momentum', () => {
    for (const mu of [0, 0.7]) {
      const want = refRms(true, mu);
      expect(apart(want, refRms(false, mu))).toBeGreaterThan(1e-2);
      sameSteps(injected(optimizers.rmsprop({ learningRate: 0.05, rho: 0.8, epsilon: 1e-3, momentum: mu, centered: true }), p0, gs), want, p0, `centered, momentum ${mu}`);
    }
  });

  // Clipping on a real model with an embedding (row-sparse gradient, ids repeated, rows 0 and 8 untouched): the
  // reference takes computeGradients' dense gradients, clips them as Keras (clip_by_norm per tensor, clip_by_global_norm,
  // clip_by_value) in float64 and applies the float64 Adam / RMSprop rule; trainOnBatch must land on the same weights.
  type Clip = { clipnorm?: number; globalClipnorm?: number; clipvalue?: number };
  function clipRef(gr: Float64Array[], c: Clip): Float64Array[] {
    const norm = (g: Float64Array) => Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    if (c.clipvalue !== undefined) return gr.map((g) => g.map((v) => Math.min(Math.max(v, -c.clipvalue!), c.clipvalue!)));
    if (c.clipnorm !== undefined) return gr.map((g) => { const n = norm(g); return n > c.clipnorm! ? g.map((v) => (v * c.clipnorm!) / n) : g; });
    if (c.globalClipnorm !== undefined) {
      const G = Math.sqrt(gr.reduce((s, g) => s + norm(g) ** 2, 0));
      return G > c.globalClipnorm ? gr.map((g) => g.map((v) => (v * c.globalClipnorm!) / G)) : gr;
    }
    return gr;
  }
  const cases: { opt: 'adam' | 'rmsprop'; clip: Clip }[] = [
    { opt: 'adam', clip: { clipnorm: 0.02 } }, { opt: 'adam', clip: { globalClipnorm: 0.03 } }, { opt: 'adam', clip: { clipvalue: 0.004 } },
    { opt: 'rmsprop', clip: { clipnorm: 0.02 } }, { opt: 'rmsprop', clip: { globalClipnorm: 0.03 } }, { opt: 'rmsprop', clip: { clipvalue: 0.004 } },
  ];
  for (const { opt, clip } of cases) {
    it(`${opt} with ${JSON.stringify(clip)}, embedding gradient row-sparse: 3 steps as the reference`, () => {
      // epsilon of the gradients' size, so the update depends on the gradient's scale (with eps ~ 0, Adam and RMSprop
      // would give the same first steps for any clipping factor)
      const lr = 0.01, eps = 1e-3;
      const make = () => opt === 'adam' ? optimizers.adam({ learningRate: lr, epsilon: eps, ...clip }) : optimizers.rmsprop({ learningRate: lr, epsilon: eps, ...clip });
      const m = sequential({ seed: 9, layers: [layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 4 }), layers.lstm({ units: 2 }), layers.dense({ units: 1 })] });
      m.compile({ optimizer: make(), loss: 'meanSquaredError' });
      const x = { data: Int32Array.from([1, 2, 2, 3, 4, 5, 1, 1, 6, 7, 3, 2]), shape: [3, 4] };
      const y = [1, -1, 0.5];
      const st = m.getWeights().map((w) => [new Float64Array(w.data.length), new Float64Array(w.data.length)]);
      const stepRef = (w: Float64Array, s: Float64Array[], g: Float64Array, t: number) => {
        const q = w.slice();
        if (opt === 'adam') adamStep(q, s[0], s[1], null, g, lr, 0.9, 0.999, eps, t);
        else rmspropStep(q, s[0], null, null, g, lr, 0.9, eps, 0);
        return q;
      };
      let bite = 0; // how far the unclipped update lands from the clipped one, in units of the tolerance
      for (let t = 1; t <= 3; t++) {
        const raw = m.computeGradients(x, y).grads.map((g) => Float64Array.from(g.data));
        const g = clipRef(raw, clip);
        // start each step from the model's f32 weights (no drift between the two)
        const before = m.getWeights().map((w) => Float64Array.from(w.data));
        const unclipped = before.map((w, k) => stepRef(w, st[k].map((a) => a.slice()), raw[k], t));
        const want = before.map((w, k) => stepRef(w, st[k], g[k], t));
        m.trainOnBatch(x, y);
        m.getWeights().forEach((w, k) => {
          const d = Array.from(w.data, (v, i) => v - before[k][i]), e = Array.from(want[k], (v, i) => v - before[k][i]);
          const scale = Math.max(...e.map(Math.abs));
          expectClose(d, e, 1e-3 * scale, 1e-3, `${m.weightNames[k]} step ${t}`);
          for (let i = 0; i < e.length; i++) bite = Math.max(bite, Math.abs(unclipped[k][i] - want[k][i]) / (1e-3 * scale + 1e-3 * Math.abs(e[i])));
        });
      }
      expect(bite).toBeGreaterThan(10);
    });
  }
});

// An optimizer's state lives in the memory of the model it was compiled into: one instance in two live models (two
// loads of one file have the same weight names) stepped the second with state pointers into the first's memory (a
// Wasm RuntimeError, the second's weights changed). Refused at compile, the second model left as it was; once the
// first is disposed or compiled with another optimizer, the instance is free and gets state of its new model's own.
describe('one optimizer instance, two models', () => {
  it('a second live model is refused (ConfigError) and left as it was; after the first lets go it trains as with its own', async () => {
    const { smallModel, smallData, weightBytes } = await import('../helpers/models.js');
    const { ConfigError, loadModel } = await import('../../src/index.js');
    const { x, y } = smallData(8);
    const base = smallModel(11);
    base.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const file = (await base.save(undefined, { includeOptimizer: false }))!;
    base.dispose();
    // loads of one file: the same weight names
    const load = async (optimizer: Parameters<Sequential['compile']>[0]['optimizer']) => {
      const m = await loadModel(file);
      m.compile({ optimizer, loss: 'binaryCrossentropy' });
      return m;
    };
    const steps = (m: Sequential) => { m.trainOnBatch(x, y); m.trainOnBatch(x, y); return weightBytes(m).map((w) => Array.from(w)); };
    const ref = await load(optimizers.adam({ learningRate: 0.01 }));
    const want = steps(ref);

    const shared = optimizers.adam({ learningRate: 0.01 });
    const a = await load(shared), b = await load('sgd');
    a.trainOnBatch(x, y);
    expect(() => b.compile({ optimizer: shared, loss: 'binaryCrossentropy' })).toThrow(ConfigError);
    expect(() => b.compile({ optimizer: shared, loss: 'binaryCrossentropy' })).toThrow(/already compiled into model/);
    expect(b.optimizer!.name, 'the refused compile left the model as it was').toBe('sgd');
    // a lets go (compiled with another optimizer): b takes the instance and state of its own
    a.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    shared.iterations = 0;
    b.predict(x);
    b.compile({ optimizer: shared, loss: 'binaryCrossentropy' });
    expect(steps(b)).toEqual(want);
    // ... and leaves a alone: a and its twin (the same calls without b) take steps with their new Adam
    const twin = await load(optimizers.adam({ learningRate: 0.01 }));
    twin.trainOnBatch(x, y);
    twin.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    expect(steps(a), 'a after b trained with the optimizer a let go').toEqual(steps(twin));
    // b disposed: a third model may take it
    b.dispose();
    const c = await load('sgd');
    shared.iterations = 0;
    c.compile({ optimizer: shared, loss: 'binaryCrossentropy' });
    expect(steps(c)).toEqual(want);
    for (const m of [a, c, ref, twin]) m.dispose();
  });
});

// Options are checked as the float32 the kernels take (a review of absurd values): beta1 0.99999999 is 1 there and a
// learning rate of 1e39 Infinity; either passed the double's check and the first step wrote NaN into every weight.
describe('optimizer options past what float32 holds', () => {
  it.each([
    ['adam beta1 0.99999999', () => optimizers.adam({ beta1: 0.99999999 }), /expected beta1 in \[0, 1\), got 0\.99999999 \(1 as the float32 the kernels take\)\./],
    ['adam learningRate 1e39', () => optimizers.adam({ learningRate: 1e39 }), /expected learningRate >= 0, got 1e\+39 \(Infinity as the float32/],
    ['rmsprop rho 0.999999999', () => optimizers.rmsprop({ rho: 0.999999999 }), /expected rho in \[0, 1\), got 0\.999999999 \(1 as the float32/],
  ])('%s is a ConfigError naming the float32 value', (_n, make, want) => {
    expect(make).toThrow(want);
  });

  it('the learningRate setter refuses 1e39 as it refuses Infinity', () => {
    const opt = optimizers.sgd();
    expect(() => { opt.learningRate = 1e39; }).toThrow(/as a float32/);
    expect(opt.learningRate).toBe(0.01);
  });
});

// compile({ optimizer: 'Adam' }) is refused.
//
// Keras (keras-team/tf-keras v2.15.0 tf_keras/optimizers/__init__.py deserialize, reached from get(identifier) with
// a str): "# Make deserialization case-insensitive for built-in optimizers.
//   if config["class_name"].lower() in all_classes: config["class_name"] = config["class_name"].lower()"
// so 'Adam', 'SGD', 'RMSprop' work (Keras 3 keras/src/optimizers/__init__.py get(): same lower-casing).
// TF.js (tensorflow/tfjs tfjs-layers/src/optimizers.ts getOptimizer): optimizerMap has 'Adam', 'RMSProp', 'SGD' and
// the lower-case aliases. (Before: only 'adam', 'sgd', 'rmsprop'.)
describe('optimizer names in any case (Keras, TF.js)', () => {
  it.each(['Adam', 'SGD', 'RMSprop', 'RMSProp'])('compile accepts the optimizer name %s', (name) => {
    const m = sequential({ layers: [layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] })] });
    expect(() => m.compile({ optimizer: name as never, loss: 'binaryCrossentropy' })).not.toThrow();
    expect(m.optimizer!.name.toLowerCase()).toBe(name.toLowerCase());
  });
});
