// GlobalMaxPooling1D (Keras): the maximum over time, [batch, time, features] -> [batch, features]. Over EVERY step,
// masked ones included: Keras 2.15 and 3.15 both ignore the mask here (the layer does not support masking; Keras 2
// drops the mask silently, Keras 3 with a warning), so padded steps take part with whatever values they hold. The
// gradient goes to one step per feature: the first that holds the maximum. A NaN wins (NaN stays visible).
import { checkConfig, type Ctx } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { GlobalPooling1D, GLOBAL_POOLING_KEYS, type GlobalPooling1DArgs } from './global-pooling1d.js';

export type GlobalMaxPooling1DArgs = GlobalPooling1DArgs;

export class GlobalMaxPooling1D extends GlobalPooling1D {
  readonly className = 'GlobalMaxPooling1D';
  private y = 0; private arg = 0; private dx = 0;

  constructor(args: GlobalMaxPooling1DArgs = {}) {
    super(args, 'global_max_pooling1d', 'globalMaxPooling1D');
  }

  plan(a: Allocator, B: number): void {
    this.planDims();
    this.y = a.alloc(B * this.F * 4);
    this.arg = a.alloc(B * this.F * 4);
    this.dx = a.alloc(B * this.T * this.F * 4);
  }

  forward(c: Ctx, x: number, B: number): number {
    c.k.pool_max_forward(this.y, this.arg, x, B, this.T, this.F);
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    c.k.zero_fill(this.dx, B * this.T * this.F);
    c.k.pool_max_backward(this.dx, dy, this.arg, B, this.T, this.F);
    return this.dx;
  }

  static fromConfig(config: unknown): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(checkConfig(config, 'GlobalMaxPooling1D.fromConfig', GLOBAL_POOLING_KEYS) as GlobalMaxPooling1DArgs);
  }
}
