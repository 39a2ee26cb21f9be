// The reference attention layer: W [F,1], b [T,1]; e = tanh(x.W + b), a = softmax over time, y = x * a ([B,T,F]) or
// sum_t a_t x_t ([B,F]). The weights a of the last forward are kept for inspection.
import { Layer, checkBool, checkConfig, sizeOf, type ConfigDict, type Ctx, type LayerArgs, type Shape, type Weight } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { checkInitializer, initializerConfig, type InitializerSpec } from './initializers.js';
import { ShapeError, fmtShape } from '../errors.js';

export interface AttentionArgs extends LayerArgs {
  /** true (default, as the reference layer): y = x * a, [B,T,F]; false: y = sum_t a_t x_t, [B,F]. */
  returnSequences?: boolean;
  wInitializer?: InitializerSpec;
  bInitializer?: InitializerSpec;
}

export class Attention extends Layer {
  readonly className = 'Attention';
  readonly returnSequences: boolean;
  readonly wInitializer: InitializerSpec;
  readonly bInitializer: InitializerSpec;
  W!: Weight; b!: Weight;
  private T = 0; private F = 0;
  private y = 0; a = 0; private e = 0; private du = 0; private dx = 0; private x = 0;

  constructor(args: AttentionArgs = {}) {
    super(args, 'attention');
    const where = `layers.attention(${this.name})`;
    this.returnSequences = checkBool(args.returnSequences, where, 'returnSequences', true);
    this.wInitializer = checkInitializer(args.wInitializer ?? 'normal', where, 'wInitializer');
    this.bInitializer = checkInitializer(args.bInitializer ?? 'zeros', where, 'bInitializer');
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`${this.name}: expected input [batch, time, features] (put it after an LSTM with returnSequences: true), got per-sample shape ${fmtShape(s)}.`);
    if (s[0] === null) throw new ShapeError(`${this.name}: expected a fixed sequence length (its bias has one entry per timestep), got ${fmtShape(s)}. Give the first layer inputLength.`);
    return this.returnSequences ? [s[0], s[1]] : [s[1]];
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    this.W = this.addWeight('W', [inputShape[1]!, 1], this.wInitializer);
    this.b = this.addWeight('b', [inputShape[0]!, 1], this.bInitializer);
    return out;
  }

  plan(a: Allocator, B: number): void {
    this.T = sizeOf([this.inputShape[0]]);
    this.F = sizeOf([this.inputShape[1]]);
    this.y = a.alloc(B * this.outputSize() * 4);
    this.a = a.alloc(B * this.T * 4);
    this.e = a.alloc(B * this.T * 4);
    this.du = a.alloc(B * this.T * 4);
    this.dx = a.alloc(B * this.T * this.F * 4);
  }

  get timeSteps(): number { return this.T; }

  /** Pooling consumes the mask; with returnSequences it passes on. */
  override outputMask(): number { return this.returnSequences ? this.inMask : 0; }

  forward(c: Ctx, x: number, B: number): number {
    this.x = x;
    c.k.attention_forward(this.y, this.a, this.e, x, this.W.ptr, this.b.ptr, B, this.T, this.F, this.returnSequences ? 1 : 0, this.inMask);
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    c.a.zero(this.dx, B * this.T * this.F);
    c.k.attention_backward(this.dx, this.W.grad, this.b.grad, dy, this.du, this.x, this.a, this.e, this.W.ptr,
      B, this.T, this.F, this.returnSequences ? 1 : 0, this.inMask);
    return this.dx;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), returnSequences: this.returnSequences, wInitializer: initializerConfig(this.wInitializer), bInitializer: initializerConfig(this.bInitializer) };
  }

  static fromConfig(config: unknown): Attention {
    return new Attention(checkConfig(config, 'Attention.fromConfig', ['returnSequences', 'wInitializer', 'bInitializer']) as unknown as AttentionArgs);
  }
}
