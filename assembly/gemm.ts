// Matrix products every layer uses: C[M,N] (+)= op(A)[M,K] . B[K,N], f32x4 register-blocked (5 rows x 8 columns).
// Dimension letters: M rows of C, N columns of C, K the reduction. Strides are in elements.
// Every C element is summed the same way wherever it sits: acc = (accumulate ? C : 0), then acc = acc + a_k * b_k
// for k = 0..K-1 in order (mul then add, never fused). Edge tiles and scalar tails keep that order, so a row's result
// does not depend on M, on its tile, or (later) on the thread that computes it.

// The reduction is cut into blocks of KC so a block of B stays in cache across row tiles (weight gradients reduce
// over B*T rows). C is stored between blocks and reloaded, which performs exactly the same f32 operations in the same
// order as one long loop: blocking never changes a bit.
const KC: i32 = 128;

@inline function gemmGeneric(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                             sai: i32, sak: i32, ldb: i32, ldc: i32, accumulate: bool): void {
  if (K == 0 && !accumulate) { for (let i = 0; i < M; i++) memory.fill(C + <usize>(i * ldc) * 4, 0, <usize>N * 4); return; }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    gemmBlock(C, A + <usize>(k0 * sak) * 4, B + <usize>k0 * <usize>ldb * 4, M, N, kc, sai, sak, ldb, ldc, accumulate || k0 > 0);
  }
}

