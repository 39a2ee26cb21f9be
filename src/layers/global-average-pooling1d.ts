// GlobalAveragePooling1D (Keras): the mean over time, [batch, time, features] -> [batch, features]. Under a mask the
// mean is over each sample's real steps: sum over real steps / number of real steps (Keras 2.15 and 3.x; masked steps
// are never read, as Keras 3.15's where(mask, x, 0): Keras 2.15 and Keras 3 before 3.15 multiply by the mask instead,
// which differs only when a padded step holds NaN or Infinity). A sample with no real step gives 0 (Keras: 0 / 0 = NaN).
import { checkConfig, type Ctx } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { GlobalPooling1D, GLOBAL_POOLING_KEYS, type GlobalPooling1DArgs } from './global-pooling1d.js';

export type GlobalAveragePooling1DArgs = GlobalPooling1DArgs;

export class GlobalAveragePooling1D extends GlobalPooling1D {
  readonly className = 'GlobalAveragePooling1D';
  private y = 0; private dx = 0; private mask = 0;

  constructor(args: GlobalAveragePooling1DArgs = {}) {
    super(args, 'global_average_pooling1d', 'globalAveragePooling1D');
  }

  plan(a: Allocator, B: number): void {
    this.planDims();
    this.y = a.alloc(B * this.F * 4);
    this.dx = a.alloc(B * this.T * this.F * 4);
  }

  forward(c: Ctx, x: number, B: number): number {
    this.mask = this.inMask;
    c.k.pool_avg_forward(this.y, x, B, this.T, this.F, this.mask);
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    c.k.zero_fill(this.dx, B * this.T * this.F);
    c.k.pool_avg_backward(this.dx, dy, B, this.T, this.F, this.mask);
    return this.dx;
  }

  static fromConfig(config: unknown): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(checkConfig(config, 'GlobalAveragePooling1D.fromConfig', GLOBAL_POOLING_KEYS) as GlobalAveragePooling1DArgs);
  }
}
