// GRU over whole sequences (Keras semantics: gates z, r, h; resetAfter; zero initial state; goBackwards; returnSequences).
import { ACTIVATIONS, checkBool, checkConfig, sizeOf, type ConfigDict, type Ctx, type Shape, type Weight } from './layer.js';
import type { Allocator } from '../core/arena.js';
import { Recurrent, type RecurrentArgs } from './recurrent.js';
import { initializerConfig } from './initializers.js';
import { ShapeError, fmtShape } from '../errors.js';

export interface GRUArgs extends RecurrentArgs {
  /**
   * Where the reset gate acts: true (Keras 3's and tf.keras 2's default, PyTorch's and cuDNN's GRU) r * (h . U_h + b),
   * with a bias [2, 3 * units] (input bias, recurrent bias); false (Keras 2.3.1's default, TF.js's only form)
   * (r * h) . U_h, with a bias [3 * units].
   */
  resetAfter?: boolean;
}

const CONFIG_KEYS = ['units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer',
  'biasInitializer', 'returnSequences', 'goBackwards', 'resetAfter', 'zeroOutputForMask', 'dropout', 'recurrentDropout'];

export class GRU extends Recurrent {
  readonly className = 'GRU';
  readonly gateBlocks = 3;
  readonly resetAfter: boolean;
  W!: Weight; U!: Weight; b: Weight | null = null;
  private gates = 0; private rcache = 0; private rec = 0;
  private dx = 0; private dq = 0; private dhrec = 0; private hprev = 0;
  private UT = 0; private WT = 0; private pack = 0; private zeroBias = 0; private dBiasScratch = 0;
  private x = 0;

  constructor(args: GRUArgs) {
    super(args, 'gru', 'GRU');
    const where = `layers.gru(${this.name})`;
    this.resetAfter = checkBool(args.resetAfter, where, 'resetAfter', true);
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    const H = this.units;
    const I = inputShape[1];
    if (I === null) throw new ShapeError(`${this.name}: expected a known feature size, got ${fmtShape(inputShape)}.`);
    this.W = this.addWeight('kernel', [I, 3 * H], this.kernelInitializer);
    this.U = this.addWeight('recurrent_kernel', [H, 3 * H], this.recurrentInitializer);
    if (this.useBias) this.b = this.addWeight('bias', this.resetAfter ? [2, 3 * H] : [3 * H], this.biasInitializer);
    return out;
  }

  plan(a: Allocator, B: number): void {
    const T = this.T = sizeOf([this.inputShape[0]]);
    const I = this.I = sizeOf([this.inputShape[1]]);
    const H = this.units, G = 3 * H, f = 4;
    this.hseq = a.alloc(B * T * H * f);
    this.gates = a.alloc(B * T * G * f);
    this.rcache = a.alloc(B * T * H * f);
    this.rec = a.alloc(B * G * f);
    this.out = a.alloc(B * (this.returnSequences ? T : 1) * H * f);
    if (this.zeroOutputForMask) this.masked = a.alloc(B * T * H * f);
    this.dx = a.alloc(B * T * I * f);
    this.dhseq = a.alloc(B * T * H * f);
    this.dq = a.alloc(B * H * f);
    this.dhrec = a.alloc(B * H * f);
    this.hprev = a.alloc(B * T * H * f);
    this.UT = a.alloc(G * H * f);
    this.WT = a.alloc(G * I * f);
    // panels of W and U for the forward, of U^T and W^T for the backward; gemm_tn's scratch in between
    this.pack = a.alloc(Math.max(I + H, Math.min(B * T, 256)) * G * f);
    if (!this.b) { this.zeroBias = a.alloc(2 * G * f); this.dBiasScratch = a.alloc(2 * G * f); }
    this.planDropout(a, B);
  }

  private args(): [number, number, number] {
    return [this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation], ACTIVATIONS[this.recurrentActivation]];
  }

  protected recurrence(c: Ctx, x: number, B: number): void {
    this.x = x;
    const [rev, act, recAct] = this.args();
    const [ztab, zidx] = this.projections(c, x, this.W.ptr, this.b ? this.b.ptr : this.zeroBias, this.pack);
    c.k.gru_forward(this.hseq, this.gates, this.rcache, this.rec, x, this.W.ptr, this.U.ptr, this.b ? this.b.ptr : this.zeroBias,
      B, this.T, this.I, this.units, rev, act, recAct, this.inMask, this.resetAfter ? 1 : 0, c.training ? 0 : 1, this.pack, ztab, zidx,
      ...this.recurrentMask(c, B));
  }

  protected runBackward(c: Ctx, dhseq: number, B: number, scratch = 0): number {
    const [rev, act, recAct] = this.args();
    const dx = c.inputGrad === false ? 0 : this.dx;
    // (dX overwrites the gate cache in place: backward is its last use)
    c.k.gru_backward(dx, this.W.grad, this.U.grad, this.b ? this.b.grad : this.dBiasScratch, dhseq, this.dq, this.dhrec,
      scratch || this.hprev, this.UT, this.WT, this.x, this.hseq, this.gates, this.rcache, this.W.ptr, this.U.ptr,
      B, this.T, this.I, this.units, rev, act, recAct, this.inMask, this.resetAfter ? 1 : 0, this.pack, 1, ...this.recurrentMaskBack());
    return dx;
  }


  override getConfig(): ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, recurrentActivation: this.recurrentActivation,
      useBias: this.useBias, kernelInitializer: initializerConfig(this.kernelInitializer),
      recurrentInitializer: initializerConfig(this.recurrentInitializer), biasInitializer: initializerConfig(this.biasInitializer),
      returnSequences: this.returnSequences, goBackwards: this.goBackwards, resetAfter: this.resetAfter,
      zeroOutputForMask: this.zeroOutputForMask, dropout: this.dropout, recurrentDropout: this.recurrentDropout };
  }

  static fromConfig(config: unknown): GRU {
    return new GRU(checkConfig(config, 'GRU.fromConfig', CONFIG_KEYS) as unknown as GRUArgs);
  }
}
