// gemm_nn / gemm_nn_packed + pack_b / gemm_tn / transpose (assembly/gemm.ts) against the f64 reference on tail-breaking shapes, with strides,
// accumulate, K = 0 and K beyond the 256 reduction block, NaN propagation, and the determinism contract: every element is
// acc = acc + a_k * b_k in k order in f32 (checked bit for bit), so a row or column does not depend on M, N or its tile.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read, expectClose } from '../helpers/kernels.js';
import { gemmNN, gemmTN, transpose } from '../ref/gemm.js';
import { SIZES, f32rand, bits, expectSameBits, scoped } from './common.js';

const a = kernelArena();
const k = a.k;

/** The documented contract emulated in f32: acc = (accumulate ? C : 0); acc = acc + a_k * b_k for k in order, mul then
 *  add, never fused (f64 is wide enough that rounding each f64 result to f32 gives the f32 operation exactly). */
function gemmF32Bits(C: Float64Array, A: Float64Array, B: Float64Array, M: number, N: number, K: number,
                     Aat: (i: number, kk: number) => number, accumulate: boolean): number[] {
  const f = Math.fround, out = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc = accumulate ? f(C[i * N + j]) : 0;
    for (let kk = 0; kk < K; kk++) acc = f(acc + f(A[Aat(i, kk)] * B[kk * N + j]));
    out[i * N + j] = acc;
  }
  return Array.from(new Uint32Array(out.buffer));
}

