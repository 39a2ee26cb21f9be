// The extended activations' kernels (assembly/activation.ts: elu, selu, relu6, softplus, softsign, swish, gelu, mish)
// against the float64 references (test/ref/activation.ts), forward and backward, over [-20, 20], the extremes and 0:
// each within a few float32 ulps of the reference's size.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, read } from '../helpers/kernels.js';
import { actExt, actExtGrad, EXT_KINDS, EXT_NAMES } from '../ref/activation.js';
import { f32of, scoped } from './common.js';
import { fixture, type Arr } from '../helpers/layer.js';

const a = kernelArena();
const NAMES = EXT_KINDS.map((kind) => EXT_NAMES[kind]);
const k = a.k;

// a fine grid over [-20, 20], the region near 0 in small steps, and extremes
const X = f32of([...Array.from({ length: 801 }, (_, i) => -20 + i * 0.05), ...Array.from({ length: 201 }, (_, i) => (i - 100) * 1e-4),
  -1e-30, 1e-30, -88, 88, -100, 100, -1e4, 1e4]);

function forward(x: ArrayLike<number>, kind: number): Float64Array {
  return scoped(a, () => { const py = buf(a, x.length); k.activation_ext_forward(py, buf(a, x), x.length, kind); return read(a, py, x.length); });
}
function backward(x: ArrayLike<number>, dy: ArrayLike<number>, dx0: ArrayLike<number>, kind: number): Float64Array {
  return scoped(a, () => { const pdx = buf(a, dx0); k.activation_ext_backward(pdx, buf(a, dy), buf(a, x), x.length, kind); return read(a, pdx, x.length); });
}

/** Worst |got - want| over max(|want|, 1e-6 of the largest |want| seen): a relative error that does not blow up at 0. */
function worstRelative(got: Float64Array, want: number[]): { err: number; at: number } {
  const scale = Math.max(...want.map(Math.abs));
  let err = 0, at = -1;
  want.forEach((w, i) => { const e = Math.abs(got[i] - w) / Math.max(Math.abs(w), 1e-6 * scale, 1e-30); if (!(e <= err)) { err = e; at = i; } });
  return { err, at };
}

describe('extended activations (kernels vs float64)', () => {
  for (const kind of EXT_KINDS) {
    it(`${EXT_NAMES[kind]}: forward and dx += dy * act'(x), relative to each value`, () => {
      const want = Array.from(X, (x) => actExt(x, kind));
      const f = worstRelative(forward(X, kind), want);
      expect(f.err, `${EXT_NAMES[kind]} forward at x = ${X[f.at]}`).toBeLessThan(2e-6);
      const dy = f32of(Array.from(X, (_, i) => Math.sin(i) + 1.5));
      const dx0 = f32of(Array.from(X, (_, i) => Math.cos(i) * 0.1));
      // relative to the size of the two terms summed (their f32 rounding), where they cancel too; act' itself taken
      // at least 1% of its largest size on the grid (gelu', swish', mish' cross 0 as differences of terms of 0.2-1)
      const got = backward(X, dy, dx0, kind);
      const gmax = Math.max(...Array.from(X, (x) => Math.abs(actExtGrad(x, kind))));
      let err = 0, at = -1;
      X.forEach((x, i) => {
        const g = actExtGrad(x, kind), size = Math.abs(dx0[i]) + Math.abs(dy[i]) * Math.max(Math.abs(g), 0.01 * gmax);
        const e = Math.abs(got[i] - (dx0[i] + dy[i] * g)) / size;
        if (!(e <= err)) { err = e; at = i; }
      });
      expect(err, `${EXT_NAMES[kind]} backward at x = ${X[at]}`).toBeLessThan(4e-6);
    });
  }

  it('match PyTorch (test/fixtures/activations.json: F.elu, selu, relu6, softplus, softsign, silu, gelu exact, mish, float64 autograd)', () => {
    const f = fixture<{ x: Arr; dy: Arr; cases: Record<string, { y: Arr; dx: Arr }> }>('activations');
    const x = f32of(f.x.data), dy = f32of(f.dy.data);
    expect(Object.keys(f.cases).sort()).toEqual([...NAMES].sort());
    for (const kind of EXT_KINDS) {
      const c = f.cases[EXT_NAMES[kind]];
      const fw = worstRelative(forward(x, kind), c.y.data);
      expect(fw.err, `${EXT_NAMES[kind]} vs torch at x = ${x[fw.at]}`).toBeLessThan(2e-6);
      const got = backward(x, dy, new Float64Array(x.length), kind);
      const gmax = Math.max(...c.dx.data.map(Math.abs));
      c.dx.data.forEach((w, i) => expect(Math.abs(got[i] - w), `${EXT_NAMES[kind]} dx vs torch at x = ${x[i]}`).toBeLessThanOrEqual(4e-6 * Math.max(Math.abs(w), 0.01 * gmax)));
    }
  });

  it('NaN in gives NaN out (forward and backward), and y may alias x', () => {
    for (const kind of EXT_KINDS) {
      expect(Number.isNaN(forward([NaN], kind)[0]), EXT_NAMES[kind]).toBe(true);
      expect(Number.isNaN(backward([NaN], [1], [0], kind)[0]) || EXT_NAMES[kind] === 'relu6', EXT_NAMES[kind]).toBe(true);
      const x = f32of([-2, -0.5, 0.25, 3]);
      const inPlace = scoped(a, () => { const p = buf(a, x); k.activation_ext_forward(p, p, 4, kind); return read(a, p, 4); });
      expect(Array.from(inPlace)).toEqual(Array.from(forward(x, kind)));
    }
  });
});
