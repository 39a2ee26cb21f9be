// Embedding lookup and its row-sparse gradient. Dimensions: N = B*T ids, V vocabulary, D output features.
// Ids are checked in TS (0 <= id < V, integer) before these run.

// y[n, :] = E[ids[n], :]
export function embedding_forward(y: usize, ids: usize, E: usize, N: i32, D: i32): void {
  const rb = <usize>D * 4;
  for (let n = 0; n < N; n++) memory.copy(y + <usize>n * rb, E + <usize>load<i32>(ids + <usize>n * 4) * rb, rb);
}

// Assigns each distinct id its slot in order of first appearance: slot[id] = k, rows[k] = id. slot must hold -1 for
// every id beforehand (embedding_rows_reset restores that). Returns the number of distinct rows.
export function embedding_rows(slot: usize, rows: usize, ids: usize, N: i32): i32 {
  let k = 0;
  for (let n = 0; n < N; n++) {
    const id = load<i32>(ids + <usize>n * 4);
    const sp = slot + <usize>id * 4;
    if (load<i32>(sp) < 0) { store<i32>(sp, k); store<i32>(rows + <usize>k * 4, id); k++; }
  }
  return k;
}

// idx[n] = slot[ids[n]]: each position's distinct row (after embedding_rows, before the reset).
export function embedding_slots(idx: usize, ids: usize, slot: usize, N: i32): void {
  for (let n = 0; n < N; n++) store<i32>(idx + <usize>n * 4, load<i32>(slot + <usize>load<i32>(ids + <usize>n * 4) * 4));
}

// y[idx[n]] += x[n] for n in order (rows of D floats): each distinct id's sum of a gradient's position rows, the
// positions' distinct rows idx from embedding_slots.
export function rows_add_indexed(y: usize, x: usize, idx: usize, N: i32, D: i32): void {
  const rb = <usize>D * 4;
  for (let n = 0; n < N; n++) addRow(y + <usize>load<i32>(idx + <usize>n * 4) * rb, x + <usize>n * rb, D);
}

// dst[0..D) += src[0..D) (floats).
@inline function addRow(dst: usize, src: usize, D: i32): void {
  let j = 0;
  for (; j + 4 <= D; j += 4) { const o = <usize>j * 4; v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o))); }
  for (; j < D; j++) { const o = <usize>j * 4; store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o)); }
}

export function embedding_rows_reset(slot: usize, rows: usize, count: i32): void {
  for (let k = 0; k < count; k++) store<i32>(slot + <usize>load<i32>(rows + <usize>k * 4) * 4, -1);
}

// forward: y[n] = E[ids[n]]  =>  dErows[slot[ids[n]]] += dy[n], n in order.
export function embedding_backward(dErows: usize, dy: usize, ids: usize, slot: usize, N: i32, D: i32): void {
  const rb = <usize>D * 4;
  for (let n = 0; n < N; n++) {
    const k = load<i32>(slot + <usize>load<i32>(ids + <usize>n * 4) * 4);
    addRow(dErows + <usize>k * rb, dy + <usize>n * rb, D);
  }
}

// dense[V, D] += rows scattered back (for computeGradients, which returns dense gradients).
export function embedding_rows_scatter(dense: usize, dErows: usize, rows: usize, count: i32, D: i32): void {
  const rb = <usize>D * 4;
  for (let k = 0; k < count; k++) {
    const dst = dense + <usize>load<i32>(rows + <usize>k * 4) * rb;
    const src = dErows + <usize>k * rb;
    for (let j = 0; j < D; j++) { const o = <usize>j * 4; store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o)); }
  }
}

// maskZero: mask[n] = ids[n] != 0 (1 real, 0 padding).
export function embedding_mask(mask: usize, ids: usize, N: i32): void {
  for (let n = 0; n < N; n++) store<f32>(mask + <usize>n * 4, load<i32>(ids + <usize>n * 4) != 0 ? 1.0 : 0.0);
}
