// The Checksum class over the Wasm xxHash64 kernels: official vectors, and any chunking (across its 1 MiB window)
// gives the digest of the whole, and Checksums used in turn keep their own streams.
import { describe, it, expect } from 'vitest';
import { initSync } from '../../src/index.js';
import { Checksum } from '../../src/core/checksum.js';

initSync();
const text = (s: string) => new TextEncoder().encode(s);

describe('Checksum', () => {
  it('gives the official xxHash64 vectors', () => {
    expect(new Checksum().hex()).toBe('ef46db3751d8e999');
    expect(new Checksum().update(text('abc')).hex()).toBe('44bc2cf5ad770999');
    expect(new Checksum().update(text('Nobody inspects the spammish repetition')).hex()).toBe('fbcea83c8a378bf1');
    const d = new Checksum().update(text('abc')).digest();
    expect(Array.from(d)).toEqual([0x99, 0x09, 0x77, 0xad, 0xf5, 0x2c, 0xbc, 0x44]);
  });

  it('gives the same digest for any chunking, across the 1 MiB window', () => {
    const n = 3 * (1 << 20) + 12345;
    const bytes = new Uint8Array(n);
    let s = 9;
    for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; bytes[i] = s >>> 24; }
    const whole = new Checksum().update(bytes).hex();
    for (const cuts of [[1], [1 << 20], [(1 << 20) - 1, (1 << 20) + 1, 2 * (1 << 20) + 7], [17, 5000, 2500000]]) {
      const c = new Checksum();
      let from = 0;
      for (const to of [...cuts, n]) { c.update(bytes.subarray(from, to)); from = to; }
      expect(c.hex()).toBe(whole);
      expect(c.length).toBe(n);
    }
    bytes[n - 1] ^= 1;
    expect(new Checksum().update(bytes).hex()).not.toBe(whole);
  });

  it('keeps each stream apart: Checksums updated in turn (they share one Wasm instance) give their own digests', () => {
    const a = new Checksum(), b = new Checksum();
    const parts = ['Nobody inspects', ' the spammish', ' repetition'].map(text);
    for (const p of parts) { a.update(p); new Checksum().update(text('abc')).digest(); b.update(text('abc')); }
    expect(a.hex()).toBe('fbcea83c8a378bf1');
    expect(b.hex()).toBe(new Checksum().update(text('abcabcabc')).hex());
    expect(a.length).toBe(39);
  });
});
