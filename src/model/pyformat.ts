// Python's float formatting, as Keras's log lines and checkpoint paths use it: 'f', 'e', 'g', no type with a
// precision, and repr; correctly rounded from the double's exact value (half to even on exact ties: 0.625 -> '0.62',
// where JavaScript's toFixed gives '0.63'), nan and inf spelled as Python spells them.

/** x >= 0, finite, as N / D exactly (D a power of two). */
function exact(x: number): [bigint, bigint] {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const hi = v.getUint32(0), lo = v.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (biased !== 0) { m |= 1n << 52n; e = biased - 1075; }
  return e >= 0 ? [m << BigInt(e), 1n] : [m, 1n << BigInt(-e)];
}

/** round(N / D * 10^k), half to even (k may be negative). */
function scaled(N: bigint, D: bigint, k: number): bigint {
  const num = k >= 0 ? N * 10n ** BigInt(k) : N;
  const den = k >= 0 ? D : D * 10n ** BigInt(-k);
  const q = num / den, twice = 2n * (num % den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

const sign = (x: number) => (x < 0 || Object.is(x, -0) ? '-' : '');

/** format(x, '.{d}f'). */
export function pyFixed(x: number, d: number): string {
  const s = special(x);
  if (s !== null) return s;
  const [N, D] = exact(Math.abs(x));
  const q = scaled(N, D, d).toString().padStart(d + 1, '0');
  return sign(x) + (d > 0 ? `${q.slice(0, -d)}.${q.slice(-d)}` : q);
}

/** |x| (finite) rounded to p + 1 significant digits: the digits and the decimal exponent of the first. */
function significant(x: number, p: number): { digits: string; exp: number } {
  const ax = Math.abs(x);
  if (ax === 0) return { digits: '0'.repeat(p + 1), exp: 0 };
  const [N, D] = exact(ax);
  let exp = Math.floor(Math.log10(ax));
  for (;;) {
    const q = scaled(N, D, p - exp);
    if (q >= 10n ** BigInt(p + 1)) exp++; // the estimate was low, or the rounding carried into a new digit
    else if (q < 10n ** BigInt(p)) exp--;
    else return { digits: q.toString(), exp };
  }
}

const expText = (e: number) => `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;

/** format(x, '.{p}e'). */
export function pyExp(x: number, p: number): string {
  const s = special(x);
  if (s !== null) return s;
  const { digits, exp } = significant(x, p);
  return `${sign(x)}${digits[0]}${p > 0 ? `.${digits.slice(1)}` : ''}${expText(exp)}`;
}

/** format(x, '.{p}g'), or with `noType` format(x, '.{p}') (at least one digit after a fixed-point's point). */
export function pyGeneral(x: number, p: number, noType = false): string {
  const s = special(x);
  if (s !== null) return s;
  const P = p === 0 ? 1 : p;
  const { exp } = significant(x, P - 1);
  const strip = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (exp >= -4 && exp < (noType ? P - 1 : P)) {
    const t = strip(pyFixed(x, P - 1 - exp));
    return noType && !t.includes('.') ? `${t}.0` : t;
  }
  const [mant, e] = pyExp(x, P - 1).split('e');
  return `${strip(mant)}e${e}`;
}

/** repr(x): the shortest digits that read back as x, fixed-point from 1e-4 up to 1e16, else scientific. */
export function pyRepr(x: number): string {
  const s = special(x);
  if (s !== null) return s;
  if (x === 0) return `${sign(x)}0.0`;
  // JavaScript's toExponential() without digits gives the same shortest round-trip digits Python's repr takes
  const [m, e] = Math.abs(x).toExponential().split('e');
  const digits = m.replace('.', ''), exp = Number(e);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign(x)}0.${'0'.repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0'), frac = digits.slice(exp + 1);
    return `${sign(x)}${int}.${frac || '0'}`;
  }
  return `${sign(x)}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}${expText(exp)}`;
}
