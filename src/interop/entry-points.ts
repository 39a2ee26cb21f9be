// The interop functions the package exports (Keras, TF.js, PyTorch, ONNX in and out), each loading its module on its
// first call: they are all async, and an import of the package then does not parse ~100 KB of format code a model
// server never runs (a cold start's import is mostly parsing). Each behaves exactly as the function it loads.
type KerasIn = typeof import('./keras/load-keras-model.js');
type KerasOut = typeof import('./keras/export-keras.js');
type TfjsIn = typeof import('./tfjs/load-tfjs-model.js');
type TfjsOut = typeof import('./tfjs/export-tfjs.js');
type Torch = typeof import('./torch/torch-weights.js');
type Onnx = typeof import('./onnx/export-onnx.js');

export const loadKerasModel = (async (...a: Parameters<KerasIn['loadKerasModel']>) =>
  (await import('./keras/load-keras-model.js')).loadKerasModel(...a)) as KerasIn['loadKerasModel'];
export const loadKerasWeights = (async (...a: Parameters<KerasIn['loadKerasWeights']>) =>
  (await import('./keras/load-keras-model.js')).loadKerasWeights(...a)) as KerasIn['loadKerasWeights'];
export const exportKeras = (async (...a: Parameters<KerasOut['exportKeras']>) =>
  (await import('./keras/export-keras.js')).exportKeras(...a)) as KerasOut['exportKeras'];
export const loadTfjsModel = (async (...a: Parameters<TfjsIn['loadTfjsModel']>) =>
  (await import('./tfjs/load-tfjs-model.js')).loadTfjsModel(...a)) as TfjsIn['loadTfjsModel'];
export const exportTfjs = (async (...a: Parameters<TfjsOut['exportTfjs']>) =>
  (await import('./tfjs/export-tfjs.js')).exportTfjs(...a)) as TfjsOut['exportTfjs'];
export const loadTorchWeights = (async (...a: Parameters<Torch['loadTorchWeights']>) =>
  (await import('./torch/torch-weights.js')).loadTorchWeights(...a)) as Torch['loadTorchWeights'];
export const exportTorchWeights = (async (...a: Parameters<Torch['exportTorchWeights']>) =>
  (await import('./torch/torch-weights.js')).exportTorchWeights(...a)) as Torch['exportTorchWeights'];
export const exportOnnx = (async (...a: Parameters<Onnx['exportOnnx']>) =>
  (await import('./onnx/export-onnx.js')).exportOnnx(...a)) as Onnx['exportOnnx'];
