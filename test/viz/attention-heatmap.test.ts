// attentionHeatmap / terminalHeatmap: the colour ramp (documented stops, monotone), SVG structure (well-formed XML,
// one box per token with the scale's colour, legend, escaping of <, &, quotes, emoji, CJK, control characters), the
// HTML page, the terminal forms, errors; and the page in headless Chromium: the screenshot's pixels in the highest-,
// middle- and lowest-weight boxes are the documented scale colours (skipped without Chromium, failing under CI=true);
// docs/heatmap.svg is what examples/heatmap.ts makes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { attentionHeatmap, terminalHeatmap, heatColor, heatShades, type HeatmapItem } from '../../src/index.js';
import { displayToken, escapeXml, ansi256, NAN_COLOR } from '../../src/viz/attention-heatmap.js';
import { ConfigError, ValueError } from '../../src/errors.js';
import { decodePng, pixel } from '../helpers/png.js';
import { heatmapExample, TEXTS } from '../../examples/heatmap.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CI = !!process.env.CI;

/** The documented ramp: shade 0, 0.5 and 1. */
const LIGHT: [number, number, number] = [255, 247, 236];
const MID: [number, number, number] = [253, 187, 132];
const DARK: [number, number, number] = [179, 0, 0];
const hex = (c: readonly number[]) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
const unhex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

/**
 * A small XML well-formedness check (no DTDs, no CDATA): tags nest and close, attributes are quoted and unique,
 * '<' never and '&' only as an entity appear in text or attribute values. Returns the problems found.
 */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const entity = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  const checkText = (s: string, at: number) => {
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '<') problems.push(`raw < at ${at + i}`);
      if (s[i] === '&' && !entity.test(s.slice(i))) problems.push(`raw & at ${at + i}`);
    }
  };
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*(\/?)>|<!DOCTYPE html>/g;
  let last = 0, m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    checkText(xml.slice(last, m.index), last);
    last = re.lastIndex;
    if (m[0].startsWith('<!')) continue;
    const [, close, name, attrs, self] = m;
    const names = [...attrs.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)];
    if (new Set(names.map((a) => a[1])).size !== names.length) problems.push(`duplicate attribute in <${name}>`);
    names.forEach((a) => checkText(a[2], m!.index));
    if (close) { if (stack.pop() !== name) problems.push(`</${name}> closes nothing open at ${m.index}`); }
    else if (!self && !['meta'].includes(name)) stack.push(name);   // HTML's void <meta>
  }
  checkText(xml.slice(last), last);
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

interface Box { x: number; y: number; width: number; height: number; fill: string; weight: number; shade: number }
function boxes(svg: string, cls = 'token'): Box[] {
  return [...svg.matchAll(new RegExp(`<rect class="${cls}" ([^>]*)/>`, 'g'))].map((m) => {
    const a = Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    return { x: +a.x, y: +a.y, width: +a.width, height: +a.height, fill: a.fill, weight: +a['data-weight'], shade: +a['data-shade'] };
  });
}

const items: HeatmapItem[] = [
  { tokens: ['the', 'film', 'was', 'wonderful', '!'], weights: [0.05, 0.2, 0.05, 0.6, 0.1], label: 'positive', probability: 0.946 },
  { tokens: ['<b>', 'a&b', '"q"', "it's", '😀', '東京', ' ', '\u0007', ']]>', 'cafe\u0301'], weights: [0.3, 0.1, 0.1, 0.05, 0.15, 0.1, 0.05, 0.05, 0.05, 0.05], label: 'x < y & "z"', probability: 0.5 },
  { tokens: ['zero', 'half', 'full'], weights: [0, 0.25, 0.5], label: 3, probability: 0.7 },
];

