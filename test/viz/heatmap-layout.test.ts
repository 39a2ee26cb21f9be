// Fixed after a review (each test failed before): heatmap layout.
// 1. "tokens wrap inside [width]": a token wider than a line is still drawn at full width, running past the SVG's
//    right edge (clipped by the viewport: the end of the word and its box border are invisible).
// 2. cells() (the box width of a token) claims "2 for East Asian wide/fullwidth ranges and emoji", but counts emoji
//    outside U+1F300-U+1FAFF as 1 (U+2705 ✅, U+231A ⌚, U+2764+FE0F ❤️ — all East_Asian_Width W / emoji
//    presentation) and counts each part of a ZWJ sequence (👨‍👩‍👧 = one glyph of 2 cells -> 6); with
//    textLength + lengthAdjust="spacingAndGlyphs" the glyph is squashed to half width or stretched to triple.
import { describe, it, expect } from 'vitest';
import { attentionHeatmap } from '../../src/index.js';

const boxes = (svg: string) => [...svg.matchAll(/<rect class="token" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({ x: +m[1], w: +m[2] }));
const svgWidth = (svg: string) => +/<svg[^>]* width="([\d.]+)"/.exec(svg)![1];

describe('heatmap layout', () => {
  it('a token longer than a line stays inside the picture', () => {
    const tok = 'Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunterbeamtengesellschaft'; // 82 letters
    const svg = attentionHeatmap([{ tokens: ['a', tok, 'b'], weights: [0.2, 0.6, 0.2] }], { width: 600 });
    for (const b of boxes(svg)) expect(b.x + b.w, `box at ${b.x} of width ${b.w}`).toBeLessThanOrEqual(svgWidth(svg));
    expect(svg).toContain(`<title>${tok}: 0.6000</title>`); // the tooltip keeps it whole
    // a token of ZWJ families is cut between whole families, never inside one
    const fam = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    const shown = /<text x="[\d.]+" y="[\d.]+" fill="#[0-9a-f]+" textLength="[\d.]+" lengthAdjust="spacingAndGlyphs">([^<]*)<\/text>/u.exec(attentionHeatmap([{ tokens: [fam.repeat(60)], weights: [1] }], { width: 300 }))![1];
    expect(shown.endsWith('\u2026')).toBe(true);
    expect(shown.slice(0, -1).split(fam).every((p) => p === '')).toBe(true);
  });

  it('emoji get 2 cells, like 😀 (and a ZWJ family, one glyph, too)', () => {
    const toks = ['😀', '\u2705', '\u231a', '\u2764\ufe0f', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'];
    const svg = attentionHeatmap([{ tokens: toks, weights: toks.map(() => 0.2) }]);
    const w = boxes(svg).map((b) => b.w);
    expect(w).toEqual(toks.map(() => w[0]));
  });
});
