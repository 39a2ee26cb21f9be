// LeakyReLU (Keras, TF.js): y = x for x > 0, alpha * x otherwise (alpha default 0.3, Keras's and TF.js's; Keras 3
// calls it negative_slope); the gradient alpha at x <= 0, as TF's LeakyReluGrad. Float32 products, written from JS
// (exact IEEE single operations: the same bits as Wasm's). Passes the mask on.
import { Layer, checkConfig, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { ConfigError, describeValue } from '../errors.js';

export interface LeakyReLUArgs extends LayerArgs {
  /** The slope for x <= 0 (default 0.3), a finite number >= 0. */
  alpha?: number;
}

export class LeakyReLU extends Layer {
  readonly className = 'LeakyReLU';
  readonly alpha: number;
  private y = 0; private dx = 0; private x = 0;

  constructor(args: LeakyReLUArgs = {}) {
    super(args, 'leaky_re_lu', 'leakyReLU');
    const a: unknown = args.alpha ?? 0.3;
    if (typeof a !== 'number' || !Number.isFinite(a) || a < 0) throw new ConfigError(`layers.leakyReLU(${this.name}): expected alpha to be a finite number >= 0, got ${describeValue(a)}.`);
    this.alpha = a;
  }

  protected computeOutputShape(s: Shape): Shape { return s.slice(); }

  plan(a: Allocator, B: number): void {
    this.y = a.alloc(B * this.inputSize() * 4);
    this.dx = a.alloc(B * this.inputSize() * 4);
  }

  forward(c: Ctx, x: number, B: number): number {
    this.x = x;
    const n = B * this.inputSize();
    const xs = c.a.f32(x, n), ys = c.a.f32(this.y, n);
    const al = Math.fround(this.alpha);
    for (let i = 0; i < n; i++) { const v = xs[i]; ys[i] = v > 0 ? v : al * v; }
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    const n = B * this.inputSize();
    const xs = c.a.f32(this.x, n), dys = c.a.f32(dy, n), dxs = c.a.f32(this.dx, n);
    const al = Math.fround(this.alpha);
    for (let i = 0; i < n; i++) dxs[i] = xs[i] > 0 ? dys[i] : al * dys[i];
    return this.dx;
  }

  override getConfig(): ConfigDict { return { ...super.getConfig(), alpha: this.alpha }; }

  static fromConfig(config: unknown): LeakyReLU {
    return new LeakyReLU(checkConfig(config, 'LeakyReLU.fromConfig', ['alpha']) as LeakyReLUArgs);
  }
}