describe('heatColor', () => {
  it('is the documented ramp, non-increasing in every channel and strictly darker in green', () => {
    expect(heatColor(0)).toEqual(LIGHT);
    expect(heatColor(0.5)).toEqual(MID);
    expect(heatColor(1)).toEqual(DARK);
    expect(heatColor(-3)).toEqual(LIGHT);
    expect(heatColor(7)).toEqual(DARK);
    expect(heatColor(NaN)).toEqual(NAN_COLOR);
    expect(heatColor(0.25)).toEqual([254, 217, 184]);   // halfway between the first two stops, rounded
    let prev = heatColor(0);
    for (let i = 1; i <= 100; i++) {
      const c = heatColor(i / 100);
      for (let k = 0; k < 3; k++) expect(c[k], `t ${i / 100} channel ${k}`).toBeLessThanOrEqual(prev[k]);
      expect(c[1], `t ${i / 100}`).toBeLessThan(prev[1]);
      prev = c;
    }
  });

  it('shades by the text\'s largest weight, or absolutely', () => {
    expect(heatShades([0.1, 0.4, 0.2])).toEqual([0.25, 1, 0.5]);
    expect(heatShades([0.1, 0.4, 0.2], 'absolute')).toEqual([0.1, 0.4, 0.2]);
    expect(heatShades([0, 0])).toEqual([0, 0]);
    expect(heatShades([NaN, 0.5])).toEqual([NaN, 1]);
  });
});

