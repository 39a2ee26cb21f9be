// lstm_forward / lstm_backward (assembly/lstm.ts) against the f64 reference: tail-breaking H and I, both directions,
// every activation pair, accumulation into the d-buffers, saturated gates, masks (carried state; masked inputs do not
// matter), NaN propagation, and batch-of-1 = row b.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { lstmForward, lstmBackward, type LstmDims } from '../ref/lstm.js';
import { LINEAR, SIGMOID, TANH, RELU, HARD_SIGMOID, HARD_SIGMOID_K3 } from '../ref/dense.js';
import { f32rand, plus, bits, expectSameBits, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

interface Run {
  hseq: Float64Array; cseq: Float64Array; gates: Float64Array; phic: Float64Array;
  dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array;
}

/** Runs both kernels; d-buffers start at the given values, caches and scratch start as NaN (they must be overwritten). */
function runKernels(x: Float64Array, W: Float64Array, U: Float64Array, b: Float64Array, dh: Float64Array, d: LstmDims,
                    init: { dx: Float64Array; dW: Float64Array; dU: Float64Array; dbias: Float64Array }, mask?: number[]): Run {
  const { B, T, I, H } = d;
  const G = 4 * H, nan = (n: number) => buf(a, new Float64Array(n).fill(NaN));
  const px = buf(a, x), pW = buf(a, W), pU = buf(a, U), pb = buf(a, b);
  const ph = nan(B * T * H), pc = nan(B * T * H), pg = nan(B * T * G), pp = nan(B * T * H);
  const rev = d.reverse ? 1 : 0, pmask = mask ? buf(a, mask) : 0;
  k.lstm_forward(ph, pc, pg, pp, px, pW, pU, pb, B, T, I, H, rev, d.act, d.recAct, pmask, 0, nan(Math.max(256, I + H) * G), 0, 0, 0, 0, 0, 0);
  const pdx = buf(a, init.dx), pdW = buf(a, init.dW), pdU = buf(a, init.dU), pdb = buf(a, init.dbias);
  k.lstm_backward(pdx, pdW, pdU, pdb, buf(a, dh),
    nan(B * T * G), nan(B * H), nan(B * H), nan(B * T * H), nan(G * H), nan(G * I),
    px, ph, pc, pg, pp, pW, pU, B, T, I, H, rev, d.act, d.recAct, pmask, nan(Math.min(B * T, 256) * G), 0, 0, 0);
  return {
    hseq: read(a, ph, B * T * H), cseq: read(a, pc, B * T * H), gates: read(a, pg, B * T * G), phic: read(a, pp, B * T * H),
    dx: read(a, pdx, B * T * I), dW: read(a, pdW, I * G), dU: read(a, pdU, H * G), dbias: read(a, pdb, G),
  };
}

/** Only the rows of real steps (gates and phic are not written at masked steps). */
function realRows(v: Float64Array, width: number, mask?: number[]): Float64Array {
  if (!mask) return v;
  const out: number[] = [];
  mask.forEach((m, r) => { if (m) out.push(...v.subarray(r * width, (r + 1) * width)); });
  return Float64Array.from(out);
}

function check(d: LstmDims, seed: number, xScale = 1, fwdTol: [number, number] = [1e-5, 1e-4], bwdTol: [number, number] = [5e-5, 5e-4],
               mask?: number[]): void {
  scoped(a, () => {
    const { B, T, I, H } = d;
    const G = 4 * H, ws = 1 / Math.sqrt(I + H);
    const x = f32rand(B * T * I, seed, -xScale, xScale), W = f32rand(I * G, seed + 1, -ws, ws);
    const U = f32rand(H * G, seed + 2, -ws, ws), b = f32rand(G, seed + 3, -0.5, 0.5), dh = f32rand(B * T * H, seed + 4);
    const init = { dx: f32rand(B * T * I, seed + 5), dW: f32rand(I * G, seed + 6), dU: f32rand(H * G, seed + 7), dbias: f32rand(G, seed + 8) };
    const got = runKernels(x, W, U, b, dh, d, init, mask);
    const ref = lstmForward(x, W, U, b, d, mask);
    const g = lstmBackward(dh, x, W, U, ref, d, mask);
    const tag = `B=${B} T=${T} I=${I} H=${H} rev=${d.reverse} act=${d.act} rec=${d.recAct}${mask ? ` mask=${mask.join('')}` : ''}`;
    const [fa, fr] = fwdTol, [ba, br] = bwdTol;
    expectClose(got.hseq, ref.hseq, fa, fr, `hseq ${tag}`);
    expectClose(got.cseq, ref.cseq, fa, fr, `cseq ${tag}`);
    expectClose(realRows(got.gates, G, mask), realRows(ref.gates, G, mask), fa, fr, `gates ${tag}`);
    expectClose(realRows(got.phic, H, mask), realRows(ref.phic, H, mask), fa, fr, `phic ${tag}`);
    expectClose(got.dx, plus(init.dx, g.dx), ba, br, `dx ${tag}`);
    expectClose(got.dW, plus(init.dW, g.dW), ba, br, `dW ${tag}`);
    expectClose(got.dU, plus(init.dU, g.dU), ba, br, `dU ${tag}`);
    expectClose(got.dbias, plus(init.dbias, g.dbias), ba, br, `dbias ${tag}`);
  });
}

describe('lstm kernels', () => {
  it('match the reference for H in {1, 3, 4, 5, 17}, I in {1, 3, 5}, both directions (tanh / sigmoid)', () => {
    let seed = 1;
    for (const H of [1, 3, 4, 5, 17]) for (const I of [1, 3, 5]) for (const reverse of [false, true]) {
      check({ B: 2, T: 4, I, H, reverse, act: TANH, recAct: SIGMOID }, seed += 10);
    }
  });

  it('match the reference for every activation pair (incl. both hard sigmoids, relu, linear)', () => {
    let seed = 1000;
    const pairs: Array<[number, number]> = [[TANH, HARD_SIGMOID], [RELU, SIGMOID], [LINEAR, TANH], [SIGMOID, RELU], [HARD_SIGMOID, HARD_SIGMOID], [TANH, LINEAR],
      [TANH, HARD_SIGMOID_K3], [HARD_SIGMOID_K3, HARD_SIGMOID_K3]];
    for (const [act, recAct] of pairs) for (const reverse of [false, true]) {
      check({ B: 3, T: 5, I: 3, H: 5, reverse, act, recAct }, seed += 10);
    }
  });

  it('match the reference at B = 1, T = 1 and at H = 64, I = 17, T = 6', () => {
    check({ B: 1, T: 1, I: 1, H: 1, reverse: false, act: TANH, recAct: SIGMOID }, 2000);
    check({ B: 1, T: 1, I: 4, H: 3, reverse: true, act: TANH, recAct: SIGMOID }, 2010);
    check({ B: 3, T: 6, I: 17, H: 64, reverse: false, act: TANH, recAct: SIGMOID }, 2020, 1, [1e-5, 1e-4], [1e-4, 1e-3]);
    check({ B: 2, T: 6, I: 17, H: 64, reverse: true, act: TANH, recAct: HARD_SIGMOID }, 2030, 1, [1e-5, 1e-4], [1e-4, 1e-3]);
  });

  it('match the reference with saturated gates (x in [-100, 100])', () => {
    check({ B: 2, T: 5, I: 3, H: 5, reverse: false, act: TANH, recAct: SIGMOID }, 3000, 100, [1e-5, 1e-4], [1e-4, 1e-3]);
    check({ B: 2, T: 5, I: 3, H: 5, reverse: true, act: TANH, recAct: HARD_SIGMOID }, 3010, 100, [1e-5, 1e-4], [1e-4, 1e-3]);
    check({ B: 2, T: 5, I: 3, H: 5, reverse: false, act: TANH, recAct: HARD_SIGMOID_K3 }, 3020, 100, [1e-5, 1e-4], [1e-4, 1e-3]);
  });

  for (const reverse of [false, true]) {
    it(`NaN in x[b=1, t=2] reaches sample 1 from step 2 on in processing order, not sample 0 (reverse ${reverse})`, () => {
      scoped(a, () => {
        const B = 2, T = 5, I = 3, H = 5, G = 4 * H;
        const d: LstmDims = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID };
        const x = f32rand(B * T * I, 4000), W = f32rand(I * G, 4001, -0.5, 0.5), U = f32rand(H * G, 4002, -0.5, 0.5);
        x[(1 * T + 2) * I + 1] = NaN;
        const got = runKernels(x, W, U, f32rand(G, 4003), f32rand(B * T * H, 4004), d,
          { dx: new Float64Array(B * T * I), dW: new Float64Array(I * G), dU: new Float64Array(H * G), dbias: new Float64Array(G) });
        for (let t = 0; t < T; t++) {
          const after = reverse ? t <= 2 : t >= 2;
          for (let j = 0; j < H; j++) {
            expect(Number.isNaN(got.hseq[(0 * T + t) * H + j]), `sample 0 t=${t}`).toBe(false);
            expect(Number.isNaN(got.hseq[(1 * T + t) * H + j]), `sample 1 t=${t}`).toBe(after);
          }
        }
        expect(got.dW.some(Number.isNaN)).toBe(true);
        expect(got.dx.slice(0, T * I).some(Number.isNaN)).toBe(false);
      });
    });
  }

  it('a batch of 1 gives the same bits as row b of a batch of 5 (forward; packed weights or not; H 64: U in 32-column panels at batch 1)', () => {
    scoped(a, () => {
      const B = 5, T = 4, I = 5;
      for (const H of [17, 64]) for (const reverse of [0, 1]) {
        const G = 4 * H;
        const px = buf(a, f32rand(B * T * I, 5000)), pW = buf(a, f32rand(I * G, 5001, -0.3, 0.3));
        const pU = buf(a, f32rand(H * G, 5002, -0.3, 0.3)), pb = buf(a, f32rand(G, 5003));
        const ph = buf(a, B * T * H), pc = buf(a, B * T * H), pg = buf(a, B * T * G), pp = buf(a, B * T * H);
        k.lstm_forward(ph, pc, pg, pp, px, pW, pU, pb, B, T, I, H, reverse, TANH, SIGMOID, 0, 0, buf(a, (I + H) * G), 0, 0, 0, 0, 0, 0);
        const all = bits(a, ph, B * T * H);
        const qh = buf(a, T * H), qc = buf(a, T * H), qg = buf(a, T * G), qp = buf(a, T * H);
        for (let b = 0; b < B; b++) for (const infer of [0, 1]) {
          // (the pack NaN-filled: whatever the batch of 1 reads from it, it wrote first)
          for (const pack of [0, buf(a, new Float32Array((I + H) * G).fill(NaN))]) {
            k.lstm_forward(qh, qc, qg, qp, px + b * T * I * 4, pW, pU, pb, 1, T, I, H, reverse, TANH, SIGMOID, 0, infer, pack, 0, 0, 0, 0, 0, 0);
            expectSameBits(bits(a, qh, T * H), all.slice(b * T * H, (b + 1) * T * H), `H ${H} sample ${b} reverse ${reverse} infer ${infer} pack ${pack !== 0}`);
          }
        }
      }
    });
  });

  // The forward's input product bias + x . W runs four ways: per timestep (B > 4), for the whole sequence at once
  // (B <= 4), looked up from a table of distinct input rows (inference, ztab / zidx), or with each position's row
  // read from an embedding's table (inference, xidx). All give the same bits.
  it('per-step, whole-sequence, per-distinct-row and table-row input products give the same bits, in training and inference', () => {
    scoped(a, () => {
      const T = 7, I = 37, H = 19, G = 4 * H, V = 5;
      for (const B of [1, 3, 4, 6]) for (const reverse of [0, 1]) {
        // x = E[ids] with ids repeating (V = 5 distinct rows at most)
        const E = f32rand(V * I, 8000 + B), ids = Int32Array.from({ length: B * T }, (_, n) => (n * 7 + B) % V);
        const x = new Float32Array(B * T * I);
        ids.forEach((id, n) => x.set(E.subarray(id * I, (id + 1) * I), n * I));
        const px = buf(a, x), pW = buf(a, f32rand(I * G, 8101, -0.3, 0.3)), pU = buf(a, f32rand(H * G, 8102, -0.3, 0.3));
        const pb = buf(a, f32rand(G, 8103));
        const run = (infer: number, ztab = 0, zidx = 0, xp = px, xidx = 0): number[] => {
          const ph = buf(a, B * T * H), pc = buf(a, B * T * H), pg = buf(a, B * T * G), pp = buf(a, B * T * H);
          // (xrows: 16 rows of I floats for the copies of rows read from the table; NaN: each written before read)
          const pack = buf(a, (I + H) * G), xrows = buf(a, new Float32Array(16 * I).fill(NaN));
          k.lstm_forward(ph, pc, pg, pp, xp, pW, pU, pb, B, T, I, H, reverse, TANH, SIGMOID, 0, infer, pack, ztab, zidx, xidx, xrows, 0, 0);
          // training: the caches backward reads (gates, c, act(c)) as well as h
          return infer ? bits(a, ph, B * T * H) : [...bits(a, ph, B * T * H), ...bits(a, pg, B * T * G), ...bits(a, pc, B * T * H), ...bits(a, pp, B * T * H)];
        };
        const train = run(0);
        const trainH = train.slice(0, B * T * H);
        expectSameBits(run(1), trainH, `inference, B ${B} reverse ${reverse}`);
        // one row per distinct id, in the kernel's own order of sums: bias, then x . W over k
        const ibuf = (v: Int32Array): number => { const p = a.alloc(v.length * 4); a.i32(p, v.length).set(v); return p; };
        const pE = buf(a, E), pids = ibuf(ids), pslot = ibuf(new Int32Array(V).fill(-1));
        const prows = ibuf(new Int32Array(B * T)), pidx = ibuf(new Int32Array(B * T));
        const n = k.embedding_rows(pslot, prows, pids, B * T);
        k.embedding_slots(pidx, pids, pslot, B * T);
        const pxu = buf(a, n * I), ptab = buf(a, n * G);
        k.embedding_forward(pxu, prows, pE, n, I);
        k.rows_set(ptab, pb, n, G);
        k.gemm_nn(ptab, pxu, pW, n, G, I, I, G, G, 1);
        expect(n).toBe(V);
        expectSameBits(run(1, ptab, pidx), trainH, `table of ${n} rows, B ${B} reverse ${reverse}`);
        // in training too (the gate cache, all of [B,T,4H], as well: backward reads it), x never read (NaN)
        const pnan = buf(a, new Float32Array(B * T * I).fill(NaN));
        expectSameBits(run(0, ptab, pidx, pnan), train, `table of ${n} rows in training, B ${B} reverse ${reverse}`);
        // each position's row read from the embedding's table by its id (xidx), x itself never read
        expectSameBits(run(1, 0, 0, pE, pids), trainH, `rows read from the table, B ${B} reverse ${reverse}`);
      }
    });
  });

  // lstm_forward_out: each h_t also into out (rows ldo apart), as a Bidirectional's half of its concat output
  it('lstm_forward_out writes hseq into out (rows ldo apart) with the same bits as lstm_forward, masked or not, leaving the rest of out alone', () => {
    scoped(a, () => {
      const B = 3, T = 6, I = 5, H = 7, G = 4 * H, ldo = 2 * H + 3;
      const px = buf(a, f32rand(B * T * I, 8200)), pW = buf(a, f32rand(I * G, 8201, -0.4, 0.4));
      const pU = buf(a, f32rand(H * G, 8202, -0.4, 0.4)), pb = buf(a, f32rand(G, 8203));
      for (const mask of [undefined, MASKS[1]]) for (const reverse of [0, 1]) for (const infer of [0, 1]) {
        const pmask = mask ? buf(a, mask) : 0;
        const run = (out: number): number => {
          const ph = buf(a, new Float64Array(B * T * H).fill(NaN)), pc = buf(a, B * T * H), pg = buf(a, B * T * G);
          const args = [ph, pc, pg, 0, px, pW, pU, pb, B, T, I, H, reverse, TANH, SIGMOID, pmask, infer, buf(a, (I + H) * G), 0, 0, 0, 0] as const;
          if (out) k.lstm_forward_out(out, ldo, ...args); else k.lstm_forward(...args, 0, 0);
          return ph;
        };
        const want = bits(a, run(0), B * T * H);
        const sentinel = f32rand(B * T * ldo, 8204);
        const pout = buf(a, sentinel);
        const tag = `reverse ${reverse} infer ${infer}${mask ? ' masked' : ''}`;
        expectSameBits(bits(a, run(pout), B * T * H), want, `hseq, ${tag}`);
        const got = bits(a, pout, B * T * ldo), keep = bits(a, buf(a, sentinel), B * T * ldo);
        const rows: number[] = [], rest: number[] = [], restWant: number[] = [];
        for (let r = 0; r < B * T; r++) {
          rows.push(...got.slice(r * ldo, r * ldo + H));
          rest.push(...got.slice(r * ldo + H, (r + 1) * ldo));
          restWant.push(...keep.slice(r * ldo + H, (r + 1) * ldo));
        }
        expectSameBits(rows, want, `out rows, ${tag}`);
        expectSameBits(rest, restWant, `out between rows untouched, ${tag}`);
      }
    });
  });

  // lstm_backward's dx takes W^T from panels in its pack scratch when they fit (I & ~15 <= min(B*T, 256))
  it('lstm_backward gives the same bits with a NaN-filled pack as without one (dx from W^T panels or not, the recurrence from U^T panels or not), written or accumulated, or no dx (dx 0)', () => {
    scoped(a, () => {
      // (H 16-20 with B >= 2: U^T in panels, but not where they would not fit in pack: [2, 4, 16, 16] has 8 rows)
      for (const [B, T, I, H] of [[3, 8, 20, 6], [4, 10, 33, 3], [2, 12, 16, 4], [2, 9, 37, 5], [1, 7, 16, 4], [3, 8, 20, 16], [2, 12, 16, 20], [2, 4, 16, 16], [1, 9, 5, 16]]) {
        const G = 4 * H, nan = (n: number) => buf(a, new Float64Array(n).fill(NaN));
        const px = buf(a, f32rand(B * T * I, 8300 + I)), pW = buf(a, f32rand(I * G, 8301, -0.4, 0.4));
        const pU = buf(a, f32rand(H * G, 8302, -0.4, 0.4)), pb = buf(a, f32rand(G, 8303));
        const ph = buf(a, B * T * H), pc = buf(a, B * T * H), pg = buf(a, B * T * G);
        k.lstm_forward(ph, pc, pg, 0, px, pW, pU, pb, B, T, I, H, 0, TANH, SIGMOID, 0, 0, buf(a, (I + H) * G), 0, 0, 0, 0, 0, 0);
        const gates = bits(a, pg, B * T * G), dh = f32rand(B * T * H, 8304), dx0 = f32rand(B * T * I, 8305);
        const run = (pack: number, dxWrite: number): number[][] => {
          const pgc = buf(a, B * T * G); a.i32(pgc, B * T * G).set(gates);
          // dxWrite -1: dx 0, no input gradient
          const pdx = dxWrite < 0 ? 0 : dxWrite ? nan(B * T * I) : buf(a, dx0), pdW = buf(a, I * G), pdU = buf(a, H * G), pdb = buf(a, G);
          k.lstm_backward(pdx, pdW, pdU, pdb, buf(a, dh), pgc, nan(B * H), nan(B * H), nan(B * T * H), nan(G * H), nan(G * I),
            px, ph, pc, pgc, 0, pW, pU, B, T, I, H, 0, TANH, SIGMOID, 0, pack, Math.max(0, dxWrite), 0, 0);
          return [pdx ? bits(a, pdx, B * T * I) : [], bits(a, pdW, I * G), bits(a, pdU, H * G), bits(a, pdb, G)];
        };
        for (const dxWrite of [0, 1]) {
          const want = run(0, dxWrite), got = run(nan(Math.min(B * T, 256) * G), dxWrite);
          ['dx', 'dW', 'dU', 'dbias'].forEach((n, i) => expectSameBits(got[i], want[i], `${n}, B ${B} T ${T} I ${I} H ${H} dxWrite ${dxWrite}`));
        }
        // without dx (nothing before the layer trains): the same weight gradients, packed or not
        const want = run(0, 1);
        for (const pack of [0, nan(Math.min(B * T, 256) * G)]) {
          // (and nothing written at address 0, where a dx of 0 would go: the core's static data)
          const low = bits(a, 0, B * T * I);
          const got = run(pack, -1);
          expectSameBits(bits(a, 0, B * T * I), low, 'memory at address 0');
          ['dW', 'dU', 'dbias'].forEach((n, i) => expectSameBits(got[i + 1], want[i + 1], `${n} without dx, B ${B} T ${T} I ${I} H ${H} pack ${pack ? 1 : 0}`));
        }
      }
    });
  });

  // B = 3, T = 6: right padding, left padding with a hole, and a fully masked sample
  const MASKS = [
    [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0],
    [1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1],
  ];

  it('without the act(c) cache (phic 0) backward recomputes it, and dxWrite overwrites a NaN-filled dx: the same bits for every gradient, masked or not', () => {
    scoped(a, () => {
      const B = 3, T = 6, I = 5, H = 7, G = 4 * H;
      for (const reverse of [0, 1]) for (const mask of [0, 1]) for (const [act, recAct] of [[TANH, SIGMOID], [RELU, HARD_SIGMOID]]) {
        const px = buf(a, f32rand(B * T * I, 9000)), pW = buf(a, f32rand(I * G, 9001, -0.5, 0.5)), pU = buf(a, f32rand(H * G, 9002, -0.5, 0.5));
        const pb = buf(a, f32rand(G, 9003)), pdh = buf(a, f32rand(B * T * H, 9004)), pm = mask ? buf(a, MASKS[0]) : 0;
        const run = (cached: boolean): number[][] => {
          const ph = buf(a, B * T * H), pc = buf(a, B * T * H), pg = buf(a, B * T * G), pp = cached ? buf(a, B * T * H) : 0;
          k.lstm_forward(ph, pc, pg, pp, px, pW, pU, pb, B, T, I, H, reverse, act, recAct, pm, 0, buf(a, (I + H) * G), 0, 0, 0, 0, 0, 0);
          const pdx = cached ? buf(a, B * T * I) : buf(a, new Float32Array(B * T * I).fill(NaN));
          const pdW = buf(a, I * G), pdU = buf(a, H * G), pdb = buf(a, G);
          k.lstm_backward(pdx, pdW, pdU, pdb, pdh, buf(a, B * T * G), buf(a, B * H), buf(a, B * H), buf(a, B * T * H),
            buf(a, G * H), buf(a, G * I), px, ph, pc, pg, pp, pW, pU, B, T, I, H, reverse, act, recAct, pm, buf(a, Math.min(B * T, 256) * G),
            cached ? 0 : 1, 0, 0);
          return [bits(a, ph, B * T * H), bits(a, pdx, B * T * I), bits(a, pdW, I * G), bits(a, pdU, H * G), bits(a, pdb, G)];
        };
        const want = run(true), got = run(false);
        ['hseq', 'dx', 'dW', 'dU', 'dbias'].forEach((name, i) => expectSameBits(got[i], want[i], `${name} reverse ${reverse} mask ${mask} act ${act}`));
      }
    });
  });


  it('match the masked reference (carried state) for H in {1, 3, 4, 5, 17}, both directions', () => {
    let seed = 6000;
    for (const mask of MASKS) for (const H of [1, 3, 4, 5, 17]) for (const reverse of [false, true]) {
      check({ B: 3, T: 6, I: 3, H, reverse, act: TANH, recAct: SIGMOID }, seed += 10, 1, [1e-5, 1e-4], [5e-5, 5e-4], mask);
    }
  });

  for (const reverse of [false, true]) {
    it(`masked steps' inputs do not matter: other values give the same bits, NaN stays out (reverse ${reverse})`, () => {
      scoped(a, () => {
        const B = 3, T = 6, I = 3, H = 5, G = 4 * H, mask = MASKS[0];
        const d: LstmDims = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID };
        const x = f32rand(B * T * I, 7000), W = f32rand(I * G, 7001, -0.5, 0.5), U = f32rand(H * G, 7002, -0.5, 0.5);
        const b = f32rand(G, 7003), dh = f32rand(B * T * H, 7004);
        const zero = () => ({ dx: new Float64Array(B * T * I), dW: new Float64Array(I * G), dU: new Float64Array(H * G), dbias: new Float64Array(G) });
        const base = runKernels(x, W, U, b, dh, d, zero(), mask);
        const x2 = x.slice();
        mask.forEach((m, r) => { if (!m) for (let i = 0; i < I; i++) x2[r * I + i] = 1000 * (i + 1); });
        const other = runKernels(x2, W, U, b, dh, d, zero(), mask);
        const f = (v: Float64Array) => Array.from(v);
        for (const key of ['hseq', 'cseq', 'dW', 'dU', 'dbias', 'dx'] as const) expect(f(other[key]), key).toEqual(f(base[key]));
        mask.forEach((m, r) => { if (!m) expect(Array.from(base.dx.subarray(r * I, (r + 1) * I))).toEqual(new Array(I).fill(0)); });
        mask.forEach((m, r) => { if (!m) for (let i = 0; i < I; i++) x2[r * I + i] = NaN; });
        const withNaN = runKernels(x2, W, U, b, dh, d, zero(), mask);
        expect(f(withNaN.hseq)).toEqual(f(base.hseq));
      });
    });
  }
});
