// xxHash64 (seed 0) of a byte stream, computed by the Wasm core in a small instance of its own, so every runtime gives
// the same digest: the model file's checksums. Bytes pass through a 1 MiB window in that instance's memory.
import { instantiateBare } from './wasm.js';
import type { Kernels } from './kernels.js';

const WINDOW = 1 << 20;

export class Checksum {
  private readonly k: Kernels;
  private readonly memory: WebAssembly.Memory;
  private readonly state: number;
  private readonly window: number;
  private readonly out: number;
  /** Bytes hashed so far. */
  length = 0;

  constructor() {
    const { kernels, memory } = instantiateBare(WINDOW / 65536 + 2);
    this.k = kernels;
    this.memory = memory;
    const base = Math.ceil(kernels.heap_base() / 16) * 16;
    this.state = base;
    this.out = base + Math.ceil(kernels.xxh64_state_size() / 16) * 16;
    this.window = this.out + 16;
    this.k.xxh64_reset(this.state, 0, 0);
  }

  update(bytes: Uint8Array): this {
    for (let i = 0; i < bytes.length; i += WINDOW) {
      const piece = bytes.subarray(i, Math.min(bytes.length, i + WINDOW));
      new Uint8Array(this.memory.buffer, this.window, piece.length).set(piece);
      this.k.xxh64_update(this.state, this.window, piece.length);
    }
    this.length += bytes.length;
    return this;
  }

  /** The 8-byte digest (little-endian) of everything so far; updating may go on afterwards. */
  digest(): Uint8Array {
    this.k.xxh64_digest(this.out, this.state);
    return new Uint8Array(this.memory.buffer, this.out, 8).slice();
  }

  /** The digest as 16 lower-case hex digits, most significant first (as xxhsum prints it). */
  hex(): string {
    return Array.from(this.digest()).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
  }
}
