// Reference Philox4x32-10 against Random123's known answers, block counter carry, and the word / uniform layout.
import { describe, it, expect } from 'vitest';
import { philox4x32, block, u32Words, uniformF32, normalF64 } from './rng.js';

describe('ref philox', () => {
  it('reproduces the Random123 known-answer vectors', () => {
    expect(philox4x32([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))
      .toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))
      .toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('carries the block counter from lo into hi', () => {
    expect(block(3, 4, 0xffffffff, 7, 1)).toEqual(philox4x32([0, 8, 0, 0], [3, 4]));
    const w = u32Words(8, 3, 4, 0xffffffff, 7);
    expect(Array.from(w.subarray(4))).toEqual(philox4x32([0, 8, 0, 0], [3, 4]));
  });

  it('uniforms lie in [low, high) and normals look standard', () => {
    const u = uniformF32(4000, 1, 2, 0, 0, -2, 3);
    expect(u.every((v) => v >= -2 && v < 3)).toBe(true);
    const z = normalF64(4000, 1, 2, 0, 0);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });
});
