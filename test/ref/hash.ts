// Reference xxHash64 (Collet, doc/xxhash_spec.md in the xxHash repository), one-shot over a byte array, in BigInt
// arithmetic mod 2^64: the plain reading of the spec that assembly/hash.ts is checked against.

const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n, P2 = 0xc2b2ae3d27d4eb4fn, P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n, P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M;
const add = (a: bigint, b: bigint): bigint => (a + b) & M;

function le(b: Uint8Array, i: number, n: number): bigint {
  let v = 0n;
  for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]);
  return v;
}

const round = (acc: bigint, lane: bigint): bigint => mul(rotl(add(acc, mul(lane, P2)), 31n), P1);
const merge = (acc: bigint, v: bigint): bigint => add(mul(acc ^ round(0n, v), P1), P4);

/** xxh64(bytes, seed) as an unsigned 64-bit BigInt. */
export function xxh64(b: Uint8Array, seed = 0n): bigint {
  seed &= M;
  const len = b.length;
  let i = 0, acc: bigint;
  if (len >= 32) {
    let v1 = add(add(seed, P1), P2), v2 = add(seed, P2), v3 = seed, v4 = (seed - P1) & M;
    for (; i + 32 <= len; i += 32) {
      v1 = round(v1, le(b, i, 8)); v2 = round(v2, le(b, i + 8, 8));
      v3 = round(v3, le(b, i + 16, 8)); v4 = round(v4, le(b, i + 24, 8));
    }
    acc = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
    acc = merge(merge(merge(merge(acc, v1), v2), v3), v4);
  } else {
    acc = add(seed, P5);
  }
  acc = add(acc, BigInt(len));
  for (; i + 8 <= len; i += 8) acc = add(mul(rotl(acc ^ round(0n, le(b, i, 8)), 27n), P1), P4);
  if (i + 4 <= len) { acc = add(mul(rotl(acc ^ mul(le(b, i, 4), P1), 23n), P2), P3); i += 4; }
  for (; i < len; i++) acc = mul(rotl(acc ^ mul(BigInt(b[i]), P5), 11n), P1);
  acc ^= acc >> 33n; acc = mul(acc, P2);
  acc ^= acc >> 29n; acc = mul(acc, P3);
  acc ^= acc >> 32n;
  return acc;
}

/** The xxHash sanity-check buffer (xsum_sanity_check.c): byte i = top byte of PRIME32 * PRIME64^i mod 2^64. */
export function sanityBuffer(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let g = 2654435761n;
  for (let i = 0; i < n; i++) { out[i] = Number(g >> 56n); g = mul(g, 11400714785074694797n); }
  return out;
}

// Official vectors. Sources: the XXH64 sanity table in xxHash's cli/xsum_sanity_check.c (prefixes of sanityBuffer(),
// seeds 0 and PRIME32) and well-known strings; every value re-checked with Debian's xxhsum 0.8.1
// (`printf 'abc' | xxhsum -H64`, seed 0) and libxxhash 0.8.1's XXH64 (through python3 ctypes, for the seeded ones).

export const PRIME32 = 2654435761n;

export const XXH64_STRINGS: ReadonlyArray<readonly [string, bigint]> = [
  ['', 0xef46db3751d8e999n],
  ['a', 0xd24ec4f1a98c6e5bn],
  ['abc', 0x44bc2cf5ad770999n],
  ['Nobody inspects the spammish repetition', 0xfbcea83c8a378bf1n],
];

/** [length of the sanity buffer prefix, seed, xxh64]. */
export const XXH64_SANITY: ReadonlyArray<readonly [number, bigint, bigint]> = [
  [0, 0n, 0xef46db3751d8e999n],
  [0, PRIME32, 0xac75fda2929b17efn],
  [1, 0n, 0xe934a84adb052768n],
  [1, PRIME32, 0x5014607643a9b4c3n],
  [4, 0n, 0x9136a0dca57457een],
  [14, 0n, 0x8282dcc4994e35c8n],
  [14, PRIME32, 0xc3bd6bf63deb6df0n],
  [222, 0n, 0xb641ae8cb691c174n],
  [222, PRIME32, 0x20cb8ab7ae10c14an],
];
