// datasets.spamAssassin: bodies without the mail headers, ham vs spam, identical bodies kept once before the seeded
// split; counts, determinism and the header stripping checked against the package's raw messages.
import { describe, it, expect } from 'vitest';
import { datasets, splitDataset } from '../../../src/index.js';
import { spamAssassinBodies, stripHeaders, SPAM_ASSASSIN_PACKAGE } from '../../../src/data/datasets/spam-assassin.js';

interface Message { id: number; group: string; text: string }
const RAW = ((await import(SPAM_ASSASSIN_PACKAGE)) as { default: () => Message[] }).default();
const BODIES = await spamAssassinBodies();
const DS = await datasets.spamAssassin();

describe('stripHeaders', () => {
  it('drops everything up to the first empty line (LF or CRLF); no empty line leaves no body', () => {
    expect(stripHeaders('From a\nSubject: x\n\nbody\n\nmore')).toBe('body\n\nmore');
    expect(stripHeaders('Subject: x\r\nTo: y\r\n\r\nbody\r\n')).toBe('body\r\n');
    expect(stripHeaders('Subject: only headers\n')).toBe('');
  });
});

describe('datasets.spamAssassin', () => {
  it('has 6046 messages, 171 duplicate bodies dropped: 5875 texts, 4112 ham and 1763 spam', () => {
    expect(RAW).toHaveLength(6046);
    expect(BODIES.stats).toEqual({ messages: 6046, duplicates: 171 });
    expect(DS.classNames).toEqual(['ham', 'spam']);
    expect(DS.texts).toHaveLength(5875);
    let spam = 0;
    for (const v of DS.labels) spam += v;
    expect(spam).toBe(1763);
    expect(DS.test.texts).toHaveLength(1175);
    expect(DS.train.texts).toHaveLength(4700);
  });

  it('keeps each distinct body once (the first message of it) with its group as label, before the split', () => {
    const first = new Map<string, number>();
    for (const m of RAW) {
      const body = stripHeaders(m.text);
      if (!first.has(body)) first.set(body, m.group.startsWith('spam') ? 1 : 0);
    }
    expect(DS.texts).toEqual([...first.keys()]);
    expect([...DS.labels]).toEqual([...first.values()]);
    expect(new Set(DS.texts).size).toBe(DS.texts.length);
    const train = new Set(DS.train.texts);
    expect(DS.test.texts.filter((t) => train.has(t))).toEqual([]);
  });

  it('strips each message\'s own headers: none of its "From " or Received: lines is left in its body', () => {
    let checked = 0;
    for (const m of RAW) {
      const body = stripHeaders(m.text);
      expect(m.text.endsWith(body)).toBe(true);
      const head = m.text.slice(0, m.text.length - body.length);
      expect(head).toMatch(/^(From \S+|[\w-]+: )/); // an mbox line or a header field
      // whole header fields (a Received: field with its continuation lines, which hold ids and dates)
      for (const field of head.split(/\r?\n(?![ \t])/)) {
        if (/^(From |Received: )/.test(field)) {
          expect(body.includes(field), `${m.group}/${m.id}: ${field}`).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(6046 * 2);
    // a body starts with a header line only where a whole mail was forwarded (one message, spam-2/00403)
    expect(DS.texts.filter((t) => /^(From |Received: |Return-Path: )/.test(t))).toHaveLength(1);
  });

  it('the split is a function of the seed: same seed same split, another seed another split, test fraction honoured', async () => {
    // BODIES is a second load of the corpus: split with the same seed, it gives the same split
    const again = splitDataset(BODIES, { seed: 1 });
    expect(again.test.texts).toEqual(DS.test.texts);
    expect(again.train.texts).toEqual(DS.train.texts);
    expect(again.train.labels).toEqual(DS.train.labels);
    const other = await datasets.spamAssassin({ seed: 2, testFraction: 0.1 });
    expect(other.test.texts).toHaveLength(588);
    expect(other.test.texts.slice(0, 20)).not.toEqual(DS.test.texts.slice(0, 20));
    // both classes on both sides, in about the corpus's proportion (30% spam)
    const spamShare = (l: Int32Array) => l.reduce((a, b) => a + b, 0) / l.length;
    for (const l of [DS.train.labels, DS.test.labels, other.test.labels]) expect(Math.abs(spamShare(l) - 1763 / 5875)).toBeLessThan(0.05);
  });
});
