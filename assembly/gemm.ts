// Matrix products every layer uses: C[M,N] (+)= op(A)[M,K] . B[K,N], f32x4 register-blocked (2 rows x 16 columns).
// Dimension letters: M rows of C, N columns of C, K the reduction. Strides are in elements.
// Every C element is summed the same way wherever it sits: acc = (accumulate ? C : 0), then acc = acc + a_k * b_k
// for k = 0..K-1 in order (mul then add, never fused). Edge tiles and scalar tails keep that order, so a row's result
// does not depend on M, on its tile, or (later) on the thread that computes it.

// The reduction is cut into blocks of KC (256 measured best for the 6400x256x64 input-gradient product and no worse
// elsewhere) so a block of B stays in cache across row tiles (weight gradients reduce
// over B*T rows). C is stored between blocks and reloaded, which performs exactly the same f32 operations in the same
// order as one long loop: blocking never changes a bit.
const KC: i32 = 256;
// Rows per chunk. Measured (best of 10, realistic strides, 2.4 GHz Zen 5 VM), GFLOP/s for MC 2 / 16 / 64:
// 32x64x256 24.8 / 29.5 / 28.9; 6400x64x256 24.6 / 25.0 / 26.6; 64x128x32 28.7 / 27.2 / 25.9; 32x256x64 and
// 6400x256x64 about 19.5 and 19.9 for all three. 16 is the best compromise.
const MC: i32 = 16;

@inline function gemmGeneric(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                             sai: i32, sak: i32, ldb: i32, ldc: i32, accumulate: bool): void {
  if (K == 0 && !accumulate) { for (let i = 0; i < M; i++) memory.fill(C + <usize>(i * ldc) * 4, 0, <usize>N * 4); return; }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    gemmBlock(C, A + <usize>(k0 * sak) * 4, B + <usize>k0 * <usize>ldb * 4, M, N, kc, sai, sak, ldb, ldc, accumulate || k0 > 0);
  }
}

// The 2 x 16 register tile: C rows c0 and c0 + dc, columns 0..15, += A rows a0 and a0 + da (k stepping by astep)
// times B rows from bp (stepping by bstep), k = 0..K-1 in order (K >= 1).
@inline function tile2x16(c0: usize, dc: usize, a0: usize, da: usize, astep: usize, bp: usize, bstep: usize, K: i32, accumulate: bool): void {
  const zero = f32x4.splat(0.0);
  const c1 = c0 + dc;
  let x00 = zero, x01 = zero, x02 = zero, x03 = zero, x10 = zero, x11 = zero, x12 = zero, x13 = zero;
  if (accumulate) {
    x00 = v128.load(c0); x01 = v128.load(c0, 16); x02 = v128.load(c0, 32); x03 = v128.load(c0, 48);
    x10 = v128.load(c1); x11 = v128.load(c1, 16); x12 = v128.load(c1, 32); x13 = v128.load(c1, 48);
  }
  let ap = a0;
  const aEnd = a0 + <usize>K * astep;
  // do-while with two induction variables: V8's TurboFan then keeps the accumulators in place (a for loop over k
  // made it rotate them between registers, 0.72 -> 0.85-0.97 of the peak).
  do {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
    let s = v128.load32_splat(ap);
    x00 = f32x4.add(x00, f32x4.mul(s, b0)); x01 = f32x4.add(x01, f32x4.mul(s, b1));
    x02 = f32x4.add(x02, f32x4.mul(s, b2)); x03 = f32x4.add(x03, f32x4.mul(s, b3));
    s = v128.load32_splat(ap + da);
    x10 = f32x4.add(x10, f32x4.mul(s, b0)); x11 = f32x4.add(x11, f32x4.mul(s, b1));
    x12 = f32x4.add(x12, f32x4.mul(s, b2)); x13 = f32x4.add(x13, f32x4.mul(s, b3));
    bp += bstep;
    ap += astep;
  } while (ap != aEnd);
  v128.store(c0, x00); v128.store(c0, x01, 16); v128.store(c0, x02, 32); v128.store(c0, x03, 48);
  v128.store(c1, x10); v128.store(c1, x11, 16); v128.store(c1, x12, 32); v128.store(c1, x13, 48);
}

