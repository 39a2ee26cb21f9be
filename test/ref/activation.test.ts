// The float64 references of test/ref/activation.ts: erfc against known values, and every derivative against central
// differences of its function (so the kernels' backward is checked against a derivative that is itself checked).
import { describe, it, expect } from 'vitest';
import { erfc, actExt, actExtGrad, EXT_KINDS, EXT_NAMES, RELU6 } from './activation.js';

describe('activation references', () => {
  it('erfc matches tabulated values (Abramowitz and Stegun, and erfc(5), erfc(10)) to 1e-12 relative', () => {
    const table: [number, number][] = [[0, 1], [0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266],
      [3, 2.209049699858544e-5], [3.5, 7.430983723414128e-7], [5, 1.5374597944280349e-12], [10, 2.088487583762545e-45], [-1, 1.8427007929497148]];
    for (const [x, v] of table) expect(Math.abs(erfc(x) - v) / v, `erfc(${x})`).toBeLessThan(1e-12);
  });

  it('each derivative equals central differences of its function over [-12, 12] (relu6 away from its kinks)', () => {
    for (const k of EXT_KINDS) {
      let worst = 0;
      for (let x = -12; x <= 12; x += 0.0937) {
        if (k === RELU6 && (Math.abs(x) < 1e-3 || Math.abs(x - 6) < 1e-3)) continue;
        const h = 1e-5;
        const num = (actExt(x + h, k) - actExt(x - h, k)) / (2 * h);
        worst = Math.max(worst, Math.abs(num - actExtGrad(x, k)));
      }
      expect(worst, EXT_NAMES[k]).toBeLessThan(1e-8);
    }
  });
});
