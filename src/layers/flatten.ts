// Flatten (Keras): each sample's values in one axis, [batch, d1, d2, ...] -> [batch, d1 * d2 * ...], in their
// row-major order, so it moves no data: the output is the input's buffer, the gradient the next layer's. Every
// dimension must be known (a fixed length). The mask stops here (Keras's Flatten does not support masking: tf.keras 2
// drops it, Keras 3 with a warning), so padded steps pass on as the values they hold.
import { Layer, checkConfig, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { ConfigError, ShapeError, describeValue, fmtShape } from '../errors.js';

export interface FlattenArgs extends LayerArgs {
  /** 'channels_last' (the default, Keras's too). 'channels_first' (which transposes first) is refused. */
  dataFormat?: 'channels_last';
}

export class Flatten extends Layer {
  readonly className = 'Flatten';
  readonly dataFormat = 'channels_last';

  constructor(args: FlattenArgs = {}) {
    super(args, 'flatten');
    const df: unknown = args.dataFormat ?? 'channels_last';
    if (df !== 'channels_last') {
      throw new ConfigError(`layers.flatten(${this.name}): expected dataFormat 'channels_last', got ${describeValue(df)}${df === 'channels_first' ? ' (which moves the features before time first): not supported' : ''}.`);
    }
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length === 0 || s.some((d) => d === null)) {
      throw new ShapeError(`${this.name}: expected every dimension of its input known (a fixed length: give the first layer inputLength or inputShape), got per-sample shape ${fmtShape(s)}.`);
    }
    return [(s as number[]).reduce((p, d) => p * d, 1)];
  }

  plan(_a: Allocator, _B: number): void {}

  /** The output has no time axis: the mask is consumed. */
  override outputMask(): number { return 0; }

  forward(_c: Ctx, x: number, _B: number): number { return x; }

  backward(_c: Ctx, dy: number, _B: number): number { return dy; }

  override getConfig(): ConfigDict { return { ...super.getConfig(), dataFormat: this.dataFormat }; }

  static fromConfig(config: unknown): Flatten {
    return new Flatten(checkConfig(config, 'Flatten.fromConfig', ['dataFormat']) as FlattenArgs);
  }
}
