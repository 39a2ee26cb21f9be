// Losses with Keras's options through the public API: losses.binaryCrossentropy({ fromLogits, labelSmoothing }) and
// the others, checked at compile; a loss from logits on a model's raw output against the same model ending in
// sigmoid/softmax; the options in getCompileConfig, compileFromConfig and the model file. (Values against PyTorch:
// test/model/pytorch-model.test.ts and losses.test.ts.)
import { describe, it, expect } from 'vitest';
import { sequential, layers, losses, loadModel, initSync, ConfigError, type LossConfig } from '../../src/index.js';

initSync();

const T = 6, V = 13, K = 4, N = 10;
const ids = Int32Array.from({ length: N * T }, (_, i) => 1 + ((i * 7 + (i >> 3)) % (V - 1)));
const x = { data: ids, shape: [N, T] };
const yBin = Float32Array.from({ length: N }, (_, i) => (i * 5) % 3 === 0 ? 1 : 0);
const yIds = Float32Array.from({ length: N }, (_, i) => (i * 3) % K);
const yHot = new Float32Array(N * K);
yIds.forEach((c, i) => { yHot[i * K + c] = 1; });

function model(units: number, activation: 'sigmoid' | 'softmax' | 'linear', loss: string | LossConfig, metrics: ('accuracy')[] = []) {
  const m = sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: V, outputDim: 5, inputLength: T }),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units, activation }),
  ]});
  m.compile({ optimizer: 'adam', loss, metrics });
  return m;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 0, d = 0;
  for (let i = 0; i < a.length; i++) { scale = Math.max(scale, Math.abs(b[i])); d = Math.max(d, Math.abs(a[i] - b[i])); }
  return d / scale;
};

