// GaussianNoise and GaussianDropout (Keras, TF.js): regularizers that act in training only, the identity at inference.
// GaussianNoise adds N(0, stddev) to each value; GaussianDropout multiplies each by N(1, sqrt(rate / (1 - rate))), as
// Keras 3. The noise comes from the model's Philox stream for the layer (rng_normal), so the same bytes everywhere;
// the mask passes on (Keras's both support masking).
import { Layer, checkConfig, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { ConfigError, describeValue } from '../errors.js';

/** `seed` is accepted and saved for Keras and TF.js configs (as Dropout's): the noise comes from the model's seed and
 *  this layer's position. */
export interface GaussianNoiseArgs extends LayerArgs { stddev: number; seed?: number | null }
export interface GaussianDropoutArgs extends LayerArgs { rate: number; seed?: number | null }

/** The shared part: the noise buffer, drawn in training, and the identity at inference. */
abstract class NoiseLayer extends Layer {
  readonly seed: number | null;
  protected y = 0; protected noise = 0; protected dx = 0; protected active = false;

  constructor(args: LayerArgs & { seed?: unknown }, name: string, factory: string) {
    super(args, name, factory);
    const seed = args.seed ?? null;
    if (seed !== null && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) {
      throw new ConfigError(`layers.${factory}(${this.name}): expected seed to be a non-negative integer, got ${describeValue(seed)}.`);
    }
    this.seed = seed as number | null;
  }

  protected computeOutputShape(s: Shape): Shape { return s.slice(); }

  plan(a: Allocator, B: number): void {
    const n = B * this.inputSize();
    this.y = a.alloc(n * 4); this.noise = a.alloc(n * 4); this.dx = a.alloc(n * 4);
  }

  override get inferenceIdentity(): boolean { return true; }

  /** Draws n values of N(mean, std) for this step (the stream moves on when the model's step does). */
  protected draw(c: Ctx, n: number, mean: number, std: number): Float32Array {
    const s = c.streams.get(this.index, this.className);
    c.k.rng_normal(this.noise, n, s.k0, s.k1, s.lo, s.hi, mean, std);
    if (c.advanceRng) s.advance(n);
    return c.a.f32(this.noise, n);
  }

  override getConfig(): ConfigDict {
    const c = super.getConfig();
    if (this.seed !== null) c.seed = this.seed;
    return c;
  }
}

export class GaussianNoise extends NoiseLayer {
  readonly className = 'GaussianNoise';
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args, 'gaussian_noise', 'gaussianNoise');
    if (typeof args.stddev !== 'number' || !(args.stddev >= 0) || !Number.isFinite(args.stddev)) throw new ConfigError(`layers.gaussianNoise(${this.name}): expected stddev to be a finite number >= 0, got ${describeValue(args.stddev)}.`);
    this.stddev = args.stddev;
  }

  forward(c: Ctx, x: number, B: number): number {
    this.active = c.training && this.stddev > 0;
    if (!this.active) return x;
    const n = B * this.inputSize();
    const z = this.draw(c, n, 0, this.stddev), xs = c.a.f32(x, n), ys = c.a.f32(this.y, n);
    for (let i = 0; i < n; i++) ys[i] = xs[i] + z[i];
    return this.y;
  }

  backward(_c: Ctx, dy: number, _B: number): number { return dy; }

  override getConfig(): ConfigDict { return { ...super.getConfig(), stddev: this.stddev }; }

  static fromConfig(config: unknown): GaussianNoise {
    return new GaussianNoise(checkConfig(config, 'GaussianNoise.fromConfig', ['stddev', 'seed']) as unknown as GaussianNoiseArgs);
  }
}

export class GaussianDropout extends NoiseLayer {
  readonly className = 'GaussianDropout';
  readonly rate: number;

  constructor(args: GaussianDropoutArgs) {
    super(args, 'gaussian_dropout', 'gaussianDropout');
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) throw new ConfigError(`layers.gaussianDropout(${this.name}): expected rate in [0, 1), got ${describeValue(args.rate)}.`);
    this.rate = args.rate;
  }

  forward(c: Ctx, x: number, B: number): number {
    this.active = c.training && this.rate > 0;
    if (!this.active) return x;
    const n = B * this.inputSize();
    const z = this.draw(c, n, 1, Math.sqrt(this.rate / (1 - this.rate))), xs = c.a.f32(x, n), ys = c.a.f32(this.y, n);
    for (let i = 0; i < n; i++) ys[i] = xs[i] * z[i];
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    if (!this.active) return dy;
    const n = B * this.inputSize();
    const z = c.a.f32(this.noise, n), dys = c.a.f32(dy, n), dxs = c.a.f32(this.dx, n);
    for (let i = 0; i < n; i++) dxs[i] = dys[i] * z[i];
    return this.dx;
  }

  override getConfig(): ConfigDict { return { ...super.getConfig(), rate: this.rate }; }

  static fromConfig(config: unknown): GaussianDropout {
    return new GaussianDropout(checkConfig(config, 'GaussianDropout.fromConfig', ['rate', 'seed']) as unknown as GaussianDropoutArgs);
  }
}
