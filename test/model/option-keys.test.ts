// Option checks the README promises that were missing (a review of README.md against src/): the schedule factories
// refuse unknown keys (a misspelt `stairCase` was ignored), callbacks, schedules and configs suggest the closest name
// for a misspelt key, and init checks the threads core's options on any thread count (not only with threads > 1).
import { describe, it, expect } from 'vitest';
import { init, optimizers, callbacks, sequential, layers, ConfigError } from '../../src/index.js';

describe('option keys', () => {
  it('the schedule factories refuse an unknown option, suggesting the closest name', () => {
    expect(() => optimizers.schedules.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 100, decayRate: 0.9, stairCase: true } as never))
      .toThrow(/^optimizers\.schedules\.exponentialDecay: expected options among .*got an unknown option "stairCase"\. Did you mean "staircase"\?$/);
    expect(() => optimizers.schedules.piecewiseConstantDecay({ boundaries: [10], values: [0.1, 0.01], bondaries: [5] } as never)).toThrow(ConfigError);
    expect(() => optimizers.schedules.fromConfig({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, stair_case: true } }))
      .toThrow(/Did you mean "staircase"\?/);
  });

  it('callbacks and model configs suggest the closest name for a misspelt key', () => {
    expect(() => callbacks.earlyStopping({ patince: 3 } as never)).toThrow(/^callbacks\.earlyStopping: expected options among .*got an unknown option "patince"\. Did you mean "patience"\?$/);
    expect(() => sequential({ layers: [] }).compileFromConfig({ optimizer: { name: 'adam' }, los: 'mse' })).toThrow(/Did you mean "loss"\?/);
  });

  it("init refuses threadsWasm or threadsModule that are not the core's, at init, on 1 thread too", async () => {
    await expect(init({ threadsWasm: 'not bytes' as never })).rejects.toThrow(/^init: expected threadsWasm to be the bytes of the Wasm core/);
    await expect(init({ threadsModule: {} as never })).rejects.toThrow(/^init: expected threadsModule to be a WebAssembly\.Module/);
    await init();
  });
});

// Keras code silences predict/evaluate with verbose=0 (TF.js's predict takes verbose false): taken, as they print no
// progress; a verbose that asks for a bar is refused naming why (a review of the model API: verbose was an unknown
// option).
describe('predict and evaluate take verbose 0 or false', () => {
  it('takes them and refuses 1, 2, true and auto', async () => {
    await init();
    const m = sequential({ layers: [layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] })] });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = [[1, 2, 3], [4, 5, 6]];
    expect(() => m.predict(x, { verbose: 0 })).not.toThrow();
    expect(() => m.predict(x, { verbose: false })).not.toThrow();
    expect(() => m.evaluate(x, [0, 1], { verbose: 0 })).not.toThrow();
    for (const v of [1, 2, true, 'auto']) {
      expect(() => m.predict(x, { verbose: v as never })).toThrow(`predict: expected verbose 0 or false (predict prints no progress bar), got ${JSON.stringify(v)}. Leave verbose out.`);
      expect(() => m.evaluate(x, [0, 1], { verbose: v as never })).toThrow(ConfigError);
    }
    m.dispose();
  });
});

