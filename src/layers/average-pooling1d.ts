// AveragePooling1D (Keras, channels_last): the mean of each window (Pooling1D's layout; with padding 'same' the padded
// places are left out of the count, as TF's avg_pool), per channel; the gradient shared equally by the window's steps.
// Float32 sums in step order and one division, from JS (exact IEEE single operations: Wasm's bits).
import { checkConfig, type Ctx } from './layer.js';
import { Pooling1D, POOLING1D_KEYS, type MaxPooling1DArgs } from './max-pooling1d.js';

export type AveragePooling1DArgs = MaxPooling1DArgs;

export class AveragePooling1D extends Pooling1D {
  readonly className = 'AveragePooling1D';

  constructor(args: AveragePooling1DArgs = {}) {
    super(args, 'average_pooling1d', 'averagePooling1D');
  }

  forward(c: Ctx, x: number, B: number): number {
    const { T, To, C } = this;
    const xs = c.a.f32(x, B * T * C), ys = c.a.f32(this.y, B * To * C);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < To; t++) {
        const [lo, hi] = this.window(t);
        for (let j = 0; j < C; j++) {
          const o = (b * To + t) * C + j;
          ys[o] = xs[(b * T + lo) * C + j];
          for (let u = lo + 1; u < hi; u++) ys[o] = ys[o] + xs[(b * T + u) * C + j];
          ys[o] = ys[o] / (hi - lo);
        }
      }
    }
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    const { T, To, C } = this;
    const dys = c.a.f32(dy, B * To * C), dxs = c.a.f32(this.dx, B * T * C);
    dxs.fill(0);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < To; t++) {
        const [lo, hi] = this.window(t);
        for (let j = 0; j < C; j++) {
          const g = Math.fround(dys[(b * To + t) * C + j] / (hi - lo));
          for (let u = lo; u < hi; u++) dxs[(b * T + u) * C + j] = dxs[(b * T + u) * C + j] + g;
        }
      }
    }
    return this.dx;
  }

  static fromConfig(config: unknown): AveragePooling1D {
    return new AveragePooling1D(checkConfig(config, 'AveragePooling1D.fromConfig', POOLING1D_KEYS) as AveragePooling1DArgs);
  }
}
