// loadCsv and its RFC 4180 parser: quoted fields (delimiters, doubled quotes, line breaks inside), BOM, CRLF, columns
// by name or index, rows split across chunks, and unreadable rows reported with the file and the line.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCsv, ValueError, ConfigError } from '../../src/index.js';
import { CsvParser, type CsvRow } from '../../src/data/load-csv.js';

let dir = '';
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bilstm-csv-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** All rows of `text` fed to a parser in pieces of `piece` characters. */
function parse(text: string, piece = text.length || 1): CsvRow[] {
  const rows: CsvRow[] = [];
  const p = new CsvParser('"t.csv"');
  for (let i = 0; i < text.length; i += piece) p.push(text.slice(i, i + piece), (r) => rows.push({ fields: r.fields.slice(), line: r.line }));
  p.end((r) => rows.push({ fields: r.fields.slice(), line: r.line }));
  return rows;
}

const TRICKY = 'a,b,c\r\n"x, y","say ""hi""",1\r\n"two\r\nlines",,"3"\n\nplain "q" mid,"",\r\nlast,row,end';
const TRICKY_ROWS: CsvRow[] = [
  { fields: ['a', 'b', 'c'], line: 1 },
  { fields: ['x, y', 'say "hi"', '1'], line: 2 },
  { fields: ['two\r\nlines', '', '3'], line: 3 },
  { fields: ['plain "q" mid', '', ''], line: 6 },
  { fields: ['last', 'row', 'end'], line: 7 },
];

describe('CsvParser', () => {
  it('parses quoted fields, doubled quotes, line breaks inside quotes, empty fields and blank lines, with start lines', () => {
    expect(parse(TRICKY)).toEqual(TRICKY_ROWS);
  });

  it('gives the same rows however the text is cut into pieces (CRLF and "" split across pieces)', () => {
    for (const piece of [1, 2, 3, 5, 7]) expect(parse(TRICKY, piece)).toEqual(TRICKY_ROWS);
  });

  it('takes LF, CRLF and lone CR line ends, and a last row without one', () => {
    expect(parse('a,b\nc,d\r\ne,f\rg,h').map((r) => [r.fields.join('|'), r.line])).toEqual([['a|b', 1], ['c|d', 2], ['e|f', 3], ['g|h', 4]]);
    expect(parse('a\n\n\n')).toEqual([{ fields: ['a'], line: 1 }]);
    expect(parse('""\n,')).toEqual([{ fields: [''], line: 1 }, { fields: ['', ''], line: 2 }]);
  });

  it('rejects text after a closing quote and an unterminated quote, naming the line', () => {
    expect(() => parse('a,b\nc,"d"x\n')).toThrow('loadCsv: expected a delimiter or the end of the line after the closing quote on line 2 of "t.csv", got "x".');
    expect(() => parse('a,b\n1,2\n3,"open\nstill\n')).toThrow('loadCsv: expected a closing quote for the field opened on line 3 of "t.csv", got the end of the file.');
  });
});

describe('loadCsv', () => {
  it('reads a file with a BOM and CRLF by column names; class names sorted, labels their indices', async () => {
    const p = file('named.csv', '\uFEFFid,text,label\r\n1,"Great, really ""great""",pos\r\n2,"bad\r\nvery bad",neg\r\n3,ok,neu\r\n4,fine,pos\r\n');
    const ds = await loadCsv(p, { textColumn: 'text', labelColumn: 'label' });
    expect(ds.texts).toEqual(['Great, really "great"', 'bad\r\nvery bad', 'ok', 'fine']);
    expect(ds.classNames).toEqual(['neg', 'neu', 'pos']);
    expect([...ds.labels]).toEqual([2, 0, 1, 2]);
  });

  it('reads columns by index, without a header, with another delimiter; UTF-8 text kept as written', async () => {
    const p = file('plain.tsv', 'spam\tWin £1000 now ☺\nham\t  café  \n');
    const ds = await loadCsv(p, { textColumn: 1, labelColumn: 0, header: false, delimiter: '\t' });
    expect(ds.texts).toEqual(['Win £1000 now ☺', '  café  ']);
    expect(ds.classNames).toEqual(['ham', 'spam']);
    expect([...ds.labels]).toEqual([1, 0]);
    // bytes work as well as a path
    const again = await loadCsv(new TextEncoder().encode('t,l\nx,a\n'), { textColumn: 't', labelColumn: 'l' });
    expect(again.texts).toEqual(['x']);
  });

  it('names the file and the line of a row with the wrong field count or an empty label', async () => {
    const short = file('short.csv', 'text,label\n"a\nb",x\nc\n');
    await expect(loadCsv(short, { textColumn: 'text', labelColumn: 'label' })).rejects.toThrow(new ValueError(`loadCsv: expected 2 fields on line 4 of ${JSON.stringify(short)}, got 1.`));
    const empty = file('empty-label.csv', 'text,label\nfine,x\n\nbad,\n');
    await expect(loadCsv(empty, { textColumn: 'text', labelColumn: 'label' })).rejects.toThrow(`loadCsv: expected a label on line 4 of ${JSON.stringify(empty)}, got an empty field.`);
    const open = file('open.csv', 'text,label\nok,x\n"never closed,y\n');
    await expect(loadCsv(open, { textColumn: 'text', labelColumn: 'label' })).rejects.toThrow(`field opened on line 3 of ${JSON.stringify(open)}`);
  });

  it('rejects unknown columns and bad options', async () => {
    const p = file('cols.csv', 'a,b\n1,2\n');
    await expect(loadCsv(p, { textColumn: 'text', labelColumn: 'b' })).rejects.toThrow('loadCsv: expected a column named "text" in the header (line 1) of');
    await expect(loadCsv(p, { textColumn: 0, labelColumn: 2 })).rejects.toThrow('loadCsv: expected column 2 to exist in');
    await expect(loadCsv(p, { textColumn: 'a', labelColumn: 'b', header: false })).rejects.toThrow(ConfigError);
    await expect(loadCsv(p, { textColumn: 0, labelColumn: 1, delimiter: ';;' })).rejects.toThrow(ConfigError);
    await expect(loadCsv(file('none.csv', ''), { textColumn: 0, labelColumn: 1 })).rejects.toThrow('got an empty file');
  });
});