// With a pack buffer (KC x (N & ~15) floats): each K block of B is first copied panel by panel (16 columns x kc rows,
// contiguous), so a panel sits in L1 for every row pair instead of in 64-byte pieces a whole row of B apart (which
// map to a few cache sets). Columns past the last full panel and an odd last row take the unpacked path. Every
// element is still summed in the same order: the same bits as gemmGeneric.
@inline function gemmPacked(C: usize, A: usize, B: usize, P: usize, M: i32, N: i32, K: i32,
                            sai: i32, sak: i32, ldb: i32, ldc: i32, accumulate: bool): void {
  const N16 = N & ~15;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const Bk = B + <usize>k0 * <usize>ldb * 4;
    packBlock(P, Bk, kc, N16, ldb);
    packedBlock(C, A + <usize>(k0 * sak) * 4, Bk, P, M, N, kc, sai, sak, ldb, ldc, accumulate || k0 > 0);
  }
}

// One K block of B (kc rows from Bk) as 16-column panels of kc x 16 contiguous floats at P (full panels only).
@inline function packBlock(P: usize, Bk: usize, kc: i32, N16: i32, ldb: i32): void {
  const panel = <usize>kc * 64;
  for (let j = 0; j < N16; j += 16) {
    let src = Bk + <usize>j * 4;
    let dst = P + <usize>(j >> 4) * panel;
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(src)); v128.store(dst, v128.load(src, 16), 16);
      v128.store(dst, v128.load(src, 32), 32); v128.store(dst, v128.load(src, 48), 48);
      src += <usize>ldb * 4;
      dst += 64;
    }
  }
}

// C (+)= A . B over one K block whose full panels are packed at P: 2 x 16 tiles from the panels, then the columns past
// the last full panel and an odd last row from B itself.
function packedBlock(C: usize, Ak: usize, Bk: usize, P: usize, M: i32, N: i32, kc: i32,
                             sai: i32, sak: i32, ldb: i32, ldc: i32, acc: bool): void {
  const N16 = N & ~15;
  const M2 = M & ~1;
  const panel = <usize>kc * 64;
  for (let i0 = 0; i0 < M2; i0 += MC) {
    const iEnd = min(i0 + MC, M2);
    for (let j = 0; j < N16; j += 16) {
      const bp = P + <usize>(j >> 4) * panel;
      for (let i = i0; i < iEnd; i += 2) {
        tile2x16(C + (<usize>(i * ldc) + <usize>j) * 4, <usize>ldc * 4, Ak + <usize>(i * sai) * 4, <usize>sai * 4, <usize>sak * 4, bp, 64, kc, acc);
      }
    }
  }
  if (N16 < N) edgeBlock(C + <usize>N16 * 4, Ak, Bk + <usize>N16 * 4, M, N - N16, kc, sai, sak, ldb, ldc, acc);
  if (M2 < M && N16 > 0) edgeBlock(C + <usize>(M2 * ldc) * 4, Ak + <usize>(M2 * sai) * 4, Bk, 1, N16, kc, sai, sak, ldb, ldc, acc);
}

// The unpacked block as a plain call, for the packed paths' edges (one copy of its code instead of one per caller).
function edgeBlock(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, sai: i32, sak: i32, ldb: i32, ldc: i32, acc: bool): void {
  gemmBlock(C, A, B, M, N, K, sai, sak, ldb, ldc, acc);
}

