// Learning-rate schedules (src/model/schedules.ts): Keras values at steps, Keras serialization through an optimizer's
// getConfig/fromConfig, evaluation at optimizer.iterations in training (equal to setting the rate by hand each step).
import { describe, it, expect } from 'vitest';
import { optimizers, ConfigError, StateError, ExponentialDecay } from '../../src/index.js';
import { smallModel, smallData, weightBytes } from '../helpers/models.js';

const F = Math.fround;

describe('learning-rate schedules', () => {
  it('exponentialDecay: smooth and staircase (step decay) values as Keras computes them', () => {
    const s = optimizers.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    const st = optimizers.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    for (const step of [0, 5, 10, 15, 25, 1000]) {
      expect(s.call(step)).toBeCloseTo(0.1 * 0.5 ** (step / 10), 7);
      expect(st.call(step)).toBeCloseTo(0.1 * 0.5 ** Math.floor(step / 10), 7);
    }
    expect(st.call(19)).toBe(st.call(10));
    expect(st.call(20)).toBeLessThan(st.call(19));
  });

  it('piecewiseConstantDecay: values[0] through boundaries[0] (inclusive), then each next value', () => {
    const s = optimizers.schedules.piecewiseConstantDecay({ boundaries: [3, 6], values: [1, 0.5, 0.1] });
    expect([0, 3, 4, 6, 7, 100].map((t) => s.call(t))).toEqual([1, 1, 0.5, 0.5, F(0.1), F(0.1)]);
    expect(() => optimizers.schedules.piecewiseConstantDecay({ boundaries: [3], values: [1] })).toThrow(
      new ConfigError('optimizers.schedules.piecewiseConstantDecay: expected values to be 2 learning rates >= 0 (one more than boundaries), got [1].'));
  });

  it('an optimizer serializes its schedule as Keras does ({ class_name, config }) and fromConfig reads it back', () => {
    const opt = optimizers.sgd({ learningRate: optimizers.schedules.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 4, decayRate: 0.9, staircase: true }), momentum: 0.5 });
    const c = opt.getConfig();
    expect(c.learningRate).toEqual({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.05, decay_steps: 4, decay_rate: 0.9, staircase: true, name: null } });
    const back = optimizers.fromConfig(JSON.parse(JSON.stringify(c)));
    expect(back.getConfig()).toEqual(c);
    expect(back.schedule).toBeInstanceOf(ExponentialDecay);
    // Keras 2.13+ adds module and registered_name around the same config
    const keras = optimizers.adam({ learningRate: { class_name: 'PiecewiseConstantDecay', config: { boundaries: [2], values: [0.1, 0.01], name: null } } });
    expect(keras.getConfig().learningRate).toEqual({ class_name: 'PiecewiseConstantDecay', config: { boundaries: [2], values: [0.1, 0.01], name: null } });
    expect(() => optimizers.adam({ learningRate: { class_name: 'CosineDecay', config: {} } })).toThrow(
      new ConfigError("optimizers.adam: learningRate: expected class_name to be one of ExponentialDecay, PiecewiseConstantDecay, got \"CosineDecay\"."));
  });

  it('the rate of an optimizer with a schedule cannot be set (Keras raises too); a fixed one can', () => {
    const opt = optimizers.adam({ learningRate: optimizers.schedules.piecewiseConstantDecay({ boundaries: [1], values: [0.1, 0.01] }) });
    expect(opt.learningRate).toBe(F(0.1));
    expect(() => { opt.learningRate = 0.5; }).toThrow(StateError);
    const fixed = optimizers.adam({ learningRate: 0.01 });
    fixed.learningRate = 0.002;
    expect(fixed.learningRate).toBe(0.002);
    expect(fixed.getConfig().learningRate).toBe(0.002);
    fixed.learningRate = 0; // as Keras takes it (a warm-up from 0)
    expect(fixed.learningRate).toBe(0);
    expect(() => { fixed.learningRate = -0.001; }).toThrow(new ConfigError('optimizer.learningRate: expected a finite number >= 0 (as a float32, which the kernels take), got -0.001.'));
  });

  it('training evaluates the schedule at optimizer.iterations before each step: the same bytes as setting each rate by hand', async () => {
    const { x, y } = smallData(24);
    const sched = optimizers.schedules.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.3 });
    const a = smallModel(5);
    a.compile({ optimizer: optimizers.adam({ learningRate: sched }), loss: 'binaryCrossentropy' });
    const b = smallModel(5);
    const byHand = optimizers.adam({ learningRate: 0.05 });
    b.compile({ optimizer: byHand, loss: 'binaryCrossentropy' });
    const c = smallModel(5);
    c.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    for (let step = 0; step < 5; step++) {
      const rows = { data: x.data.slice(step * 4 * 7, (step + 1) * 4 * 7), shape: [4, 7] };
      const ys = y.slice(step * 4, (step + 1) * 4);
      expect(a.optimizer!.learningRate).toBe(sched.call(step));
      byHand.learningRate = sched.call(step);
      a.trainOnBatch(rows, ys); b.trainOnBatch(rows, ys); c.trainOnBatch(rows, ys);
    }
    expect(weightBytes(a)).toEqual(weightBytes(b));
    // and the decay matters: a fixed rate ends elsewhere
    expect(weightBytes(a)).not.toEqual(weightBytes(c));
  });
});
