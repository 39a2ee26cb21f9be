// MaxPooling1D (Keras, channels_last): the maximum of each window of poolSize steps, every strides steps (default
// poolSize), per channel: [batch, time, channels] -> [batch, time', channels]; padding 'valid' or 'same' (TF's: the
// padded places never win). The gradient goes to the window's first maximum; a NaN wins, as in the global pooling.
// Comparisons and copies only, from JS (exact). The mask stops here (Keras's pooling does not support one). Pooling1D,
// the windows' layout and options, is shared with AveragePooling1D.
import { Layer, checkConfig, sizeOf, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { ConfigError, ShapeError, describeValue, fmtShape } from '../errors.js';
import { oneInt, windowLayout } from './conv1d.js';

export interface MaxPooling1DArgs extends LayerArgs {
  poolSize?: number | [number];
  /** Default poolSize (Keras's strides=None). */
  strides?: number | [number] | null;
  padding?: 'valid' | 'same';
  dataFormat?: 'channels_last';
}

export const POOLING1D_KEYS = ['poolSize', 'strides', 'padding', 'dataFormat'];

/** The windows of Keras's 1-D poolings (Pooling1D): options, output shape, and each window's [lo, hi) input steps. */
export abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  protected T = 0; protected To = 0; protected C = 0; protected left = 0;
  protected y = 0; protected dx = 0;

  constructor(args: MaxPooling1DArgs, defaultName: string, factoryName: string) {
    super(args, defaultName, factoryName);
    const where = `layers.${factoryName}(${this.name})`;
    this.poolSize = oneInt(args.poolSize, where, 'poolSize', 2);
    this.strides = args.strides === null || args.strides === undefined ? this.poolSize : oneInt(args.strides, where, 'strides');
    const p: unknown = args.padding ?? 'valid';
    if (p !== 'valid' && p !== 'same') throw new ConfigError(`${where}: expected padding 'valid' or 'same', got ${describeValue(p)}.`);
    this.padding = p;
    const df: unknown = args.dataFormat ?? 'channels_last';
    if (df !== 'channels_last') throw new ConfigError(`${where}: expected dataFormat 'channels_last' (input [batch, time, channels]), got ${describeValue(df)}.`);
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2 || s[1] === null) throw new ShapeError(`${this.name}: expected input [batch, time, channels] with known channels, got per-sample shape ${fmtShape(s)}.`);
    if (s[0] === null) return [null, s[1]];
    const { out } = windowLayout(s[0], this.poolSize, this.strides, this.padding);
    if (out < 1) throw new ShapeError(`${this.name}: expected at least ${this.poolSize} steps with padding 'valid', got ${s[0]}.`);
    return [out, s[1]];
  }

  plan(a: Allocator, B: number): void {
    this.T = sizeOf([this.inputShape[0]]);
    this.C = this.inputShape[1] as number;
    const { out, left } = windowLayout(this.T, this.poolSize, this.strides, this.padding);
    this.To = out; this.left = left;
    this.y = a.alloc(B * out * this.C * 4);
    this.dx = a.alloc(B * this.T * this.C * 4);
  }

  override outputMask(): number { return 0; }

  /** Window t's input steps [lo, hi): the padded places left out. */
  protected window(t: number): [number, number] {
    const start = t * this.strides - this.left;
    return [Math.max(start, 0), Math.min(start + this.poolSize, this.T)];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPooling1D extends Pooling1D {
  readonly className = 'MaxPooling1D';
  private arg: Int32Array = new Int32Array(0);

  constructor(args: MaxPooling1DArgs = {}) {
    super(args, 'max_pooling1d', 'maxPooling1D');
  }

  override plan(a: Allocator, B: number): void {
    super.plan(a, B);
    this.arg = new Int32Array(B * this.To * this.C);
  }

  forward(c: Ctx, x: number, B: number): number {
    const { T, To, C } = this;
    const xs = c.a.f32(x, B * T * C), ys = c.a.f32(this.y, B * To * C), arg = this.arg;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < To; t++) {
        const [lo, hi] = this.window(t);
        for (let j = 0; j < C; j++) {
          let best = lo, v = xs[(b * T + lo) * C + j];
          for (let u = lo + 1; u < hi && v === v; u++) {
            const w = xs[(b * T + u) * C + j];
            if (w > v || w !== w) { v = w; best = u; }
          }
          const o = (b * To + t) * C + j;
          ys[o] = v; arg[o] = best;
        }
      }
    }
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    const { T, To, C } = this;
    const dys = c.a.f32(dy, B * To * C), dxs = c.a.f32(this.dx, B * T * C), arg = this.arg;
    dxs.fill(0);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < To; t++) {
        for (let j = 0; j < C; j++) {
          const o = (b * To + t) * C + j, at = (b * T + arg[o]) * C + j;
          dxs[at] = dxs[at] + dys[o];
        }
      }
    }
    return this.dx;
  }

  static fromConfig(config: unknown): MaxPooling1D {
    return new MaxPooling1D(checkConfig(config, 'MaxPooling1D.fromConfig', POOLING1D_KEYS) as MaxPooling1DArgs);
  }
}
