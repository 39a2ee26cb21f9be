// The one random generator: Philox4x32-10 in Wasm, a stream per consumer keyed by (seed, layer index, purpose).
// A stream's position (a 64-bit block counter) is part of the model state and persists across fit calls.
// Key derivation is integer-only (Math.imul), so it is the same in every engine.

/** The seed used when a model is created without one: runs are reproducible by default. */
export const DEFAULT_SEED = 1337;

function mix32(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15; h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = mix32(h ^ Math.imul(s.charCodeAt(i), 0x9e3779b1));
  return h;
}

export class Stream {
  /** Philox key words. */
  readonly k0: number;
  readonly k1: number;
  /** Block counter, low and high 32 bits. */
  lo = 0;
  hi = 0;

  constructor(seed: number, layer: number, purpose: string) {
    const s = seed >>> 0;
    const sh = Math.floor(seed / 2 ** 32) >>> 0;
    let h = mix32(s ^ 0x243f6a88);
    h = mix32(h ^ sh);
    h = mix32(h ^ Math.imul(layer + 1, 0x85ebca6b));
    this.k0 = hashString(purpose, h);
    this.k1 = mix32(this.k0 ^ 0x13198a2e ^ Math.imul(layer + 7, 0xc2b2ae35));
  }

  /** Moves the counter on by `blocks`. */
  advance(blocks: number): void {
    const lo = this.lo + blocks;
    this.lo = lo >>> 0;
    this.hi = (this.hi + Math.floor(lo / 2 ** 32)) >>> 0;
  }

  /** The counter as one number (exact below 2^53). */
  get position(): number { return this.hi * 2 ** 32 + this.lo; }
  set position(p: number) { this.lo = p >>> 0; this.hi = Math.floor(p / 2 ** 32) >>> 0; }
}

/** Stream positions by key, as StreamSet.snapshot() took them. */
export type StreamSnapshot = Map<string, number>;

export class StreamSet {
  private readonly streams = new Map<string, Stream>();
  constructor(readonly seed: number) {}

  get(layer: number, purpose: string): Stream {
    const key = `${layer}/${purpose}`;
    let s = this.streams.get(key);
    if (!s) { s = new Stream(this.seed, layer, purpose); this.streams.set(key, s); }
    return s;
  }

  /** Sets stream positions from a state() result (a saved model's). */
  restore(state: Record<string, number>): void {
    for (const [key, p] of Object.entries(state)) {
      const cut = key.indexOf('/');
      this.get(Number(key.slice(0, cut)), key.slice(cut + 1)).position = p;
    }
  }

  /** Every stream's position now, for rewind(). */
  snapshot(): StreamSnapshot {
    const out: StreamSnapshot = new Map();
    for (const [k, s] of this.streams) out.set(k, s.position);
    return out;
  }

  /** Puts every stream back where a snapshot() saw it; streams first used since then are forgotten again. */
  rewind(snap: StreamSnapshot): void {
    for (const [k, s] of this.streams) {
      const p = snap.get(k);
      if (p === undefined) this.streams.delete(k);
      else s.position = p;
    }
  }

  /** Positions of every stream used so far (part of the model state). */
  state(): Record<string, number> {
    // in key order, so saved bytes never depend on which stream was used first
    const out: Record<string, number> = {};
    for (const k of [...this.streams.keys()].sort()) out[k] = this.streams.get(k)!.position;
    return out;
  }
}