// A(i, k) lives at A + (i * sai + k * sak) * 4; B(k, j) at B + (k * ldb + j) * 4; C(i, j) at C + (i * ldc + j) * 4.
@inline function gemmBlock(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                             sai: i32, sak: i32, ldb: i32, ldc: i32, accumulate: bool): void {
  const zero = f32x4.splat(0.0);
  let i = 0;
  // 2 rows x 16 columns of accumulators (eight v128 registers): four B vectors per k and only two broadcasts of A.
  // In V8 this shape measured at the in-run peak, where 5x8 and 6x8 (more broadcasts, or spills) did not.
  const bstep = <usize>ldb * 4;
  const astep = <usize>sak * 4;
  // Rows come in chunks of MC; within a chunk, each 16-column panel of B is used by every row pair in turn.
  const M2 = M & ~1;
  for (let i0 = 0; i0 < M2; i0 += MC) {
    const iEnd = min(i0 + MC, M2);
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      const jo = <usize>j * 4;
      for (i = i0; i < iEnd; i += 2) {
        tile2x16(C + <usize>(i * ldc) * 4 + jo, <usize>ldc * 4, A + <usize>(i * sai) * 4, <usize>sai * 4, astep, B + jo, bstep, K, accumulate);
      }
    }
    for (; j + 4 <= N; j += 4) {
      const jo = <usize>j * 4;
      for (i = i0; i < iEnd; i += 2) {
        const a0 = A + <usize>(i * sai) * 4;
        const a1 = A + <usize>((i + 1) * sai) * 4;
        const c0 = C + <usize>(i * ldc) * 4;
        const c1 = c0 + <usize>ldc * 4;
        let x0 = zero, x1 = zero;
        if (accumulate) { x0 = v128.load(c0 + jo); x1 = v128.load(c1 + jo); }
        let bp = B + jo;
        let ap = a0;
        const d = a1 - a0;
        const aEnd = a0 + <usize>K * astep;
        do {
          const b0 = v128.load(bp);
          x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(ap), b0));
          x1 = f32x4.add(x1, f32x4.mul(v128.load32_splat(ap + d), b0));
          bp += bstep;
          ap += astep;
        } while (ap != aEnd);
        v128.store(c0 + jo, x0); v128.store(c1 + jo, x1);
      }
    }
    for (; j < N; j++) {
      const jo = <usize>j * 4;
      for (i = i0; i < iEnd; i += 2) {
        const a0 = A + <usize>(i * sai) * 4;
        const a1 = A + <usize>((i + 1) * sai) * 4;
        const c0 = C + <usize>(i * ldc) * 4;
        const c1 = c0 + <usize>ldc * 4;
        let x0: f32 = 0, x1: f32 = 0;
        if (accumulate) { x0 = load<f32>(c0 + jo); x1 = load<f32>(c1 + jo); }
        for (let k = 0; k < K; k++) {
          const b = load<f32>(B + (<usize>k * <usize>ldb + <usize>j) * 4);
          const ak = <usize>(k * sak) * 4;
          x0 = x0 + load<f32>(a0 + ak) * b;
          x1 = x1 + load<f32>(a1 + ak) * b;
        }
        store<f32>(c0 + jo, x0); store<f32>(c1 + jo, x1);
      }
    }
  }
  // Remaining rows one at a time, same k order.
  for (i = M2; i < M; i++) {
    rowBlock(C + <usize>(i * ldc) * 4, A + <usize>(i * sai) * 4, B, N, K, astep, bstep, accumulate);
  }
}

