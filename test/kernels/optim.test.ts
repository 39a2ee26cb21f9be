// Optimizer kernels (assembly/optim.ts) against the f64 Keras-rule reference over several steps: Adam (+ amsgrad), SGD
// (plain, momentum, nesterov), RMSprop (plain, centered, momentum), dense and row-sparse gradients, and NaN.
import { describe, it, expect } from 'vitest';
import { kernelArena, buf, ibuf, read, expectClose } from '../helpers/kernels.js';
import { adamStep, sgdStep, rmspropStep, exponentialDecay } from '../ref/optim.js';
import { f32rand, f32of, scoped, bits, expectSameBits } from './common.js';

const a = kernelArena();
const k = a.k;
const F = Math.fround;
const STEPS = 5;

/** Gradient for step t as the kernel sees it: dense [R,D], or compact rows + slot (rows with slot -1 are zero). */
function gradient(R: number, D: number, t: number, sparse: boolean) {
  const dense = f32rand(R * D, 100 + t);
  if (!sparse) return { dense, compact: dense, slot: null as number[] | null };
  const slot: number[] = [];
  const rows: number[] = [];
  for (let r = 0; r < R; r++) {
    if ((r + t) % 3 === 0) { slot.push(-1); dense.fill(0, r * D, (r + 1) * D); } else { slot.push(rows.length); rows.push(r); }
  }
  // compact rows in reverse order, so slot really is an indirection
  rows.reverse();
  const compact = new Float64Array(Math.max(1, rows.length) * D);
  rows.forEach((r, i) => compact.set(dense.subarray(r * D, (r + 1) * D), i * D));
  for (let r = 0; r < R; r++) if (slot[r] >= 0) slot[r] = rows.indexOf(r);
  return { dense, compact, slot };
}

const SHAPES: Array<[number, number]> = [[1, 1], [3, 5], [4, 17], [2, 64]];

