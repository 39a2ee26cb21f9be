// Public API of bilstm-attn: init, sequential, layers, optimizers, errors and types.
export { init, initSync, info } from './wasm.js';
export type { InitOptions, Info } from './wasm.js';
export type { RuntimeName } from './runtime.js';
export { Sequential, sequential } from './model.js';
export type { SequentialArgs, CompileArgs, WeightValue, PredictionWithAttention } from './model.js';
export { layers } from './layers/index.js';
export * from './layers/index.js';
export { Layer } from './layers/layer.js';
export type { Shape, Activation } from './layers/layer.js';
export { optimizers, Adam, SGD, RMSprop, Optimizer } from './optimizers.js';
export type { FitArgs, History, Callbacks, Logs } from './train.js';
export type { Input, Tensor, TensorLike } from './tensor.js';
export { DEFAULT_SEED } from './rng.js';
export { BilstmError, ShapeError, ValueError, ConfigError, StateError, MemoryError, CheckpointError } from './errors.js';
export { padSequences } from './data/pad.js';
export type { PadSequencesOptions } from './data/pad.js';
