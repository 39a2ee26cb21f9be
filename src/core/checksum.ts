// xxHash64 (seed 0) of a byte stream, computed by the Wasm core so every runtime gives the same digest: the model
// file's checksums. All Checksums share one small instance of the core (made on first use): bytes pass through its
// 1 MiB window, and each Checksum keeps its own 96-byte state, copied in and out around each update. Updates are
// synchronous, so sharing is safe; a fresh instance per Checksum (a new memory, its window paged in again) cost more
// than hashing a small model's file.
import { instantiateBare } from './wasm.js';
import type { Kernels } from './kernels.js';

const WINDOW = 1 << 20;

interface Core { k: Kernels; memory: WebAssembly.Memory; state: number; out: number; window: number; stateSize: number }
let core: Core | null = null;

function shared(): Core {
  if (core) return core;
  const { kernels: k, memory } = instantiateBare(WINDOW / 65536 + 2);
  const state = Math.ceil(k.heap_base() / 16) * 16;
  const stateSize = k.xxh64_state_size();
  const out = state + Math.ceil(stateSize / 16) * 16;
  return (core = { k, memory, state, out, window: out + 16, stateSize });
}

export class Checksum {
  /** This stream's state (the kernel's layout), in the shared instance only during a call. */
  private readonly st: Uint8Array;
  /** Bytes hashed so far. */
  length = 0;

  constructor() {
    const c = shared();
    c.k.xxh64_reset(c.state, 0, 0);
    this.st = new Uint8Array(c.memory.buffer, c.state, c.stateSize).slice();
  }

  update(bytes: Uint8Array): this {
    const c = shared();
    const mem = new Uint8Array(c.memory.buffer);
    mem.set(this.st, c.state);
    for (let i = 0; i < bytes.length; i += WINDOW) {
      const piece = bytes.subarray(i, Math.min(bytes.length, i + WINDOW));
      mem.set(piece, c.window);
      c.k.xxh64_update(c.state, c.window, piece.length);
    }
    this.st.set(mem.subarray(c.state, c.state + c.stateSize));
    this.length += bytes.length;
    return this;
  }

  /** The 8-byte digest (little-endian) of everything so far; updating may go on afterwards. */
  digest(): Uint8Array {
    const c = shared();
    new Uint8Array(c.memory.buffer).set(this.st, c.state);
    c.k.xxh64_digest(c.out, c.state);
    return new Uint8Array(c.memory.buffer, c.out, 8).slice();
  }

  /** The digest as 16 lower-case hex digits, most significant first (as xxhsum prints it). */
  hex(): string {
    return Array.from(this.digest()).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
  }
}
