// Reference optimizers: Keras first steps by hand, Adam against the PyTorch form with Keras's epsilon, momentum sequences.
import { describe, it, expect } from 'vitest';
import { rand, expectClose } from '../helpers/kernels.js';
import { adamStep, sgdStep, rmspropStep } from './optim.js';

describe('ref optimizers', () => {
  it('adam: first step is lr g / (|g| + eps / sqrt(1 - b2)); amsgrad keeps the max of v', () => {
    const g = Float64Array.from([0.5, -2, 1e-3]), p = new Float64Array(3), m = new Float64Array(3), v = new Float64Array(3);
    adamStep(p, m, v, null, g, 1e-3, 0.9, 0.999, 1e-7, 1);
    expectClose(p, Array.from(g, (x) => -1e-3 * x / (Math.abs(x) + 1e-7 / Math.sqrt(0.001))), 0, 1e-12);
    const vh = Float64Array.from([1, 0, 0]), v2 = new Float64Array(3);
    adamStep(new Float64Array(3), new Float64Array(3), v2, vh, g, 1e-3, 0.9, 0.999, 1e-7, 1);
    expect(vh[0]).toBe(1);
    expect(vh[1]).toBe(v2[1]);
  });

  it('adam equals the PyTorch update with eps_pt = eps_keras / sqrt(1 - b2^t)', () => {
    const n = 5, lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    const p = rand(n, 1), m = new Float64Array(n), v = new Float64Array(n);
    const q = p.slice(), mq = new Float64Array(n), vq = new Float64Array(n);
    for (let t = 1; t <= 6; t++) {
      const g = rand(n, 10 + t);
      adamStep(p, m, v, null, g, lr, b1, b2, eps, t);
      const epsPt = eps / Math.sqrt(1 - b2 ** t);
      for (let i = 0; i < n; i++) {
        mq[i] = b1 * mq[i] + (1 - b1) * g[i];
        vq[i] = b2 * vq[i] + (1 - b2) * g[i] * g[i];
        q[i] -= lr / (1 - b1 ** t) * mq[i] / (Math.sqrt(vq[i]) / Math.sqrt(1 - b2 ** t) + epsPt);
      }
    }
    expectClose(p, q, 1e-15, 1e-12);
  });

  it('sgd: plain, momentum and nesterov sequences by hand', () => {
    const p = Float64Array.from([1]);
    sgdStep(p, null, [2], 0.1, 0, false);
    expect(p[0]).toBeCloseTo(0.8, 15);
    const pm = Float64Array.from([1]), m = new Float64Array(1);
    sgdStep(pm, m, [2], 0.1, 0.9, false);   // m = -0.2, p = 0.8
    sgdStep(pm, m, [1], 0.1, 0.9, false);   // m = -0.18 - 0.1 = -0.28, p = 0.52
    expect(m[0]).toBeCloseTo(-0.28, 15);
    expect(pm[0]).toBeCloseTo(0.52, 15);
    const pn = Float64Array.from([1]), mn = new Float64Array(1);
    sgdStep(pn, mn, [2], 0.1, 0.9, true);   // m = -0.2, p += 0.9 * -0.2 - 0.2 = -0.38
    expect(pn[0]).toBeCloseTo(0.62, 15);
  });

  it('rmsprop: eps inside the root; centered and momentum variants by hand', () => {
    const lr = 0.01, rho = 0.9, eps = 1e-7, g = 0.5;
    const p = new Float64Array(1), v = new Float64Array(1);
    rmspropStep(p, v, null, null, [g], lr, rho, eps, 0);
    expect(p[0]).toBeCloseTo(-lr * g / Math.sqrt(0.1 * g * g + eps), 15);
    const pc = new Float64Array(1), vc = new Float64Array(1), mg = new Float64Array(1), s = new Float64Array(1);
    rmspropStep(pc, vc, s, mg, [g], lr, rho, eps, 0.5);
    const d1 = lr * g / Math.sqrt(0.1 * g * g - (0.1 * g) ** 2 + eps);
    expect(pc[0]).toBeCloseTo(-d1, 15);
    rmspropStep(pc, vc, s, mg, [g], lr, rho, eps, 0.5);
    const v2 = 0.9 * 0.1 * g * g + 0.1 * g * g, m2 = 0.9 * 0.1 * g + 0.1 * g;
    const d2 = lr * g / Math.sqrt(v2 - m2 * m2 + eps);
    expect(pc[0]).toBeCloseTo(-d1 - (0.5 * d1 + d2), 15);
  });
});
