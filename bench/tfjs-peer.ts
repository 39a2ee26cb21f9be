// TF.js (pure-JS cpu backend) peer for benchmark workload A: embedding -> Bi-LSTM -> attention -> dense(sigmoid), Keras-equivalent settings.
import * as tf from '@tensorflow/tfjs';

/** Workload A dimensions (kept identical to the bilstm-attn side). */
export const WORKLOAD_A = {
  vocab: 30, // ids 0..29; generated inputs use 1..29
  seqLen: 16,
  embedDim: 32,
  units: 32,
  batchSize: 64,
} as const;

/**
 * Additive (Raffel & Ellis style) attention pooling, as in the common Keras custom layer:
 *   e = tanh(x . W + b)      x: [B, T, F], W: [F, 1] ~ N(0, 0.05^2), b: [T, 1] zeros  -> [B, T, 1]
 *   a = softmax over time    -> [B, T]
 *   out = sum_t a_t x_t      -> [B, F]
 * (TF.js softmax only supports the last axis, so the time axis is made last before it.)
 */
export class AttentionPooling extends tf.layers.Layer {
  static className = 'AttentionPooling';
  private W: tf.LayerVariable | null = null;
  private b: tf.LayerVariable | null = null;

  constructor(config: ConstructorParameters<typeof tf.layers.Layer>[0] = {}) {
    super(config);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const T = s[1];
    const F = s[2];
    if (T == null || F == null) throw new Error('AttentionPooling needs a static [batch, time, features] input shape');
    this.W = this.addWeight('att_weight', [F, 1], 'float32', tf.initializers.randomNormal({ mean: 0, stddev: 0.05 }));
    this.b = this.addWeight('att_bias', [T, 1], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0]!, s[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D; // [B, T, F]
      const [B, T, F] = x.shape;
      const W = this.W!.read() as tf.Tensor2D;
      const b = this.b!.read() as tf.Tensor2D;
      const scores = tf.matMul(tf.reshape(x, [B * T, F]), W); // [B*T, 1]
      const e = tf.tanh(tf.add(tf.reshape(scores, [B, T, 1]), b)); // [B, T, 1] (+ [T, 1] broadcast)
      const a = tf.softmax(tf.reshape(e, [B, T]), -1); // softmax over time
      return tf.sum(tf.mul(x, tf.reshape(a, [B, T, 1])), 1); // [B, F]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(AttentionPooling);

/** Tiny deterministic 32-bit generator (splitmix32; integer ops only). */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

/** One model.trainOnBatch on a batch of ids and labels, with the input tensors disposed afterwards. */
export async function trainOnBatch(model: tf.LayersModel, batch: { x: Int32Array; y: Float32Array }, batchSize: number, seqLen: number): Promise<void> {
  const xs = tf.tensor2d(batch.x, [batchSize, seqLen], 'int32');
  const ys = tf.tensor2d(batch.y, [batchSize, 1], 'float32');
  try {
    await model.trainOnBatch(xs, ys);
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

/** Workload dimensions a peer model and its data are built from. */
export interface WorkloadShape { vocab: number; seqLen: number; embedDim: number; units: number }

/** Deterministic workload-A data: ids uniform-ish in 1..29, labels 0/1. */
export function makeWorkloadAData(batches: number, batchSize: number = WORKLOAD_A.batchSize, seed = 1) {
  return makeWorkloadData(WORKLOAD_A, batches, batchSize, seed);
}

/** Deterministic data for any workload: ids in 1..vocab-1, labels 0/1 (splitmix32, integer ops only). */
export function makeWorkloadData(cfg: { vocab: number; seqLen: number }, batches: number, batchSize: number, seed = 1) {
  const next = splitmix32(seed);
  const out: { x: Int32Array; y: Float32Array }[] = [];
  for (let k = 0; k < batches; k++) {
    const x = new Int32Array(batchSize * cfg.seqLen);
    for (let i = 0; i < x.length; i++) x[i] = 1 + (next() % (cfg.vocab - 1));
    const y = new Float32Array(batchSize);
    for (let i = 0; i < batchSize; i++) y[i] = next() >>> 31;
    out.push({ x, y });
  }
  return out;
}

/**
 * Builds the workload-A model with Keras defaults spelled out where TF.js differs.
 * Built inside tf.tidy because TF.js 4.22's unitForgetBias initializer leaks 4 intermediate
 * tensors per LSTM (variables survive tidy; the leaked intermediates do not).
 */
export function buildTfjsModelA(): tf.LayersModel {
  return buildTfjsModel(WORKLOAD_A);
}

/** The same model for any workload size (built in tf.tidy, see buildTfjsModelA). */
export function buildTfjsModel(cfg: WorkloadShape): tf.LayersModel {
  let model!: tf.LayersModel;
  tf.tidy(() => {
    model = buildUntidied(cfg);
  });
  return model;
}

function buildUntidied(cfg: WorkloadShape): tf.LayersModel {
  const { vocab, seqLen, embedDim, units } = cfg;
  const model = tf.sequential({
    layers: [
      // TF.js embedding default = randomUniform(-0.05, 0.05), same as Keras.
      tf.layers.embedding({ inputDim: vocab, outputDim: embedDim, inputLength: seqLen }),
      tf.layers.bidirectional({
        layer: tf.layers.lstm({
          units,
          returnSequences: true,
          // TF.js defaults differ from Keras: hardSigmoid / glorotNormal / unitForgetBias=false.
          recurrentActivation: 'sigmoid',
          kernelInitializer: 'glorotUniform',
          recurrentInitializer: 'orthogonal',
          unitForgetBias: true,
        }) as tf.RNN,
        mergeMode: 'concat',
      }),
      new AttentionPooling(),
      // TF.js dense kernel default is glorotNormal; Keras uses glorotUniform.
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'glorotUniform' }),
    ],
  });
  return model;
}

export interface TfjsWorkloadA {
  /** One optimizer step on a batch of 64 via model.trainOnBatch (awaits the loss value). */
  trainStep(): Promise<void>;
  /** Batch-1 predict from an Int32Array, reads the result back, disposes every tensor it made. */
  predictOne(): void;
  /** Frees the model, optimizer and cached data. */
  dispose(): void;
  model: tf.LayersModel;
}

/**
 * Sets the pure-JS 'cpu' backend and builds/compiles the workload-A model (adam lr 1e-3,
 * beta 0.9/0.999, eps 1e-7 = Keras defaults; binaryCrossentropy; no metrics).
 * Async because tf.setBackend is. Training cycles over `dataBatches` pre-generated batches;
 * input tensors are created from typed arrays on every call (as the library does), then disposed.
 */
export async function makeTfjsWorkloadA(
  opts: { batchSize?: number; seed?: number; dataBatches?: number } = {},
): Promise<TfjsWorkloadA> {
  const batchSize = opts.batchSize ?? WORKLOAD_A.batchSize;
  const ok = await tf.setBackend('cpu');
  if (!ok || tf.getBackend() !== 'cpu') throw new Error('could not select the TF.js cpu backend');
  await tf.ready();

  const model = buildTfjsModelA();
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });

  const data = makeWorkloadAData(opts.dataBatches ?? 4, batchSize, opts.seed ?? 1);
  const one = data[0]!.x.subarray(0, WORKLOAD_A.seqLen);
  let k = 0;

  return {
    model,
    async trainStep() {
      await trainOnBatch(model, data[k++ % data.length]!, batchSize, WORKLOAD_A.seqLen);
    },
    predictOne() {
      tf.tidy(() => {
        const x = tf.tensor2d(one, [1, WORKLOAD_A.seqLen], 'int32');
        const out = model.predict(x) as tf.Tensor;
        out.dataSync();
      });
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
    },
  };
}
