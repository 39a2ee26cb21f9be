// Attention heatmaps as strings: a self-contained SVG or HTML page (no DOM, no external fonts or scripts) and an
// ANSI terminal rendering; each token shaded by its attention weight on one monotone colour ramp, with a legend.
import { ConfigError, ValueError, describeValue, isPlainObject, checkOptionKeys } from '../errors.js';

/** What a heatmap needs of a text; explain()'s Explanation is one. */
export interface HeatmapItem {
  tokens: readonly string[];
  /** One attention weight per token. */
  weights: readonly number[];
  /** The predicted label (shown with the probability). */
  label?: string | number;
  /** The probability of the predicted label. */
  probability?: number;
}

/**
 * How a weight becomes a shade t in [0, 1]: 'text' (default) divides by the largest weight in its text, so each
 * text's most attended token is the darkest (weights of long texts are small); 'absolute' uses the weight itself.
 */
export type HeatmapScale = 'text' | 'absolute';

export interface AttentionHeatmapOptions {
  format?: 'svg' | 'html';
  /** Heading of the picture (default 'Attention heatmap'). */
  title?: string;
  scale?: HeatmapScale;
  /** Width of the picture in px (default 720); tokens wrap inside it. */
  width?: number;
}

export interface TerminalHeatmapOptions {
  /** true or 'truecolor': 24-bit ANSI backgrounds; 'ansi256': the xterm 256-colour cube; false: plain `token:0.13`. */
  color?: boolean | 'truecolor' | 'ansi256';
  scale?: HeatmapScale;
}

export type Rgb = [number, number, number];

/** The ramp's stops (ColorBrewer YlOrRd-like, from near-white to dark red); every channel falls from stop to stop. */
const STOPS: { t: number; c: Rgb }[] = [
  { t: 0, c: [255, 247, 236] },
  { t: 0.5, c: [253, 187, 132] },
  { t: 1, c: [179, 0, 0] },
];
/** The fill of a weight that is not a finite number (outside the ramp). */
export const NAN_COLOR: Rgb = [158, 158, 158];

/**
 * The colour of shade t in [0, 1] (clamped): linear between the stops, each channel rounded to an integer. Only +, -,
 * *, / and rounding, so every engine gives the same colours. Every channel is non-increasing in t and green strictly
 * decreasing, so a larger weight is never lighter.
 */
export function heatColor(t: number): Rgb {
  if (!Number.isFinite(t)) return NAN_COLOR.slice() as Rgb;
  const u = t < 0 ? 0 : t > 1 ? 1 : t;
  const j = u <= STOPS[1].t ? 0 : 1;
  const a = STOPS[j], b = STOPS[j + 1];
  const f = (u - a.t) / (b.t - a.t);
  return [0, 1, 2].map((k) => Math.round(a.c[k] + (b.c[k] - a.c[k]) * f)) as Rgb;
}

/** The shades of one text's weights under a scale (NaN stays NaN). */
export function heatShades(weights: readonly number[], scale: HeatmapScale = 'text'): number[] {
  if (scale === 'absolute') return weights.map((w) => w);
  let max = 0;
  for (const w of weights) if (Number.isFinite(w) && w > max) max = w;
  return weights.map((w) => (max > 0 ? w / max : Number.isFinite(w) ? 0 : NaN));
}

const hex = (c: Rgb) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');

/** Dark text on light fills, white on dark (Rec. 709 weights on the sRGB values; a legibility choice only). */
const ink = (c: Rgb) => (2126 * c[0] + 7152 * c[1] + 722 * c[2] < 1_400_000 ? '#ffffff' : '#1a1a1a');

/**
 * A token as it can be shown: a lone space as '␣', control characters (C0, DEL, C1) as their Control Pictures
 * (U+2400 + code; others as U+FFFD), lone surrogates and U+FFFE/U+FFFF as U+FFFD. Valid in XML and inert in terminals.
 */
export function displayToken(token: string): string {
  if (token === ' ') return '\u2423';
  let out = '';
  for (const ch of token) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20) out += String.fromCodePoint(0x2400 + c);
    else if (c === 0x7f) out += '\u2421';
    // C1 controls, lone surrogates, noncharacters (U+FDD0-FDEF, U+xxFFFE/FFFF: not allowed in HTML) and the bidi
    // controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C: they would reorder the numbers after a label or token)
    else if ((c >= 0x80 && c < 0xa0) || (c >= 0xd800 && c < 0xe000) || (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) === 0xfffe
      || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x61c) out += '\ufffd';
    else out += ch;
  }
  return out;
}

