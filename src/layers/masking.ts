// Masking: for float inputs [B, T, F], a timestep is masked when all its features equal maskValue; the mask flows to
// later layers and the output is x * mask (Keras 2: masked steps become 0, NaN stays NaN).
import { Layer, checkConfig, checkNumber, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { ShapeError, fmtShape } from '../errors.js';

export interface MaskingArgs extends LayerArgs { maskValue?: number }

export class Masking extends Layer {
  readonly className = 'Masking';
  readonly maskValue: number;
  private y = 0; private dx = 0; private mask = 0; private F = 0; private T = 0;

  constructor(args: MaskingArgs = {}) {
    super(args, 'masking');
    // finite: the config is JSON, where Infinity would come back as null
    this.maskValue = checkNumber(args.maskValue, `layers.masking(${this.name})`, 'maskValue', 0);
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`${this.name}: expected input [batch, time, features], got per-sample shape ${fmtShape(s)}.`);
    return s.slice();
  }

  plan(a: Allocator, B: number): void {
    this.T = this.inputShape[0] as number;
    this.F = this.inputShape[1] as number;
    this.y = a.alloc(B * this.T * this.F * 4);
    this.dx = a.alloc(B * this.T * this.F * 4);
    this.mask = a.alloc(B * this.T * 4);
  }

  forward(c: Ctx, x: number, B: number): number {
    c.k.masking_compute(this.mask, x, B * this.T, this.F, this.maskValue);
    c.k.mask_rows(this.y, x, this.mask, B * this.T, this.F, 0);
    return this.y;
  }

  override outputMask(): number { return this.mask; }

  backward(c: Ctx, dy: number, B: number): number {
    // forward: y = x * mask  =>  dx = dy * mask
    c.k.mask_rows(this.dx, dy, this.mask, B * this.T, this.F, 0);
    return this.dx;
  }

  override getConfig(): ConfigDict { return { ...super.getConfig(), maskValue: this.maskValue }; }

  static fromConfig(config: unknown): Masking {
    return new Masking(checkConfig(config, 'Masking.fromConfig', ['maskValue']) as MaskingArgs);
  }
}
