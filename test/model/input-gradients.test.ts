// Backward stops at the first layer with a weight the optimizer updates, and that layer skips its input gradient
// (Ctx.inputGrad): a frozen embedding's LSTM / Bi-LSTM, a first LSTM or Dense on features. The weights' gradients
// keep their bits (against the same model with something trainable before that layer), on 1 and 2 threads.
import { describe, it, expect } from 'vitest';
import { layers, sequential, init, type Layer, type Sequential } from '../../src/index.js';

type Arena = { f32(ptr: number, n: number): Float32Array };
const arenaOf = (m: Sequential) => (m as unknown as { arena: Arena }).arena;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
/** The LSTMs whose dx buffer [B*T, I] a skipped input gradient leaves unwritten (a Dense's is [B, I]). */
const lstmsOf = (l: Layer) => (l.className === 'Bidirectional'
  ? [(l as unknown as { forwardLayer: unknown }).forwardLayer, (l as unknown as { backwardLayer: unknown }).backwardLayer]
  : [l]) as unknown as { dx: number; I: number; idRows(): number }[];

interface Cfg { name: string; head: 'embedding' | 'features-lstm' | 'features-dense'; bidi?: boolean; merge?: 'concat' | 'sum'; rs?: boolean }
const V = 40, T = 9, D = 8, H = 6, F = 7; // (I > H: the LSTM's dx is a buffer of its own, not hseq)

/** The model under test (frozen: nothing trains before the recurrent / dense layer), or its reference, where a
 *  trainable layer before it makes the model compute that layer's input gradient: the embedding trainable, or an
 *  identity Dense in front of the features (x . I + 0 = x exactly). */
function build(cfg: Cfg, ref: boolean): Sequential {
  // the first layer declares the input shape
  const first = (shape: number[]) => (ref ? {} : { inputShape: shape });
  const rnn = (shape: number[]) => {
    const inner = layers.lstm({ units: H, returnSequences: cfg.rs ?? true });
    return cfg.bidi ? layers.bidirectional({ layer: inner, mergeMode: cfg.merge ?? 'concat', ...first(shape) })
      : layers.lstm({ units: H, returnSequences: cfg.rs ?? true, ...first(shape) });
  };
  const tail = () => [...((cfg.rs ?? true) ? [layers.attention({ returnSequences: false })] : []), layers.dense({ units: 1, activation: 'sigmoid' })];
  let ls: Layer[];
  if (cfg.head === 'embedding') ls = [layers.embedding({ inputDim: V, outputDim: D, inputLength: T, trainable: ref }), rnn([T, D]), ...tail()];
  else if (cfg.head === 'features-lstm') ls = [...(ref ? [layers.dense({ units: F, inputShape: [T, F] })] : []), rnn([T, F]), ...tail()];
  else ls = [...(ref ? [layers.dense({ units: F, inputShape: [F] })] : []), layers.dense({ units: 4, activation: 'tanh', ...first([F]) }), layers.dense({ units: 1, activation: 'sigmoid' })];
  const m = sequential({ seed: 3, layers: ls });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return m;
}

function batch(cfg: Cfg, n: number, ids: number) {
  const y = Float32Array.from({ length: n }, (_, i) => (i * 7 + 3) % 2);
  if (cfg.head === 'embedding') return { x: { data: Int32Array.from({ length: n * T }, (_, i) => 1 + ((i * 13 + (i >> 2)) % ids)), shape: [n, T] }, y };
  const len = cfg.head === 'features-lstm' ? n * T * F : n * F;
  return { x: { data: Float32Array.from({ length: len }, (_, i) => Math.sin(i * 0.37) * 0.9), shape: cfg.head === 'features-lstm' ? [n, T, F] : [n, F] }, y };
}

