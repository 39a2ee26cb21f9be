// Reference gemm: hand values, the tn variant against nn on a transposed A, strides, and the backward by central differences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { gemmNN, gemmTN, gemmBackward, transpose } from './gemm.js';
import { gradCheck, weights } from './check.js';

describe('ref gemm', () => {
  it('computes a 2x2 product by hand, with and without accumulate', () => {
    const A = [1, 2, 3, 4], B = [5, 6, 7, 8];
    expect(Array.from(gemmNN(new Float64Array(4), A, B, 2, 2, 2))).toEqual([19, 22, 43, 50]);
    expect(Array.from(gemmNN(Float64Array.from([1, 1, 1, 1]), A, B, 2, 2, 2, 2, 2, 2, true))).toEqual([20, 23, 44, 51]);
  });

  it('gemmTN equals gemmNN on the transposed A, accumulating, with strides', () => {
    const M = 3, N = 5, K = 4;
    const At = rand(K * M, 1), B = rand(K * N, 2), C0 = rand(M * N, 3);
    const nn = gemmNN(C0.slice(), transpose(At, K, M), B, M, N, K, K, N, N, true);
    const tn = gemmTN(C0.slice(), At, B, M, N, K);
    expectClose(tn, nn, 1e-14, 1e-14);
    // strided: A rows of 6 (only 4 used), C rows of 7
    const As = new Float64Array(M * 6), Cs = new Float64Array(M * 7);
    const A = transpose(At, K, M);
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) As[i * 6 + k] = A[i * K + k];
    gemmNN(Cs, As, B, M, N, K, 6, N, 7);
    const dense = gemmNN(new Float64Array(M * N), A, B, M, N, K);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect(Cs[i * 7 + j]).toBeCloseTo(dense[i * N + j], 14);
    expect(Cs[5]).toBe(0);
  });

  it('backward matches central differences', () => {
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 4], [5, 3, 17]]) {
      const A = rand(M * K, 10 + M), B = rand(K * N, 20 + N), r = weights(M * N, 30 + K);
      const { dA, dB } = gemmBackward(r, A, B, M, N, K);
      const f = () => gemmNN(new Float64Array(M * N), A, B, M, N, K);
      gradCheck(f, A, dA, r, `dA ${M}x${N}x${K}`);
      gradCheck(f, B, dB, r, `dB ${M}x${N}x${K}`);
    }
  });
});