// 28 or 24 columns of one row (W = 28 or 24): cp[0..W) = (accumulate ? cp : 0) + a_k * B's row k for k in order, the A
// values from a0 to aEnd (astep bytes apart), B's rows from bp (bstep bytes apart); seven or six independent
// accumulators. Not eight: eight accumulators, their eight B vectors and the broadcast are 17 values, one more than
// x64's 16 xmm registers, and TurboFan then spilled two accumulators to the stack every other k (0.61 of the peak;
// seven, spilling nothing, 0.74, and six 0.73: scratch micro-benchmark, one run, rows of 256 columns, K 64).
@inline function rowCols(cp: usize, a0: usize, aEnd: usize, astep: usize, bp: usize, bstep: usize, accumulate: bool, W: i32): void {
  const zero = f32x4.splat(0.0);
  let x0 = zero, x1 = zero, x2 = zero, x3 = zero, x4 = zero, x5 = zero, x6 = zero;
  if (accumulate) {
    x0 = v128.load(cp); x1 = v128.load(cp, 16); x2 = v128.load(cp, 32); x3 = v128.load(cp, 48);
    x4 = v128.load(cp, 64); x5 = v128.load(cp, 80);
    if (W == 28) x6 = v128.load(cp, 96);
  }
  let ap = a0;
  do {
    const s = v128.load32_splat(ap);
    x0 = f32x4.add(x0, f32x4.mul(s, v128.load(bp))); x1 = f32x4.add(x1, f32x4.mul(s, v128.load(bp, 16)));
    x2 = f32x4.add(x2, f32x4.mul(s, v128.load(bp, 32))); x3 = f32x4.add(x3, f32x4.mul(s, v128.load(bp, 48)));
    x4 = f32x4.add(x4, f32x4.mul(s, v128.load(bp, 64))); x5 = f32x4.add(x5, f32x4.mul(s, v128.load(bp, 80)));
    if (W == 28) x6 = f32x4.add(x6, f32x4.mul(s, v128.load(bp, 96)));
    bp += bstep;
    ap += astep;
  } while (ap != aEnd);
  v128.store(cp, x0); v128.store(cp, x1, 16); v128.store(cp, x2, 32); v128.store(cp, x3, 48);
  v128.store(cp, x4, 64); v128.store(cp, x5, 80);
  if (W == 28) v128.store(cp, x6, 96);
}

// How many of a row's N columns go 28 at a time, the rest then 24 at a time: the most blocks of 28 that leave a
// multiple of 24 (N 128 = 2 x 28 + 3 x 24, 256 = 4 x 28 + 6 x 24: every column in a block of six or seven chains, where
// 28s alone left 16 or 4 columns to rowTail's four chains or one); where none does, N / 28 (the rest then in one
// block of 24 if it has 24 or more, and rowTail).
@inline function blocks28(N: i32): i32 {
  let a = N / 28;
  for (let i = 0; i < 6 && a >= 0; i++, a--) if ((N - 28 * a) % 24 == 0) return a;
  return N / 28;
}

// One row of C (an odd last row, or a matrix-vector product at batch 1): blocks of 28 and 24 columns (rowCols, as
// blocks28 splits N), then the rest (rowTail). Every element is still acc = (accumulate ? C : 0), then
// acc + a_k * b_k for k in order. A plain function: one copy of its code serves every inlined gemmBlock.
function rowBlock(c0: usize, a0: usize, B: usize, N: i32, K: i32, astep: usize, bstep: usize, accumulate: bool): void {
  const aEnd = a0 + <usize>K * astep;
  const j28 = 28 * blocks28(N);
  let j = 0;
  for (; j < j28; j += 28) rowCols(c0 + <usize>j * 4, a0, aEnd, astep, B + <usize>j * 4, bstep, accumulate, 28);
  for (; j + 24 <= N; j += 24) rowCols(c0 + <usize>j * 4, a0, aEnd, astep, B + <usize>j * 4, bstep, accumulate, 24);
  if (j < N) rowTail(c0 + <usize>j * 4, a0, aEnd, astep, B + <usize>j * 4, bstep, N - j, accumulate);
}

