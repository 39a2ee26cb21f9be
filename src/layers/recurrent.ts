// The options an LSTM and a GRU share (Keras's RNN and cell arguments), checked once for both, and their output shape.
import { checkActivation, checkBool, checkPositiveInt, type LayerArgs, type Shape, type ElementwiseActivation } from './layer.js';
import { checkInitializer, type InitializerSpec } from './initializers.js';
import { ConfigError, ShapeError, fmtShape, describeValue } from '../errors.js';

export interface RecurrentArgs extends LayerArgs {
  units: number;
  activation?: ElementwiseActivation;
  recurrentActivation?: ElementwiseActivation;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  returnSequences?: boolean;
  goBackwards?: boolean;
  /** At masked steps output 0 instead of the carried output (Bidirectional sets it to returnSequences, as Keras). */
  zeroOutputForMask?: boolean;
  /** Only 0 (the default) for now. */
  dropout?: number;
  recurrentDropout?: number;
}

/** The checked shared options, with Keras's defaults. */
export interface RecurrentOptions {
  units: number;
  activation: ElementwiseActivation;
  recurrentActivation: ElementwiseActivation;
  useBias: boolean;
  kernelInitializer: InitializerSpec;
  recurrentInitializer: InitializerSpec;
  biasInitializer: InitializerSpec;
  returnSequences: boolean;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
}

/** Checks the shared options of layers.lstm / layers.gru (`where` names the call, `kind` the layer in messages). */
export function recurrentOptions(args: RecurrentArgs, where: string, kind: 'LSTM' | 'GRU'): RecurrentOptions {
  const off = (v: unknown) => v === undefined || v === null || v === 0;
  if (!off(args.dropout) || !off(args.recurrentDropout)) {
    throw new ConfigError(`${where}: dropout and recurrentDropout inside the ${kind} are not supported yet, got dropout ${describeValue(args.dropout ?? 0)}, recurrentDropout ${describeValue(args.recurrentDropout ?? 0)}. Use a dropout layer before it.`);
  }
  return {
    units: checkPositiveInt(args.units, where, 'units'),
    activation: checkActivation(args.activation ?? 'tanh', where, false) as ElementwiseActivation,
    recurrentActivation: checkActivation(args.recurrentActivation ?? 'sigmoid', where, false, 'recurrentActivation') as ElementwiseActivation,
    useBias: checkBool(args.useBias, where, 'useBias', true),
    kernelInitializer: checkInitializer(args.kernelInitializer ?? 'glorotUniform', where, 'kernelInitializer'),
    recurrentInitializer: checkInitializer(args.recurrentInitializer ?? 'orthogonal', where, 'recurrentInitializer'),
    biasInitializer: checkInitializer(args.biasInitializer ?? 'zeros', where, 'biasInitializer'),
    returnSequences: checkBool(args.returnSequences, where, 'returnSequences', false),
    goBackwards: checkBool(args.goBackwards, where, 'goBackwards', false),
    zeroOutputForMask: checkBool(args.zeroOutputForMask, where, 'zeroOutputForMask', false),
  };
}

/** [time, units] with returnSequences, else [units], from the per-sample input [time, features]. */
export function recurrentOutputShape(name: string, s: Shape, units: number, returnSequences: boolean): Shape {
  if (s.length !== 2) throw new ShapeError(`${name}: expected input of shape [batch, time, features], got per-sample shape ${fmtShape(s)}.`);
  return returnSequences ? [s[0], units] : [units];
}
