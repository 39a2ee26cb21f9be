// TF.js peer on @tensorflow/tfjs-backend-wasm (4.22, Wasm SIMD, single-threaded in Node) for benchmark workloads A and B:
// embedding -> Bi-LSTM -> attention -> dense(sigmoid), the same model and settings as bench/tfjs-peer.ts.
//
// The wasm backend has no UnsortedSegmentSum kernel, which the embedding (gather) gradient needs, so training
// aborts without help. This module registers a plain-JS UnsortedSegmentSum for the 'wasm' backend (it reads and
// writes the Wasm heap directly); any table that quotes this peer should say "wasm + JS UnsortedSegmentSum shim".
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WORKLOAD_A, buildTfjsModel, makeWorkloadData, trainOnBatch } from './tfjs-peer.js';

/** Workload dimensions (A is the tfjs-peer's WORKLOAD_A). */
export const WASM_WORKLOADS = {
  A: { ...WORKLOAD_A },
  B: { vocab: 20000, seqLen: 200, embedDim: 64, units: 64, batchSize: 32 },
} as const;
export type WasmWorkloadName = keyof typeof WASM_WORKLOADS;

/**
 * Plain-JS UnsortedSegmentSum for the wasm backend:
 *   x [N, ...inner], segmentIds [N] (int32) -> out [numSegments, ...inner], out[s] = sum of x[i] with ids[i] == s.
 * Ids outside [0, numSegments) are dropped (TF semantics). Runs in index order, so the result is deterministic.
 */
function unsortedSegmentSumWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs['x']!;
  const segmentIds = args.inputs['segmentIds']!;
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (JS shim): dtype ${x.dtype} not supported`);
  const n = segmentIds.shape.reduce((p, q) => p * q, 1);
  const outerRank = segmentIds.shape.length;
  const innerShape = x.shape.slice(outerRank);
  const inner = innerShape.reduce((p, q) => p * q, 1);
  // makeOutput first: it may grow the Wasm heap, which detaches earlier views of it.
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array | Float32Array;
  o.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j]! += xs[src + j]!;
  }
  return out;
}

let registered = false;
/** Registers the JS UnsortedSegmentSum on 'wasm' once (no-op if this or another module already did). */
export function registerWasmUnsortedSegmentSum(): void {
  if (registered || tf.getKernel('UnsortedSegmentSum', 'wasm') != null) {
    registered = true;
    return;
  }
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
  });
  registered = true;
}

let wasmPathsSet = false;
/** Points the wasm backend at node_modules/@tensorflow/tfjs-backend-wasm/dist/, selects it, and registers the shim. */
export async function useWasmBackend(): Promise<void> {
  registerWasmUnsortedSegmentSum();
  if (tf.getBackend() !== 'wasm') {
    if (!wasmPathsSet && tf.findBackend('wasm') == null) {
      const require = createRequire(import.meta.url);
      const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')); // .../dist/tf-backend-wasm.node.js
      setWasmPaths(dist + path.sep); // a file-system prefix works in Node (the backend reads it with fs)
      wasmPathsSet = true;
    }
    const ok = await tf.setBackend('wasm');
    if (!ok || tf.getBackend() !== 'wasm') throw new Error('could not select the TF.js wasm backend');
  }
  await tf.ready();
}

/** Switches the engine back to 'wasm' if another peer selected a different backend meanwhile (synchronous once initialized). */
function ensureWasm(): void {
  if (tf.getBackend() !== 'wasm') {
    void tf.setBackend('wasm'); // the wasm backend is initialized, so the switch happens before this returns
    if (tf.getBackend() !== 'wasm') throw new Error('tfjs-wasm peer: could not switch back to the wasm backend');
  }
}

export interface TfjsWasmWorkload {
  /** One optimizer step on one batch via model.trainOnBatch (awaits the loss value). */
  trainStep(): Promise<void>;
  /** Batch-1 predict from an Int32Array, reads the result back, disposes every tensor it made. */
  predictOne(): void;
  /** Predict on `predictBatchSize` sequences at once (B: 256), reads the result back. */
  predictBatch(): void;
  /** Frees the model, optimizer and cached data. */
  dispose(): void;
  model: tf.LayersModel;
  batchSize: number;
  predictBatchSize: number;
}

/**
 * Selects the wasm backend (with the JS UnsortedSegmentSum shim) and builds/compiles the model for workload A or B:
 * adam lr 1e-3, beta 0.9/0.999, eps 1e-7 (Keras defaults), binaryCrossentropy, no metrics. Training cycles over
 * `dataBatches` pre-generated batches; input tensors are made from typed arrays on every call, then disposed.
 * Every method switches the engine back to 'wasm' first, so it can share a process with the cpu peer.
 */
export async function makeTfjsWasmWorkload(
  name: WasmWorkloadName,
  opts: { batchSize?: number; seed?: number; dataBatches?: number; predictBatchSize?: number } = {},
): Promise<TfjsWasmWorkload> {
  const cfg = WASM_WORKLOADS[name];
  const batchSize = opts.batchSize ?? cfg.batchSize;
  const seed = opts.seed ?? 1;
  const predictBatchSize = opts.predictBatchSize ?? 256;
  await useWasmBackend();

  const model = buildTfjsModel(cfg);
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });

  const data =
    makeWorkloadData(cfg, opts.dataBatches ?? 4, batchSize, seed);
  const one = data[0]!.x.subarray(0, cfg.seqLen);
  const many = makeWorkloadData(cfg, 1, predictBatchSize, seed + 1)[0]!.x;
  let k = 0;

  return {
    model,
    batchSize,
    predictBatchSize,
    async trainStep() {
      ensureWasm();
      await trainOnBatch(model, data[k++ % data.length]!, batchSize, cfg.seqLen);
    },
    predictOne() {
      ensureWasm();
      tf.tidy(() => {
        const x = tf.tensor2d(one, [1, cfg.seqLen], 'int32');
        (model.predict(x) as tf.Tensor).dataSync();
      });
    },
    predictBatch() {
      ensureWasm();
      tf.tidy(() => {
        const x = tf.tensor2d(many, [predictBatchSize, cfg.seqLen], 'int32');
        (model.predict(x, { batchSize: predictBatchSize }) as tf.Tensor).dataSync();
      });
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** Workload A on the wasm backend; same interface as makeTfjsWorkloadA in bench/tfjs-peer.ts (plus predictBatch). */
export function makeTfjsWasmWorkloadA(
  opts: { batchSize?: number; seed?: number; dataBatches?: number } = {},
): Promise<TfjsWasmWorkload> {
  return makeTfjsWasmWorkload('A', opts);
}

/** Workload B on the wasm backend (slow: about a second per training step of 32). */
export function makeTfjsWasmWorkloadB(
  opts: { batchSize?: number; seed?: number; dataBatches?: number; predictBatchSize?: number } = {},
): Promise<TfjsWasmWorkload> {
  return makeTfjsWasmWorkload('B', opts);
}
