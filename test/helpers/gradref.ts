// The gradient property of the architecture fuzzing: a random architecture's float64 model loss composed from the
// test/ref layer references with the model's own weights, its analytic float64 gradient, and the check of
// model.computeGradients against it (and of that gradient against central differences of the float64 loss).
import fc from 'fast-check';
import { arch, build, data, type Arch } from './architectures.js';
import { seededWeights } from './models.js';
import { embeddingForward, embeddingBackward, embeddingMask } from '../ref/embedding.js';
import { bnForwardTrain, bnBackwardTrain } from '../ref/norm.js';
import {
  activationForward, activationBackward, denseForward, denseBackward, flipTime, mergeForward, mergeBackward, takeStep,
  maskRows, maskingCompute, LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID, HARD_SIGMOID_K3,
} from '../ref/dense.js';
import { lstmForward, lstmBackward } from '../ref/lstm.js';
import { attentionForward, attentionBackward } from '../ref/attention.js';
import { poolAvgForward, poolAvgBackward, poolMaxForward, poolMaxBackward } from '../ref/pool.js';
import { bceLogits, cceLogits, mse } from '../ref/loss.js';

/** The architectures every layer of which has a float64 reference in training mode: no dropout (the rest of `arch`,
 *  batch normalization included, in training mode with batch statistics, as computeGradients runs it). */
export const gradArch = arch.map((a): Arch => ({ ...a, dropout: null }));

const ACT = { linear: LINEAR, sigmoid: SIGMOID, tanh: TANH, relu: RELU, hardSigmoid: HARD_SIGMOID, hardSigmoidKeras3: HARD_SIGMOID_K3 } as const;
const BN_EPS = 1e-3;
const add = (x: ArrayLike<number>, y: ArrayLike<number>) => Float64Array.from(x, (v, i) => v + y[i]);

/**
 * The float64 model: mean loss over the batch (Keras sum_over_batch_size; sigmoid and softmax outputs through their
 * logits, as the library and tf.keras do) at weights `w` (getWeights order, non-trainable ones included), and
 * d loss / d w for every weight (0 for the non-trainable moving statistics). Mirrors test/helpers/architectures.ts build.
 */