describe('gemm_nn', () => {
  it('matches the reference for every M, N, K in {1, 3, 4, 5, 17, 64}, with padded strides and accumulate', () => {
    let seed = 1;
    for (const M of SIZES) for (const N of SIZES) for (const K of SIZES) {
      scoped(a, () => {
        seed++;
        const pad = seed % 3, acc = seed % 2;
        const lda = K + pad, ldb = N + pad, ldc = N + 2 * pad;
        const A = f32rand(M * lda, seed), B = f32rand(K * ldb, seed + 1000);
        // accumulate = 0 must overwrite whatever is there, even NaN; padding columns of C stay untouched
        const C0 = acc ? f32rand(M * ldc, seed + 2000) : new Float64Array(M * ldc).fill(NaN);
        for (let i = 0; i < M; i++) for (let j = N; j < ldc; j++) C0[i * ldc + j] = 7;
        const pC = buf(a, C0);
        k.gemm_nn(pC, buf(a, A), buf(a, B), M, N, K, lda, ldb, ldc, acc);
        const want = gemmNN(C0.slice(), A, B, M, N, K, lda, ldb, ldc, acc === 1);
        expectClose(read(a, pC, M * ldc), want, 1e-5, 1e-4, `gemm_nn M=${M} N=${N} K=${K} acc=${acc}`);
      });
    }
  });

  it('a row of C is the same bits computed with M = 64, M = 5 or M = 1 (K = 17 and K = 200, past one reduction block)', () => {
    for (const N of [1, 3, 5, 17, 64, 100, 128]) for (const K of [17, 200]) scoped(a, () => {
      const A = f32rand(64 * K, 300 + N + K), B = f32rand(K * N, 400 + N + K);
      const pA = buf(a, A), pB = buf(a, B), pC = buf(a, 64 * N), p1 = buf(a, N), p5 = buf(a, 5 * N);
      k.gemm_nn(pC, pA, pB, 64, N, K, K, N, N, 0);
      const all = bits(a, pC, 64 * N);
      for (let r = 0; r < 64; r++) {
        k.gemm_nn(p1, pA + r * K * 4, pB, 1, N, K, K, N, N, 0);
        expectSameBits(bits(a, p1, N), all.slice(r * N, (r + 1) * N), `row ${r} of M=64 vs M=1 (N=${N})`);
      }
      // rows 59..63 again as M = 5: a different split into row tiles and tail rows
      k.gemm_nn(p5, pA + 59 * K * 4, pB, 5, N, K, K, N, N, 0);
      expectSameBits(bits(a, p5, 5 * N), all.slice(59 * N, 64 * N), `rows 59..63 as M=5 (N=${N})`);
    });
  });

  it('a column of C is the same bits computed with N = 64, 17, 5 or 1 (8-wide, 4-wide and scalar paths)', () => {
    scoped(a, () => {
      const M = 6, K = 33;
      const A = f32rand(M * K, 500), B = f32rand(K * 64, 501);
      const pA = buf(a, A), pB = buf(a, B), pC = buf(a, M * 64), pS = buf(a, M * 64);
      k.gemm_nn(pC, pA, pB, M, 64, K, K, 64, 64, 0);
      const full = bits(a, pC, M * 64);
      for (const N of [17, 5, 1]) for (const j0 of [0, 3, 40]) {
        k.gemm_nn(pS, pA, pB + j0 * 4, M, N, K, K, 64, N, 0);
        const got = bits(a, pS, M * N), want: number[] = [];
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) want.push(full[i * 64 + j0 + j]);
        expectSameBits(got, want, `columns ${j0}..${j0 + N - 1} with N=${N}`);
      }
    });
  });

  it('every element equals the f32 in-order sum bit for bit, including K past the 256 reduction block, packed or not', () => {
    const shapes: Array<[number, number, number]> = [[7, 13, 300], [64, 17, 129], [5, 9, 1], [1, 64, 257], [10, 8, 128], [3, 3, 5], [7, 33, 600], [4, 48, 513], [2, 16, 256], [9, 40, 70]];
    let seed = 800;
    for (const [M, N, K] of shapes) for (const acc of [0, 1]) scoped(a, () => {
      seed += 3;
      const A = f32rand(M * K, seed), B = f32rand(K * N, seed + 1), C0 = f32rand(M * N, seed + 2);
      const pC = buf(a, C0);
      const pA = buf(a, A), pB = buf(a, B);
      k.gemm_nn(pC, pA, pB, M, N, K, K, N, N, acc);
      const wantNN = gemmF32Bits(C0, A, B, M, N, K, (i, kk) => i * K + kk, acc === 1);
      expectSameBits(bits(a, pC, M * N), wantNN, `gemm_nn ${M}x${N}x${K} acc=${acc}`);
      // B packed once into panels (pack_b), then gemm_nn_packed: the same bits
      const pP = buf(a, new Float32Array(K * N).fill(NaN)), pC2 = buf(a, C0);
      k.pack_b(pP, pB, K, N, N);
      k.gemm_nn_packed(pC2, pA, pB, pP, M, N, K, K, N, N, acc);
      expectSameBits(bits(a, pC2, M * N), wantNN, `gemm_nn_packed ${M}x${N}x${K} acc=${acc}`);
      const At = f32rand(K * M, seed + 3), pAt = buf(a, At), pBt = buf(a, B);
      const want = gemmF32Bits(C0, At, B, M, N, K, (i, kk) => kk * M + i, true);
      for (const pack of [0, buf(a, new Float32Array(256 * N).fill(NaN))]) {
        const pT = buf(a, C0);
        k.gemm_tn(pT, pAt, pBt, M, N, K, M, N, N, pack);
        expectSameBits(bits(a, pT, M * N), want, `gemm_tn ${M}x${N}x${K} pack=${pack !== 0}`);
      }
    });
  });

  // row_panels: one row against B in panels of 28 and 24 columns and a narrower last one (pack_panels), an LSTM's
  // recurrent product at batch 1 with a big U; N covers 28s only (28, 56), 24s only (48, 72), both (100, 128, 256: B's
  // 4H) and every tail width (16, 8, 4 and single columns)
  it('row_panels on pack_panels panels gives every element the f32 in-order sum bit for bit (N 1-256, K 1-300)', () => {
    let seed = 900;
    for (const N of [1, 7, 28, 31, 48, 56, 60, 72, 96, 100, 127, 128, 256]) for (const K of [1, 3, 17, 64, 300]) scoped(a, () => {
      seed += 5;
      const ldb = N + (seed % 3); // a padded row stride
      const A = f32rand(K, seed), B = f32rand(K * ldb, seed + 1), C0 = f32rand(N, seed + 2);
      const pP = buf(a, new Float32Array(K * N).fill(NaN)), pC = buf(a, C0);
      k.pack_panels(pP, buf(a, B), K, N, ldb);
      k.row_panels(pC, buf(a, A), pP, N, K);
      const dense = new Float64Array(K * N);
      for (let kk = 0; kk < K; kk++) for (let j = 0; j < N; j++) dense[kk * N + j] = B[kk * ldb + j];
      expectSameBits(bits(a, pC, N), gemmF32Bits(C0, A, dense, 1, N, K, (_i, kk) => kk, true), `row_panels N=${N} K=${K}`);
    });
  });

  // gemm_rows_packed: A's rows gathered by an index (an LSTM's input product read from an embedding's table)
  it('gemm_rows_packed gives the same bits as gemm_nn_packed on the gathered rows (M past 16-row chunks, N with edge columns, K past 256, index strides, repeats)', () => {
    let seed = 3000;
    for (const [M, N, K] of [[1, 32, 5], [2, 17, 3], [7, 48, 64], [16, 16, 1], [33, 40, 37], [45, 64, 300]]) {
      for (const istride of [1, 3]) for (const acc of [0, 1]) {
        scoped(a, () => {
          seed++;
          const V = 11, lda = K + (seed % 3), ldc = N + 1;
          const table = f32rand(V * lda, seed), B = f32rand(K * N, seed + 1);
          // ids: every row of the table, descending, with repeats (row i + 1 before row i in memory, too)
          const ids = Int32Array.from({ length: M * istride }, (_, n) => (V - 1 - ((n * 7) % V)));
          const gathered = new Float64Array(M * K);
          for (let i = 0; i < M; i++) gathered.set(table.subarray(ids[i * istride] * lda, ids[i * istride] * lda + K), i * K);
          const C0 = acc ? f32rand(M * ldc, seed + 2) : new Float64Array(M * ldc).fill(NaN);
          for (let i = 0; i < M; i++) C0[i * ldc + N] = 7; // the padding column stays untouched
          const pB = buf(a, B), pP = buf(a, new Float32Array(K * (N & ~15)));
          k.pack_b(pP, pB, K, N, N);
          const pWant = buf(a, C0);
          k.gemm_nn_packed(pWant, buf(a, gathered), pB, pP, M, N, K, K, N, ldc, acc);
          const pids = a.alloc(ids.length * 4); a.i32(pids, ids.length).set(ids);
          const pC = buf(a, C0), pS = buf(a, new Float32Array(16 * Math.min(K, 256)).fill(NaN));
          k.gemm_rows_packed(pC, buf(a, table), pids, istride, pB, pP, pS, M, N, K, lda, N, ldc, acc);
          expectSameBits(bits(a, pC, M * ldc), bits(a, pWant, M * ldc), `gemm_rows_packed ${M}x${N}x${K} istride ${istride} acc ${acc}`);
          expect(read(a, pC, M * ldc).filter((_, e) => e % ldc === N).every((v) => v === 7)).toBe(true);
        });
      }
    }
  });

  it('K = 0 gives zeros without accumulate and leaves C alone with it', () => {
    scoped(a, () => {
      const C0 = f32rand(3 * 5, 900), p0 = buf(a, C0), p1 = buf(a, C0);
      k.gemm_nn(p0, buf(a, 1), buf(a, 1), 3, 5, 0, 1, 5, 5, 0);
      k.gemm_nn(p1, buf(a, 1), buf(a, 1), 3, 5, 0, 1, 5, 5, 1);
      expect(Array.from(read(a, p0, 15))).toEqual(new Array(15).fill(0));
      expect(Array.from(read(a, p1, 15))).toEqual(Array.from(C0));
    });
  });

  it('NaN in A reaches exactly its row of C; NaN in B exactly its column', () => {
    scoped(a, () => {
      const M = 5, N = 9, K = 6;
      const A = f32rand(M * K, 600), B = f32rand(K * N, 601);
      A[2 * K + 3] = NaN; B[1 * N + 7] = NaN;
      const pC = buf(a, M * N);
      k.gemm_nn(pC, buf(a, A), buf(a, B), M, N, K, K, N, N, 0);
      const C = read(a, pC, M * N);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        expect(Number.isNaN(C[i * N + j]), `C[${i},${j}]`).toBe(i === 2 || j === 7);
      }
    });
  });
});

