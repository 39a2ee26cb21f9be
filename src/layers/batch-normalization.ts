// BatchNormalization over the last axis (Keras: momentum 0.99, epsilon 1e-3, biased batch variance in training,
// moving statistics at inference; a frozen layer always runs in inference mode).
import { Layer, checkConfig, checkNumber, type ConfigDict, type Ctx, type LayerArgs, type Shape, type Weight } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { checkInitializer, initializerConfig, type InitializerSpec } from './initializers.js';
import { ConfigError, ShapeError, fmtShape, describeValue } from '../errors.js';

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
}

export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  readonly inits: [InitializerSpec, InitializerSpec, InitializerSpec, InitializerSpec];
  gamma!: Weight; beta!: Weight; movingMean!: Weight; movingVariance!: Weight;
  private C = 0; private y = 0; private dx = 0; private mean = 0; private vr = 0; private invstd = 0; private s = 0;
  private x = 0; private lastTraining = false;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args, 'batch_normalization');
    const where = `layers.batchNormalization(${this.name})`;
    if (args.axis !== undefined && args.axis !== null && args.axis !== -1) throw new ConfigError(`${where}: expected axis -1 (only the last axis is supported), got axis ${describeValue(args.axis)}.`);
    this.momentum = checkNumber(args.momentum, where, 'momentum', 0.99, (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
    this.epsilon = checkNumber(args.epsilon, where, 'epsilon', 1e-3, (x) => x > 0, 'a finite number > 0');
    this.inits = [
      checkInitializer(args.gammaInitializer ?? 'ones', where, 'gammaInitializer'),
      checkInitializer(args.betaInitializer ?? 'zeros', where, 'betaInitializer'),
      checkInitializer(args.movingMeanInitializer ?? 'zeros', where, 'movingMeanInitializer'),
      checkInitializer(args.movingVarianceInitializer ?? 'ones', where, 'movingVarianceInitializer'),
    ];
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length < 1 || s[s.length - 1] === null) throw new ShapeError(`${this.name}: expected a known last dimension, got ${fmtShape(s)}.`);
    return s.slice();
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    const C = this.C = inputShape[inputShape.length - 1]!;
    this.gamma = this.addWeight('gamma', [C], this.inits[0]);
    this.beta = this.addWeight('beta', [C], this.inits[1]);
    this.movingMean = this.addWeight('moving_mean', [C], this.inits[2], false);
    this.movingVariance = this.addWeight('moving_variance', [C], this.inits[3], false);
    return out;
  }

  plan(a: Allocator, B: number): void {
    const n = B * this.inputSize();
    this.y = a.alloc(n * 4); this.dx = a.alloc(n * 4);
    this.mean = a.alloc(this.C * 4); this.vr = a.alloc(this.C * 4); this.invstd = a.alloc(this.C * 4); this.s = a.alloc(this.C * 12);
  }

  forward(c: Ctx, x: number, B: number): number {
    this.x = x;
    const N = (B * this.inputSize()) / this.C;
    this.lastTraining = c.training && this.trainable;
    if (this.lastTraining) {
      c.k.batchnorm_forward_train(this.y, this.mean, this.vr, this.invstd, x, this.gamma.ptr, this.beta.ptr, N, this.C, this.epsilon, this.rowMask());
      if (c.updateStats) c.k.batchnorm_update_moving(this.movingMean.ptr, this.movingVariance.ptr, this.mean, this.vr, this.C, this.momentum);
    } else {
      c.k.batchnorm_forward_infer(this.y, x, this.gamma.ptr, this.beta.ptr, this.movingMean.ptr, this.movingVariance.ptr, N, this.C, this.epsilon);
    }
    return this.y;
  }

  /** A sequence mask [B, T] applies to the rows of a [B, T, C] input (Keras 3: statistics over real steps only). */
  private rowMask(): number { return this.inputShape.length === 2 ? this.inMask : 0; }

  backward(c: Ctx, dy: number, B: number): number {
    const N = (B * this.inputSize()) / this.C;
    c.a.zero(this.dx, B * this.inputSize());
    if (this.lastTraining) {
      c.k.batchnorm_backward(this.dx, this.gamma.grad, this.beta.grad, dy, this.s, this.x, this.mean, this.invstd, this.gamma.ptr, N, this.C, this.rowMask());
    } else {
      c.k.batchnorm_backward_infer(this.dx, dy, this.gamma.ptr, this.movingVariance.ptr, N, this.C, this.epsilon);
    }
    return this.dx;
  }

  override getConfig(): ConfigDict {
    const [gamma, beta, mean, variance] = this.inits.map(initializerConfig);
    return { ...super.getConfig(), axis: -1, momentum: this.momentum, epsilon: this.epsilon, betaInitializer: beta,
      gammaInitializer: gamma, movingMeanInitializer: mean, movingVarianceInitializer: variance };
  }

  static fromConfig(config: unknown): BatchNormalization {
    const c = checkConfig(config, 'BatchNormalization.fromConfig', ['axis', 'momentum', 'epsilon', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer']);
    return new BatchNormalization(c as BatchNormalizationArgs);
  }
}