// A(i, k) lives at A + (i * sai + k * sak) * 4; B(k, j) at B + (k * ldb + j) * 4; C(i, j) at C + (i * ldc + j) * 4.
@inline function gemmBlock(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                             sai: i32, sak: i32, ldb: i32, ldc: i32, accumulate: bool): void {
  const zero = f32x4.splat(0.0);
  let i = 0;
  // 5 rows x 8 columns of accumulators (ten v128 registers), B streamed, A broadcast from memory.
  for (; i + 5 <= M; i += 5) {
    const a0 = A + <usize>(i * sai) * 4;
    const a1 = A + <usize>((i + 1) * sai) * 4;
    const a2 = A + <usize>((i + 2) * sai) * 4;
    const a3 = A + <usize>((i + 3) * sai) * 4;
    const a4 = A + <usize>((i + 4) * sai) * 4;
    const c0 = C + <usize>(i * ldc) * 4;
    const c1 = c0 + <usize>ldc * 4;
    const c2 = c1 + <usize>ldc * 4;
    const c3 = c2 + <usize>ldc * 4;
    const c4 = c3 + <usize>ldc * 4;
    const bstep = <usize>ldb * 4;
    const astep = <usize>sak * 4;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const jo = <usize>j * 4;
      let x00 = zero, x01 = zero, x10 = zero, x11 = zero, x20 = zero, x21 = zero, x30 = zero, x31 = zero, x40 = zero, x41 = zero;
      if (accumulate) {
        x00 = v128.load(c0 + jo); x01 = v128.load(c0 + jo, 16);
        x10 = v128.load(c1 + jo); x11 = v128.load(c1 + jo, 16);
        x20 = v128.load(c2 + jo); x21 = v128.load(c2 + jo, 16);
        x30 = v128.load(c3 + jo); x31 = v128.load(c3 + jo, 16);
        x40 = v128.load(c4 + jo); x41 = v128.load(c4 + jo, 16);
      }
      let bp = B + jo;
      let ak: usize = 0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let s = v128.load32_splat(a0 + ak);
        x00 = f32x4.add(x00, f32x4.mul(s, b0)); x01 = f32x4.add(x01, f32x4.mul(s, b1));
        s = v128.load32_splat(a1 + ak);
        x10 = f32x4.add(x10, f32x4.mul(s, b0)); x11 = f32x4.add(x11, f32x4.mul(s, b1));
        s = v128.load32_splat(a2 + ak);
        x20 = f32x4.add(x20, f32x4.mul(s, b0)); x21 = f32x4.add(x21, f32x4.mul(s, b1));
        s = v128.load32_splat(a3 + ak);
        x30 = f32x4.add(x30, f32x4.mul(s, b0)); x31 = f32x4.add(x31, f32x4.mul(s, b1));
        s = v128.load32_splat(a4 + ak);
        x40 = f32x4.add(x40, f32x4.mul(s, b0)); x41 = f32x4.add(x41, f32x4.mul(s, b1));
        bp += bstep;
        ak += astep;
      }
      v128.store(c0 + jo, x00); v128.store(c0 + jo, x01, 16);
      v128.store(c1 + jo, x10); v128.store(c1 + jo, x11, 16);
      v128.store(c2 + jo, x20); v128.store(c2 + jo, x21, 16);
      v128.store(c3 + jo, x30); v128.store(c3 + jo, x31, 16);
      v128.store(c4 + jo, x40); v128.store(c4 + jo, x41, 16);
    }
    for (; j + 4 <= N; j += 4) {
      const jo = <usize>j * 4;
      let x0 = zero, x1 = zero, x2 = zero, x3 = zero, x4 = zero;
      if (accumulate) { x0 = v128.load(c0 + jo); x1 = v128.load(c1 + jo); x2 = v128.load(c2 + jo); x3 = v128.load(c3 + jo); x4 = v128.load(c4 + jo); }
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(B + (<usize>k * <usize>ldb + <usize>j) * 4);
        const ak = <usize>(k * sak) * 4;
        x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(a0 + ak), b0));
        x1 = f32x4.add(x1, f32x4.mul(v128.load32_splat(a1 + ak), b0));
        x2 = f32x4.add(x2, f32x4.mul(v128.load32_splat(a2 + ak), b0));
        x3 = f32x4.add(x3, f32x4.mul(v128.load32_splat(a3 + ak), b0));
        x4 = f32x4.add(x4, f32x4.mul(v128.load32_splat(a4 + ak), b0));
      }
      v128.store(c0 + jo, x0); v128.store(c1 + jo, x1); v128.store(c2 + jo, x2); v128.store(c3 + jo, x3); v128.store(c4 + jo, x4);
    }
    for (; j < N; j++) {
      const jo = <usize>j * 4;
      let x0: f32 = 0, x1: f32 = 0, x2: f32 = 0, x3: f32 = 0, x4: f32 = 0;
      if (accumulate) { x0 = load<f32>(c0 + jo); x1 = load<f32>(c1 + jo); x2 = load<f32>(c2 + jo); x3 = load<f32>(c3 + jo); x4 = load<f32>(c4 + jo); }
      for (let k = 0; k < K; k++) {
        const b = load<f32>(B + (<usize>k * <usize>ldb + <usize>j) * 4);
        const ak = <usize>(k * sak) * 4;
        x0 = x0 + load<f32>(a0 + ak) * b;
        x1 = x1 + load<f32>(a1 + ak) * b;
        x2 = x2 + load<f32>(a2 + ak) * b;
        x3 = x3 + load<f32>(a3 + ak) * b;
        x4 = x4 + load<f32>(a4 + ak) * b;
      }
      store<f32>(c0 + jo, x0); store<f32>(c1 + jo, x1); store<f32>(c2 + jo, x2); store<f32>(c3 + jo, x3); store<f32>(c4 + jo, x4);
    }
  }
  // Remaining rows one at a time, same k order.
  for (; i < M; i++) {
    const a0 = A + <usize>(i * sai) * 4;
    const c0 = C + <usize>(i * ldc) * 4;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const jo = <usize>j * 4;
      let x0 = zero, x1 = zero;
      if (accumulate) { x0 = v128.load(c0 + jo); x1 = v128.load(c0 + jo, 16); }
      for (let k = 0; k < K; k++) {
        const bp = B + (<usize>k * <usize>ldb + <usize>j) * 4;
        const s = v128.load32_splat(a0 + <usize>(k * sak) * 4);
        x0 = f32x4.add(x0, f32x4.mul(s, v128.load(bp)));
        x1 = f32x4.add(x1, f32x4.mul(s, v128.load(bp, 16)));
      }
      v128.store(c0 + jo, x0); v128.store(c0 + jo, x1, 16);
    }
    for (; j + 4 <= N; j += 4) {
      const jo = <usize>j * 4;
      let x0 = zero;
      if (accumulate) x0 = v128.load(c0 + jo);
      for (let k = 0; k < K; k++) {
        const s = v128.load32_splat(a0 + <usize>(k * sak) * 4);
        x0 = f32x4.add(x0, f32x4.mul(s, v128.load(B + (<usize>k * <usize>ldb + <usize>j) * 4)));
      }
      v128.store(c0 + jo, x0);
    }
    for (; j < N; j++) {
      const jo = <usize>j * 4;
      let x0: f32 = 0;
      if (accumulate) x0 = load<f32>(c0 + jo);
      for (let k = 0; k < K; k++) {
        x0 = x0 + load<f32>(a0 + <usize>(k * sak) * 4) * load<f32>(B + (<usize>k * <usize>ldb + <usize>j) * 4);
      }
      store<f32>(c0 + jo, x0);
    }
  }
}

// C[M,N] = (accumulate ? C : 0) + A[M,K] . B[K,N]. A row-major with leading dimension lda.
export function gemm_nn(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                        lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  gemmGeneric(C, A, B, M, N, K, lda, 1, ldb, ldc, accumulate != 0);
}

// C[M,N] += A[K,M]^T . B[K,N]: weight gradients (dW = X^T dZ), reduction over the K = B*T rows in order.
export function gemm_tn(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                        lda: i32, ldb: i32, ldc: i32): void {
  gemmGeneric(C, A, B, M, N, K, 1, lda, ldb, ldc, true);
}

// out[N, M] = in[M, N]^T (both dense). Used to turn A . B^T into a gemm_nn.
export function transpose(out: usize, inp: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      store<f32>(out + (<usize>j * <usize>M + <usize>i) * 4, load<f32>(inp + (<usize>i * <usize>N + <usize>j) * 4));
    }
  }
}