describe('gemm_tn', () => {
  it('matches the reference (C += A^T B) for every M, N, K in {1, 3, 4, 5, 17, 64}, with padded strides', () => {
    let seed = 7;
    for (const M of SIZES) for (const N of SIZES) for (const K of SIZES) {
      scoped(a, () => {
        seed++;
        const pad = seed % 3;
        const lda = M + pad, ldb = N + pad, ldc = N + pad;
        const A = f32rand(K * lda, seed), B = f32rand(K * ldb, seed + 1000), C0 = f32rand(M * ldc, seed + 2000);
        const want = gemmTN(C0.slice(), A, B, M, N, K, lda, ldb, ldc);
        for (const pack of [0, buf(a, new Float32Array(256 * N).fill(NaN))]) {
          const pC = buf(a, C0);
          k.gemm_tn(pC, buf(a, A), buf(a, B), M, N, K, lda, ldb, ldc, pack);
          expectClose(read(a, pC, M * ldc), want, 1e-5, 1e-4, `gemm_tn M=${M} N=${N} K=${K} pack=${pack !== 0}`);
        }
      });
    }
  });

  it('a row of C (a column of A) is the same bits computed with M = 64 (packed) or M = 1', () => {
    scoped(a, () => {
      const K = 300, N = 35;
      const A = f32rand(K * 64, 700), B = f32rand(K * N, 701);
      const pA = buf(a, A), pB = buf(a, B), pC = buf(a, 64 * N), p1 = buf(a, N);
      k.gemm_tn(pC, pA, pB, 64, N, K, 64, N, N, buf(a, 256 * N));
      const all = bits(a, pC, 64 * N);
      for (let r = 0; r < 64; r++) {
        a.zero(p1, N);
        k.gemm_tn(p1, pA + r * 4, pB, 1, N, K, 64, N, N, 0);
        expectSameBits(bits(a, p1, N), all.slice(r * N, (r + 1) * N), `row ${r}`);
      }
    });
  });
});

describe('transpose', () => {
  it('is exact for every M, N in {1, 3, 4, 5, 17, 64}', () => {
    for (const M of SIZES) for (const N of SIZES) scoped(a, () => {
      const X = f32rand(M * N, M * 100 + N), pO = buf(a, M * N);
      k.transpose(pO, buf(a, X), M, N);
      expect(Array.from(read(a, pO, M * N))).toEqual(Array.from(transpose(X, M, N)));
    });
  });
});
