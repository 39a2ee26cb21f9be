// Float64 reference for assembly/embedding.ts: lookup y[n] = E[ids[n]], its dense gradient dE, and the row-sparse form
// (distinct ids in order of first appearance, one gradient row each), and the mask_zero mask.

export function embeddingForward(ids: ArrayLike<number>, E: ArrayLike<number>, N: number, D: number): Float64Array {
  const y = new Float64Array(N * D);
  for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) y[n * D + j] = E[ids[n] * D + j];
  return y;
}

/** forward: y[n] = E[ids[n]]  =>  dE[ids[n]] += dy[n]; dE is dense [V,D]. */
export function embeddingBackward(dy: ArrayLike<number>, ids: ArrayLike<number>, V: number, N: number, D: number): Float64Array {
  const dE = new Float64Array(V * D);
  for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) dE[ids[n] * D + j] += dy[n * D + j];
  return dE;
}

/** The distinct ids in order of first appearance (the kernel's `rows`). */
export function distinctRows(ids: ArrayLike<number>): number[] {
  const seen = new Set<number>(), rows: number[] = [];
  for (let n = 0; n < ids.length; n++) if (!seen.has(ids[n])) { seen.add(ids[n]); rows.push(ids[n]); }
  return rows;
}

/** mask_zero: 1 where the id is not 0. */
export function embeddingMask(ids: ArrayLike<number>): Float64Array {
  return Float64Array.from(ids, (id) => (id !== 0 ? 1 : 0));
}
