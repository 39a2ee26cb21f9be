// float16 conversion against an exact float64 reference: every one of the 65,536 halves round-trips, and f32 -> f16
// rounds to the nearest half (ties to even) on seeded values of every scale, subnormals, overflow and NaN.
import { describe, it, expect } from 'vitest';
import { f32ToF16, f16ToF32, halfBits, singleBits } from '../../src/io/float16.js';

/** The value of a half's bits, in float64. */
function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
}

/** The half nearest to v (ties to even), by search over all finite halves of v's sign: the reference. */
const POS = Array.from({ length: 0x7c00 }, (_, h) => halfValue(h));
function nearestHalf(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00; // 65504 + half an ulp (16) and beyond round to Infinity
  let lo = 0, hi = POS.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (POS[mid] <= a) lo = mid; else hi = mid; }
  const dl = a - POS[lo], dh = POS[hi] - a;
  const h = dl < dh ? lo : dh < dl ? hi : (lo & 1 ? hi : lo);
  return sign | h;
}

const f32bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0];

describe('float16', () => {
  it('every half converts to float32 exactly and back to the same bits (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const f = new Float32Array(new Uint32Array([singleBits(h)]).buffer)[0];
      const v = halfValue(h);
      if (Number.isNaN(v)) { expect(Number.isNaN(f)).toBe(true); expect(halfBits(singleBits(h)) & 0x7fff).toBeGreaterThan(0x7c00); continue; }
      if (f !== v) throw new Error(`half ${h.toString(16)}: float32 ${f}, expected ${v}`);
      if (halfBits(singleBits(h)) !== h) throw new Error(`half ${h.toString(16)} came back as ${halfBits(singleBits(h)).toString(16)}`);
    }
  });

  it('rounds float32 to the nearest half, ties to even, over every scale', () => {
    let s = 12345;
    const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
    const vals: number[] = [0, -0, 65504, 65519.996, 65520, -65520, 1e6, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -26, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 6.1035156e-5];
    for (let i = 0; i < 20000; i++) vals.push((rnd() < 0.5 ? -1 : 1) * 2 ** (rnd() * 44 - 28) * (1 + rnd()));
    const x = Float32Array.from(vals);
    const out = new Uint16Array(x.length);
    f32ToF16(out, x);
    for (let i = 0; i < x.length; i++) {
      const want = nearestHalf(x[i]);
      if (out[i] !== want) throw new Error(`${x[i]} (f32 ${f32bits(x[i]).toString(16)}): got half ${out[i].toString(16)}, expected ${want.toString(16)}`);
    }
  });

  it('converts arrays both ways, Infinity and NaN included', () => {
    const x = Float32Array.from([1.5, -2, Infinity, -Infinity, NaN, 1e-8, 70000]);
    const h = new Uint16Array(x.length);
    f32ToF16(h, x);
    const back = new Float32Array(x.length);
    f16ToF32(back, h);
    expect(Array.from(back.slice(0, 4))).toEqual([1.5, -2, Infinity, -Infinity]);
    expect(Number.isNaN(back[4])).toBe(true);
    expect(back[5]).toBe(0);
    expect(back[6]).toBe(Infinity);
  });
});
