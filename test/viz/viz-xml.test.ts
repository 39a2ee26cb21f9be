// Fixed after a review (each test failed before): output that is not well-formed XML / not conforming HTML.
// 1. trainingPlot's esc() escapes only & < > " : a title or metric name with a C0 control (NUL, \x01 ...) or
//    U+FFFE/U+FFFF is written raw, and such characters are not XML Chars -> training.svg fails to parse
//    (the CLI's title is `${--data path}: loss and accuracy per epoch`).
// 2. attentionHeatmap's displayToken replaces U+FFFE/U+FFFF but not the other noncharacters (U+FDD0-U+FDEF,
//    U+1FFFE, ..., U+10FFFF): the HTML page then has `noncharacter-in-input-stream` parse errors.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { trainingPlot, attentionHeatmap } from '../../src/index.js';

/** XML 1.0 Char production, code point by code point; returns the first offending code point. */
function nonXmlChar(s: string): string | null {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return null;
}
/** A real XML parser (Python's expat), when python3 is there. */
function expat(s: string): string {
  const r = spawnSync('python3', ['-c', 'import sys,xml.dom.minidom as m\ntry:\n m.parseString(sys.stdin.buffer.read()); print("ok")\nexcept Exception as e: print("ERR", e)'], { input: Buffer.from(s, 'utf8') });
  return r.error ? 'ok' : r.stdout.toString().trim();
}

describe('trainingPlot XML', () => {
  for (const bad of ['runs/a\u0001b.csv', 'nul\u0000', 'x\ufffe']) {
    it(`title ${JSON.stringify(bad)} gives well-formed XML`, () => {
      const svg = trainingPlot({ loss: [0.5, 0.4] }, { title: bad });
      expect(nonXmlChar(svg)).toBeNull();
      expect(expat(svg)).toBe('ok');
    });
  }
  it('a metric name with a control character gives well-formed XML', () => {
    const svg = trainingPlot({ loss: [0.5, 0.4], 'f\u0008': [1, 2] }, { metrics: ['loss', 'f\u0008'] });
    expect(nonXmlChar(svg)).toBeNull();
    expect(expat(svg)).toBe('ok');
  });
});

describe('attentionHeatmap HTML', () => {
  const { parse } = createRequire(import.meta.url)('parse5') as { parse: (h: string, o: object) => unknown };
  const errors = (h: string) => { const e: string[] = []; parse(h, { onParseError: (x: { code: string }) => e.push(x.code) }); return e; };
  it('the page parses without errors (sanity: a plain page)', () => {
    expect(errors(attentionHeatmap([{ tokens: ['a'], weights: [1] }], { format: 'html' }))).toEqual([]);
  });
  for (const nc of ['\ufdd0', '\u{1fffe}', '\u{10ffff}']) {
    it(`a token/label with noncharacter ${JSON.stringify(nc)} gives a page without parse errors`, () => {
      const html = attentionHeatmap([{ tokens: [`w${nc}`], weights: [1], label: nc }], { format: 'html' });
      expect(errors(html)).toEqual([]);
    });
  }
});
