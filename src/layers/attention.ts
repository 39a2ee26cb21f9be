// The reference attention layer: W [F,1], b [T,1]; e = tanh(x.W + b), a = softmax over time, y = x * a ([B,T,F]) or
// sum_t a_t x_t ([B,F]). The weights a of the last forward are kept for inspection.
import { Layer, checkBool, checkConfig, sizeOf, type ConfigDict, type Ctx, type LayerArgs, type Shape, type Weight } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { checkInitializer, initializerConfig, type InitializerSpec } from './initializers.js';
import { ShapeError, fmtShape } from '../errors.js';
import { runRows } from '../core/threads.js';

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
    if (s.length !== 2) throw new ShapeError(`${this.name}: expected input [batch, time, features] (put it after an LSTM or GRU with returnSequences: true), got per-sample shape ${fmtShape(s)}.`);
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
    const { T, F } = this, rs = this.returnSequences ? 1 : 0, m = this.inMask;
    // rows are independent: the batch is cut across the pool's threads (the same bytes)
    runRows(c.a.pool, c.k, B, 2 * B * T * F, (k, r0, r1) => k.attention_forward(this.y + r0 * this.outputSize() * 4,
      this.a + r0 * T * 4, this.e + r0 * T * 4, x + r0 * T * F * 4, this.W.ptr, this.b.ptr, r1 - r0, T, F, rs, m && m + r0 * T * 4));
    return this.y;
  }

  backward(c: Ctx, dy: number, B: number): number {
    const { T, F } = this, rs = this.returnSequences ? 1 : 0, m = this.inMask;
    const dyRow = (rs ? T * F : F) * 4;
    // dx and du row by row, the batch cut across the pool's threads; then dW and db summed over the whole batch here
    runRows(c.a.pool, c.k, B, 3 * B * T * F, (k, r0, r1) => {
      k.zero_fill(this.dx + r0 * T * F * 4, (r1 - r0) * T * F);
      k.attention_backward_rows(this.dx + r0 * T * F * 4, dy + r0 * dyRow, this.du + r0 * T * 4, this.x + r0 * T * F * 4,
        this.a + r0 * T * 4, this.e + r0 * T * 4, this.W.ptr, r1 - r0, T, F, rs, m && m + r0 * T * 4);
    });
    c.k.attention_backward_weights(this.W.grad, this.b.grad, this.du, this.x, B, T, F, m);
    return this.dx;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), returnSequences: this.returnSequences, wInitializer: initializerConfig(this.wInitializer), bInitializer: initializerConfig(this.bInitializer) };
  }

  static fromConfig(config: unknown): Attention {
    return new Attention(checkConfig(config, 'Attention.fromConfig', ['returnSequences', 'wInitializer', 'bInitializer']) as unknown as AttentionArgs);
  }
}