// The last n < 24 columns of a row (rowBlock's and row_panels'): 16, 8, 4 and single columns, each in k order.
function rowTail(c0: usize, a0: usize, aEnd: usize, astep: usize, B: usize, bstep: usize, n: i32, accumulate: bool): void {
  const zero = f32x4.splat(0.0);
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const cp = c0 + <usize>j * 4;
    let x0 = zero, x1 = zero, x2 = zero, x3 = zero;
    if (accumulate) { x0 = v128.load(cp); x1 = v128.load(cp, 16); x2 = v128.load(cp, 32); x3 = v128.load(cp, 48); }
    let bp = B + <usize>j * 4;
    let ap = a0;
    do {
      const s = v128.load32_splat(ap);
      x0 = f32x4.add(x0, f32x4.mul(s, v128.load(bp))); x1 = f32x4.add(x1, f32x4.mul(s, v128.load(bp, 16)));
      x2 = f32x4.add(x2, f32x4.mul(s, v128.load(bp, 32))); x3 = f32x4.add(x3, f32x4.mul(s, v128.load(bp, 48)));
      bp += bstep;
      ap += astep;
    } while (ap != aEnd);
    v128.store(cp, x0); v128.store(cp, x1, 16); v128.store(cp, x2, 32); v128.store(cp, x3, 48);
  }
  for (; j + 8 <= n; j += 8) {
    const cp = c0 + <usize>j * 4;
    let x0 = zero, x1 = zero;
    if (accumulate) { x0 = v128.load(cp); x1 = v128.load(cp, 16); }
    let bp = B + <usize>j * 4;
    let ap = a0;
    do {
      const s = v128.load32_splat(ap);
      x0 = f32x4.add(x0, f32x4.mul(s, v128.load(bp)));
      x1 = f32x4.add(x1, f32x4.mul(s, v128.load(bp, 16)));
      bp += bstep;
      ap += astep;
    } while (ap != aEnd);
    v128.store(cp, x0); v128.store(cp, x1, 16);
  }
  for (; j + 4 <= n; j += 4) {
    const cp = c0 + <usize>j * 4;
    let x0 = zero;
    if (accumulate) x0 = v128.load(cp);
    let bp = B + <usize>j * 4;
    let ap = a0;
    do {
      x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(ap), v128.load(bp)));
      bp += bstep;
      ap += astep;
    } while (ap != aEnd);
    v128.store(cp, x0);
  }
  for (; j < n; j++) {
    const cp = c0 + <usize>j * 4;
    let x0: f32 = 0;
    if (accumulate) x0 = load<f32>(cp);
    let bp = B + <usize>j * 4;
    let ap = a0;
    do {
      x0 = x0 + load<f32>(ap) * load<f32>(bp);
      bp += bstep;
      ap += astep;
    } while (ap != aEnd);
    store<f32>(cp, x0);
  }
}

// B [K,N] (row stride ldb) as row_panels' panels: rowBlock's blocks of 28 and then 24 columns (blocks28), each
// K x 28 or K x 24 contiguous, then the rest as one narrower panel (K x rest contiguous). The same K x N floats as B.
export function pack_panels(P: usize, B: usize, K: i32, N: i32, ldb: i32): void {
  const j28 = 28 * blocks28(N);
  for (let j = 0; j < N;) {
    const w = j < j28 ? 28 : min(24, N - j);
    let src = B + <usize>j * 4;
    let dst = P + <usize>j * <usize>K * 4;
    for (let k = 0; k < K; k++) {
      memory.copy(dst, src, <usize>w * 4);
      src += <usize>ldb * 4;
      dst += <usize>w * 4;
    }
    j += w;
  }
}

// One row: c[0..N) += a[0..K) . B with B as pack_panels' panels (K >= 1): rowCols on each full panel, each read in
// one sequential sweep, then rowTail on a narrower last one. The same bits as rowBlock (acc = c, then + a_k * b_k in
// order).
export function row_panels(c0: usize, a0: usize, P: usize, N: i32, K: i32): void {
  const aEnd = a0 + <usize>K * 4;
  const j28 = 28 * blocks28(N);
  let j = 0;
  for (; j < j28; j += 28) rowCols(c0 + <usize>j * 4, a0, aEnd, 4, P + <usize>j * <usize>K * 4, 112, true, 28);
  for (; j + 24 <= N; j += 24) rowCols(c0 + <usize>j * 4, a0, aEnd, 4, P + <usize>j * <usize>K * 4, 96, true, 24);
  if (j < N) rowTail(c0 + <usize>j * 4, a0, aEnd, 4, P + <usize>j * <usize>K * 4, <usize>(N - j) * 4, N - j, true);
}

// C[M,N] = (accumulate ? C : 0) + A[M,K] . B[K,N]. A row-major with leading dimension lda.
export function gemm_nn(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                        lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  gemmGeneric(C, A, B, M, N, K, lda, 1, ldb, ldc, accumulate != 0);
}

