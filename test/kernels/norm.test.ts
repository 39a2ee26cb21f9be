// Batch-norm kernels (assembly/norm.ts) against the f64 reference: training forward statistics and output, backward,
// inference forward/backward, the moving update, N = 1, a large common offset, masks (statistics over real rows), and NaN
// confined to its channel.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { bnForwardTrain, bnBackwardTrain, bnForwardInfer, bnBackwardInfer, bnUpdateMoving } from '../ref/norm.js';
import { f32rand, plus, scoped, bits, expectSameBits } from './common.js';

const a = kernelArena();
const k = a.k;
const EPS = Math.fround(1e-3);

function train(x: Float64Array, gamma: Float64Array, beta: Float64Array, dy: Float64Array, N: number, C: number,
               init: { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array }, mask?: number[]) {
  const nan = (n: number) => buf(a, new Float64Array(n).fill(NaN));
  const px = buf(a, x), pg = buf(a, gamma);
  const py = nan(N * C), pm = nan(C), pv = nan(C), pi = nan(C), pmask = mask ? buf(a, mask) : 0;
  k.batchnorm_forward_train(py, pm, pv, pi, px, pg, buf(a, beta), N, C, EPS, pmask);
  const pdx = buf(a, init.dx), pdg = buf(a, init.dgamma), pdb = buf(a, init.dbeta);
  // scratch s [3C]
  k.batchnorm_backward(pdx, pdg, pdb, buf(a, dy), nan(3 * C), px, pm, pi, pg, N, C, pmask);
  return {
    y: read(a, py, N * C), mean: read(a, pm, C), vr: read(a, pv, C), invstd: read(a, pi, C),
    dx: read(a, pdx, N * C), dgamma: read(a, pdg, C), dbeta: read(a, pdb, C),
  };
}

function check(N: number, C: number, seed: number, offset = 0, atol = 1e-5, rtol = 1e-4, mask?: number[]): void {
  scoped(a, () => {
    const x = f32rand(N * C, seed, offset - 2, offset + 2), gamma = f32rand(C, seed + 1, 0.5, 1.5), beta = f32rand(C, seed + 2);
    const dy = f32rand(N * C, seed + 3);
    const init = { dx: f32rand(N * C, seed + 4), dgamma: f32rand(C, seed + 5), dbeta: f32rand(C, seed + 6) };
    const got = train(x, gamma, beta, dy, N, C, init, mask);
    const ref = bnForwardTrain(x, gamma, beta, N, C, EPS, mask);
    const g = bnBackwardTrain(dy, x, gamma, ref.mean, ref.invstd, N, C, mask);
    const tag = `N=${N} C=${C} offset=${offset}${mask ? ` mask=${mask.join('')}` : ''}`;
    expectClose(got.mean, ref.mean, atol, rtol, `mean ${tag}`);
    expectClose(got.vr, ref.vr, atol, rtol, `var ${tag}`);
    expectClose(got.invstd, ref.invstd, atol, rtol, `invstd ${tag}`);
    expectClose(got.y, ref.y, atol, rtol, `y ${tag}`);
    expectClose(got.dx, plus(init.dx, g.dx), atol, rtol, `dx ${tag}`);
    expectClose(got.dgamma, plus(init.dgamma, g.dgamma), atol, rtol, `dgamma ${tag}`);
    expectClose(got.dbeta, plus(init.dbeta, g.dbeta), atol, rtol, `dbeta ${tag}`);
  });
}