export function refModel(a: Arch, w: ArrayLike<number>[], x: ArrayLike<number>, y: ArrayLike<number>): { loss: number; grads: Float64Array[] } {
  const { B, T } = a;
  const grads = w.map((v) => new Float64Array(v.length));
  const back: ((dy: Float64Array) => Float64Array)[] = [];
  let wi = 0;
  const take = (n: number) => { const at = wi; wi += n; return at; };
  let h: Float64Array, F = a.E, mask: Float64Array | null;
  if (a.input.startsWith('ids')) {
    const e = take(1), ids = x, D = F;
    h = embeddingForward(ids, w[e], B * T, F);
    mask = a.input === 'idsMasked' ? embeddingMask(ids) : null;
    back.push((dy) => { grads[e].set(embeddingBackward(dy, ids, a.V, B * T, D)); return new Float64Array(0); });
  } else {
    // Masking(0): the mask exists (all ones without padding); output x * mask, dx = dy * mask
    const m = maskingCompute(x, B * T, F, 0), D = F;
    h = maskRows(x, m, B * T, D);
    mask = m;
    back.push((dy) => maskRows(dy, m, B * T, D));
  }
  if (a.batchNorm) {
    const g = take(4), xin = h, m = mask ?? undefined, C = F;
    const cache = bnForwardTrain(xin, w[g], w[g + 1], B * T, C, BN_EPS, m);
    back.push((dy) => {
      const r = bnBackwardTrain(dy, xin, w[g], cache.mean, cache.invstd, B * T, C, m);
      grads[g].set(r.dgamma); grads[g + 1].set(r.dbeta);
      return r.dx;
    });
    const t = activationForward(cache.y, TANH);
    back.push((dy) => activationBackward(dy, t, TANH));
    h = t;
  }
  a.rnns.forEach((r, i) => {
    const seq = i < a.rnns.length - 1 || a.head !== 'last';
    const H = r.units, I = F, xin = h, m = mask ?? undefined;
    const dims = (reverse: boolean) => ({ B, T, I, H, reverse, act: ACT[r.activation], recAct: ACT[r.recurrentActivation] });
    /** One LSTM over xin; returns its hseq (aligned to input positions) and the backward from d hseq to dx. */
    const run = (reverse: boolean) => {
      const k = take(3), d = dims(reverse), cache = lstmForward(xin, w[k], w[k + 1], w[k + 2], d, m);
      return { hseq: cache.hseq, back: (dh: Float64Array) => {
        const g = lstmBackward(dh, xin, w[k], w[k + 1], cache, d, m);
        grads[k].set(g.dW); grads[k + 1].set(g.dU); grads[k + 2].set(g.dbias);
        return g.dx;
      } };
    };
    const last = (hs: Float64Array, t: number) => ({ y: takeStep(hs, B, T, H, t), back: (dy: Float64Array) => {
      const dh = new Float64Array(B * T * H);
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) dh[(b * T + t) * H + j] = dy[b * H + j];
      return dh;
    } });
    if (!r.bi) {
      const reverse = r.goBackwards, l = run(reverse);
      if (seq) {
        // outputs in processing order (flipped when going backwards); carried outputs at masked steps; the mask passes on
        h = reverse ? flipTime(l.hseq, B, T, H) : l.hseq;
        back.push((dy) => l.back(reverse ? flipTime(dy, B, T, H) : dy));
      } else {
        const s = last(l.hseq, reverse ? 0 : T - 1);
        h = s.y; mask = null;
        back.push((dy) => l.back(s.back(dy)));
      }
      F = H;
      return;
    }
    // Bidirectional: forward then backward layer (goBackwards), both aligned to input positions; with returnSequences
    // both zero their outputs at masked steps (zero_output_for_mask)
    const lf = run(false), lb = run(true), mode = { concat: 0, sum: 1, mul: 2, ave: 3 }[r.merge];
    const zero = (v: Float64Array) => (seq && m ? maskRows(v, m, B * T, H) : v);
    // each direction's output and the backward from d output to d hseq
    const outOf = (hs: Float64Array, t: number) => (seq ? { y: zero(hs), back: zero } : last(hs, t));
    const sf = outOf(lf.hseq, T - 1), sb = outOf(lb.hseq, 0), R = seq ? B * T : B;
    if (!seq) mask = null;
    h = mergeForward(sf.y, sb.y, R, H, mode);
    back.push((dy) => {
      const { df, dg } = mergeBackward(dy, sf.y, sb.y, R, H, mode);
      return add(lf.back(sf.back(df)), lb.back(sb.back(dg)));
    });
    F = mode === 0 ? 2 * H : H;
  });
  const attention = (returnSequences: boolean) => {
    const k = take(2), xin = h, m = mask ?? undefined, Fi = F;
    const r = attentionForward(xin, w[k], w[k + 1], B, T, Fi, returnSequences, m);
    back.push((dy) => {
      const g = attentionBackward(dy, xin, r.a, r.e, w[k], B, T, Fi, returnSequences, m);
      grads[k].set(g.dW); grads[k + 1].set(g.db);
      return g.dx;
    });
    h = r.y;
  };
  const avg = () => {
    const m = mask, Fi = F;
    h = poolAvgForward(h, B, T, Fi, m);
    back.push((dy) => poolAvgBackward(dy, B, T, Fi, m));
  };
  if (a.head === 'attention') attention(false);
  if (a.head === 'attentionSeqAvg') { attention(true); avg(); }
  if (a.head === 'avg') avg();
  if (a.head === 'max') {
    const Fi = F, r = poolMaxForward(h, B, T, Fi);
    h = r.y;
    back.push((dy) => poolMaxBackward(dy, r.arg, B, T, Fi));
  }
  mask = null;
  const dense = (U: number, kind: number) => {
    const k = take(2), xin = h, I = F;
    const out = denseForward(xin, w[k], w[k + 1], B, I, U, kind);
    back.push((dy) => {
      const g = denseBackward(dy, out, xin, w[k], B, I, U, kind);
      grads[k].set(g.dK); grads[k + 1].set(g.db);
      return g.dx;
    });
    h = out; F = U;
  };
  if (a.hidden !== null) dense(a.hidden, RELU);
  // the output layer's logits (sigmoid and softmax are folded into the loss)
  dense(a.out === 'binary' ? 1 : a.out === 'softmax' ? 3 : 2, LINEAR);
  if (wi !== w.length) throw new Error(`refModel: used ${wi} weight tensors, the model has ${w.length}`);
  const N = F;
  let labels: ArrayLike<number> = y;
  if (a.out === 'softmax') { const oh = new Float64Array(B * 3); for (let b = 0; b < B; b++) oh[b * 3 + y[b]] = 1; labels = oh; }
  const lossFn = a.out === 'binary' ? bceLogits : a.out === 'softmax' ? cceLogits : mse;
  const l = lossFn(h, labels, B, N, 1 / B);
  let d = l.d;
  for (let i = back.length - 1; i >= 0; i--) d = back[i](d);
  return { loss: l.loss / B, grads };
}

