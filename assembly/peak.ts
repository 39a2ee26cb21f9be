// The Wasm SIMD peak of this machine, measured in the same run as the benchmarks: 12 independent f32x4
// accumulators, each doing acc = acc + a_k * b with a_k loaded from a 192-byte buffer at p (L1-resident), as the
// matrix-product micro-kernels do. 96 flops per iteration. Benchmark use only.
export function simd_peak(iters: i32, p: usize): f32 {
  const z = f32x4.splat(0.0);
  const b = v128.load(p, 192);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z, a9 = z, a10 = z, a11 = z;
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 0), b)); a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), b));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), b)); a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), b));
    a4 = f32x4.add(a4, f32x4.mul(v128.load(p, 64), b)); a5 = f32x4.add(a5, f32x4.mul(v128.load(p, 80), b));
    a6 = f32x4.add(a6, f32x4.mul(v128.load(p, 96), b)); a7 = f32x4.add(a7, f32x4.mul(v128.load(p, 112), b));
    a8 = f32x4.add(a8, f32x4.mul(v128.load(p, 128), b)); a9 = f32x4.add(a9, f32x4.mul(v128.load(p, 144), b));
    a10 = f32x4.add(a10, f32x4.mul(v128.load(p, 160), b)); a11 = f32x4.add(a11, f32x4.mul(v128.load(p, 176), b));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
