// Dense: y = act(x . K + b) on the last axis (K [I,U], b [U]); activations linear, sigmoid, tanh, relu, hardSigmoid,
// hardSigmoidKeras3, softmax.
import { Layer, ACTIVATIONS, EXTENDED_ACTIVATIONS, checkActivation, checkBool, checkConfig, checkPositiveInt, type Activation, type ConfigDict, type Ctx, type LayerArgs, type Shape, type Weight } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { checkInitializer, initializerConfig, type InitializerSpec } from './initializers.js';
import { ShapeError, fmtShape } from '../errors.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/** Forward and backward of an elementwise or softmax activation over rows x n (shared with the activation layer):
 *  y = act(z); backward adds dy * act' into dz, from the output y or (the extended ones) the input z. */
export function activationForward(c: Ctx, act: Activation, y: number, z: number, rows: number, n: number): void {
  if (act === 'softmax') c.k.softmax_forward(y, z, rows, n);
  else if (act in EXTENDED_ACTIVATIONS) c.k.activation_ext_forward(y, z, rows * n, EXTENDED_ACTIVATIONS[act as keyof typeof EXTENDED_ACTIVATIONS]);
  else c.k.activation_forward(y, z, rows * n, ACTIVATIONS[act as keyof typeof ACTIVATIONS]);
}
export function activationBackward(c: Ctx, act: Activation, dz: number, dy: number, y: number, z: number, rows: number, n: number): void {
  if (act === 'softmax') c.k.softmax_backward(dz, dy, y, rows, n);
  else if (act in EXTENDED_ACTIVATIONS) c.k.activation_ext_backward(dz, dy, z, rows * n, EXTENDED_ACTIVATIONS[act as keyof typeof EXTENDED_ACTIVATIONS]);
  else c.k.activation_backward(dz, dy, y, rows * n, ACTIVATIONS[act as keyof typeof ACTIVATIONS]);
}

/** z = bias + x . K over R rows of I (x with row stride lda), then y = act(z) (y may be z for linear): Dense's forward,
 *  and Conv1D's over its windows. */
export function affineForward(c: Ctx, act: Activation, y: number, z: number, x: number, K: number, bias: number, R: number, I: number, U: number, lda = I): void {
  c.k.rows_set(z, bias, R, U);
  c.k.gemm_nn(z, x, K, R, U, I, lda, U, U, 1);
  if (act !== 'linear') activationForward(c, act, y, z, R, U);
}

/** dz = dy * act' (into dz, zeroed first), or dy itself for linear: the gradient at the product's output. */
export function affineOutputGrad(c: Ctx, act: Activation, dz: number, dy: number, y: number, z: number, R: number, U: number): number {
  if (act === 'linear') return dy;
  c.a.zero(dz, R * U);
  activationBackward(c, act, dz, dy, y, z, R, U);
  return dz;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  K!: Weight; b: Weight | null = null;
  private I = 0; private rowsPerSample = 1;
  private z = 0; private y = 0; private dz = 0; private dx = 0; private KT = 0; private zeroBias = 0; private x = 0;

  constructor(args: DenseArgs) {
    super(args, 'dense');
    const where = `layers.dense(${this.name})`;
    this.units = checkPositiveInt(args.units, where, 'units');
    this.activation = checkActivation(args.activation, where, true);
    this.useBias = checkBool(args.useBias, where, 'useBias', true);
    this.kernelInitializer = checkInitializer(args.kernelInitializer ?? 'glorotUniform', where, 'kernelInitializer');
    this.biasInitializer = checkInitializer(args.biasInitializer ?? 'zeros', where, 'biasInitializer');
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length < 1 || s[s.length - 1] === null) throw new ShapeError(`${this.name}: expected a known last dimension, got per-sample shape ${fmtShape(s)}.`);
    return [...s.slice(0, -1), this.units];
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    this.I = inputShape[inputShape.length - 1]!;
    this.K = this.addWeight('kernel', [this.I, this.units], this.kernelInitializer);
    if (this.useBias) this.b = this.addWeight('bias', [this.units], this.biasInitializer);
    return out;
  }

  plan(a: Allocator, B: number): void {
    // rows per sample: T on [T, I] input (known by now, also for a free-length model), 1 on [I]
    this.rowsPerSample = this.inputSize() / this.I;
    const R = B * this.rowsPerSample, U = this.units;
    this.z = a.alloc(R * U * 4);
    this.y = this.activation === 'linear' ? this.z : a.alloc(R * U * 4);
    this.dz = a.alloc(R * U * 4);
    this.dx = a.alloc(R * this.I * 4);
    this.KT = a.alloc(this.I * U * 4);
    if (!this.b) this.zeroBias = a.alloc(U * 4);
  }

  forward(c: Ctx, x: number, B: number): number {
    this.x = x;
    const R = B * this.rowsPerSample, U = this.units;
    // forward: z = b + x . K
    affineForward(c, this.activation, this.y, this.z, x, this.K.ptr, this.b ? this.b.ptr : this.zeroBias, R, this.I, U);
    return this.y;
  }

  override logits(activation: string): number { return this.activation === activation ? this.z : 0; }

  backward(c: Ctx, dy: number, B: number): number {
    return this.backwardFromLogits(c, affineOutputGrad(c, this.activation, this.dz, dy, this.y, this.z, B * this.rowsPerSample, this.units), B);
  }

  override backwardFromLogits(c: Ctx, dz: number, B: number): number {
    const R = B * this.rowsPerSample, U = this.units, I = this.I;
    // forward: z = x . K + b  =>  dK += x^T dz, db += sum_rows dz, dx = dz . K^T
    c.k.gemm_tn(this.K.grad, this.x, dz, I, U, R, I, U, U, 0);
    if (this.b) c.k.colsum_add(this.b.grad, dz, R, U);
    if (c.inputGrad === false) return 0; // nothing before us trains (Ctx.inputGrad)
    c.k.transpose(this.KT, this.K.ptr, I, U);
    c.k.gemm_nn(this.dx, dz, this.KT, R, I, U, U, I, I, 0);
    return this.dx;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer), biasInitializer: initializerConfig(this.biasInitializer) };
  }

  static fromConfig(config: unknown): Dense {
    return new Dense(checkConfig(config, 'Dense.fromConfig', ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']) as unknown as DenseArgs);
  }
}
