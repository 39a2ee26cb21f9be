// SimpleRNN over whole sequences (Keras semantics: h_t = act(x_t . W + b + h_{t-1} . U); zero initial state; goBackwards;
// returnSequences).
import { ACTIVATIONS, checkConfig, sizeOf, type ConfigDict, type Ctx, type Shape, type Weight } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { Recurrent, type RecurrentArgs } from './recurrent.js';
import { initializerConfig } from './initializers.js';
import { ConfigError, ShapeError, fmtShape, describeValue } from '../errors.js';

/** Keras's SimpleRNN options: an LSTM's without a recurrent activation (one activation, tanh by default). */
export type SimpleRNNArgs = Omit<RecurrentArgs, 'recurrentActivation'>;

const CONFIG_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'returnSequences', 'goBackwards', 'zeroOutputForMask', 'dropout', 'recurrentDropout'];

export class SimpleRNN extends Recurrent {
  readonly className = 'SimpleRNN';
  readonly gateBlocks = 1;
  W!: Weight; U!: Weight; b: Weight | null = null;
  private dz = 0; private dx = 0; private dhrec = 0; private hprev = 0;
  private UT = 0; private WT = 0; private pack = 0; private zeroBias = 0; private dBiasScratch = 0;
  private x = 0;

  constructor(args: SimpleRNNArgs) {
    if ((args as RecurrentArgs | undefined)?.recurrentActivation !== undefined) {
      throw new ConfigError(`layers.simpleRNN: expected no recurrentActivation (a SimpleRNN has one activation), got ${describeValue((args as RecurrentArgs).recurrentActivation)}.`);
    }
    super(args, 'simpleRNN', 'SimpleRNN', 'simple_rnn');
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    const H = this.units;
    const I = inputShape[1];
    if (I === null) throw new ShapeError(`${this.name}: expected a known feature size, got ${fmtShape(inputShape)}.`);
    this.W = this.addWeight('kernel', [I, H], this.kernelInitializer);
    this.U = this.addWeight('recurrent_kernel', [H, H], this.recurrentInitializer);
    if (this.useBias) this.b = this.addWeight('bias', [H], this.biasInitializer);
    return out;
  }

  plan(a: Allocator, B: number): void {
    const T = this.T = sizeOf([this.inputShape[0]]);
    const I = this.I = sizeOf([this.inputShape[1]]);
    const H = this.units, f = 4;
    this.hseq = a.alloc(B * T * H * f);
    this.out = a.alloc(B * (this.returnSequences ? T : 1) * H * f);
    if (this.zeroOutputForMask) this.masked = a.alloc(B * T * H * f);
    this.dx = a.alloc(B * T * I * f);
    this.dhseq = a.alloc(B * T * H * f);
    this.dz = a.alloc(B * T * H * f);
    this.dhrec = a.alloc(B * H * f);
    this.hprev = a.alloc(B * T * H * f);
    this.UT = a.alloc(H * H * f);
    this.WT = a.alloc(H * I * f);
    // panels of W and U for the forward, of U^T and W^T for the backward; gemm_tn's scratch in between
    this.pack = a.alloc(Math.max(I + H, Math.min(B * T, 256)) * H * f);
    if (!this.b) { this.zeroBias = a.alloc(H * f); this.dBiasScratch = a.alloc(H * f); }
    this.planDropout(a, B);
  }

  private biasPtr(): number { return this.b ? this.b.ptr : this.zeroBias; }

  protected recurrence(c: Ctx, x: number, B: number): void {
    this.x = x;
    const [ztab, zidx] = this.projections(c, x, this.W.ptr, this.biasPtr(), this.pack);
    c.k.rnn_forward(this.hseq, x, this.W.ptr, this.U.ptr, this.biasPtr(), B, this.T, this.I, this.units, this.goBackwards ? 1 : 0,
      ACTIVATIONS[this.activation], this.inMask, this.pack, ztab, zidx, ...this.recurrentMask(c, B));
  }

  protected runBackward(c: Ctx, dhseq: number, B: number, scratch = 0): number {
    const dx = c.inputGrad === false ? 0 : this.dx;
    c.k.rnn_backward(dx, this.W.grad, this.U.grad, this.b ? this.b.grad : this.dBiasScratch, dhseq, this.dz, this.dhrec,
      scratch || this.hprev, this.UT, this.WT, this.x, this.hseq, this.W.ptr, this.U.ptr,
      B, this.T, this.I, this.units, this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation], this.inMask, this.pack, 1, ...this.recurrentMaskBack());
    return dx;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer), recurrentInitializer: initializerConfig(this.recurrentInitializer),
      biasInitializer: initializerConfig(this.biasInitializer), returnSequences: this.returnSequences, goBackwards: this.goBackwards,
      zeroOutputForMask: this.zeroOutputForMask, dropout: this.dropout, recurrentDropout: this.recurrentDropout };
  }

  static fromConfig(config: unknown): SimpleRNN {
    return new SimpleRNN(checkConfig(config, 'SimpleRNN.fromConfig', CONFIG_KEYS) as unknown as SimpleRNNArgs);
  }
}
