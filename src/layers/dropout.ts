// Dropout: inverted (kept values scaled by 1 / (1 - rate)) in training, identity at inference. Masks come from the
// model's Philox stream for this layer, so they are the same on every machine.
import { Layer, checkConfig, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { ConfigError, describeValue } from '../errors.js';

export interface DropoutArgs extends LayerArgs {
  rate: number;
  /** Not supported yet (null or absent). */
  noiseShape?: number[] | null;
  /** Accepted and saved for TF.js compatibility; the masks come from the model's seed and this layer's position. */
  seed?: number | null;
}

/** The rate in [0, 1] and the optional seed of a dropout-like layer (dropout, spatialDropout1D). */
export function checkRateAndSeed(args: { rate: unknown; seed?: unknown }, where: string): { rate: number; seed: number | null } {
  if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate <= 1)) {
    throw new ConfigError(`${where}: expected rate in [0, 1], got ${describeValue(args.rate)}.`);
  }
  const seed = args.seed ?? null;
  if (seed !== null && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) {
    throw new ConfigError(`${where}: expected seed to be a non-negative integer, got ${describeValue(seed)}.`);
  }
  return { rate: args.rate + 0, seed: seed as number | null };
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;
  private y = 0; private mask = 0; private dx = 0; private active = false;

  constructor(args: DropoutArgs) {
    super(args, 'dropout');
    const where = `layers.dropout(${this.name})`;
    ({ rate: this.rate, seed: this.seed } = checkRateAndSeed(args, where));
    if (args.noiseShape !== undefined && args.noiseShape !== null) throw new ConfigError(`${where}: noiseShape is not supported yet, got ${describeValue(args.noiseShape)}.`);
  }

  protected computeOutputShape(s: Shape): Shape { return s.slice(); }

  plan(a: Allocator, B: number): void {
    const n = B * this.inputSize();
    this.y = a.alloc(n * 4); this.mask = a.alloc(n * 4); this.dx = a.alloc(n * 4);
  }

  /** Inference passes x on unread: an embedding's rows then need writing only if a later layer reads them. */
  override get inferenceIdentity(): boolean { return true; }

  forward(c: Ctx, x: number, B: number): number {
    this.active = c.training && this.rate > 0;
    if (!this.active) return x;
    const n = B * this.inputSize();
    const s = c.streams.get(this.index, 'dropout');
    c.k.dropout_forward(this.y, this.mask, x, n, this.rate, s.k0, s.k1, s.lo, s.hi);
    if (c.advanceRng) s.advance(Math.ceil(n / 4));
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    if (!this.active) return dy;
    const n = B * this.inputSize();
    c.a.zero(this.dx, n);
    c.k.dropout_backward(this.dx, dy, this.mask, n);
    return this.dx;
  }

  override getConfig(): ConfigDict {
    const c: ConfigDict = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== null) c.seed = this.seed;
    return c;
  }

  static fromConfig(config: unknown): Dropout {
    return new Dropout(checkConfig(config, 'Dropout.fromConfig', ['rate', 'noiseShape', 'seed']) as unknown as DropoutArgs);
  }
}
