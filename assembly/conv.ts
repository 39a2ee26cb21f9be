// Conv1D's data movement (the layer, src/layers/conv1d.ts, does the products with gemm): im2col lays each output
// step's K input rows end to end, col2im adds each window's gradient back onto its input rows (output steps in order,
// then the kernel's taps in order: a fixed order, so the same bits everywhere). Channels_last [B, T, C] rows.

// cols [B * To, K * C]: row (b, t) holds x[b, t * s + k * d - left] for k < K, zeros where that step lies outside [0, T).
export function conv1d_im2col(cols: usize, x: usize, B: i32, T: i32, C: i32, To: i32, K: i32, s: i32, d: i32, left: i32): void {
  const rowBytes = <usize>C * 4;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < To; t++) {
      const row = cols + (<usize>(b * To + t) * <usize>K) * rowBytes;
      for (let k = 0; k < K; k++) {
        const src = t * s + k * d - left;
        const dst = row + <usize>k * rowBytes;
        if (src < 0 || src >= T) memory.fill(dst, 0, rowBytes);
        else memory.copy(dst, x + <usize>(b * T + src) * rowBytes, rowBytes);
      }
    }
  }
}

// dx [B, T, C] = 0, then += each window row of dcols [B * To, K * C] at its input step (the inverse of conv1d_im2col).
export function conv1d_col2im(dx: usize, dcols: usize, B: i32, T: i32, C: i32, To: i32, K: i32, s: i32, d: i32, left: i32): void {
  const rowBytes = <usize>C * 4;
  memory.fill(dx, 0, <usize>B * <usize>T * rowBytes);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < To; t++) {
      const row = dcols + (<usize>(b * To + t) * <usize>K) * rowBytes;
      for (let k = 0; k < K; k++) {
        const src = t * s + k * d - left;
        if (src < 0 || src >= T) continue;
        const o = dx + <usize>(b * T + src) * rowBytes, g = row + <usize>k * rowBytes;
        let j = 0;
        for (; j + 4 <= C; j += 4) {
          const jo = <usize>j * 4;
          v128.store(o + jo, f32x4.add(v128.load(o + jo), v128.load(g + jo)));
        }
        for (; j < C; j++) {
          const jo = <usize>j * 4;
          store<f32>(o + jo, load<f32>(o + jo) + load<f32>(g + jo));
        }
      }
    }
  }
}
