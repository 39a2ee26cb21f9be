// Python's float formatting (src/model/pyformat.ts) against Python's own strings for 194 values x 13 specs
// (test/fixtures/generate_pyformat.py): 'f', 'e', 'g', no type with a precision, and repr, half to even on exact
// binary ties, nan and inf as Python spells them.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { pyFixed, pyExp, pyGeneral, pyRepr } from '../../src/model/pyformat.js';

const rows = JSON.parse(readFileSync(new URL('../fixtures/pyformat.json', import.meta.url), 'utf8')) as { v: string; r: Record<string, string> }[];
const value = (v: string) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

function format(x: number, spec: string): string {
  if (spec === 'r') return pyRepr(x);
  const [, p, type] = /^\.(\d+)([feg]?)$/.exec(spec)!;
  const n = Number(p);
  return type === 'f' ? pyFixed(x, n) : type === 'e' ? pyExp(x, n) : type === 'g' ? pyGeneral(x, n) : pyGeneral(x, n, true);
}

describe('pyformat = Python format()/repr()', () => {
  it('every value and spec of the fixture', () => {
    const wrong: string[] = [];
    for (const { v, r } of rows) for (const [spec, want] of Object.entries(r)) {
      const got = format(value(v), spec);
      if (got !== want) wrong.push(`format(${v}, '${spec}'): ${got}, Python ${want}`);
    }
    expect(rows.length * 13).toBe(2522);
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('the cases JavaScript rounds otherwise', () => {
    expect([(0.625).toFixed(2), pyFixed(0.625, 2), (0.40625).toFixed(4), pyFixed(0.40625, 4)]).toEqual(['0.63', '0.62', '0.4063', '0.4062']);
    expect([String(1e-5), pyRepr(1e-5), pyExp(0, 4), pyGeneral(0.5, 3, true), pyGeneral(2, 3, true)]).toEqual(['0.00001', '1e-05', '0.0000e+00', '0.5', '2.0']);
  });
});