describe('attentionHeatmap (SVG)', () => {
  const svg = attentionHeatmap(items, { title: 'Attention <demo>' });

  it('is well-formed, self-contained SVG', () => {
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg']);   // the namespace, nothing fetched
    expect(svg).not.toMatch(/<script|<image|<foreignObject|url\(|@import|@font-face|href=/);
    // and the checker bites
    expect(xmlProblems('<svg><text>a < b</text></svg>')).toEqual(['raw < at 13']);
    expect(xmlProblems('<svg><text>a & b</text></svg>')).toEqual(['raw & at 13']);
    expect(xmlProblems('<svg><g></svg>').length).toBeGreaterThan(0);
  });

  it('has one box per token, in order, filled with the scale colour of weight / the text\'s largest weight', () => {
    const b = boxes(svg);
    const all = items.flatMap((e) => e.weights.map((w) => ({ w, max: Math.max(...e.weights) })));
    expect(b.length).toBe(all.length);
    b.forEach((box, i) => {
      expect(box.weight).toBe(all[i].w);
      expect(box.shade).toBe(all[i].w / all[i].max);
      expect(box.fill).toBe(hex(heatColor(all[i].w / all[i].max)));
      expect(box.width).toBeGreaterThan(0);
    });
    // ordered like the weights: within each text, a heavier token is never lighter (green falls), strictly when the
    // shades differ by more than 1/100
    let k = 0;
    for (const e of items) {
      const mine = b.slice(k, k + e.tokens.length); k += e.tokens.length;
      for (const p of mine) for (const q of mine) {
        if (p.weight > q.weight) expect(unhex(p.fill)[1]).toBeLessThanOrEqual(unhex(q.fill)[1]);
        if (p.shade - q.shade > 0.01) expect(unhex(p.fill)[1]).toBeLessThan(unhex(q.fill)[1]);
      }
    }
    expect(b[3].fill).toBe(hex(DARK));                 // 'wonderful', the largest
    expect(b.at(-3)!.fill).toBe(hex(LIGHT));           // weight 0
    expect(b.at(-1)!.fill).toBe(hex(DARK));
  });

  it('has the label, the probability and a legend of the scale', () => {
    expect(svg).toContain('>1. positive (p = 0.946)<');
    expect(svg).toContain('>2. x &lt; y &amp; &quot;z&quot; (p = 0.500)<');
    expect(svg).toContain('>3. 3 (p = 0.700)<');
    const legend = boxes(svg, 'legend');
    expect(legend.map((l) => l.shade)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(legend.map((l) => l.fill)).toEqual(legend.map((l) => hex(heatColor(l.shade))));
    expect(legend[0].fill).toBe(hex(LIGHT));
    expect(legend[10].fill).toBe(hex(DARK));
    expect(svg).toContain('shade = weight / largest weight in its text');
    expect(svg).toContain('<title>Attention &lt;demo&gt;</title>');
  });

  it('escapes XML specials and keeps emoji, CJK and combining marks; control characters become visible', () => {
    for (const s of ['&lt;b&gt;', 'a&amp;b', '&quot;q&quot;', 'it&#39;s', '😀', '東京', '\u2423', '\u2407', ']]&gt;', 'cafe\u0301']) {
      expect(svg, s).toContain(`>${s}</text>`);
    }
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('\u0007');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
    expect(displayToken('a\u001b[31mb\u007f\u0085\ud800')).toBe('a\u241b[31mb\u2421\ufffd\ufffd');
  });

  it('wraps long texts inside the width, and shades absolutely when asked', () => {
    const long: HeatmapItem = { tokens: Array.from({ length: 60 }, (_, i) => `w${i}`), weights: Array(60).fill(1 / 60) };
    const s = attentionHeatmap([long], { width: 300 });
    const b = boxes(s);
    expect(new Set(b.map((x) => x.y)).size).toBeGreaterThan(5);
    for (const x of b) expect(x.x + x.width).toBeLessThanOrEqual(300 - 12 + 1e-9);
    const abs = boxes(attentionHeatmap([items[2]], { scale: 'absolute' }));
    expect(abs.map((x) => x.fill)).toEqual([hex(LIGHT), hex(heatColor(0.25)), hex(MID)]);
    expect(boxes(attentionHeatmap([{ tokens: ['a', 'b'], weights: [NaN, 1] }]))[0].fill).toBe(hex(NAN_COLOR));
  });

  it('makes an HTML page around the same SVG', () => {
    const html = attentionHeatmap(items, { format: 'html', title: 'T & U' });
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>T &amp; U</title>');
    expect(html).toContain(attentionHeatmap(items, { title: 'T & U' }));
    expect(xmlProblems(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<link|url\(|@import/);
  });

  it('refuses bad input, naming it', () => {
    expect(() => attentionHeatmap([{ tokens: ['a', 'b'], weights: [1] }])).toThrow(ValueError);
    expect(() => attentionHeatmap([{ tokens: ['a', 'b'], weights: [1] }])).toThrow('attentionHeatmap: expected explanations[0] to have one weight per token, got 2 tokens and 1 weights.');
    expect(() => attentionHeatmap({} as HeatmapItem[])).toThrow(/attentionHeatmap: expected an array of explanations/);
    expect(() => attentionHeatmap([{ tokens: [1 as unknown as string], weights: [1] }])).toThrow(/tokens\[0\] to be a string, got 1/);
    expect(() => attentionHeatmap(items, { format: 'png' as 'svg' })).toThrow(ConfigError);
    expect(() => attentionHeatmap(items, { scale: 'log' as 'text' })).toThrow(/expected scale to be 'text' or 'absolute'/);
    expect(() => attentionHeatmap(items, { width: 50 })).toThrow(/expected width to be a number of px >= 200, got 50/);
  });
});

describe('terminalHeatmap', () => {
  it('shows a label\'s control characters as symbols (a label from a CSV: ESC[2J would clear the screen)', () => {
    const bad = [{ tokens: ['a'], weights: [1], label: 'spam\x1b[2J\nfake line', probability: 0.9 }];
    expect(terminalHeatmap(bad, { color: false })).toBe('1. spam\u241b[2J\u240afake line (p = 0.900)\na:1.00\n');
    expect(terminalHeatmap(bad, { color: true })).not.toContain('\x1b[2J');
  });

  it('prints tok:weight without colour', () => {
    expect(terminalHeatmap([items[0], items[2]], { color: false })).toBe(
      '1. positive (p = 0.946)\nthe:0.05 film:0.20 was:0.05 wonderful:0.60 !:0.10\n2. 3 (p = 0.700)\nzero:0.00 half:0.25 full:0.50\n');
  });

  it('puts each token on its scale colour (24-bit or the 256-colour cube), and no control character gets through', () => {
    const t = terminalHeatmap([items[2]], { color: true });
    expect(t).toBe('1. 3 (p = 0.700)\n'
      + '\x1b[48;2;255;247;236;38;2;26;26;26m zero \x1b[0m'
      + `\x1b[48;2;${MID.join(';')};38;2;26;26;26m half \x1b[0m`
      + '\x1b[48;2;179;0;0;38;2;255;255;255m full \x1b[0m\n');
    const c256 = terminalHeatmap([items[2]], { color: 'ansi256' });
    expect(c256).toContain(`\x1b[48;5;${ansi256(DARK)};38;5;231m full \x1b[0m`);
    expect(ansi256(DARK)).toBe(124);   // (175, 0, 0)
    expect(ansi256([255, 255, 255])).toBe(231);
    const evil = terminalHeatmap([{ tokens: ['\x1b]0;pwned\x07', 'ok'], weights: [0.5, 0.5] }], { color: true });
    expect(evil.match(/\x1b/g)!.length).toBe(4);   // our own codes only: set + reset per token
  });

  it('refuses a bad colour option', () => {
    expect(() => terminalHeatmap(items, { color: 'yes' as unknown as boolean })).toThrow(/terminalHeatmap: expected color to be true, false, 'truecolor' or 'ansi256', got "yes"/);
  });
});

describe('attentionHeatmap in headless Chromium', () => {
  const have = existsSync(CHROMIUM);
  let browser: import('playwright-core').Browser | null = null;
  beforeAll(async () => {
    if (!have) return;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it('is installed (CI installs Debian chromium)', () => {
    if (!have && !CI) console.warn(`skipping the heatmap pixel test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    expect(have || !CI).toBe(true);
  });

  it.skipIf(!have)('paints the highest-, middle- and lowest-weight boxes in the scale colours', async () => {
    const html = attentionHeatmap(items, { format: 'html' });
    const page = await browser!.newPage({ viewport: { width: 720, height: 400 }, deviceScaleFactor: 1 });
    try {
      await page.setContent(html);
      const img = decodePng(await page.screenshot({ fullPage: true }));
      const b = boxes(html);
      // inside each box, 2 px in from its top-left corner: past the border, above and left of the glyphs
      const at = (box: Box) => pixel(img, Math.ceil(box.x) + 2, box.y + 2);
      const near = (got: number[], want: readonly number[], what: string) => {
        for (let k = 0; k < 3; k++) expect(Math.abs(got[k] - want[k]), `${what}: got rgb(${got}), want rgb(${want})`).toBeLessThanOrEqual(3);
      };
      const text3 = b.slice(-3);                        // weights 0, 0.25, 0.5 of max 0.5: shades 0, 0.5, 1
      near(at(text3[0]), LIGHT, 'lowest weight (0)');
      near(at(text3[1]), MID, 'middle weight (half the largest)');
      near(at(text3[2]), DARK, 'highest weight');
      const first = b.slice(0, 5);                      // 'wonderful' 0.6 is the darkest, 'the' 0.05 the lightest
      near(at(first[3]), DARK, 'wonderful');
      near(at(first[0]), heatColor(0.05 / 0.6), 'the');
      const legend = boxes(html, 'legend');
      near(pixel(img, legend[0].x + 4, legend[0].y + 4), LIGHT, 'legend 0');
      near(pixel(img, legend[10].x + 4, legend[10].y + 4), DARK, 'legend 1');
      // the page is white around the boxes
      near(pixel(img, 2, 2), [255, 255, 255], 'background');
    } finally { await page.close(); }
  }, 60_000);
});

describe('docs/heatmap.svg (the README picture)', () => {
  it('is what examples/heatmap.ts makes: remake it with `npx tsx examples/heatmap.ts` after a change that moves bits', async () => {
    const { explanations, svg } = await heatmapExample();
    expect(explanations.map((e) => e.text)).toEqual(TEXTS);
    expect(explanations.map((e) => e.label)).toEqual(['positive', 'negative', 'positive', 'negative']);
    expect(svg).toBe(readFileSync(new URL('../../docs/heatmap.svg', import.meta.url), 'utf8'));
  });
});
