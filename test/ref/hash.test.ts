// Reference xxHash64 against the official vectors: xxHash's sanity table (cli/xsum_sanity_check.c) and short strings,
// each also checked with Debian's xxhsum 0.8.1 (seed 0) and libxxhash's XXH64 (seeded).
import { describe, it, expect } from 'vitest';
import { xxh64, sanityBuffer, XXH64_STRINGS, XXH64_SANITY } from './hash.js';

describe('ref xxh64', () => {
  it('reproduces the official vectors', () => {
    for (const [s, want] of XXH64_STRINGS) expect(xxh64(new TextEncoder().encode(s)), JSON.stringify(s)).toBe(want);
    const b = sanityBuffer(222);
    for (const [n, seed, want] of XXH64_SANITY) expect(xxh64(b.subarray(0, n), seed), `sanity len ${n} seed ${seed}`).toBe(want);
  });
});
