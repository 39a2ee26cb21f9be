// registerAttention(tf): our attention layer as a TF.js custom layer class, BilstmAttention, registered with
// tf.serialization.registerClass so tf.loadLayersModel reads what exportTfjs writes. Published as the subpath
// `bilstm-attn/tfjs`. It imports only the error classes: the caller passes its own @tensorflow/tfjs (an optional peer dependency).
//   x [B, T, F], W [F, 1], b [T, 1]:  e = tanh(x.W + b) [B, T];  a = softmax over time (over real steps under a mask:
//   masked steps get weight 0, an all-masked sample gives zeros);  y = x * a [B, T, F] or sum_t a_t x_t [B, F].
import { ConfigError, describeValue } from '../../errors.js';

/** The parts of @tensorflow/tfjs used here (typed loosely so the package needs no TF.js types). */
export interface TfLike {
  layers: { Layer: abstract new (config?: any) => any };
  serialization: { registerClass(cls: any): void };
  initializers: { randomNormal(c: { mean: number; stddev: number }): any; zeros(): any };
  [op: string]: any;
}

const registered = new WeakMap<object, unknown>();

/** Defines and registers BilstmAttention in `tf` (once per tf instance); returns the class. */
export function registerAttention(tf: TfLike): unknown {
  if (!tf || typeof tf !== 'object' || !tf.layers || !tf.serialization) {
    throw new ConfigError(`registerAttention: expected the @tensorflow/tfjs module (import * as tf from '@tensorflow/tfjs'), got ${describeValue(tf)}.`);
  }
  const known = registered.get(tf);
  if (known) return known;
  const Base = tf.layers.Layer;
  class BilstmAttention extends Base {
    static className = 'BilstmAttention';
    readonly returnSequences: boolean;
    W: any = null;
    b: any = null;

    constructor(config: { returnSequences?: boolean; [k: string]: unknown } = {}) {
      super(config);
      this.returnSequences = config.returnSequences ?? true;
      this.supportsMasking = true;
    }

    build(inputShape: (number | null)[] | (number | null)[][]): void {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
      const T = s[1], F = s[2];
      if (T == null || F == null) throw new ConfigError(`BilstmAttention: expected input [batch, time, features] with a fixed time and features, got [${s.join(', ')}].`);
      this.W = this.addWeight('W', [F, 1], 'float32', tf.initializers.randomNormal({ mean: 0, stddev: 0.05 }));
      this.b = this.addWeight('b', [T, 1], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    computeOutputShape(inputShape: (number | null)[] | (number | null)[][]): (number | null)[] {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
      return this.returnSequences ? s.slice() : [s[0], s[2]];
    }

    computeMask(_inputs: unknown, mask?: unknown): unknown {
      const m = Array.isArray(mask) ? mask[0] : mask;
      return this.returnSequences ? m ?? null : null;
    }

    call(inputs: unknown, kwargs: { mask?: unknown } = {}): unknown {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs; // [B, T, F]
        const [B, T, F] = x.shape as number[];
        const mask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
        const e = tf.tanh(tf.add(tf.reshape(tf.matMul(tf.reshape(x, [B * T, F]), this.W.read()), [B, T]), tf.reshape(this.b.read(), [1, T])));
        let a;
        if (mask == null) {
          a = tf.softmax(e, -1);
        } else {
          // e is in [-1, 1], so exp needs no shift; masked steps are left out of the sum (weight exactly 0)
          const ex = tf.mul(tf.exp(e), tf.cast(mask, 'float32'));
          const sum = tf.sum(ex, -1, true);
          a = tf.div(ex, tf.maximum(sum, tf.scalar(1e-30)));
        }
        const y = tf.mul(x, tf.reshape(a, [B, T, 1]));
        return this.returnSequences ? y : tf.sum(y, 1);
      });
    }

    getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), returnSequences: this.returnSequences };
    }
  }
  tf.serialization.registerClass(BilstmAttention);
  registered.set(tf, BilstmAttention);
  return BilstmAttention;
}
