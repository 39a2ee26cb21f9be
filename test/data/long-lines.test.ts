// A line, CSV field or file longer than the longest string (V8: 2^29 - 24 characters) is a typed error naming the
// loader, the line / field / file and the limit, not a bare RangeError ("Invalid string length") from a concatenation.
// MEMORY: each case streams about 512 MiB of text (one 64 MiB buffer yielded again and again, never all of it at once):
// about 1.5 GB of RSS at most and 2-4 s each (the CSV parser reads 512 Mi characters one by one).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWordVectors, loadCsv, loadTextFolder, CheckpointError, ValueError } from '../../src/index.js';

const LIMIT = 2 ** 29 - 24;
const MiB64 = new Uint8Array(64 * 2 ** 20).fill(97); // 'a' x 64 MiB, no line break

/** head, then `n` times the same 64 MiB of 'a', then tail; `pulled` counts the 64 MiB chunks asked for. */
function stream(head: string, n: number, tail: string) {
  const s = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      yield new TextEncoder().encode(head);
      for (let i = 0; i < n; i++) { s.pulled++; yield MiB64; }
      yield new TextEncoder().encode(tail);
    },
  };
  return s;
}
const thrown = async (f: () => Promise<unknown>): Promise<unknown> => { try { await f(); } catch (e) { return e; } return undefined; };

describe('a line past the longest string', () => {
  it('loadWordVectors: a CheckpointError naming the line, once the line would pass the limit', async () => {
    // line 1 is fine, line 2 is 'a' x 576 MiB then " 1 2 3": refused at the 8th chunk (2^29 > 2^29 - 24 characters)
    const src = stream('the 1 2 3\n', 9, ' 1 2 3\n');
    const e = await thrown(() => loadWordVectors(src, { wordIndex: { the: 1 } }, { dim: 3 }));
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toBe(`loadWordVectors: expected line 2 to be at most ${LIMIT} characters (2^29 - 24, the longest string in V8), got a longer one (no line break within ${LIMIT} characters).`);
    expect(src.pulled).toBe(8);
  });

  it('loadCsv: a ValueError naming the field, the line and an unclosed quote', async () => {
    const src = stream('text,label\nok,pos\nfine,"', 9, '",neg\n');
    const e = await thrown(() => loadCsv(src, { textColumn: 'text', labelColumn: 'label' }));
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toBe(`loadCsv: expected field 2 of the row on line 3 of the CSV to be at most ${LIMIT} characters (2^29 - 24, the longest string in V8), got a longer one (is the quote opened on line 3 never closed?).`);
    expect(src.pulled).toBe(8);
  });
});

describe('one chunk larger than the 16 MiB decoded at once', () => {
  it('is decoded in pieces, a character cut by a piece border kept whole', async () => {
    // line 1: a 2^24 - 4 byte word and " 0"; line 2 starts at byte 2^24 - 1 with "é" (2 bytes), cut by the border
    const filler = 2 ** 24 - 4;
    const head = new Uint8Array(filler).fill(122);
    const rest = new TextEncoder().encode(' 0\né 1\n');
    const bytes = new Uint8Array(filler + rest.length);
    bytes.set(head); bytes.set(rest, filler);
    expect(bytes.subarray(2 ** 24 - 1, 2 ** 24 + 1)).toEqual(new TextEncoder().encode('é'));
    const v = await loadWordVectors((async function* () { yield bytes; })(), { wordIndex: { é: 1, z: 2 } }, { dim: 1 });
    expect({ weights: Array.from(v.weights), found: v.found }).toEqual({ weights: [0, 1, 0], found: 1 });
  });
});

describe('a file past the longest string', () => {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bilstm-long-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('loadTextFolder: a ValueError naming the file (a sparse file of 2^29 zero bytes, no disk used)', async () => {
    mkdirSync(join(dir, 'neg')); mkdirSync(join(dir, 'pos'));
    writeFileSync(join(dir, 'neg', 'a.txt'), 'fine');
    const big = join(dir, 'pos', 'big.txt');
    writeFileSync(big, '');
    truncateSync(big, 2 ** 29); // 2^29 NUL bytes decode to 2^29 characters, 24 past the limit
    const e = await thrown(() => loadTextFolder(dir));
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toBe(`loadTextFolder: expected the file ${JSON.stringify(`${dir}/pos/big.txt`)} to hold at most ${LIMIT} characters (2^29 - 24, the longest string in V8), got a longer text (${2 ** 29} bytes).`);
  });
});
