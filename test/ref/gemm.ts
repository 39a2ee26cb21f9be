// Float64 references for assembly/gemm.ts: C (+)= A . B (gemm_nn), C += A^T . B (gemm_tn), transpose, and the product's backward.

/** C[M,N] = (accumulate ? C : 0) + A[M,K] . B[K,N]; A(i,k) = A[i*lda + k], B(k,j) = B[k*ldb + j], C(i,j) = C[i*ldc + j]. */
export function gemmNN(C: Float64Array, A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number,
                       lda = K, ldb = N, ldc = N, accumulate = false): Float64Array {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = accumulate ? C[i * ldc + j] : 0;
      for (let k = 0; k < K; k++) s += A[i * lda + k] * B[k * ldb + j];
      C[i * ldc + j] = s;
    }
  }
  return C;
}

/** C[M,N] += A[K,M]^T . B[K,N]; A(k,i) = A[k*lda + i]. */
export function gemmTN(C: Float64Array, A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number,
                       lda = M, ldb = N, ldc = N): Float64Array {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = C[i * ldc + j];
      for (let k = 0; k < K; k++) s += A[k * lda + i] * B[k * ldb + j];
      C[i * ldc + j] = s;
    }
  }
  return C;
}

/** out[N,M] = in[M,N]^T. */
export function transpose(inp: ArrayLike<number>, M: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) out[j * M + i] = inp[i * N + j];
  return out;
}

/** forward: C = A . B (dense)  =>  dA = dC . B^T, dB = A^T . dC. */
export function gemmBackward(dC: ArrayLike<number>, A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number):
  { dA: Float64Array; dB: Float64Array } {
  const dA = new Float64Array(M * K), dB = new Float64Array(K * N);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += dC[i * N + j] * B[k * N + j];
      dA[i * K + k] = s;
    }
  }
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += A[i * K + k] * dC[i * N + j];
      dB[k * N + j] = s;
    }
  }
  return { dA, dB };
}
