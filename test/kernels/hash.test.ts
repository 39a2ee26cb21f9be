// xxHash64 kernels (assembly/hash.ts): the official vectors, bit-for-bit against the BigInt reference on seeded random
// bytes (lengths 0..100, 1 MiB, 64-bit seeds), every two-way split and random multi-way splits of the stream equal the
// one-shot digest, at unaligned data and state pointers, and digest leaves the state able to go on.
import { describe, it, expect } from 'vitest';
import { kernelArena } from '../helpers/kernels.js';
import { xxh64, sanityBuffer, XXH64_STRINGS, XXH64_SANITY } from '../ref/hash.js';
import { scoped } from './common.js';

const a = kernelArena();
const k = a.k;

/** Seeded random bytes (xorshift32), for test data only. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = (seed | 0) || 1;
  for (let i = 0; i < n; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out[i] = s & 0xff; }
  return out;
}

/** Copies b into fresh arena memory at byte offset `shift` past a 16-byte boundary; returns the pointer. */
function put(b: Uint8Array, shift = 0): number {
  const p = a.alloc(b.length + shift + 1) + shift;
  new Uint8Array(a.memory.buffer, p, b.length).set(b);
  return p;
}

function newState(shift = 0): number {
  const s = a.alloc(k.xxh64_state_size() + shift) + shift;
  new Uint8Array(a.memory.buffer, s, k.xxh64_state_size()).fill(0xa5); // reset must not rely on zeroed memory
  return s;
}

const lo = (seed: bigint) => Number(seed & 0xffffffffn);
const hi = (seed: bigint) => Number((seed >> 32n) & 0xffffffffn);

function digest(state: number): bigint {
  const out = a.alloc(8);
  k.xxh64_digest(out, state);
  return new DataView(a.memory.buffer).getBigUint64(out, true);
}

/** Hashes b fed as chunks of the given lengths (the rest, if any, as one last chunk). */
function hashChunks(b: Uint8Array, seed: bigint, chunks: number[], shift = 0, stateShift = 0): bigint {
  const p = put(b, shift), s = newState(stateShift);
  k.xxh64_reset(s, lo(seed), hi(seed));
  let off = 0;
  for (const c of chunks) { k.xxh64_update(s, p + off, c); off += c; }
  if (off < b.length) k.xxh64_update(s, p + off, b.length - off);
  return digest(s);
}

const once = (b: Uint8Array, seed = 0n, shift = 0) => hashChunks(b, seed, [b.length], shift);
const hex = (h: bigint) => h.toString(16).padStart(16, '0');

const SEEDS = [0n, 1n, 2654435761n, 0x0123456789abcdefn, 0xffffffffffffffffn, 0x8000000000000000n];

describe('hash kernels', () => {
  it('xxh64_state_size is the documented 96 bytes', () => {
    expect(k.xxh64_state_size()).toBe(96);
  });

  it('reproduces the official xxh64 vectors, digest stored little-endian', () => {
    scoped(a, () => {
      for (const [s, want] of XXH64_STRINGS) expect(hex(once(new TextEncoder().encode(s))), JSON.stringify(s)).toBe(hex(want));
      const b = sanityBuffer(222);
      for (const [n, seed, want] of XXH64_SANITY) {
        expect(hex(once(b.subarray(0, n), seed)), `sanity len ${n} seed ${seed}`).toBe(hex(want));
      }
      // the 8 digest bytes are the u64 little-endian: "abc" -> 44bc2cf5ad770999 is stored 99 09 77 ad f5 2c bc 44
      const p = put(new TextEncoder().encode('abc')), s = newState(), out = a.alloc(8);
      k.xxh64_reset(s, 0, 0); k.xxh64_update(s, p, 3); k.xxh64_digest(out, s);
      expect(Array.from(new Uint8Array(a.memory.buffer, out, 8))).toEqual([0x99, 0x09, 0x77, 0xad, 0xf5, 0x2c, 0xbc, 0x44]);
    });
  });

  it('equals the BigInt reference on random bytes, lengths 0..100, 64-bit seeds, unaligned data', () => {
    for (const seed of SEEDS) scoped(a, () => {
      for (let n = 0; n <= 100; n++) {
        const b = bytes(n, 1000 * n + 7);
        const want = xxh64(b, seed);
        expect(hex(once(b, seed, n % 8)), `n=${n} seed=${hex(seed)}`).toBe(hex(want));
      }
    });
  });

  it('equals the BigInt reference on 1 MiB and 1 MiB + 13 bytes', () => {
    for (const [n, seed] of [[1 << 20, 0n], [(1 << 20) + 13, 0xfedcba9876543210n]] as const) scoped(a, () => {
      const b = bytes(n, n);
      expect(hex(once(b, seed, 3)), `n=${n}`).toBe(hex(xxh64(b, seed)));
    });
  });

  it('every split of a 200-byte stream into two updates gives the one-shot digest', () => {
    scoped(a, () => {
      const b = bytes(200, 42), seed = 0x9e3779b97f4a7c15n;
      const want = xxh64(b, seed);
      expect(hex(once(b, seed))).toBe(hex(want));
      for (let cut = 0; cut <= 200; cut++) {
        expect(hex(hashChunks(b, seed, [cut, 200 - cut], cut % 8, cut % 5)), `cut=${cut}`).toBe(hex(want));
      }
    });
  });

  it('random multi-way splits (empty, 1-byte, sub-stripe and multi-stripe chunks) give the one-shot digest', () => {
    let r = 12345;
    const next = (m: number) => { r = (Math.imul(r, 1103515245) + 12345) >>> 0; return (r >>> 8) % m; };
    for (let trial = 0; trial < 60; trial++) scoped(a, () => {
      const n = trial < 40 ? next(700) : 5000 + next(5000);
      const b = bytes(n, trial + 1), seed = BigInt(trial) * 0x100000001n;
      const chunks: number[] = [];
      for (let left = n; left > 0;) {
        const kind = next(4);
        const c = Math.min(left, kind === 0 ? 0 : kind === 1 ? 1 + next(8) : kind === 2 ? 1 + next(40) : 1 + next(300));
        chunks.push(c); left -= c;
      }
      expect(hex(hashChunks(b, seed, chunks, next(8), next(8))), `trial ${trial} n=${n} chunks=${chunks.length}`).toBe(hex(xxh64(b, seed)));
    });
  });

  it('digest does not change the state: hashing goes on, and reset starts over', () => {
    scoped(a, () => {
      const b = bytes(150, 9), p = put(b, 1), s = newState(3);
      k.xxh64_reset(s, 5, 6);
      const seed = (6n << 32n) | 5n;
      for (const [from, to] of [[0, 10], [10, 40], [40, 41], [41, 150]]) {
        k.xxh64_update(s, p + from, to - from);
        expect(hex(digest(s)), `prefix ${to}`).toBe(hex(xxh64(b.subarray(0, to), seed)));
        expect(hex(digest(s)), `prefix ${to} again`).toBe(hex(xxh64(b.subarray(0, to), seed)));
      }
      k.xxh64_reset(s, 0, 0);
      k.xxh64_update(s, p, 0);
      expect(hex(digest(s))).toBe('ef46db3751d8e999');
    });
  });
});
