// Activation layer: y = act(x) elementwise (linear, sigmoid, tanh, relu, hardSigmoid,
// hardSigmoidKeras3) or softmax over the last axis.
import { Layer, checkActivation, checkConfig, type Activation, type ConfigDict, type Ctx, type LayerArgs, type Shape } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { activationForward, activationBackward } from './dense.js';

export interface ActivationArgs extends LayerArgs { activation: Activation }

export class ActivationLayer extends Layer {
  readonly className = 'Activation';
  readonly activation: Activation;
  private y = 0; private dx = 0; private x = 0; private n = 1;

  constructor(args: ActivationArgs) {
    super(args, 'activation');
    this.activation = checkActivation(args.activation, `layers.activation(${this.name})`, true);
  }

  protected computeOutputShape(s: Shape): Shape { return s.slice(); }

  plan(a: Allocator, B: number): void {
    this.n = (this.inputShape[this.inputShape.length - 1] as number) ?? 1;
    this.y = a.alloc(B * this.inputSize() * 4);
    this.dx = a.alloc(B * this.inputSize() * 4);
  }

  private rows(B: number): number { return (B * this.inputSize()) / this.n; }

  forward(c: Ctx, x: number, B: number): number {
    this.x = x;
    activationForward(c, this.activation, this.y, x, this.rows(B), this.n);
    return this.y;
  }

  override logits(activation: string): number { return this.activation === activation ? this.x : 0; }

  backward(c: Ctx, dy: number, B: number): number {
    c.a.zero(this.dx, B * this.inputSize());
    activationBackward(c, this.activation, this.dx, dy, this.y, this.x, this.rows(B), this.n);
    return this.dx;
  }

  override backwardFromLogits(_c: Ctx, dz: number, _B: number): number { return dz; }

  override getConfig(): ConfigDict { return { ...super.getConfig(), activation: this.activation }; }

  static fromConfig(config: unknown): ActivationLayer {
    return new ActivationLayer(checkConfig(config, 'Activation.fromConfig', ['activation']) as unknown as ActivationArgs);
  }
}