/** XML text and attribute escaping of the five special characters. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// made on first use: a grapheme segmenter loads ICU's break data (~2.4 MB of RSS), which an import must not pay
let segmenter: Intl.Segmenter | null | undefined;
function graphemeSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter = typeof Intl !== 'undefined' && typeof (Intl as { Segmenter?: unknown }).Segmenter === 'function'
      ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  }
  return segmenter;
}
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\uFE0F/u;

/**
 * Monospace cells a text takes: an emoji (a grapheme with an Extended_Pictographic character or the emoji
 * presentation selector U+FE0F, a ZWJ family included) 2, else per code point 2 for East Asian wide/fullwidth ranges,
 * 0 for combining marks, 1 for the rest.
 */
function cells(s: string): number {
  const graphemes = graphemeSegmenter();
  if (!graphemes) return codePointCells(s);
  let n = 0;
  for (const { segment } of graphemes.segment(s)) n += PICTOGRAPHIC.test(segment) ? 2 : codePointCells(segment, 0);
  return Math.max(n, 1);
}

function codePointCells(s: string, least = 1): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x300 && c < 0x370) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f)) continue;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)
      || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60)
      || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd);
    n += wide ? 2 : 1;
  }
  return Math.max(n, least);
}

/** s cut to at most n cells, ending in '…' when cut (a token wider than the picture's line). */
function fitCells(s: string, n: number): string {
  if (cells(s) <= n) return s;
  // whole graphemes (a ZWJ emoji is not split), their cells added up once each
  const graphemes = graphemeSegmenter();
  const parts = graphemes ? Array.from(graphemes.segment(s), (g) => g.segment) : Array.from(s);
  let out = '', used = 0;
  for (const g of parts) {
    const w = graphemes && PICTOGRAPHIC.test(g) ? 2 : codePointCells(g, 0);
    if (used + w > n - 1) break;
    out += g;
    used += w;
  }
  return out + '\u2026';
}

function checkItems(items: unknown, where: string): HeatmapItem[] {
  if (!Array.isArray(items)) throw new ValueError(`${where}: expected an array of explanations, got ${describeValue(items)}.`);
  items.forEach((e, i) => {
    if (!isPlainObject(e) || !Array.isArray(e.tokens) || !Array.isArray(e.weights)) {
      throw new ValueError(`${where}: expected explanations[${i}] to have tokens and weights arrays, got ${describeValue(e)}.`);
    }
    if (e.tokens.length !== e.weights.length) {
      throw new ValueError(`${where}: expected explanations[${i}] to have one weight per token, got ${e.tokens.length} tokens and ${e.weights.length} weights.`);
    }
    const bt = e.tokens.findIndex((t) => typeof t !== 'string');
    if (bt >= 0) throw new ValueError(`${where}: expected explanations[${i}].tokens[${bt}] to be a string, got ${describeValue(e.tokens[bt])}.`);
    const bw = e.weights.findIndex((w) => typeof w !== 'number');
    if (bw >= 0) throw new ValueError(`${where}: expected explanations[${i}].weights[${bw}] to be a number, got ${describeValue(e.weights[bw])}.`);
    if (e.label !== undefined && typeof e.label !== 'string' && typeof e.label !== 'number') {
      throw new ValueError(`${where}: expected explanations[${i}].label to be a string or a number, got ${describeValue(e.label)}.`);
    }
    if (e.probability !== undefined && typeof e.probability !== 'number') {
      throw new ValueError(`${where}: expected explanations[${i}].probability to be a number, got ${describeValue(e.probability)}.`);
    }
  });
  return items as HeatmapItem[];
}

function checkScale(v: unknown, where: string): HeatmapScale {
  if (v === undefined) return 'text';
  if (v !== 'text' && v !== 'absolute') throw new ConfigError(`${where}: expected scale to be 'text' or 'absolute', got ${describeValue(v)}.`);
  return v;
}

