// Conv1D (Keras, channels_last): y[b, t] = act(bias + sum_k x[b, t * s + k * d - pad] . K[k]) over [batch, time,
// channels] -> [batch, time', filters], padding 'valid', 'same' (TF's split: the odd one on the right) or 'causal'
// (all on the left). Runs as one product: each output step's K input rows laid end to end (im2col, assembly/conv.ts)
// times the kernel [K * C, F] (Keras's [K, C, F] as it is stored); backward adds each copy's gradient back to its input
// row in a fixed order (col2im). The mask stops here (Keras's Conv1D does not support one).
import { Layer, checkActivation, checkBool, checkConfig, checkPositiveInt, sizeOf, type Activation, type ConfigDict, type Ctx, type LayerArgs, type Shape, type Weight } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { checkInitializer, initializerConfig, type InitializerSpec } from './initializers.js';
import { affineForward, affineOutputGrad } from './dense.js';
import { ConfigError, ShapeError, describeValue, fmtShape } from '../errors.js';

export type ConvPadding = 'valid' | 'same' | 'causal';

export interface Conv1DArgs extends LayerArgs {
  filters: number;
  kernelSize: number | [number];
  strides?: number | [number];
  padding?: ConvPadding;
  dilationRate?: number | [number];
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** 'channels_last' only (Keras's default). */
  dataFormat?: 'channels_last';
}

/** An int or a one-element list (Keras's and TF.js's forms), checked positive. */
export function oneInt(v: unknown, where: string, what: string, dflt?: number): number {
  const x = Array.isArray(v) && v.length === 1 ? v[0] : v ?? dflt;
  return checkPositiveInt(x, where, what);
}

/** Output length and left padding of a 1-D window of size `span` (= (K - 1) d + 1) and stride s over T steps. */
export function windowLayout(T: number, span: number, s: number, padding: ConvPadding): { out: number; left: number } {
  if (padding === 'valid') return { out: T >= span ? Math.floor((T - span) / s) + 1 : 0, left: 0 };
  const out = Math.ceil(T / s);
  if (padding === 'causal') return { out, left: span - 1 };
  const total = Math.max((out - 1) * s + span - T, 0);
  return { out, left: Math.floor(total / 2) };
}

export class Conv1D extends Layer {
  readonly className = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: ConvPadding;
  readonly dilationRate: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  K!: Weight; b: Weight | null = null;
  private C = 0; private T = 0; private To = 0; private left = 0;
  private cols = 0; private z = 0; private y = 0; private dz = 0; private dcols = 0; private dx = 0; private WT = 0; private zeroBias = 0;

  constructor(args: Conv1DArgs) {
    super(args, 'conv1d');
    const where = `layers.conv1d(${this.name})`;
    this.filters = checkPositiveInt(args.filters, where, 'filters');
    this.kernelSize = oneInt(args.kernelSize, where, 'kernelSize');
    this.strides = oneInt(args.strides, where, 'strides', 1);
    this.dilationRate = oneInt(args.dilationRate, where, 'dilationRate', 1);
    if (this.strides > 1 && this.dilationRate > 1) throw new ConfigError(`${where}: expected strides 1 or dilationRate 1 (Keras refuses both above 1), got strides ${this.strides} and dilationRate ${this.dilationRate}.`);
    const p: unknown = args.padding ?? 'valid';
    if (p !== 'valid' && p !== 'same' && p !== 'causal') throw new ConfigError(`${where}: expected padding 'valid', 'same' or 'causal', got ${describeValue(p)}.`);
    this.padding = p;
    const df: unknown = args.dataFormat ?? 'channels_last';
    if (df !== 'channels_last') throw new ConfigError(`${where}: expected dataFormat 'channels_last' (input [batch, time, channels]), got ${describeValue(df)}.`);
    this.activation = checkActivation(args.activation, where, true);
    this.useBias = checkBool(args.useBias, where, 'useBias', true);
    this.kernelInitializer = checkInitializer(args.kernelInitializer ?? 'glorotUniform', where, 'kernelInitializer');
    this.biasInitializer = checkInitializer(args.biasInitializer ?? 'zeros', where, 'biasInitializer');
  }

