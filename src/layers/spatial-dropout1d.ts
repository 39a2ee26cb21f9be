// SpatialDropout1D (Keras): dropout of whole channels. In training one keep mask [B, F] is drawn per batch and shared
// by every timestep of a sample (Keras noise_shape (B, 1, F)); kept channels are scaled by 1 / (1 - rate); identity
// at inference. The mask comes from the model's Philox stream for this layer, as dropout's does. The sequence mask
// passes on (Keras: supports_masking).
import { Layer, checkConfig, sizeOf, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { checkRateAndSeed } from './dropout.js';
import { ShapeError, fmtShape } from '../errors.js';

export interface SpatialDropout1DArgs extends LayerArgs {
  rate: number;
  /** Accepted and saved (Keras's option); the masks come from the model's seed and this layer's position. */
  seed?: number | null;
}

export class SpatialDropout1D extends Layer {
  readonly className = 'SpatialDropout1D';
  readonly rate: number;
  readonly seed: number | null;
  private T = 0; private F = 0;
  private y = 0; private mask = 0; private dx = 0; private active = false;

  constructor(args: SpatialDropout1DArgs) {
    super(args, 'spatial_dropout1d', 'spatialDropout1D');
    ({ rate: this.rate, seed: this.seed } = checkRateAndSeed(args, `layers.spatialDropout1D(${this.name})`));
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`${this.name}: expected input [batch, time, features] (SpatialDropout1D drops whole feature channels over time), got per-sample shape ${fmtShape(s)}.`);
    return s.slice();
  }

  plan(a: Allocator, B: number): void {
    this.T = sizeOf([this.inputShape[0]]); this.F = sizeOf([this.inputShape[1]]);
    const n = B * this.T * this.F;
    this.y = a.alloc(n * 4); this.mask = a.alloc(B * this.F * 4); this.dx = a.alloc(n * 4);
  }

  /** Inference passes x on unread: an embedding's rows then need writing only if a later layer reads them. */
  override get inferenceIdentity(): boolean { return true; }

  forward(c: Ctx, x: number, B: number): number {
    this.active = c.training && this.rate > 0;
    if (!this.active) return x;
    const s = c.streams.get(this.index, 'dropout');
    c.k.dropout_spatial_forward(this.y, this.mask, x, B, this.T, this.F, this.rate, s.k0, s.k1, s.lo, s.hi);
    if (c.advanceRng) s.advance(Math.ceil((B * this.F) / 4));
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    if (!this.active) return dy;
    c.a.zero(this.dx, B * this.T * this.F);
    c.k.dropout_spatial_backward(this.dx, dy, this.mask, B, this.T, this.F);
    return this.dx;
  }

  override getConfig(): ConfigDict {
    const c: ConfigDict = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== null) c.seed = this.seed;
    return c;
  }

  static fromConfig(config: unknown): SpatialDropout1D {
    return new SpatialDropout1D(checkConfig(config, 'SpatialDropout1D.fromConfig', ['rate', 'seed']) as unknown as SpatialDropout1DArgs);
  }
}
