// The interop functions the package exports (Keras, TF.js, PyTorch, ONNX in and out), each loading its module on its
// first call: they are all async, and an import of the package then does not parse ~100 KB of format code a model
// server never runs (a cold start's import is mostly parsing). Each behaves exactly as the function it loads.

/** `name` of the module `load` imports, as a function of the same type and name that imports it on first call. */
function onFirstCall<M, K extends keyof M & string>(load: () => Promise<M>, name: K): M[K] {
  const f = async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => unknown)(...args);
  return Object.defineProperty(f, 'name', { value: name }) as M[K];
}

const kerasIn = () => import('./keras/load-keras-model.js');
const torch = () => import('./torch/torch-weights.js');

export const loadKerasModel = onFirstCall(kerasIn, 'loadKerasModel');
export const loadKerasWeights = onFirstCall(kerasIn, 'loadKerasWeights');
export const exportKeras = onFirstCall(() => import('./keras/export-keras.js'), 'exportKeras');
export const loadTfjsModel = onFirstCall(() => import('./tfjs/load-tfjs-model.js'), 'loadTfjsModel');
export const exportTfjs = onFirstCall(() => import('./tfjs/export-tfjs.js'), 'exportTfjs');
export const loadTorchWeights = onFirstCall(torch, 'loadTorchWeights');
export const exportTorchWeights = onFirstCall(torch, 'exportTorchWeights');
export const exportOnnx = onFirstCall(() => import('./onnx/export-onnx.js'), 'exportOnnx');
