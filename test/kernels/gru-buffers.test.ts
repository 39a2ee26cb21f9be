// gru_forward / gru_backward on buffers of exactly the sizes src/layers/gru.ts plans (canaries after each), inference vs
// training bits, dxWrite over NaN, I > 256, H = 16 / 33, B*T > 256, B = 1, T = 1.
import { describe, it, expect } from 'vitest';
import { kernelArena, expectClose } from '../helpers/kernels.js';
import { gruForward, gruBackward, type GruDims } from '../ref/gru.js';
import { TANH, SIGMOID } from '../ref/dense.js';
import { f32rand, scoped } from './common.js';

const a = kernelArena();
const k = a.k;
const CAN = 64, SENT = 123456.75;

function run(d: GruDims, seed: number, mask?: number[]) {
  return scoped(a, () => {
    const { B, T, I, H } = d, G = 3 * H, nb = d.resetAfter ? 2 * G : G;
    const bufs: { p: number; n: number; name: string }[] = [];
    const alloc = (name: string, n: number, v?: ArrayLike<number>, fill = NaN) => {
      const p = a.alloc((n + CAN) * 4);
      const f = a.f32(p, n + CAN); f.fill(fill); if (v) f.set(v); f.fill(SENT, n);
      bufs.push({ p, n, name }); return p;
    };
    const ws = 1 / Math.sqrt(I + H);
    const x = f32rand(B * T * I, seed), W = f32rand(I * G, seed + 1, -ws, ws), U = f32rand(H * G, seed + 2, -ws, ws);
    const b = f32rand(nb, seed + 3, -0.5, 0.5), dh = f32rand(B * T * H, seed + 4);
    const px = alloc('x', B * T * I, x), pW = alloc('W', I * G, W), pU = alloc('U', H * G, U), pb = alloc('b', nb, b);
    const pmask = mask ? alloc('mask', B * T, mask) : 0;
    // as GRU.plan
    const hseq = alloc('hseq', B * T * H), gates = alloc('gates', B * T * G), rcache = alloc('rcache', B * T * H), rec = alloc('rec', B * G);
    const dx = alloc('dx', B * T * I), dhseq = alloc('dhseq', B * T * H, dh), dR = alloc('dq', B * H), dhrec = alloc('dhrec', B * H);
    const hprev = alloc('hprev', B * T * H), UT = alloc('UT', G * H), WT = alloc('WT', G * I);
    const pack = alloc('pack', Math.max(I + H, Math.min(B * T, 256)) * G);
    const dW = alloc('dW', I * G, undefined, 0), dU = alloc('dU', H * G, undefined, 0), db = alloc('db', nb, undefined, 0);
    const ra = d.resetAfter ? 1 : 0, rev = d.reverse ? 1 : 0;
    // inference first (rcache is [B,H] scratch then), then training
    k.gru_forward(hseq, gates, rcache, rec, px, pW, pU, pb, B, T, I, H, rev, d.act, d.recAct, pmask, ra, 1, pack, 0, 0, 0, 0);
    const inferBits = Array.from(new Uint32Array(a.memory.buffer, hseq, B * T * H));
    k.gru_forward(hseq, gates, rcache, rec, px, pW, pU, pb, B, T, I, H, rev, d.act, d.recAct, pmask, ra, 0, pack, 0, 0, 0, 0);
    const trainBits = Array.from(new Uint32Array(a.memory.buffer, hseq, B * T * H));
    const h = Float64Array.from(a.f32(hseq, B * T * H));
    k.gru_backward(dx, dW, dU, db, dhseq, dR, dhrec, hprev, UT, WT, px, hseq, gates, rcache, pW, pU,
      B, T, I, H, rev, d.act, d.recAct, pmask, ra, pack, 1, 0, 0);
    const over = bufs.filter(({ p, n }) => a.f32(p + n * 4, CAN).some((v) => v !== SENT)).map((q) => q.name);
    const ref = gruForward(x, W, U, b, d, mask), g = gruBackward(dh, x, W, U, b, d, mask);
    const tag = JSON.stringify(d) + (mask ? ' masked' : '');
    expect(over, `buffers written past their planned size ${tag}`).toEqual([]);
    expect(inferBits, `inference hseq bits = training ${tag}`).toEqual(trainBits);
    expectClose(h, ref.hseq, 1e-5, 1e-4, `hseq ${tag}`);
    expectClose(Float64Array.from(a.f32(dx, B * T * I)), g.dx, 5e-5, 5e-4, `dx ${tag}`);
    expectClose(Float64Array.from(a.f32(dW, I * G)), g.dW, 5e-5, 5e-4, `dW ${tag}`);
    expectClose(Float64Array.from(a.f32(dU, H * G)), g.dU, 5e-5, 5e-4, `dU ${tag}`);
    expectClose(Float64Array.from(a.f32(db, nb)), g.dbias, 5e-5, 5e-4, `db ${tag}`);
  });
}

describe('gru kernels at the layer-planned sizes', () => {
  const shapes: [number, number, number, number][] = [
    [2, 3, 300, 20], [1, 1, 5, 7], [1, 4, 3, 16], [3, 1, 17, 33], [3, 100, 5, 17], [2, 150, 20, 16], [1, 2, 600, 4], [4, 3, 16, 1],
  ];
  let seed = 1;
  for (const [B, T, I, H] of shapes) for (const resetAfter of [true, false]) for (const reverse of [false, true]) {
    it(`B=${B} T=${T} I=${I} H=${H} resetAfter ${resetAfter} reverse ${reverse}`, () => {
      const d: GruDims = { B, T, I, H, reverse, act: TANH, recAct: SIGMOID, resetAfter };
      run(d, seed += 10);
      if (T > 1) {
        const mask = Array.from({ length: B * T }, (_, i) => ((i * 7 + B) % 5 === 0 ? 0 : 1));
        run(d, seed += 10, mask);
      }
    });
  }
});