const cfgs: Cfg[] = [
  { name: 'frozen embedding, LSTM (sequences)', head: 'embedding' },
  { name: 'frozen embedding, LSTM (last output)', head: 'embedding', rs: false },
  { name: 'frozen embedding, Bi-LSTM concat', head: 'embedding', bidi: true },
  { name: 'frozen embedding, Bi-LSTM sum', head: 'embedding', bidi: true, merge: 'sum' },
  { name: 'frozen embedding, Bi-LSTM (last output)', head: 'embedding', bidi: true, rs: false },
  { name: 'LSTM first on features', head: 'features-lstm' },
  { name: 'Bi-LSTM first on features', head: 'features-lstm', bidi: true },
  { name: 'Dense first on features', head: 'features-dense' },
];

describe('backward stops at the first layer that trains, which skips its input gradient', () => {
  for (const cfg of cfgs) {
    it(`${cfg.name}: the weights' gradient bits of a model that computes it; dx untouched; 2 threads the bytes of 1`, async () => {
      const perThreads: number[][][] = [];
      for (const threads of [1, 2]) {
        await init({ threads });
        const fast = build(cfg, false), ref = build(cfg, true);
        // the same weights: the reference's extra leading weights (the embedding, or the identity Dense) first
        const wf = fast.getWeights(), wr = ref.getWeights();
        const extra = wr.length - wf.length;
        if (cfg.head === 'embedding') ref.setWeights(wf);
        else ref.setWeights([{ data: Float32Array.from({ length: F * F }, (_, i) => (i % (F + 1) === 0 ? 1 : 0)), shape: [F, F] }, { data: new Float32Array(F), shape: [F] }, ...wf]);
        expect(extra).toBe(cfg.head === 'embedding' ? 0 : 2);
        const rnn = fast.layers.find((l) => l.className === 'LSTM' || l.className === 'Bidirectional');
        const out: number[][] = [];
        // 20 rows (the parts path on 2 threads), 3 rows; few distinct ids (per id) and many (per position)
        for (const [n, ids] of [[20, 3], [20, V - 1], [3, V - 1]]) {
          const { x, y } = batch(cfg, n, ids);
          // (the first step allocates the buffers: the sentinel goes in after a first call)
          fast.computeGradients(x, y);
          const views = rnn ? lstmsOf(rnn).map((l) => arenaOf(fast).f32(l.dx, n * T * l.I))
            : [arenaOf(fast).f32((fast.layers[0] as unknown as { dx: number }).dx, n * F)];
          views.forEach((v) => v.fill(NaN));
          const gf = fast.computeGradients(x, y), gr = ref.computeGradients(x, y);
          expect(gf.loss, `loss, batch ${n}`).toBe(gr.loss);
          expect(gf.grads.length).toBe(gr.grads.length - (cfg.head === 'embedding' ? 1 : 2));
          const skip = gr.grads.length - gf.grads.length;
          gf.grads.forEach((g, i) => {
            expect(bits(g.data), `gradient ${i}, batch ${n}`).toEqual(bits(gr.grads[i + skip].data));
            out.push(bits(g.data));
          });
          expect(gf.grads.some((g) => g.data.some((v) => v !== 0))).toBe(true);
          const perId = rnn ? lstmsOf(rnn)[0].idRows() > 0 : false;
          // per position, the LSTM's (or Dense's) dx holds dz . W^T after a backward that computes it: left as it was here
          if (!perId) views.forEach((v, j) => expect(v.every(Number.isNaN), `dx of layer ${j} untouched, batch ${n}`).toBe(true));
        }
        // training steps keep both thread counts' bytes equal (compared below)
        for (let s = 0; s < 3; s++) { const { x, y } = batch(cfg, 20, s ? V - 1 : 3); fast.trainOnBatch(x, y); }
        out.push(...fast.getWeights().map((w) => bits(w.data)));
        fast.dispose(); ref.dispose();
        perThreads.push(out);
      }
      expect(perThreads[1]).toEqual(perThreads[0]);
    });
  }
});