/** '0.946' style, exact for what is shown; NaN and infinities spelled out. */
const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
/** Coordinates with at most 2 decimals. */
const px = (v: number) => String(Math.round(v * 100) / 100);

function heading(e: HeatmapItem, i: number): string {
  const p = typeof e.probability === 'number' ? `p = ${fixed(e.probability, 3)}` : '';
  if (e.label === undefined) return `${i + 1}.${p ? ` (${p})` : ''}`;
  return `${i + 1}. ${displayToken(String(e.label))}${p ? ` (${p})` : ''}`;
}

// Layout (px): 14 px monospace text, 8.4 px a cell; token boxes 24 high with 4 px inner padding.
const FONT = 14, CELL = 8.4, PAD = 4, BOX_H = 24, GAP = 4, LINE = BOX_H + 6, MARGIN = 12, HEAD = 22;
const LEGEND_STEPS = 11, LEGEND_W = 24, LEGEND_H = 14;

/**
 * A self-contained SVG (format 'svg', default) or HTML page ('html': the same SVG inline at the page's top-left,
 * margin 0) of the texts' attention: per text a heading ('1. label (p = 0.946)') and its tokens as boxes whose
 * fill is heatColor(shade) (see HeatmapScale), each with a tooltip (token: weight); then a legend of 11 swatches for
 * shades 0, 0.1, ..., 1. Token boxes are `<rect class="token">` with data-weight and data-shade.
 */
export function attentionHeatmap(explanations: readonly HeatmapItem[], options: AttentionHeatmapOptions = {}): string {
  const where = 'attentionHeatmap';
  if (!isPlainObject(options as unknown)) throw new ConfigError(`${where}: expected options to be an object, got ${describeValue(options)}.`);
  checkOptionKeys(options, where, ['format', 'title', 'scale', 'width']);
  const items = checkItems(explanations, where);
  const format = options.format ?? 'svg';
  if (format !== 'svg' && format !== 'html') throw new ConfigError(`${where}: expected format 'svg' or 'html', got ${describeValue(format)}.`);
  const scale = checkScale(options.scale, where);
  const title = options.title ?? 'Attention heatmap';
  if (typeof title !== 'string') throw new ConfigError(`${where}: expected title to be a string, got ${describeValue(title)}.`);
  const width = options.width ?? 720;
  if (typeof width !== 'number' || !Number.isFinite(width) || width < 200) {
    throw new ConfigError(`${where}: expected width to be a number of px >= 200, got ${describeValue(width)}.`);
  }

  const body: string[] = [];
  let y = MARGIN;
  body.push(`<text class="title" x="${MARGIN}" y="${y + 16}" font-size="18" font-weight="bold">${escapeXml(displayToken(title))}</text>`);
  y += 30;
  items.forEach((e, i) => {
    body.push(`<text class="heading" x="${MARGIN}" y="${y + 15}" font-weight="bold">${escapeXml(displayToken(heading(e, i)))}</text>`);
    y += HEAD;
    const shades = heatShades(e.weights, scale);
    let x = MARGIN;
    if (e.tokens.length === 0) {
      body.push(`<text class="empty" x="${MARGIN}" y="${y + 17}" fill="#777777">(no tokens)</text>`);
    }
    e.tokens.forEach((tok, j) => {
      const whole = displayToken(tok);
      const shown = fitCells(whole, Math.floor((width - 2 * MARGIN - 2 * PAD) / CELL));
      const textW = cells(shown) * CELL;
      const w = textW + 2 * PAD;
      if (x > MARGIN && x + w > width - MARGIN) { x = MARGIN; y += LINE; }
      const c = heatColor(shades[j]);
      const t = escapeXml(shown);
      body.push(`<g><title>${escapeXml(whole)}: ${fixed(e.weights[j], 4)}</title>`
        + `<rect class="token" x="${px(x)}" y="${y}" width="${px(w)}" height="${BOX_H}" fill="${hex(c)}" stroke="#d0d0d0" data-weight="${e.weights[j]}" data-shade="${shades[j]}"/>`
        + `<text x="${px(x + PAD)}" y="${y + 17}" fill="${ink(c)}" textLength="${px(textW)}" lengthAdjust="spacingAndGlyphs">${t}</text></g>`);
      x += w + GAP;
    });
    y += LINE + 8;
  });
  // legend
  const caption = scale === 'text' ? 'shade = weight / largest weight in its text' : 'shade = attention weight';
  body.push(`<text class="legend-caption" x="${MARGIN}" y="${y + 12}" font-size="12">${caption}</text>`);
  y += 18;
  for (let s = 0; s < LEGEND_STEPS; s++) {
    const t = s / (LEGEND_STEPS - 1);
    body.push(`<rect class="legend" x="${MARGIN + s * LEGEND_W}" y="${y}" width="${LEGEND_W}" height="${LEGEND_H}" fill="${hex(heatColor(t))}" data-shade="${t}"/>`);
  }
  y += LEGEND_H;
  const right = MARGIN + LEGEND_STEPS * LEGEND_W;
  body.push(`<text class="legend-tick" x="${MARGIN}" y="${y + 13}" font-size="12">0</text>`
    + `<text class="legend-tick" x="${MARGIN + (LEGEND_STEPS * LEGEND_W) / 2}" y="${y + 13}" font-size="12" text-anchor="middle">0.5</text>`
    + `<text class="legend-tick" x="${right}" y="${y + 13}" font-size="12" text-anchor="end">1</text>`);
  y += 18 + MARGIN;

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${y}" viewBox="0 0 ${px(width)} ${y}" `
    + `font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT}">\n`
    + `<title>${escapeXml(displayToken(title))}</title>\n`
    + `<style>text { white-space: pre; }</style>\n`
    + `<rect class="background" width="100%" height="100%" fill="#ffffff"/>\n`
    + body.join('\n') + '\n</svg>\n';
  if (format === 'svg') return svg;
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeXml(displayToken(title))}</title>\n`
    + `<style>html, body { margin: 0; background: #ffffff; } svg { display: block; }</style>\n</head>\n<body>\n${svg}</body>\n</html>\n`;
}

