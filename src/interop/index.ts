// The model formats' readers and writers (Keras, TF.js, PyTorch safetensors, ONNX) as the public API exports them:
// each loads its module on its first call, so their code (a fifth of the package's JavaScript) stays out of what an
// import parses and compiles (workload A's cold start, process start to first prediction, ~10 ms less here).
import type * as KerasLoad from './keras/load-keras-model.js';
import type * as KerasExport from './keras/export-keras.js';
import type * as TfjsLoad from './tfjs/load-tfjs-model.js';
import type * as TfjsExport from './tfjs/export-tfjs.js';
import type * as Torch from './torch/torch-weights.js';
import type * as Onnx from './onnx/export-onnx.js';
export { ONNX_OPSET } from './onnx/opset.js';

/** A Sequential from a Keras 2/3 `.keras` or `.h5` file (README "Importing Keras models"). */
export const loadKerasModel: typeof KerasLoad.loadKerasModel = async (...a) => (await import('./keras/load-keras-model.js')).loadKerasModel(...a);
/** Keras weights (`.weights.h5`, `.h5`, `.keras`) into a built model of the same architecture. */
export const loadKerasWeights: typeof KerasLoad.loadKerasWeights = async (...a) => (await import('./keras/load-keras-model.js')).loadKerasWeights(...a);
/** The model as a Keras 3 `.keras` file (README "Keras (export)"). */
export const exportKeras: typeof KerasExport.exportKeras = async (...a) => (await import('./keras/export-keras.js')).exportKeras(...a);
/** A Sequential from a TF.js Layers `model.json` and its weight shards (README "TF.js Layers format"). */
export const loadTfjsModel: typeof TfjsLoad.loadTfjsModel = async (...a) => (await import('./tfjs/load-tfjs-model.js')).loadTfjsModel(...a);
/** The model in the TF.js Layers format: `model.json` and its weight shard. */
export const exportTfjs: typeof TfjsExport.exportTfjs = async (...a) => (await import('./tfjs/export-tfjs.js')).exportTfjs(...a);
/** PyTorch weights (safetensors) into a built model, by a name mapping (README "PyTorch (safetensors)"). */
export const loadTorchWeights: typeof Torch.loadTorchWeights = async (...a) => (await import('./torch/torch-weights.js')).loadTorchWeights(...a);
/** The model's weights as safetensors under PyTorch's names. */
export const exportTorchWeights: typeof Torch.exportTorchWeights = async (...a) => (await import('./torch/torch-weights.js')).exportTorchWeights(...a);
/** The model as an ONNX graph (README "ONNX (export)"). */
export const exportOnnx: typeof Onnx.exportOnnx = async (...a) => (await import('./onnx/export-onnx.js')).exportOnnx(...a);