// Packs B [K,N] (row stride ldb) for gemm_nn_packed: per K block of 256 rows, its full 16-column panels, each
// contiguous. P holds K * (N & ~15) floats. Pack a weight once, then multiply by it many times (the LSTM time loop).
export function pack_b(P: usize, B: usize, K: i32, N: i32, ldb: i32): void {
  const N16 = N & ~15;
  for (let k0 = 0; k0 < K; k0 += KC) {
    packBlock(P + <usize>k0 * <usize>N16 * 4, B + <usize>k0 * <usize>ldb * 4, min(KC, K - k0), N16, ldb);
  }
}

// gemm_nn with B also given packed (P from pack_b(P, B, K, N, ldb)): the same bits, B read from cache-friendly panels.
export function gemm_nn_packed(C: usize, A: usize, B: usize, P: usize, M: i32, N: i32, K: i32,
                               lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  if (K == 0) { gemmGeneric(C, A, B, M, N, K, lda, 1, ldb, ldc, accumulate != 0); return; }
  const N16 = N & ~15;
  for (let k0 = 0; k0 < K; k0 += KC) {
    packedBlock(C, A + <usize>k0 * 4, B + <usize>k0 * <usize>ldb * 4, P + <usize>k0 * <usize>N16 * 4,
      M, N, min(KC, K - k0), lda, 1, ldb, ldc, accumulate != 0 || k0 > 0);
  }
}

// gemm_nn_packed with A's rows gathered: row i of A is the lda-float row idx[i * istride] of A (an embedding's
// table and its ids: an LSTM's input product straight from the table, no [B, T, I] copy of the rows first). Rows
// come MC at a time, copied into S (scratch of MC x min(K, KC) floats) with loads that all go out at once (rows
// mostly out of cache: the tiles reading them from the table waited on each in turn, 0.96x on one thread), and run
// through packedBlock from there: the same sums per element as gemm_nn_packed on the gathered rows, so the same bits.
export function gemm_rows_packed(C: usize, A: usize, idx: usize, istride: i32, B: usize, P: usize, S: usize,
                                 M: i32, N: i32, K: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  const N16 = N & ~15;
  const rowb = <usize>lda * 4, istep = <usize>istride * 4;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const Bk = B + <usize>k0 * <usize>ldb * 4, Pk = P + <usize>k0 * <usize>N16 * 4, Ak = A + <usize>k0 * 4;
    const kb = <usize>kc * 4, kv = <usize>(kc & ~3) * 4;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const rows = min(MC, M - i0);
      for (let r = 0; r < rows; r++) {
        const src = Ak + <usize>load<i32>(idx + <usize>(i0 + r) * istep) * rowb, dst = S + <usize>r * kb;
        let o: usize = 0;
        for (; o < kv; o += 16) v128.store(dst + o, v128.load(src + o));
        for (; o < kb; o += 4) store<f32>(dst + o, load<f32>(src + o));
      }
      packedBlock(C + <usize>(i0 * ldc) * 4, S, Bk, Pk, rows, N, kc, kc, 1, ldb, ldc, accumulate != 0 || k0 > 0);
    }
  }
}

// C[M,N] += A[K,M]^T . B[K,N]: weight gradients (dW = X^T dZ), reduction over the K = B*T rows in order.
// pack: 0, or scratch of min(K, KC) * N floats that speeds up a long reduction (same bits either way).
export function gemm_tn(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32,
                        lda: i32, ldb: i32, ldc: i32, pack: usize): void {
  if (pack != 0 && N >= 16 && M >= 2 && K > 0) gemmPacked(C, A, B, pack, M, N, K, 1, lda, ldb, ldc, true);
  else gemmGeneric(C, A, B, M, N, K, 1, lda, ldb, ldc, true);
}

// out[N, M] = in[M, N]^T (both dense). Used to turn A . B^T into a gemm_nn.
export function transpose(out: usize, inp: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      store<f32>(out + (<usize>j * <usize>M + <usize>i) * 4, load<f32>(inp + (<usize>i * <usize>N + <usize>j) * 4));
    }
  }
}