/** The xterm 256-colour cube index nearest to c, channel by channel. */
export function ansi256(c: Rgb): number {
  const levels = [0, 95, 135, 175, 215, 255];
  const idx = c.map((v) => {
    let best = 0;
    for (let k = 1; k < 6; k++) if (Math.abs(levels[k] - v) < Math.abs(levels[best] - v)) best = k;
    return best;
  });
  return 16 + 36 * idx[0] + 6 * idx[1] + idx[2];
}

/**
 * The texts' attention for a terminal: per text a heading line (number, label, probability) and a line of tokens.
 * With color, each token ` tok ` on its heatColor background (24-bit, or the 256-colour cube) and reset after; without,
 * `tok:0.13` (the weight to 2 decimals) separated by spaces. Tokens go through displayToken, so no control character
 * of a text reaches the terminal.
 */
export function terminalHeatmap(explanations: readonly HeatmapItem[], options: TerminalHeatmapOptions = {}): string {
  const where = 'terminalHeatmap';
  if (!isPlainObject(options as unknown)) throw new ConfigError(`${where}: expected options to be an object, got ${describeValue(options)}.`);
  checkOptionKeys(options, where, ['color', 'scale']);
  const items = checkItems(explanations, where);
  const color = options.color ?? false;
  if (color !== true && color !== false && color !== 'truecolor' && color !== 'ansi256') {
    throw new ConfigError(`${where}: expected color to be true, false, 'truecolor' or 'ansi256', got ${describeValue(color)}.`);
  }
  const scale = checkScale(options.scale, where);
  const lines: string[] = [];
  items.forEach((e, i) => {
    lines.push(heading(e, i));
    const shades = heatShades(e.weights, scale);
    const toks = e.tokens.map((tok, j) => {
      const shown = displayToken(tok);
      if (!color) return `${shown}:${fixed(e.weights[j], 2)}`;
      const c = heatColor(shades[j]);
      const fg = ink(c) === '#ffffff' ? [255, 255, 255] as Rgb : [26, 26, 26] as Rgb;
      const code = color === 'ansi256' ? `\x1b[48;5;${ansi256(c)};38;5;${ansi256(fg)}m` : `\x1b[48;2;${c.join(';')};38;2;${fg.join(';')}m`;
      return `${code} ${shown} \x1b[0m`;
    });
    lines.push(toks.join(color ? '' : ' '));
  });
  return lines.join('\n') + (lines.length ? '\n' : '');
}
