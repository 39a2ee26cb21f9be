// Review of 8c04c69: num() in src/model/optimizers.ts appends " (<f> as the float32 the kernels take)" when f !== v,
// with f = v for a non-finite v. For NaN, NaN !== NaN, so a NaN option reads "got NaN (NaN as the float32 the kernels
// take)." (the old message, and the one Infinity still gets, is "got NaN.").
import { describe, it, expect } from 'vitest';
import { optimizers, ConfigError } from '../../src/index.js';

describe('optimizer options that are NaN', () => {
  it.each([
    ['adam learningRate', () => optimizers.adam({ learningRate: NaN }), 'optimizers.adam: expected learningRate >= 0, got NaN.'],
    ['adam beta1', () => optimizers.adam({ beta1: NaN }), 'optimizers.adam: expected beta1 in [0, 1), got NaN.'],
    ['rmsprop rho', () => optimizers.rmsprop({ rho: NaN }), 'optimizers.rmsprop: expected rho in [0, 1), got NaN.'],
  ])('%s: named as NaN, with no float32 remark', (_n, make, want) => {
    expect(make).toThrow(new ConfigError(want));
  });
});
