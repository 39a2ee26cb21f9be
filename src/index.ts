// Public API of bilstm-attn: init, sequential, layers, optimizers, errors and types.
export { init, initSync, info } from './core/wasm.js';
export type { InitOptions, Info } from './core/wasm.js';
export type { RuntimeName } from './core/runtime.js';
export { Sequential, sequential } from './model/sequential.js';
export type { SequentialArgs, CompileArgs, WeightValue, PredictionWithAttention, ModelConfig, CompileConfig } from './model/sequential.js';
export { layers } from './layers/index.js';
export * from './layers/index.js';
export { Layer } from './layers/layer.js';
export type { Shape, Activation, ConfigDict, ConfigValue, SerializedLayer } from './layers/layer.js';
export type { InitializerSpec, InitializerName } from './layers/initializers.js';
export { optimizers, Adam, SGD, RMSprop, Optimizer } from './model/optimizers.js';
export type { OptimizerConfig, AdamConfig, SGDConfig, RMSpropConfig, ClipConfig } from './model/optimizers.js';
export type { FitArgs, History, Callbacks, Logs } from './model/fit.js';
export type { Input, Tensor, TensorLike } from './tensor.js';
export { DEFAULT_SEED } from './core/rng.js';
export { BilstmError, ShapeError, ValueError, ConfigError, StateError, MemoryError, CheckpointError } from './errors.js';
export { padSequences } from './data/pad-sequences.js';
export type { PadSequencesOptions } from './data/pad-sequences.js';