describe('optimizer kernels', () => {
  for (const sparse of [false, true]) for (const ams of [false, true]) {
    it(`adam_step matches the reference over ${STEPS} steps (sparse ${sparse}, amsgrad ${ams})`, () => {
      for (const [R, D] of SHAPES) scoped(a, () => {
        const n = R * D, lr = F(0.01), b1 = F(0.9), b2 = F(0.999), eps = F(1e-7);
        const p = f32rand(n, R * D), m = new Float64Array(n), v = new Float64Array(n), vh = ams ? new Float64Array(n) : null;
        const pp = buf(a, p), pm = buf(a, n), pv = buf(a, n), pvh = ams ? buf(a, n) : 0;
        for (let t = 1; t <= STEPS; t++) {
          const g = gradient(R, D, t, sparse);
          const pslot = g.slot ? ibuf(a, g.slot) : 0;
          k.adam_step(pp, pm, pv, pvh, buf(a, g.compact), pslot, R, D, lr, b1, b2, eps, t, 0);
          adamStep(p, m, v, vh, g.dense, lr, b1, b2, eps, t);
        }
        const tag = `R=${R} D=${D}`;
        expectClose(read(a, pp, n), p, 1e-6, 1e-5, `p ${tag}`);
        expectClose(read(a, pm, n), m, 1e-7, 1e-5, `m ${tag}`);
        expectClose(read(a, pv, n), v, 1e-8, 1e-5, `v ${tag}`);
        if (vh) expectClose(read(a, pvh, n), vh, 1e-8, 1e-5, `vhat ${tag}`);
      });
    });
  }

  for (const sparse of [false, true]) for (const [mu, nesterov] of [[0, false], [0.9, false], [0.9, true]] as Array<[number, boolean]>) {
    it(`sgd_step matches the reference (momentum ${mu}, nesterov ${nesterov}, sparse ${sparse})`, () => {
      for (const [R, D] of SHAPES) scoped(a, () => {
        const n = R * D, lr = F(0.05), p = f32rand(n, 3 * n), m = mu ? new Float64Array(n) : null;
        const pp = buf(a, p), pm = mu ? buf(a, n) : 0;
        for (let t = 1; t <= STEPS; t++) {
          const g = gradient(R, D, t, sparse);
          k.sgd_step(pp, pm, buf(a, g.compact), g.slot ? ibuf(a, g.slot) : 0, R, D, lr, F(mu), nesterov ? 1 : 0);
          sgdStep(p, m, g.dense, lr, F(mu), nesterov);
        }
        expectClose(read(a, pp, n), p, 1e-6, 1e-5, `p R=${R} D=${D}`);
        if (m) expectClose(read(a, pm, n), m, 1e-6, 1e-5, `m R=${R} D=${D}`);
      });
    });
  }

  for (const sparse of [false, true]) for (const centered of [false, true]) for (const mu of [0, 0.5]) {
    it(`rmsprop_step matches the reference (centered ${centered}, momentum ${mu}, sparse ${sparse})`, () => {
      for (const [R, D] of SHAPES) scoped(a, () => {
        const n = R * D, lr = F(0.01), rho = F(0.9), eps = F(1e-7);
        const p = f32rand(n, 5 * n), v = new Float64Array(n), s = mu ? new Float64Array(n) : null, mg = centered ? new Float64Array(n) : null;
        const pp = buf(a, p), pv = buf(a, n), ps = mu ? buf(a, n) : 0, pmg = centered ? buf(a, n) : 0;
        for (let t = 1; t <= STEPS; t++) {
          const g = gradient(R, D, t, sparse);
          k.rmsprop_step(pp, pv, ps, pmg, buf(a, g.compact), g.slot ? ibuf(a, g.slot) : 0, R, D, lr, rho, eps, F(mu));
          rmspropStep(p, v, s, mg, g.dense, lr, rho, eps, F(mu));
        }
        const tag = `R=${R} D=${D}`;
        // centered RMSprop divides by sqrt(v - mg^2 + eps), which magnifies f32 rounding of v and mg
        const rtol = centered ? 1e-4 : 1e-5;
        expectClose(read(a, pp, n), p, 1e-6, rtol, `p ${tag}`);
        expectClose(read(a, pv, n), v, 1e-8, 1e-5, `v ${tag}`);
        if (s) expectClose(read(a, ps, n), s, 1e-6, rtol, `s ${tag}`);
        if (mg) expectClose(read(a, pmg, n), mg, 1e-7, 1e-5, `mg ${tag}`);
      });
    });
  }

  it('four columns at a time (rows of D) give the bits of one column at a time (rows of 1): adam, sgd, rmsprop, dense and sparse', () => {
    // the same elements as R rows of D columns (the f32x4 loop and its scalar tail) and as R*D rows of one column
    // (the scalar tail only); a sparse gradient's slots are spread to one per element
    const R = 3, D = 23, n = R * D;
    type Step = (p: number, st: number[], g: number, slot: number, rows: number, cols: number, t: number) => void;
    const opts: Array<[string, number, Step]> = [
      ['adam', 2, (p, st, g, sl, r, c, t) => k.adam_step(p, st[0], st[1], 0, g, sl, r, c, 0.01, 0.9, 0.999, 1e-7, t, 0)],
      ['adam amsgrad', 3, (p, st, g, sl, r, c, t) => k.adam_step(p, st[0], st[1], st[2], g, sl, r, c, 0.01, 0.9, 0.999, 1e-7, t, 0)],
      ['sgd', 0, (p, _st, g, sl, r, c) => k.sgd_step(p, 0, g, sl, r, c, 0.05, 0, 0)],
      ['sgd nesterov', 1, (p, st, g, sl, r, c) => k.sgd_step(p, st[0], g, sl, r, c, 0.05, 0.9, 1)],
      ['sgd momentum', 1, (p, st, g, sl, r, c) => k.sgd_step(p, st[0], g, sl, r, c, 0.05, 0.9, 0)],
      ['rmsprop', 1, (p, st, g, sl, r, c) => k.rmsprop_step(p, st[0], 0, 0, g, sl, r, c, 0.01, 0.9, 1e-7, 0)],
      ['rmsprop centered momentum', 3, (p, st, g, sl, r, c) => k.rmsprop_step(p, st[0], st[1], st[2], g, sl, r, c, 0.01, 0.9, 1e-7, 0.5)],
    ];
    for (const [name, states, step] of opts) for (const sparse of [false, true]) scoped(a, () => {
      const run = (cols: number): number[][] => {
        const p = buf(a, f32rand(n, 7)), st = Array.from({ length: states }, () => buf(a, n));
        for (let t = 1; t <= STEPS; t++) {
          const g = gradient(R, D, t, sparse);
          let slot = 0;
          if (g.slot) slot = ibuf(a, cols === D ? g.slot : g.slot.flatMap((s) => Array.from({ length: D }, (_, j) => (s < 0 ? -1 : s * D + j))));
          step(p, st, buf(a, g.compact), slot, n / cols, cols, t);
        }
        return [p, ...st].map((q) => bits(a, q, n));
      };
      const want = run(1), got = run(D);
      got.forEach((b, i) => expectSameBits(b, want[i], `${name} sparse ${sparse} ${i === 0 ? 'p' : `state ${i - 1}`}`));
    });
  });

  it('a NaN gradient element makes exactly that parameter NaN (adam, sgd, rmsprop)', () => {
    scoped(a, () => {
      const n = 5, g = f32of([0.1, NaN, -0.2, 0.3, NaN]);
      const check = (p: number, what: string) => read(a, p, n).forEach((v, i) => expect(Number.isNaN(v), `${what} ${i}`).toBe(i === 1 || i === 4));
      const pg = buf(a, g);
      const pa = buf(a, f32rand(n, 1));
      k.adam_step(pa, buf(a, n), buf(a, n), 0, pg, 0, 1, n, 1e-3, 0.9, 0.999, 1e-7, 1, 0);
      check(pa, 'adam');
      const ps = buf(a, f32rand(n, 2));
      k.sgd_step(ps, buf(a, n), pg, 0, 1, n, 0.01, 0.9, 1);
      check(ps, 'sgd');
      const pr = buf(a, f32rand(n, 3));
      k.rmsprop_step(pr, buf(a, n), buf(a, n), buf(a, n), pg, 0, 1, n, 1e-3, 0.9, 1e-7, 0.5);
      check(pr, 'rmsprop');
    });
  });

  it('schedule_exponential_decay matches the float64 ExponentialDecay (smooth and staircase) within float32 rounding', () => {
    // steps spread from 0 to far past decaySteps, rates below and above 1, non-integer decaySteps
    const cases: Array<[number, number, number]> = [[0.1, 0.96, 1000], [1e-3, 0.5, 7], [0.02, 1.5, 2.5], [3e-4, 0.999, 1]];
    for (const [lr0, rate, ds] of cases) for (const staircase of [false, true]) {
      for (const step of [0, 1, 2, 6, 7, 8, 99, 1000, 1001, 4321, 99999]) {
        const got = k.schedule_exponential_decay(lr0, rate, ds, step, staircase ? 1 : 0);
        // TF works in float32: the reference gets the same rounded operands and exponent (f32(step) / f32(decaySteps))
        const p = F(F(step) / F(ds));
        const want = exponentialDecay(F(lr0), F(rate), 1, p, staircase);
        const tag = `lr0 ${lr0} rate ${rate} decaySteps ${ds} step ${step} staircase ${staircase}`;
        if (F(want) === Infinity) { expect(got, tag).toBe(Infinity); continue; }
        // two roundings (pow, product) relative, plus the spacing of float32 subnormals
        expect(Math.abs(got - want), `${tag}: got ${got}, expected ${want}`).toBeLessThanOrEqual(2.5e-7 * Math.abs(want) + 2e-45);
        expect(got, tag).toBe(F(got));
      }
    }
  });
});

