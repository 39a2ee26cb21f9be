// RepeatVector (Keras, TF.js): each sample's features repeated n times, [batch, features] -> [batch, n, features] (the
// LSTM autoencoder's bridge: LSTM -> RepeatVector(T) -> LSTM(returnSequences) -> TimeDistributed(Dense)). Backward
// sums the n copies' gradients in order, in float32 (exact IEEE single additions from JS: Wasm's bits).
import { Layer, checkConfig, checkPositiveInt, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { ShapeError, fmtShape } from '../errors.js';

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times (the output's length). */
  n: number;
}

export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;
  private F = 0; private y = 0; private dx = 0;

  constructor(args: RepeatVectorArgs) {
    super(args, 'repeat_vector', 'repeatVector');
    this.n = checkPositiveInt(args.n, `layers.repeatVector(${this.name})`, 'n');
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 1 || s[0] === null) throw new ShapeError(`${this.name}: expected input [batch, features] (put it after an LSTM or GRU without returnSequences, or a pooling), got per-sample shape ${fmtShape(s)}.`);
    return [this.n, s[0]];
  }

  plan(a: Allocator, B: number): void {
    this.F = this.inputShape[0] as number;
    this.y = a.alloc(B * this.n * this.F * 4);
    this.dx = a.alloc(B * this.F * 4);
  }

  /** The output has a time axis of copies: no mask (Keras's RepeatVector makes none). */
  override outputMask(): number { return 0; }

  forward(c: Ctx, x: number, B: number): number {
    const { n, F } = this;
    const xs = c.a.f32(x, B * F), ys = c.a.f32(this.y, B * n * F);
    for (let b = 0; b < B; b++) {
      const row = xs.subarray(b * F, b * F + F);
      for (let t = 0; t < n; t++) ys.set(row, (b * n + t) * F);
    }
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    const { n, F } = this;
    const dys = c.a.f32(dy, B * n * F), dxs = c.a.f32(this.dx, B * F);
    // (each element summed over the copies in order; the Float32Array store rounds each partial sum to float32)
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < F; j++) {
        const at = b * F + j;
        dxs[at] = dys[b * n * F + j];
        for (let t = 1; t < n; t++) dxs[at] = dxs[at] + dys[(b * n + t) * F + j];
      }
    }
    return this.dx;
  }

  override getConfig(): ConfigDict { return { ...super.getConfig(), n: this.n }; }

  static fromConfig(config: unknown): RepeatVector {
    return new RepeatVector(checkConfig(config, 'RepeatVector.fromConfig', ['n']) as unknown as RepeatVectorArgs);
  }
}
