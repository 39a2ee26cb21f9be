// Fixed after a review (each test failed before): bidi override / isolate controls (U+202A-U+202E, U+2066-U+2069) in a label or token pass through
// displayToken untouched. In the SVG/HTML heading `1. <label> (p = 0.125)` an unterminated RLO in the label reverses
// the probability that follows it (and in a tooltip `<token>: <weight>` the weight); in the terminal's plain line
// `tok:0.50 tok:0.50` it reverses every later token and weight on a bidi-aware terminal.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { attentionHeatmap, terminalHeatmap } from '../../src/index.js';
import { displayToken } from '../../src/viz/attention-heatmap.js';

const RLO = '\u202e';
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('bidi controls from users\' data', () => {
  it('displayToken makes bidi overrides visible/inert, as it does for control characters', () => {
    expect(displayToken(`neg${RLO}`)).not.toMatch(BIDI);
    expect(displayToken('\u2066x')).not.toMatch(BIDI);
  });

  it('the SVG heading and tooltips carry no raw bidi override before the probability/weight', () => {
    const svg = attentionHeatmap([{ tokens: [`a${RLO}b`, 'c'], weights: [0.5, 0.5], label: `${RLO}neg`, probability: 0.125 }]);
    const heading = /<text class="heading"[^>]*>([^<]*)<\/text>/.exec(svg)![1];
    expect(heading).not.toMatch(BIDI);
    const tips = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    for (const t of tips) expect(t).not.toMatch(BIDI);
  });

  it('the terminal line has no raw bidi override ahead of other tokens\' weights', () => {
    const t = terminalHeatmap([{ tokens: [`a${RLO}b`, 'c'], weights: [0.5, 0.5], label: `${RLO}neg`, probability: 0.125 }], { color: false });
    expect(t).not.toMatch(BIDI);
  });

  it.skipIf(!existsSync(CHROMIUM))('in Chromium the heading\'s probability is drawn reversed after an RLO label', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.setContent(attentionHeatmap([{ tokens: ['ok'], weights: [1], label: `${RLO}neg`, probability: 0.125 }], { format: 'html' }));
      const xs = await page.evaluate(() => {
        const t = document.querySelector('text.heading') as SVGTextElement;
        const s = t.textContent!;
        const at = (ch: string) => t.getStartPositionOfChar(s.indexOf(ch)).x;
        return { p: at('p'), five: at('5') };
      });
      // '(p = 0.125)' must read left to right: 'p' left of '5'
      expect(xs.p, `p at ${xs.p}, 5 at ${xs.five}`).toBeLessThan(xs.five);
    } finally { await browser.close(); }
  }, 60_000);
});
