// The shared part of GlobalAveragePooling1D and GlobalMaxPooling1D (Keras BaseGlobalPooling): pooling over the time
// axis of [batch, time, features] into [batch, features] ([batch, 1, features] with keepdims); channels_last only. The
// output has no time axis, so the sequence mask stops here (Keras: compute_mask returns None, or the mask is dropped).
import { Layer, checkBool, sizeOf, type ConfigDict, type LayerArgs, type Shape } from './layer.js';
import { ConfigError, ShapeError, describeValue, fmtShape } from '../errors.js';

export interface GlobalPooling1DArgs extends LayerArgs {
  /** 'channels_last' (the default): input [batch, time, features]. 'channels_first' is refused with a ConfigError. */
  dataFormat?: 'channels_last';
  /** Keep the time axis with length 1 ([batch, 1, features]); default false ([batch, features]). */
  keepdims?: boolean;
}

export const GLOBAL_POOLING_KEYS = ['dataFormat', 'keepdims'];

export abstract class GlobalPooling1D extends Layer {
  readonly dataFormat = 'channels_last';
  readonly keepdims: boolean;
  protected T = 0; protected F = 0;

  constructor(args: GlobalPooling1DArgs, defaultName: string, factoryName: string) {
    super(args, defaultName, factoryName);
    const where = `layers.${factoryName}(${this.name})`;
    const df: unknown = args.dataFormat ?? 'channels_last';
    if (df === 'channels_first') {
      throw new ConfigError(`${where}: expected dataFormat 'channels_last' (input [batch, time, features]), got 'channels_first': [batch, features, time] input is not supported; transpose it to [batch, time, features].`);
    }
    if (df !== 'channels_last') throw new ConfigError(`${where}: expected dataFormat to be 'channels_last', got ${describeValue(df)}.`);
    this.keepdims = checkBool(args.keepdims, where, 'keepdims', false);
  }

  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2 || s[1] === null) {
      throw new ShapeError(`${this.name}: expected input [batch, time, features] with a known feature size (put it after an LSTM or GRU with returnSequences: true), got per-sample shape ${fmtShape(s)}.`);
    }
    return this.keepdims ? [1, s[1]] : [s[1]];
  }

  protected planDims(): void { this.T = sizeOf([this.inputShape[0]]); this.F = sizeOf([this.inputShape[1]]); }

  /** The output has no time axis: the mask is consumed. */
  override outputMask(): number { return 0; }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}
