// One WebAssembly.Memory per model: a bump allocator over planned, 16-byte-aligned regions, and fresh typed views.
// Regions are allocated in order params | grads | optimizer state | activations and scratch; activations are
// re-planned (reset to a mark) when the batch or sequence length grows. Views are made on demand: a memory.grow
// detaches old buffers, so none is cached.
import { instantiate } from './wasm.js';
import type { Kernels } from './kernels.js';
import type { Pool } from './threads.js';
import { MemoryError } from '../errors.js';

const PAGE = 65536;
/** 4 GiB: all a wasm32 memory can address. */
export const MAX_BYTES = 65536 * PAGE;

/** What planning needs: somewhere to allocate. The Arena allocates; a SizeCounter only adds up (a dry run). */
export interface Allocator { alloc(bytes: number, what?: string): number }

/** Dry-run allocator: sums the aligned sizes a plan would take, so a plan that cannot fit fails before allocating. */
export class SizeCounter implements Allocator {
  bytes = 0;
  alloc(bytes: number): number { const p = this.bytes; this.bytes = align(this.bytes + bytes); return p + 16; }
}

export class Arena implements Allocator {
  readonly k: Kernels;
  readonly memory: WebAssembly.Memory;
  /** Runs lists of kernel calls on this model's threads (one list per thread; same bytes with any count). */
  readonly pool: Pool;
  private top: number;
  /** End of the highest region ever handed out: memory past it is fresh from grow (already zero). */
  private highWater = 0;

  constructor() {
    const inst = instantiate(2);
    this.k = inst.kernels;
    this.memory = inst.memory;
    this.pool = inst.pool;
    this.top = align(this.k.heap_base());
    this.highWater = this.memory.buffer.byteLength; // static data may sit anywhere below the initial size
  }

  /** Current end of allocated memory; pass to reset() to drop everything allocated after it. */
  mark(): number { return this.top; }

  reset(mark: number): void { this.top = mark; }

  /** Checks that `bytes` more would fit in 4 GiB, without allocating. */
  fits(bytes: number): boolean { return this.top + bytes <= MAX_BYTES; }

  /** Allocates `bytes` (16-aligned, zero-filled), growing memory as needed. */
  alloc(bytes: number, what = 'buffer'): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new MemoryError(`arena: expected a size in bytes, got ${bytes} for ${what}.`);
    const ptr = this.top;
    const end = align(ptr + bytes);
    if (end > MAX_BYTES) {
      throw new MemoryError(`arena: ${what} needs ${fmtBytes(bytes)} but only ${fmtBytes(MAX_BYTES - ptr)} of the 4 GiB Wasm memory is left. Use a smaller batch, sequence length or model.`);
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(Math.max(pages, Math.min(Math.ceil(have / PAGE), 65536 - have / PAGE)));
      } catch {
        try { this.memory.grow(pages); } catch (e) {
          throw new MemoryError(`arena: ${what} needs ${fmtBytes(end)} of Wasm memory, got a refusal from the engine to grow past ${fmtBytes(have)} (${(e as Error).message}). Free other models or use a smaller one.`);
        }
      }
    }
    this.top = end;
    const dirty = Math.min(end, this.highWater);
    if (dirty > ptr) new Uint8Array(this.memory.buffer, ptr, dirty - ptr).fill(0);
    this.highWater = Math.max(this.highWater, end);
    return ptr;
  }

  f32(ptr: number, n: number): Float32Array { return new Float32Array(this.memory.buffer, ptr, n); }
  f64(ptr: number, n: number): Float64Array { return new Float64Array(this.memory.buffer, ptr, n); }
  i32(ptr: number, n: number): Int32Array { return new Int32Array(this.memory.buffer, ptr, n); }
  /** Zeroes nFloats floats at ptr (Wasm's memory.fill: a typed array's fill over shared memory, the threads core's,
   * ran 10x slower, 19.6 against 1.9 us for a Bi-LSTM's 66 k gradient floats). */
  zero(ptr: number, nFloats: number): void { this.k.zero_fill(ptr, nFloats); }
}

function align(n: number): number { return Math.ceil(n / 16) * 16; }

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