export interface GradCheckOptions {
  /** Uniform +-amplitude trainable weights (seeded from the architecture's seed); 0 keeps the built weights. */
  amplitude?: number;
  /** Relative tolerance on each tensor's gradient scale (max |float64 gradient|) for the float32 model. */
  rtol?: number;
  /** Central differences of the float64 loss on this many picks per tensor (0 skips them). */
  picks?: number;
}

/**
 * Builds the model of `a`, sets seeded weights, and checks (1) computeGradients's loss against the float64 loss,
 * (2) every trainable gradient tensor, entry by entry, against the float64 analytic gradient within rtol of the
 * tensor's scale, (3) the float64 gradient against central differences of the float64 loss on `picks` entries spread
 * over each tensor (one per equal slice). Throws naming every failure.
 */
export function checkGradients(a: Arch, opts: GradCheckOptions = {}): void {
  const { amplitude = 0.5, rtol = 1e-3, picks = 2 } = opts;
  const m = build(a);
  try {
    if (amplitude > 0) m.setWeights(seededWeights(m, a.seed, amplitude));
    const d = data(a);
    const w = m.getWeights().map((v) => Float64Array.from(v.data));
    const names = m.weightNames, trainable = new Set(m.trainableWeights.map((v) => v.name));
    const got = m.computeGradients(d.x, d.y);
    const ref = refModel(a, w, d.x.data, d.y.data);
    const failures: string[] = [];
    if (!(Math.abs(got.loss - ref.loss) <= 1e-4 * Math.max(1, Math.abs(ref.loss)))) failures.push(`loss ${got.loss} != float64 ${ref.loss}`);
    // float32 rounding of small tensors is measured against the largest gradient of the model
    let all = 0;
    for (const r of ref.grads) for (const v of r) all = Math.max(all, Math.abs(v));
    let gi = 0;
    w.forEach((_, wi) => {
      if (!trainable.has(names[wi])) return;
      const g = got.grads[gi++].data, r = ref.grads[wi], where = `d loss / d ${names[wi]} [${r.length}]`;
      let scale = 0;
      for (const v of r) scale = Math.max(scale, Math.abs(v));
      const tol = rtol * scale + 1e-6 * all;
      let worst = -1;
      for (let j = 0; j < r.length; j++) if (!(Math.abs(g[j] - r[j]) <= tol) && (worst < 0 || Math.abs(g[j] - r[j]) > Math.abs(g[worst] - r[worst]))) worst = j;
      if (worst >= 0) failures.push(`${where} at ${worst}: model ${g[worst]}, float64 ${r[worst]} (scale ${scale.toExponential(3)}, tol ${tol.toExponential(2)})`);
      // the float64 gradient itself: central differences of the float64 loss
      const n = r.length, k = Math.min(picks, n), step = 1e-6;
      for (let q = 0; q < k; q++) {
        const j = Math.floor(((q + 0.5) * n) / k);
        const at = (delta: number) => { const v = w.map((t, i) => (i === wi ? Float64Array.from(t, (u, s) => (s === j ? u + delta : u)) : t)); return refModel(a, v, d.x.data, d.y.data).loss; };
        const num = (at(step) - at(-step)) / (2 * step);
        if (!(Math.abs(num - r[j]) <= 1e-4 * scale + 1e-9)) failures.push(`${where} at ${j}: float64 analytic ${r[j]}, central difference ${num} (scale ${scale.toExponential(3)})`);
      }
    });
    if (failures.length) throw new Error(`checkGradients: ${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
  } finally {
    m.dispose();
  }
}
