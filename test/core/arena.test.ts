// The arena: 16-byte alignment, zeroed allocations, growth, offsets above 2 GiB (usize everywhere), the 4 GiB limit.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf } from '../helpers/kernels.js';
import { MemoryError } from '../../src/index.js';

describe('arena', () => {
  it('aligns to 16 bytes and hands out zeroed memory', () => {
    const a = kernelArena();
    const p = a.alloc(5);
    const q = a.alloc(3);
    expect(p % 16).toBe(0);
    expect(q % 16).toBe(0);
    expect(q - p).toBe(16);
    expect(Array.from(a.f32(q, 1))).toEqual([0]);
  });

  it('runs kernels on buffers above 2 GiB', () => {
    const a = kernelArena();
    a.alloc(2 ** 31 + 2 ** 20, 'padding');
    const A = buf(a, [1, 2, 3, 4, 5, 6]);  // [2, 3]
    const B = buf(a, [1, 0, 0, 1, 1, 1]);  // [3, 2]
    const C = buf(a, 4);
    expect(C).toBeGreaterThan(2 ** 31);
    a.k.gemm_nn(C, A, B, 2, 2, 3, 3, 2, 2, 0);
    expect(Array.from(a.f32(C, 4))).toEqual([4, 5, 10, 11]);
    const ids = a.alloc(8);
    a.i32(ids, 2).set([1, 0]);
    const y = buf(a, 4);
    a.k.embedding_forward(y, ids, B, 2, 2);
    expect(Array.from(a.f32(y, 4))).toEqual([0, 1, 1, 0]);
  });

  it('refuses what would pass 4 GiB, saying how much is left', () => {
    const a = kernelArena();
    expect(() => a.alloc(2 ** 32, 'a huge buffer')).toThrow(MemoryError);
    expect(() => a.alloc(2 ** 32, 'a huge buffer')).toThrow(/a huge buffer needs 4\.00 GiB but only .* of the 4 GiB Wasm memory is left/);
  });
});