describe('batchnorm kernels', () => {
  it('training forward and backward match the reference for N in {1, 3, 4, 5, 17, 64}, C in {1, 3, 4, 5, 17}', () => {
    let seed = 1;
    for (const N of [1, 3, 4, 5, 17, 64]) for (const C of [1, 3, 4, 5, 17]) check(N, C, seed += 10);
  });

  it('four channels at a time give the bits of one at a time: every kernel, C = 11 against each channel alone (C = 1), masked or not', () => {
    const N = 9, C = 11;
    scoped(a, () => {
      const x = f32rand(N * C, 31, -2, 2), gamma = f32rand(C, 32, 0.5, 1.5), beta = f32rand(C, 33), dy = f32rand(N * C, 34);
      const mv = f32rand(C, 35, 0.2, 2), mask = [1, 0, 1, 1, 0, 1, 1, 1, 0];
      // every output of every kernel for data of width w (inputs given column-major per channel list `cs`)
      const run = (w: number, cs: number[], m: number): number[][] => {
        const pick = (v: Float64Array) => Float64Array.from({ length: N * w }, (_, i) => v[Math.floor(i / w) * C + cs[i % w]]);
        const vec = (v: Float64Array) => Float64Array.from(cs, (c) => v[c]);
        const px = buf(a, pick(x)), pg = buf(a, vec(gamma)), pb = buf(a, vec(beta)), pdy = buf(a, pick(dy)), pmv = buf(a, vec(mv));
        const pm = m ? buf(a, mask) : 0;
        const py = buf(a, N * w), pmean = buf(a, w), pvr = buf(a, w), pinv = buf(a, w);
        k.batchnorm_forward_train(py, pmean, pvr, pinv, px, pg, pb, N, w, EPS, pm);
        const pdx = buf(a, N * w), pdg = buf(a, w), pdb = buf(a, w);
        k.batchnorm_backward(pdx, pdg, pdb, pdy, buf(a, 3 * w), px, pmean, pinv, pg, N, w, pm);
        const pyi = buf(a, N * w), pdxi = buf(a, N * w);
        k.batchnorm_forward_infer(pyi, px, pg, pb, pmean, pmv, N, w, EPS);
        k.batchnorm_backward_infer(pdxi, pdy, pg, pmv, N, w, EPS);
        return [bits(a, py, N * w), bits(a, pmean, w), bits(a, pvr, w), bits(a, pinv, w), bits(a, pdx, N * w), bits(a, pdg, w), bits(a, pdb, w), bits(a, pyi, N * w), bits(a, pdxi, N * w)];
      };
      const names = ['y', 'mean', 'variance', 'invstd', 'dx', 'dgamma', 'dbeta', 'inference y', 'inference dx'];
      for (const m of [0, 1]) {
        const all = run(C, Array.from({ length: C }, (_, c) => c), m);
        for (let c = 0; c < C; c++) {
          const one = run(1, [c], m);
          const perRow = [0, 4, 7, 8];
          one.forEach((b, i) => {
            const want = perRow.includes(i) ? Array.from({ length: N }, (_, n) => all[i][n * C + c]) : [all[i][c]];
            expectSameBits(b, want, `${names[i]} channel ${c} mask ${m}`);
          });
        }
      }
    });
  });

  it('N = 1: zero variance, y = beta, dx = 0 (plus what was there)', () => {
    scoped(a, () => {
      const C = 5, x = f32rand(C, 1), gamma = f32rand(C, 2), beta = f32rand(C, 3), dx0 = f32rand(C, 4);
      const got = train(x, gamma, beta, f32rand(C, 5), 1, C, { dx: dx0, dgamma: new Float64Array(C), dbeta: new Float64Array(C) });
      expect(Array.from(got.vr)).toEqual(new Array(C).fill(0));
      expect(Array.from(got.y)).toEqual(Array.from(beta));
      expect(Array.from(got.dx)).toEqual(Array.from(dx0));
    });
  });

  it('keeps accuracy with a large common offset (x in [998, 1002])', () => {
    check(64, 5, 500, 1000, 1e-3, 1e-3);
  });

  it('inference forward and backward match the reference', () => {
    for (const [N, C] of [[1, 1], [3, 5], [17, 4], [64, 17]]) scoped(a, () => {
      const x = f32rand(N * C, N + C), gamma = f32rand(C, 1), beta = f32rand(C, 2), mm = f32rand(C, 3), mv = f32rand(C, 4, 0.1, 2);
      const dy = f32rand(N * C, 5), dx0 = f32rand(N * C, 6);
      const pg = buf(a, gamma), pmv = buf(a, mv), py = buf(a, N * C), pdx = buf(a, dx0);
      k.batchnorm_forward_infer(py, buf(a, x), pg, buf(a, beta), buf(a, mm), pmv, N, C, EPS);
      expectClose(read(a, py, N * C), bnForwardInfer(x, gamma, beta, mm, mv, N, C, EPS), 1e-5, 1e-4, `infer N=${N} C=${C}`);
      k.batchnorm_backward_infer(pdx, buf(a, dy), pg, pmv, N, C, EPS);
      expectClose(read(a, pdx, N * C), plus(dx0, bnBackwardInfer(dy, gamma, mv, N, C, EPS)), 1e-5, 1e-4, `infer' N=${N} C=${C}`);
    });
  });

  it('moving update follows Keras (momentum 0.99 and 0.5)', () => {
    for (const mom of [0.99, 0.5]) scoped(a, () => {
      const C = 17, mm = f32rand(C, 1), mv = f32rand(C, 2, 0.5, 2), mean = f32rand(C, 3), vr = f32rand(C, 4, 0, 3);
      const pmm = buf(a, mm), pmv = buf(a, mv);
      k.batchnorm_update_moving(pmm, pmv, buf(a, mean), buf(a, vr), C, Math.fround(mom));
      const wm = mm.slice(), wv = mv.slice();
      bnUpdateMoving(wm, wv, mean, vr, Math.fround(mom));
      expectClose(read(a, pmm, C), wm, 1e-7, 1e-6, 'moving mean');
      expectClose(read(a, pmv, C), wv, 1e-7, 1e-6, 'moving var');
    });
  });

  it('NaN in one x poisons exactly its channel', () => {
    scoped(a, () => {
      const N = 5, C = 4, x = f32rand(N * C, 1);
      x[2 * C + 1] = NaN;
      const got = train(x, f32rand(C, 2), f32rand(C, 3), f32rand(N * C, 4), N, C,
        { dx: new Float64Array(N * C), dgamma: new Float64Array(C), dbeta: new Float64Array(C) });
      got.y.forEach((v, i) => expect(Number.isNaN(v), `y ${i}`).toBe(i % C === 1));
      got.dx.forEach((v, i) => expect(Number.isNaN(v), `dx ${i}`).toBe(i % C === 1));
      expect(Number.isNaN(got.mean[1]) && !Number.isNaN(got.mean[0])).toBe(true);
    });
  });

  it('masked training forward and backward match the reference (statistics over real rows, all rows normalized)', () => {
    let seed = 800;
    for (const N of [3, 5, 17, 64]) for (const C of [1, 4, 5, 17]) {
      const mask = Array.from({ length: N }, (_, n) => (n % 3 === 1 ? 0 : 1));
      check(N, C, seed += 10, 0, 1e-5, 1e-4, mask);
    }
    check(5, 3, 900, 0, 1e-5, 1e-4, [0, 0, 1, 1, 1]);
    check(4, 3, 910, 0, 1e-5, 1e-4, [1, 1, 1, 1]);
  });

  it('masked rows do not change the statistics (other values, NaN)', () => {
    scoped(a, () => {
      const N = 6, C = 5, mask = [1, 0, 1, 1, 0, 1];
      const x = f32rand(N * C, 1000), gamma = f32rand(C, 1001), beta = f32rand(C, 1002), dy = f32rand(N * C, 1003);
      const zero = () => ({ dx: new Float64Array(N * C), dgamma: new Float64Array(C), dbeta: new Float64Array(C) });
      const base = train(x, gamma, beta, dy, N, C, zero(), mask);
      const x2 = x.slice();
      x2.fill(1e4, 1 * C, 2 * C); x2.fill(NaN, 4 * C, 5 * C);
      const other = train(x2, gamma, beta, dy, N, C, zero(), mask);
      for (const key of ['mean', 'vr', 'invstd'] as const) expect(Array.from(other[key]), key).toEqual(Array.from(base[key]));
      mask.forEach((m, n) => { if (m) expect(Array.from(other.y.subarray(n * C, (n + 1) * C))).toEqual(Array.from(base.y.subarray(n * C, (n + 1) * C))); });
    });
  });
});
