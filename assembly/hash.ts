// xxHash64 (Collet; doc/xxhash_spec.md in the xxHash repository), incremental: reset, update with any chunking and any
// alignment, digest. 64-bit integer arithmetic only, so every runtime gives the same digest; the model file's checksum.
// The state lives in the caller's memory at `state` (xxh64_state_size() = 96 bytes, no alignment needed; xxh64_reset
// before the first update, as memory is not assumed zero):
//   0 total length u64 | 8 v1 | 16 v2 | 24 v3 | 32 v4 (lane accumulators) | 40 seed u64 | 48 buffered bytes [32]
//   | 80 count of buffered bytes u32 | 84..96 unused.
// The seed and the digest cross the JS boundary as u32 halves / 8 little-endian bytes: no i64 in any signature.

const P1: u64 = 0x9E3779B185EBCA87;
const P2: u64 = 0xC2B2AE3D27D4EB4F;
const P3: u64 = 0x165667B19E3779F9;
const P4: u64 = 0x85EBCA77C2B2AE63;
const P5: u64 = 0x27D4EB2F165667C5;

const STATE_SIZE: usize = 96;
const LEN: usize = 0, V1: usize = 8, V2: usize = 16, V3: usize = 24, V4: usize = 32, SEED: usize = 40;
const BUF: usize = 48, FILL: usize = 80;

@inline function round(acc: u64, lane: u64): u64 { return rotl<u64>(acc + lane * P2, 31) * P1; }

@inline function merge(acc: u64, v: u64): u64 { return (acc ^ round(0, v)) * P1 + P4; }

// Bytes of the state buffer this kernel family needs at `state`.
export function xxh64_state_size(): usize { return STATE_SIZE; }

// state = the empty stream under seed (seedHi:seedLo).
export function xxh64_reset(state: usize, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  store<u64>(state, 0, LEN);
  store<u64>(state, seed + P1 + P2, V1);
  store<u64>(state, seed + P2, V2);
  store<u64>(state, seed, V3);
  store<u64>(state, seed - P1, V4);
  store<u64>(state, seed, SEED);
  store<u32>(state, 0, FILL);
}

// state += bytes [p, p + n). Whole 32-byte stripes are consumed as they come; a partial stripe waits in the state.
export function xxh64_update(state: usize, p: usize, n: usize): void {
  store<u64>(state, load<u64>(state, LEN) + <u64>n, LEN);
  let fill = <usize>load<u32>(state, FILL);
  if (n < 32 - fill) {
    memory.copy(state + BUF + fill, p, n);
    store<u32>(state, <u32>(fill + n), FILL);
    return;
  }
  let v1 = load<u64>(state, V1), v2 = load<u64>(state, V2), v3 = load<u64>(state, V3), v4 = load<u64>(state, V4);
  let rem = n;
  if (fill > 0) {
    // complete the buffered stripe first
    const take: usize = 32 - fill;
    memory.copy(state + BUF + fill, p, take);
    const b = state + BUF;
    v1 = round(v1, load<u64>(b, 0)); v2 = round(v2, load<u64>(b, 8));
    v3 = round(v3, load<u64>(b, 16)); v4 = round(v4, load<u64>(b, 24));
    p += take; rem -= take;
  }
  // four independent lanes per 32-byte stripe (counted down, so p + n may reach the end of a 4 GiB memory)
  while (rem >= 32) {
    v1 = round(v1, load<u64>(p, 0)); v2 = round(v2, load<u64>(p, 8));
    v3 = round(v3, load<u64>(p, 16)); v4 = round(v4, load<u64>(p, 24));
    p += 32; rem -= 32;
  }
  store<u64>(state, v1, V1); store<u64>(state, v2, V2); store<u64>(state, v3, V3); store<u64>(state, v4, V4);
  memory.copy(state + BUF, p, rem);
  store<u32>(state, <u32>rem, FILL);
}

// out[0..8) = digest of everything given since reset, as a little-endian u64. The state is unchanged (can go on).
export function xxh64_digest(out: usize, state: usize): void {
  const total = load<u64>(state, LEN);
  let acc: u64;
  if (total >= 32) {
    const v1 = load<u64>(state, V1), v2 = load<u64>(state, V2), v3 = load<u64>(state, V3), v4 = load<u64>(state, V4);
    acc = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    acc = merge(acc, v1); acc = merge(acc, v2); acc = merge(acc, v3); acc = merge(acc, v4);
  } else {
    acc = load<u64>(state, SEED) + P5;
  }
  acc += total;
  // the buffered tail: 8-byte lanes, then one 4-byte lane, then single bytes
  let b = state + BUF;
  let rem = <usize>load<u32>(state, FILL);
  while (rem >= 8) {
    acc = rotl<u64>(acc ^ round(0, load<u64>(b)), 27) * P1 + P4;
    b += 8; rem -= 8;
  }
  if (rem >= 4) {
    acc = rotl<u64>(acc ^ (<u64>load<u32>(b) * P1), 23) * P2 + P3;
    b += 4; rem -= 4;
  }
  while (rem > 0) {
    acc = rotl<u64>(acc ^ (<u64>load<u8>(b) * P5), 11) * P1;
    b++; rem--;
  }
  // avalanche
  acc ^= acc >> 33; acc *= P2;
  acc ^= acc >> 29; acc *= P3;
  acc ^= acc >> 32;
  store<u64>(out, acc);
}
