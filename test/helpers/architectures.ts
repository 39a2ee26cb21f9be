// Random valid architectures for the property fuzzing of test/fuzz/architectures.test.ts and bench/fuzz.ts --arch:
// the arbitrary, the model and seeded data it describes, and the properties checked on it.
import fc from 'fast-check';
import { initSync, sequential, layers, loadModel, type Sequential, type Layer } from '../../src/index.js';

initSync();

const rnn = fc.record({
  bi: fc.boolean(),
  units: fc.integer({ min: 1, max: 5 }),
  merge: fc.constantFrom('concat' as const, 'sum' as const, 'mul' as const, 'ave' as const),
  activation: fc.constantFrom('tanh' as const, 'relu' as const, 'sigmoid' as const, 'linear' as const),
  recurrentActivation: fc.constantFrom('sigmoid' as const, 'hardSigmoid' as const, 'hardSigmoidKeras3' as const),
  goBackwards: fc.boolean(),
});

export const arch = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  input: fc.constantFrom('ids' as const, 'idsMasked' as const, 'floats' as const, 'floatsMasked' as const),
  T: fc.integer({ min: 1, max: 6 }),
  V: fc.integer({ min: 2, max: 12 }),
  E: fc.integer({ min: 1, max: 6 }),
  batchNorm: fc.boolean(),
  dropout: fc.constantFrom(null, 'dropout' as const, 'spatial' as const),
  rnns: fc.array(rnn, { minLength: 1, maxLength: 2 }),
  head: fc.constantFrom('attention' as const, 'attentionSeqAvg' as const, 'avg' as const, 'max' as const, 'last' as const),
  hidden: fc.option(fc.integer({ min: 1, max: 5 })),
  out: fc.constantFrom('binary' as const, 'softmax' as const, 'regression' as const),
  B: fc.integer({ min: 2, max: 5 }),
  dataSeed: fc.nat(),
});
export type Arch = typeof arch extends fc.Arbitrary<infer A> ? A : never;

export function build(a: Arch): Sequential {
  const ls: Layer[] = [];
  if (a.input.startsWith('ids')) ls.push(layers.embedding({ inputDim: a.V, outputDim: a.E, inputLength: a.T, maskZero: a.input === 'idsMasked' }));
  else ls.push(layers.masking({ maskValue: 0, inputShape: [a.T, a.E] }));
  if (a.batchNorm) ls.push(layers.batchNormalization(), layers.activation({ activation: 'tanh' }));
  if (a.dropout === 'dropout') ls.push(layers.dropout({ rate: 0.3 }));
  if (a.dropout === 'spatial') ls.push(layers.spatialDropout1D({ rate: 0.3 }));
  a.rnns.forEach((r, i) => {
    const returnSequences = i < a.rnns.length - 1 || a.head !== 'last';
    const lstm = layers.lstm({ units: r.units, activation: r.activation, recurrentActivation: r.recurrentActivation, goBackwards: r.goBackwards && !r.bi, returnSequences });
    ls.push(r.bi ? layers.bidirectional({ layer: lstm, mergeMode: r.merge }) : lstm);
  });
  if (a.head === 'attention') ls.push(layers.attention({ returnSequences: false }));
  if (a.head === 'attentionSeqAvg') ls.push(layers.attention({ returnSequences: true }), layers.globalAveragePooling1D());
  if (a.head === 'avg') ls.push(layers.globalAveragePooling1D());
  if (a.head === 'max') ls.push(layers.globalMaxPooling1D());
  if (a.hidden !== null) ls.push(layers.dense({ units: a.hidden, activation: 'relu' }));
  ls.push(a.out === 'binary' ? layers.dense({ units: 1, activation: 'sigmoid' })
    : a.out === 'softmax' ? layers.dense({ units: 3, activation: 'softmax' }) : layers.dense({ units: 2 }));
  const m = sequential({ seed: a.seed, layers: ls });
  m.compile({ optimizer: 'adam', loss: a.out === 'binary' ? 'binaryCrossentropy' : a.out === 'softmax' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError' });
  return m;
}

/** Seeded inputs and labels (an integer generator, not the library's): ids with zeros (padding) at the ends of some
 *  rows; floats in [-1, 1] with all-zero (masked) steps at the ends of some rows. Every row keeps one real step. */
export function data(a: Arch) {
  let s = a.dataSeed >>> 0;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const ids = a.input.startsWith('ids');
  const F = ids ? 1 : a.E;
  const x = ids ? new Int32Array(a.B * a.T) : new Float32Array(a.B * a.T * F);
  for (let b = 0; b < a.B; b++) {
    const len = 1 + Math.floor(next() * a.T);
    for (let t = 0; t < a.T; t++) for (let f = 0; f < F; f++) {
      const i = (b * a.T + t) * F + f;
      if (t >= len && a.input !== 'ids' && a.input !== 'floats') x[i] = 0;
      else x[i] = ids ? 1 + Math.floor(next() * (a.V - 1)) : Math.round((next() * 2 - 1) * 64) / 64 || 0.5;
    }
  }
  const y = a.out === 'regression' ? Float32Array.from({ length: a.B * 2 }, () => next() * 2 - 1)
    : a.out === 'softmax' ? Float32Array.from({ length: a.B }, () => Math.floor(next() * 3))
    : Float32Array.from({ length: a.B }, () => (next() < 0.5 ? 0 : 1));
  const xShape = ids ? [a.B, a.T] : [a.B, a.T, F];
  const row = (b: number) => ({ data: x.slice(b * a.T * F, (b + 1) * a.T * F), shape: [1, ...xShape.slice(1)] });
  return { x: { data: x, shape: xShape }, y: { data: y, shape: a.out === 'regression' ? [a.B, 2] : [a.B, 1] }, row };
}

const bits = (f: Float32Array) => new Uint32Array(f.buffer, f.byteOffset, f.length);

/** Every property for one architecture; throws naming the first that fails. */
export async function check(a: Arch): Promise<void> {
  const m = build(a);
  const d = data(a);
  // one training step first: the weights then differ from what the seed builds, so save -> load must carry them
  const [loss0] = m.trainOnBatch(d.x, d.y);
  if (!Number.isFinite(loss0)) throw new Error(`trainOnBatch: loss ${loss0}`);
  const p = m.predict(d.x);
  const out = p.data as Float32Array;
  const k = out.length / a.B;
  if (!out.every(Number.isFinite)) throw new Error(`predict: not finite: ${Array.from(out)}`);
  for (let b = 0; b < a.B; b++) {
    const alone = m.predict(d.row(b)).data as Float32Array;
    const inBatch = out.subarray(b * k, (b + 1) * k);
    if (!bits(alone).every((v, i) => v === bits(inBatch)[i])) throw new Error(`row ${b} alone ${Array.from(alone)} != in the batch ${Array.from(inBatch)}`);
  }
  const again = await loadModel((await m.save())!);
  const q = again.predict(d.x).data as Float32Array;
  if (!bits(q).every((v, i) => v === bits(out)[i])) throw new Error(`save -> load: ${Array.from(q)} != ${Array.from(out)}`);
  const g = m.computeGradients(d.x, d.y);
  if (!Number.isFinite(g.loss)) throw new Error(`computeGradients: loss ${g.loss}`);
  for (const w of g.grads) if (!w.data.every(Number.isFinite)) throw new Error(`computeGradients: a gradient of shape [${w.shape}] is not finite`);
}