  /** The window's extent in input steps. */
  get span(): number { return (this.kernelSize - 1) * this.dilationRate + 1; }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2 || s[1] === null) throw new ShapeError(`${this.name}: expected input [batch, time, channels] with known channels, got per-sample shape ${fmtShape(s)}.`);
    if (s[0] === null) return [null, this.filters];
    const { out } = windowLayout(s[0], this.span, this.strides, this.padding);
    if (out < 1) throw new ShapeError(`${this.name}: expected at least ${this.span} steps for a kernel of ${this.kernelSize}${this.dilationRate > 1 ? ` dilated by ${this.dilationRate}` : ''} with padding 'valid', got ${s[0]}.`);
    return [out, this.filters];
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    this.C = inputShape[1] as number;
    // Keras's kernel [K, C, F]: read as [K * C, F], the product's right side as it is
    this.K = this.addWeight('kernel', [this.kernelSize, this.C, this.filters], this.kernelInitializer);
    if (this.useBias) this.b = this.addWeight('bias', [this.filters], this.biasInitializer);
    return out;
  }

  plan(a: Allocator, B: number): void {
    this.T = sizeOf([this.inputShape[0]]);
    const { out, left } = windowLayout(this.T, this.span, this.strides, this.padding);
    this.To = out; this.left = left;
    const R = B * out, KC = this.kernelSize * this.C, F = this.filters;
    this.cols = a.alloc(R * KC * 4);
    this.z = a.alloc(R * F * 4);
    this.y = this.activation === 'linear' ? this.z : a.alloc(R * F * 4);
    this.dz = a.alloc(R * F * 4);
    this.dcols = a.alloc(R * KC * 4);
    this.dx = a.alloc(B * this.T * this.C * 4);
    this.WT = a.alloc(KC * F * 4);
    if (!this.b) this.zeroBias = a.alloc(F * 4);
  }

  /** The mask stops here (Keras: Conv1D does not support masking; tf.keras drops it, Keras 3 with a warning). */
  override outputMask(): number { return 0; }

  forward(c: Ctx, x: number, B: number): number {
    const { T, To, C, left, strides: s, dilationRate: d, kernelSize: Kn } = this;
    const KC = Kn * C, F = this.filters, R = B * To;
    // each output step's window, its K input rows end to end; zeros where the window reaches past the input
    c.k.conv1d_im2col(this.cols, x, B, T, C, To, Kn, s, d, left);
    affineForward(c, this.activation, this.y, this.z, this.cols, this.K.ptr, this.b ? this.b.ptr : this.zeroBias, R, KC, F);
    return this.y;
  }

  override logits(activation: string): number { return this.activation === activation ? this.z : 0; }

  backward(c: Ctx, dy: number, B: number): number {
    return this.backwardFromLogits(c, affineOutputGrad(c, this.activation, this.dz, dy, this.y, this.z, B * this.To, this.filters), B);
  }

  override backwardFromLogits(c: Ctx, dz: number, B: number): number {
    const { T, To, C, left, strides: s, dilationRate: d, kernelSize: Kn } = this;
    const KC = Kn * C, F = this.filters, R = B * To;
    // forward: z = cols . K + b  =>  dK += cols^T dz, db += sum_rows dz, dcols = dz . K^T
    c.k.gemm_tn(this.K.grad, this.cols, dz, KC, F, R, KC, F, F, 0);
    if (this.b) c.k.colsum_add(this.b.grad, dz, R, F);
    if (c.inputGrad === false) return 0; // nothing before us trains (Ctx.inputGrad)
    c.k.transpose(this.WT, this.K.ptr, KC, F);
    c.k.gemm_nn(this.dcols, dz, this.WT, R, KC, F, F, KC, KC, 0);
    // each window's gradient back onto its input rows: output steps in order, then the kernel's taps in order
    c.k.conv1d_col2im(this.dx, this.dcols, B, T, C, To, Kn, s, d, left);
    return this.dx;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding,
      dilationRate: this.dilationRate, activation: this.activation, useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer), biasInitializer: initializerConfig(this.biasInitializer) };
  }

  static fromConfig(config: unknown): Conv1D {
    return new Conv1D(checkConfig(config, 'Conv1D.fromConfig', ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation',
      'useBias', 'kernelInitializer', 'biasInitializer', 'dataFormat']) as unknown as Conv1DArgs);
  }
}