describe('losses with options', () => {
  it('losses.* build plain configs; compile refuses unknown losses, options a loss does not take, and bad values', () => {
    expect(losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 })).toEqual({ name: 'binaryCrossentropy', fromLogits: true, labelSmoothing: 0.1 });
    expect(losses.categoricalCrossentropy({ fromLogits: false, labelSmoothing: 0 })).toEqual({ name: 'categoricalCrossentropy' });
    // every factory's config (with each option it takes) compiles (a review: the sparse and MSE ones carried options
    // those losses refuse)
    const made: [LossConfig, 'sigmoid' | 'softmax' | 'linear', number][] = [
      [losses.binaryCrossentropy(), 'sigmoid', 1], [losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), 'linear', 1],
      [losses.categoricalCrossentropy(), 'softmax', K], [losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), 'linear', K],
      [losses.sparseCategoricalCrossentropy(), 'softmax', K], [losses.sparseCategoricalCrossentropy({ fromLogits: true }), 'linear', K],
      [losses.meanSquaredError(), 'linear', 1],
    ];
    for (const [loss, activation, units] of made) {
      const mm = model(units, activation, loss);
      expect(mm.getCompileConfig()!.loss, JSON.stringify(loss)).toEqual(Object.keys(loss).length === 1 ? loss.name : loss);
      const y = loss.name === 'sparseCategoricalCrossentropy' ? { data: yIds, shape: [N] } : units === K ? { data: yHot, shape: [N, K] } : yBin;
      expect(Number.isFinite(mm.trainOnBatch(x, y)[0]), JSON.stringify(loss)).toBe(true);
    }
    const m = model(1, 'linear', 'mse');
    const refused: [unknown, RegExp][] = [
      [{ name: 'hinge' }, /expected loss\.name to be one of .*got "hinge"/],
      [{ name: 'binaryCrossentropy', fromLogit: true }, /expected no option "fromLogit" \(its options are fromLogits, labelSmoothing\)\. Did you mean "fromLogits"\?/],
      [{ name: 'sparseCategoricalCrossentropy', labelSmoothing: 0.1 }, /sparseCategoricalCrossentropy: expected no option "labelSmoothing" \(its options are fromLogits\)/],
      [{ name: 'meanSquaredError', fromLogits: true }, /meanSquaredError: expected no option "fromLogits" \(it takes no options\)/],
      [{ name: 'binaryCrossentropy', fromLogits: 'yes' }, /expected fromLogits to be true or false, got "yes"/],
      [{ name: 'binaryCrossentropy', labelSmoothing: -0.1 }, /expected labelSmoothing to be a number in \[0, 1\], got -0\.1/],
      [{ name: 'categoricalCrossentropy', labelSmoothing: 1.5 }, /labelSmoothing to be a number in \[0, 1\], got 1\.5/],
      [{ name: 'categoricalCrossentropy', labelSmoothing: NaN }, /labelSmoothing to be a number in \[0, 1\], got NaN/],
      [['binaryCrossentropy'], /expected loss to be a loss name or \{ name, fromLogits, labelSmoothing \}/],
    ];
    for (const [loss, msg] of refused) {
      const e = (() => { try { m.compile({ optimizer: 'sgd', loss: loss as LossConfig }); return null; } catch (err) { return err; } })();
      expect(e, JSON.stringify(loss)).toBeInstanceOf(ConfigError);
      expect((e as Error).message, JSON.stringify(loss)).toMatch(msg);
    }
    // a refused compile leaves the model compiled as before
    expect(m.getCompileConfig()!.loss).toBe('meanSquaredError');
    expect(() => losses.binaryCrossentropy({ labelSmoothing: 2 })).toThrow(/losses\.binaryCrossentropy: expected labelSmoothing to be a number in \[0, 1\], got 2/);
    expect(() => (losses.meanSquaredError as (o: unknown) => unknown)({ fromLogits: true })).toThrow(ConfigError);
  });

  it('binary fromLogits on a linear output trains to the same bits as the fused sigmoid model, and predicts its logits', () => {
    const fused = model(1, 'sigmoid', 'binaryCrossentropy');
    const raw = model(1, 'linear', losses.binaryCrossentropy({ fromLogits: true }));
    raw.setWeights(fused.getWeights());
    const p = fused.predict(x).data, z = raw.predict(x).data;
    // the logits are the sigmoid's inputs: sigmoid(z) is p (to float32 rounding), and z takes negative values
    expect(maxRel(Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v))), p)).toBeLessThan(1e-6);
    expect(Math.min(...z)).toBeLessThan(0);
    for (let s = 0; s < 3; s++) expect(raw.trainOnBatch(x, yBin)[0]).toBe(fused.trainOnBatch(x, yBin)[0]);
    raw.getWeights().forEach((w, i) => expect(bits(w.data), `weight ${i}`).toEqual(bits(fused.getWeights()[i].data)));
  });

  it('fromLogits on a model ending in sigmoid/softmax trains from its logits, the bits of fromLogits false (tf.keras _get_logits)', () => {
    // a review: the sigmoid's output was read as logits (a second sigmoid); tf.keras and Keras 3 on TensorFlow take
    // the activation's input whatever from_logits says
    for (const [units, activation, name, y] of [[1, 'sigmoid', 'binaryCrossentropy', yBin], [K, 'softmax', 'categoricalCrossentropy', { data: yHot, shape: [N, K] }],
      [K, 'softmax', 'sparseCategoricalCrossentropy', { data: yIds, shape: [N] }]] as const) {
      const plain = model(units, activation, name);
      const logits = model(units, activation, { name, fromLogits: true });
      logits.setWeights(plain.getWeights());
      const a = plain.computeGradients(x, y), b = logits.computeGradients(x, y);
      expect(b.loss, name).toBe(a.loss);
      b.grads.forEach((g, i) => expect(bits(g.data), `${name} gradient ${i}`).toEqual(bits(a.grads[i].data)));
      expect(bits(logits.predict(x).data), `${name} predictions are probabilities`).toEqual(bits(plain.predict(x).data));
    }
  });

  for (const [name, y] of [['categoricalCrossentropy', yHot], ['sparseCategoricalCrossentropy', yIds]] as const) {
    it(`${name} fromLogits on a linear output: the loss and gradients of the softmax model, its logits as predictions`, () => {
      const fused = model(K, 'softmax', name);
      const raw = model(K, 'linear', { name, fromLogits: true });
      raw.setWeights(fused.getWeights());
      const yy = { data: y, shape: name === 'sparseCategoricalCrossentropy' ? [N] : [N, K] };
      const gf = fused.computeGradients(x, yy), gr = raw.computeGradients(x, yy);
      expect(Math.abs(gr.loss - gf.loss)).toBeLessThan(1e-6 * gf.loss);
      gr.grads.forEach((g, i) => expect(maxRel(g.data, gf.grads[i].data), `gradient ${i}`).toBeLessThan(1e-5));
      // predictions are logits: their softmax is the fused model's output, and they do not sum to 1
      const z = raw.predict(x).data, p = fused.predict(x).data;
      const sm = new Float32Array(N * K);
      for (let n = 0; n < N; n++) {
        const row = z.subarray(n * K, (n + 1) * K), mx = Math.max(...row);
        const e = Array.from(row, (v) => Math.exp(v - mx)), s = e.reduce((a, b) => a + b, 0);
        e.forEach((v, k) => { sm[n * K + k] = v / s; });
      }
      expect(maxRel(sm, p)).toBeLessThan(1e-5);
      expect(Math.abs(z.subarray(0, K).reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(1e-3);
    });
  }

  it('categorical label smoothing: the loss of the smoothed one-hot labels given as soft labels', () => {
    const s = 0.3;
    const smoothed = model(K, 'softmax', losses.categoricalCrossentropy({ labelSmoothing: s }));
    const soft = model(K, 'softmax', 'categoricalCrossentropy');
    soft.setWeights(smoothed.getWeights());
    const ys = yHot.map((v) => Math.fround(Math.fround(v * Math.fround(1 - Math.fround(s))) + Math.fround(Math.fround(s) / K)));
    const a = smoothed.computeGradients(x, { data: yHot, shape: [N, K] }), b = soft.computeGradients(x, { data: ys, shape: [N, K] });
    expect(a.loss).toBe(b.loss);
    a.grads.forEach((g, i) => expect(bits(g.data), `gradient ${i}`).toEqual(bits(b.grads[i].data)));
    // and not the unsmoothed labels' (the dense bias's gradient is sum(p - y') / N: it moves by s (1/K - y))
    const none = soft.computeGradients(x, { data: yHot, shape: [N, K] }).grads.at(-1)!.data;
    expect(maxRel(a.grads.at(-1)!.data, none)).toBeGreaterThan(0.05);
  });

  it("accuracy with a binary loss fromLogits thresholds the raw output at 0.5, as Keras's 'accuracy' does", () => {
    const m = model(1, 'linear', losses.binaryCrossentropy({ fromLogits: true }), ['accuracy']);
    const z = m.predict(x).data;
    const want = Array.from(z).reduce((a, v, i) => a + ((v > 0.5 ? 1 : 0) === yBin[i] ? 1 : 0), 0) / N;
    expect(m.evaluate(x, yBin)[1]).toBe(Math.fround(want));
  });

  it('getCompileConfig keeps the options (a name alone when they are the defaults); compileFromConfig and the model file restore them', async () => {
    expect(model(1, 'sigmoid', losses.binaryCrossentropy()).getCompileConfig()!.loss).toBe('binaryCrossentropy');
    expect(model(1, 'sigmoid', 'binary_crossentropy').getCompileConfig()!.loss).toBe('binaryCrossentropy');
    const loss = losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.15 });
    const m = model(1, 'linear', loss);
    expect(m.getCompileConfig()!.loss).toEqual({ name: 'binaryCrossentropy', fromLogits: true, labelSmoothing: 0.15 });
    const again = model(1, 'linear', 'mse');
    again.compileFromConfig(JSON.parse(JSON.stringify(m.getCompileConfig())));
    expect(again.getCompileConfig()).toEqual(m.getCompileConfig());
    // the model file: the loaded model trains on as the original (the same loss, so the same bits)
    m.trainOnBatch(x, yBin);
    const loaded = await loadModel((await m.save())!);
    expect(loaded.getCompileConfig()).toEqual(m.getCompileConfig());
    expect(loaded.trainOnBatch(x, yBin)[0]).toBe(m.trainOnBatch(x, yBin)[0]);
    loaded.getWeights().forEach((w, i) => expect(bits(w.data), `weight ${i}`).toEqual(bits(m.getWeights()[i].data)));
    // a foreign option in a config is refused as compile refuses it
    expect(() => again.compileFromConfig({ ...m.getCompileConfig(), loss: { name: 'binaryCrossentropy', axis: -1 } })).toThrow(/expected no option "axis"/);
  });
});
