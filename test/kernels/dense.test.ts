// Dense-family kernels (assembly/dense.ts) against the f64 reference: activations (tails, extremes, NaN, lane = tail
// bits), softmax (stability and NaN), a whole Dense layer composed from the kernels, the exact copy/merge helpers and the
// mask helpers (mask_rows, masking_compute).
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import {
  activationForward, activationBackward, softmaxForward, softmaxBackward, denseForward, denseBackward,
  colsum, flipTime, mergeForward, mergeBackward, takeStep, maskRows, maskingCompute, ACT_KINDS, TANH, SIGMOID, SOFTMAX,
  HARD_SIGMOID, HARD_SIGMOID_K3,
} from '../ref/dense.js';
import { SIZES, f32rand, f32of, plus, bits, expectSameBits, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

function actKernel(x: ArrayLike<number>, kind: number): Float64Array {
  return scoped(a, () => {
    const py = buf(a, x.length);
    k.activation_forward(py, buf(a, x), x.length, kind);
    return read(a, py, x.length);
  });
}

function softmaxKernel(x: ArrayLike<number>, M: number, N: number): Float64Array {
  return scoped(a, () => {
    const py = buf(a, M * N);
    k.softmax_forward(py, buf(a, x), M, N);
    return read(a, py, M * N);
  });
}

describe('activation kernels', () => {
  it('forward and accumulating backward match the reference for n in {1, 3, 4, 5, 17, 64}, every kind', () => {
    for (const kind of ACT_KINDS) for (const n of SIZES) scoped(a, () => {
      const seed = kind * 100 + n;
      const x = f32rand(n, seed, -6, 6), dy = f32rand(n, seed + 1), dx0 = f32rand(n, seed + 2);
      const py = buf(a, n);
      k.activation_forward(py, buf(a, x), n, kind);
      const y = read(a, py, n);
      expectClose(y, activationForward(x, kind), 1e-6, 1e-5, `act ${kind} n=${n}`);
      const pdx = buf(a, dx0);
      k.activation_backward(pdx, buf(a, dy), py, n, kind);
      // the derivative is taken through the kernel's own y, as the kernel does
      expectClose(read(a, pdx, n), plus(dx0, activationBackward(dy, y, kind)), 1e-6, 1e-5, `act' ${kind} n=${n}`);
    });
  });

  it('sigmoid and tanh at +-20, +-100, +-1000, +-Infinity, 0 and across the exp clamp', () => {
    const xs = [20, -20, 100, -100, 1000, -1000, Infinity, -Infinity, 0, -0, 88, -88, 89, -89, -87.5, 0.624, 0.626, -0.625, 3, -3];
    for (const kind of [SIGMOID, TANH]) {
      const got = actKernel(xs, kind);
      expectClose(got, activationForward(f32of(xs), kind), 1e-7, 1e-6, `kind ${kind}`);
      expect(got.every((v) => v >= -1 && v <= 1)).toBe(true);
    }
    expect(Array.from(actKernel([20, 100, 1000, Infinity], TANH))).toEqual([1, 1, 1, 1]);
    expect(Array.from(actKernel([-20, -100, -Infinity], TANH))).toEqual([-1, -1, -1]);
    expect(Array.from(actKernel([100, 1000, Infinity, 0], SIGMOID))).toEqual([1, 1, 1, 0.5]);
  });

  it('tanh keeps full relative accuracy on tiny and denormal inputs; sigmoid gives 0.5', () => {
    const xs = f32of([1e-30, -1e-30, 1e-45, -1e-45, 1e-38, 1e-20, 1e-10, 1e-5, -3e-4]);
    expectClose(actKernel(xs, TANH), activationForward(xs, TANH), 0, 1e-6, 'tanh tiny');
    expect(Array.from(actKernel(xs, SIGMOID).subarray(0, 7)).every((v) => v === 0.5)).toBe(true);
  });

  it('NaN stays NaN in every lane and in the tail, for every kind, without touching neighbours', () => {
    for (const kind of ACT_KINDS) {
      const x = f32rand(7, 10 + kind);
      x[1] = NaN; x[6] = NaN;           // a vector lane and a scalar tail element
      const y = actKernel(x, kind);
      y.forEach((v, i) => expect(Number.isNaN(v), `kind ${kind} index ${i}`).toBe(i === 1 || i === 6));
      scoped(a, () => {
        const py = buf(a, [0.3, 0.3, 0.3, 0.3, 0.3]), pdx = buf(a, 5);
        k.activation_backward(pdx, buf(a, [1, NaN, 1, 1, NaN]), py, 5, kind);
        const dx = read(a, pdx, 5);
        dx.forEach((v, i) => expect(Number.isNaN(v), `kind ${kind} dx ${i}`).toBe(i === 1 || i === 4));
      });
    }
  });

  it('a scalar tail element has the same bits as a vector lane (n = 5 vs n = 8, n = 1 vs n = 4)', () => {
    for (const kind of ACT_KINDS) scoped(a, () => {
      const x = f32rand(8, 20 + kind, -5, 5), dy = f32rand(8, 30 + kind);
      const px = buf(a, x), py8 = buf(a, 8), py5 = buf(a, 8), py1 = buf(a, 1);
      k.activation_forward(py8, px, 8, kind);
      k.activation_forward(py5, px, 5, kind);
      expectSameBits(bits(a, py5, 5), bits(a, py8, 5), `forward kind ${kind} n=5 vs n=8`);
      k.activation_forward(py1, px + 4 * 4, 1, kind);
      expectSameBits(bits(a, py1, 1), bits(a, py8 + 16, 1), `forward kind ${kind} element 4 alone`);
      const pdy = buf(a, dy), d8 = buf(a, 8), d5 = buf(a, 8);
      k.activation_backward(d8, pdy, py8, 8, kind);
      k.activation_backward(d5, pdy, py8, 5, kind);
      expectSameBits(bits(a, d5, 5), bits(a, d8, 5), `backward kind ${kind} n=5 vs n=8`);
    });
  });
});

describe('sigmoid and tanh four and two vectors at a time', () => {
  // activation_forward takes sigmoid and tanh 16 at a time (vsigmoid4 / vtanh4), then 8 (vsigmoid2 / vtanh2: exp
  // without vexp's zero below -87.33, which cannot change their bits), the rest 4 at a time and one at a time (vexp
  // itself): every element of a constant run of 29 has the same bits, whichever path took it, across the clamp and at
  // the extremes
  it('give the bits of the single-vector and scalar paths at every magnitude, across exp\'s clamp, +-Infinity and NaN', () => {
    const xs = [0, -0, 1e-30, 0.3, 0.625, 1, 3, 9, 20, 43.6, 43.7, 44, 60, 87.3, 87.4, 88, 88.1, 89, 100, 1e4, 3.4e38, Infinity, NaN];
    for (const kind of [SIGMOID, TANH]) for (const v of [...xs, ...xs.map((x) => -x)]) scoped(a, () => {
      const py = buf(a, 29);
      k.activation_forward(py, buf(a, new Array(29).fill(v)), 29, kind);
      const b = bits(a, py, 29);
      expectSameBits(b, new Array(29).fill(b[28]), `kind ${kind} x ${v}`);
    });
  });

  // mixed lanes: in a block of 16 some tanh inputs under 0.625 and some over take the slow path, whose small lanes must
  // keep the polynomial's bits; each element against the scalar path on that element alone
  it('mixed magnitudes in one block: every element has the bits of the scalar path on it alone', () => {
    for (const kind of [SIGMOID, TANH]) for (const [seed, lo, hi] of [[1, -1, 1], [2, -4, 4], [3, -0.7, 0.7], [4, -100, 100]] as const) scoped(a, () => {
      const x = f32rand(61, seed * 10 + kind, lo, hi);
      x[5] = 0.625; x[6] = -0.6249999; x[20] = NaN; x[21] = -0; x[40] = 1e-40;
      const py = buf(a, 61), px = buf(a, x), p1 = buf(a, 1);
      k.activation_forward(py, px, 61, kind);
      const got = bits(a, py, 61);
      const one = Array.from(x, (_, i) => { k.activation_forward(p1, px + 4 * i, 1, kind); return bits(a, p1, 1)[0]; });
      expectSameBits(got, one, `kind ${kind} seed ${seed}`);
    });
  });
});

describe('hard sigmoid kernels', () => {
  const f = Math.fround;
  // the f32 formulas, one rounding per operation: Keras 2 clip(0.2x + 0.5, 0, 1); Keras 3 = PyTorch min(max(x + 3, 0), 6) / 6
  const k2 = (x: number) => Math.min(Math.max(f(f(f(0.2) * x) + 0.5), 0), 1);
  const k3 = (x: number) => f(Math.min(Math.max(f(x + 3), 0), 6) / 6);
  const xs = f32of([...Array.from(f32rand(61, 77, -8, 8)), -3, 3, -2.5, 2.5, 0, 1, -1, 2.9999998, -2.9999998, 3.0000002, -3.0000002, 1e-30, -1e-30, 100, -100]);

  it('give the exact f32 bits of their formulas in lanes and tails (Keras 2 unchanged; Keras 3 as PyTorch computes it)', () => {
    for (const [kind, formula] of [[HARD_SIGMOID, k2], [HARD_SIGMOID_K3, k3]] as const) {
      const y = actKernel(xs, kind);
      xs.forEach((x, i) => expect(y[i], `kind ${kind} x=${x}`).toBe(formula(x)));
      expect(Array.from(actKernel([Infinity, -Infinity], kind))).toEqual([1, 0]);
    }
    expect(Array.from(actKernel([-3, 3, 0, -6, 6], HARD_SIGMOID_K3))).toEqual([0, 1, 0.5, 0, 1]);
  });

  it('slopes: 0.2 and f32(1/6) strictly inside, 0 at the kinks (x = +-2.5, +-3) and on the flat parts', () => {
    const dyOne = (n: number) => new Float64Array(n).fill(1);
    for (const [kind, slope, kinks] of [[HARD_SIGMOID, f(0.2), [-2.5, 2.5]], [HARD_SIGMOID_K3, f(1 / 6), [-3, 3]]] as const) {
      const x = [...kinks, kinks[0] - 1, kinks[1] + 1, 0, kinks[0] + 0.001, kinks[1] - 0.001];
      scoped(a, () => {
        const py = buf(a, x.length), pdx = buf(a, x.length);
        k.activation_forward(py, buf(a, x), x.length, kind);
        k.activation_backward(pdx, buf(a, dyOne(x.length)), py, x.length, kind);
        expect(Array.from(read(a, pdx, x.length)), `kind ${kind}`).toEqual([0, 0, 0, 0, slope, slope, slope]);
      });
    }
  });
});

describe('softmax kernels', () => {
  it('forward and accumulating backward match the reference for N in {1, 3, 4, 5, 17, 64}', () => {
    for (const N of SIZES) scoped(a, () => {
      const M = 3, x = f32rand(M * N, N, -5, 5), dy = f32rand(M * N, N + 1), dx0 = f32rand(M * N, N + 2);
      const py = buf(a, M * N);
      k.softmax_forward(py, buf(a, x), M, N);
      const y = read(a, py, M * N);
      expectClose(y, softmaxForward(x, M, N), 1e-6, 1e-5, `softmax N=${N}`);
      const pdx = buf(a, dx0);
      k.softmax_backward(pdx, buf(a, dy), py, M, N);
      expectClose(read(a, pdx, M * N), plus(dx0, softmaxBackward(dy, y, M, N)), 1e-6, 1e-5, `softmax' N=${N}`);
    });
  });

  it('is stable: [100, 100] -> [0.5, 0.5], [-1000, 1000] -> [0, 1], scores in [-1000, 1000], exp underflow', () => {
    expect(Array.from(softmaxKernel([100, 100], 1, 2))).toEqual([0.5, 0.5]);
    expect(Array.from(softmaxKernel([-1000, 1000], 1, 2))).toEqual([0, 1]);
    expect(Array.from(softmaxKernel([1000, 1000, 1000, 1000, 1000], 1, 5))).toEqual([0.2, 0.2, 0.2, 0.2, 0.2].map(Math.fround));
    expect(Array.from(softmaxKernel([0, -100, 0, -1000], 2, 2))).toEqual([1, 0, 1, 0]);
    expect(Array.from(softmaxKernel([-Infinity, 0, 1], 1, 3))[0]).toBe(0);
    for (const N of [3, 5, 17, 64]) {
      const x = f32rand(2 * N, 40 + N, -1000, 1000);
      const y = softmaxKernel(x, 2, N);
      expectClose(y, softmaxForward(x, 2, N), 1e-6, 1e-5, `wide N=${N}`);
      expect(y.every(Number.isFinite)).toBe(true);
    }
  });

  it('works in place (y aliases x)', () => {
    scoped(a, () => {
      const x = f32rand(3 * 17, 50, -3, 3), p = buf(a, x);
      k.softmax_forward(p, p, 3, 17);
      expectClose(read(a, p, 3 * 17), softmaxForward(x, 3, 17), 1e-6, 1e-5, 'in place');
    });
  });

  it('NaN anywhere in a row (first, lane, tail) makes that row NaN and leaves other rows alone', () => {
    for (const at of [0, 2, 4]) {
      const x = f32rand(2 * 5, 60 + at);
      x[5 + at] = NaN;
      const y = softmaxKernel(x, 2, 5);
      expect(y.subarray(0, 5).some(Number.isNaN)).toBe(false);
      expect(y.subarray(5).every(Number.isNaN), `NaN at ${at}`).toBe(true);
    }
  });
});

describe('dense layer composed from the kernels', () => {
  it('rows_set + gemm_nn + activation / softmax and the backward (activation_backward, gemm_tn, colsum_add, transpose, gemm_nn)', () => {
    let seed = 1;
    for (const kind of [...ACT_KINDS, SOFTMAX]) for (const U of SIZES) for (const [M, I] of [[1, 3], [5, 17]]) scoped(a, () => {
      seed += 10;
      const x = f32rand(M * I, seed), K = f32rand(I * U, seed + 1, -0.5, 0.5), b = f32rand(U, seed + 2), dy = f32rand(M * U, seed + 3);
      const dx0 = f32rand(M * I, seed + 4), dK0 = f32rand(I * U, seed + 5), db0 = f32rand(U, seed + 6);
      const px = buf(a, x), pK = buf(a, K), pz = buf(a, M * U), py = buf(a, M * U);
      k.rows_set(pz, buf(a, b), M, U);
      k.gemm_nn(pz, px, pK, M, U, I, I, U, U, 1);
      if (kind === SOFTMAX) k.softmax_forward(py, pz, M, U); else k.activation_forward(py, pz, M * U, kind);
      const y = read(a, py, M * U);
      const tag = `kind ${kind} M=${M} I=${I} U=${U}`;
      expectClose(y, denseForward(x, K, b, M, I, U, kind), 1e-5, 1e-4, `y ${tag}`);
      const pdz = buf(a, M * U), pdy = buf(a, dy);
      if (kind === SOFTMAX) k.softmax_backward(pdz, pdy, py, M, U); else k.activation_backward(pdz, pdy, py, M * U, kind);
      const pdK = buf(a, dK0), pdb = buf(a, db0), pdx = buf(a, dx0), pKT = buf(a, U * I);
      k.gemm_tn(pdK, px, pdz, I, U, M, I, U, U, 0);
      k.colsum_add(pdb, pdz, M, U);
      k.transpose(pKT, pK, I, U);
      k.gemm_nn(pdx, pdz, pKT, M, I, U, U, I, I, 1);
      const g = denseBackward(dy, y, x, K, M, I, U, kind);
      expectClose(read(a, pdK, I * U), plus(dK0, g.dK), 1e-5, 1e-4, `dK ${tag}`);
      expectClose(read(a, pdb, U), plus(db0, g.db), 1e-5, 1e-4, `db ${tag}`);
      expectClose(read(a, pdx, M * I), plus(dx0, g.dx), 1e-5, 1e-4, `dx ${tag}`);
    });
  });
});

describe('copy and merge kernels', () => {
  it('rows_set, colsum_add and add_into for N in {1, 3, 4, 5, 17, 64}', () => {
    for (const N of SIZES) scoped(a, () => {
      const M = 5, v = f32rand(N, N), dz = f32rand(M * N, N + 1), db0 = f32rand(N, N + 2);
      const py = buf(a, M * N);
      k.rows_set(py, buf(a, v), M, N);
      for (let r = 0; r < M; r++) expect(Array.from(read(a, py + r * N * 4, N))).toEqual(Array.from(v));
      const pdb = buf(a, db0);
      k.colsum_add(pdb, buf(a, dz), M, N);
      expectClose(read(a, pdb, N), plus(db0, colsum(dz, M, N)), 1e-6, 1e-5, `colsum N=${N}`);
      const pa = buf(a, dz);
      k.add_into(pa, buf(a, dz), M * N);
      expect(Array.from(read(a, pa, M * N))).toEqual(Array.from(dz, (t) => 2 * t));
    });
  });

  it('flip_time (copy and accumulate) and take_step (both directions) are exact', () => {
    for (const F of [1, 3, 5, 17]) scoped(a, () => {
      const B = 2, T = 5, x = f32rand(B * T * F, F), y0 = f32rand(B * T * F, F + 1);
      const px = buf(a, x), py = buf(a, B * T * F);
      k.flip_time(py, px, B, T, F, 0);
      expect(Array.from(read(a, py, B * T * F))).toEqual(Array.from(flipTime(x, B, T, F)));
      const pacc = buf(a, y0);
      k.flip_time(pacc, px, B, T, F, 1);
      expect(Array.from(read(a, pacc, B * T * F))).toEqual(Array.from(f32of(plus(y0, flipTime(x, B, T, F)))));
      const ps = buf(a, B * F);
      k.take_step(ps, px, B, T, F, 3, 0);
      expect(Array.from(read(a, ps, B * F))).toEqual(Array.from(takeStep(x, B, T, F, 3)));
      k.take_step(ps, px, B, T, F, 1, 1);  // x[:, 1, :] += y
      const want = x.slice();
      for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) want[(b * T + 1) * F + f] = Math.fround(x[(b * T + 1) * F + f] + x[(b * T + 3) * F + f]);
      expect(Array.from(read(a, px, B * T * F))).toEqual(Array.from(want));
    });
  });

  it('copy_steps: one half of a concat, strided, in time order or flipped, copied or as 0 + x (-0 -> +0), bit for bit', () => {
    for (const F of [1, 3, 4, 5, 17]) for (const flip of [0, 1]) for (const plusZero of [0, 1]) scoped(a, () => {
      const B = 3, T = 4, ldX = 2 * F + 1, ldY = F + 2;
      const x = f32rand(B * T * ldX, 7 * F + flip);
      for (let i = 0; i < x.length; i += 5) x[i] = -0;
      const px = buf(a, x), y0 = f32rand(B * T * ldY, F + 3), py = buf(a, y0);
      k.copy_steps(py, ldY, px + 4, ldX, B, T, F, flip, plusZero);
      const want = Float32Array.from(y0);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) {
        const v = x[(b * T + (flip ? T - 1 - t : t)) * ldX + 1 + f];
        want[(b * T + t) * ldY + f] = plusZero ? 0 + v : v;
      }
      expectSameBits(bits(a, py, B * T * ldY), Array.from(new Uint32Array(want.buffer)), `copy_steps F ${F} flip ${flip} plusZero ${plusZero}`);
    });
  });

  it('merge_forward / merge_backward for concat, sum, mul, ave', () => {
    for (const mode of [0, 1, 2, 3]) for (const H of [1, 4, 5, 17]) scoped(a, () => {
      const R = 3, f = f32rand(R * H, mode * 10 + H), g = f32rand(R * H, mode * 10 + H + 1);
      const ny = mode === 0 ? 2 * R * H : R * H, dy = f32rand(ny, H + 2);
      const df0 = f32rand(R * H, H + 3), dg0 = f32rand(R * H, H + 4);
      const pf = buf(a, f), pg = buf(a, g), py = buf(a, ny);
      k.merge_forward(py, pf, pg, R, H, mode);
      expectClose(read(a, py, ny), mergeForward(f, g, R, H, mode), 1e-7, 1e-6, `merge ${mode} H=${H}`);
      const pdf = buf(a, df0), pdg = buf(a, dg0);
      k.merge_backward(pdf, pdg, buf(a, dy), pf, pg, R, H, mode);
      const want = mergeBackward(dy, f, g, R, H, mode);
      expectClose(read(a, pdf, R * H), plus(df0, want.df), 1e-7, 1e-6, `df ${mode} H=${H}`);
      expectClose(read(a, pdg, R * H), plus(dg0, want.dg), 1e-7, 1e-6, `dg ${mode} H=${H}`);
    });
  });

  it('mask_rows (copy, in place, accumulate) and masking_compute match the reference; NaN * 0 stays NaN', () => {
    for (const F of [1, 3, 4, 5, 17]) scoped(a, () => {
      const R = 6, x = f32rand(R * F, F), mask = [1, 0, 1, 1, 0, 1], y0 = f32rand(R * F, F + 1);
      x[1 * F] = NaN;   // a masked row holding NaN
      const px = buf(a, x), pm = buf(a, mask), py = buf(a, R * F);
      const want = maskRows(x, mask, R, F);
      k.mask_rows(py, px, pm, R, F, 0);
      expect(Array.from(read(a, py, R * F))).toEqual(Array.from(want));
      const pacc = buf(a, y0);
      k.mask_rows(pacc, px, pm, R, F, 1);
      expect(Array.from(read(a, pacc, R * F))).toEqual(Array.from(f32of(plus(y0, want))));
      k.mask_rows(px, px, pm, R, F, 0);
      expect(Array.from(read(a, px, R * F))).toEqual(Array.from(want));
      // Masking: rows 0 and 3 all equal the value, row 4 differs only in its last feature
      const xm = f32rand(R * F, F + 2);
      xm.fill(0, 0, F); xm.fill(0, 3 * F, 4 * F); xm.fill(0, 4 * F, 5 * F); xm[5 * F - 1] = 0.5;
      const pk = buf(a, R);
      k.masking_compute(pk, buf(a, xm), R, F, 0);
      expect(Array.from(read(a, pk, R))).toEqual(Array.from(maskingCompute(xm, R, F, 0)));
      expect(read(a, pk, R)[0]).toBe(0);
    });
  });
});
