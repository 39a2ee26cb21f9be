// loadCsv: the user's labelled texts from a CSV file (RFC 4180 quoting, BOM, CRLF), streamed through a small parser
// that knows the line each row starts on, so an unreadable row is reported by file and line.
import { ConfigError, ValueError, describeValue, checkOptionKeys } from '../errors.js';
import { openSource, type SourceOptions } from '../io/sources.js';
import type { TextDataset } from './text-dataset.js';
import { MAX_TEXT_LENGTH, decodeChunk } from './text-decode.js';

export interface LoadCsvOptions extends SourceOptions {
  /** The column of the texts: a header name, or a 0-based index. */
  textColumn: string | number;
  /** The column of the labels (class names, any strings): a header name, or a 0-based index. */
  labelColumn: string | number;
  /** One character between fields. Default ','. */
  delimiter?: string;
  /** The first row names the columns. Default true; columns must be indices when false. */
  header?: boolean;
}

/** A parsed row: its fields and the line (1-based) it starts on. */
export interface CsvRow {
  fields: string[];
  line: number;
}

const QUOTE = 34, CR = 13, LF = 10;

/**
 * An RFC 4180 parser fed with text in pieces (a row may span pieces): fields split by `delimiter`, rows by CRLF, LF or
 * CR; a field that starts with '"' is quoted (delimiters and line breaks inside are kept, '""' is one '"'); a '"'
 * inside an unquoted field is kept as it is. Blank lines are skipped. Errors (text after a closing quote, an
 * unterminated quote, a field longer than MAX_TEXT_LENGTH) are ValueErrors naming `label` and the line.
 */
export class CsvParser {
  private fields: string[] = [];
  private field = '';
  private quoted = false; // inside a quoted field
  private closed = false; // a quoted field's closing quote was seen
  private fieldStarted = false; // the row is not blank though `field` may be '' (after a delimiter or an opening quote)
  private pendingCR = false; // the last character was a CR: an LF right after belongs to the same line break
  private line = 1; // the physical line of the next character
  private rowLine = 1; // the line the current row starts on
  private quoteLine = 1; // the line of the opening quote of the current quoted field
  private readonly delim: number;

  constructor(private readonly label: string, delimiter = ',', private readonly where = 'loadCsv') {
    this.delim = delimiter.charCodeAt(0);
  }

  /** Parses `text` and calls `onRow` for each row it completes. */
  push(text: string, onRow: (row: CsvRow) => void): void {
    let seg = 0; // start of the run of plain characters not yet added to `field`
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === LF) {
          if (this.quoted) continue; // part of a CRLF inside quotes: already counted, kept by the run
          seg = i + 1;
          continue;
        }
      }
      if (this.quoted) {
        if (c === QUOTE) {
          this.grow(text.slice(seg, i));
          seg = i + 1;
          this.quoted = false;
          this.closed = true;
        } else if (c === CR || c === LF) {
          this.line++;
          if (c === CR) this.pendingCR = true;
        }
        continue;
      }
      if (this.closed) {
        if (c === QUOTE) { // '""' inside a quoted field: one '"', and the field goes on
          this.closed = false;
          this.quoted = true;
          this.grow('"');
          seg = i + 1;
          continue;
        }
        if (c !== this.delim && c !== CR && c !== LF) {
          throw new ValueError(`${this.where}: expected a delimiter or the end of the line after the closing quote on line ${this.line} of ${this.label}, got ${JSON.stringify(text[i])}.`);
        }
        this.closed = false;
      }
      if (c === this.delim) {
        this.grow(text.slice(seg, i));
        this.fields.push(this.field);
        this.field = '';
        this.fieldStarted = true; // a delimiter makes the row non-blank, and the next field exists even if empty
        seg = i + 1;
      } else if (c === CR || c === LF) {
        this.grow(text.slice(seg, i));
        seg = i + 1;
        this.endRow(onRow);
        this.line++;
        this.rowLine = this.line;
        if (c === CR) this.pendingCR = true;
      } else if (c === QUOTE && this.field === '' && seg === i) { // a quote as the field's first character
        this.quoted = true;
        this.fieldStarted = true;
        this.quoteLine = this.line;
        seg = i + 1;
      }
    }
    this.grow(text.slice(seg));
  }

  /** Appends to the current field, refusing (before the string is built) a field past MAX_TEXT_LENGTH. */
  private grow(s: string): void {
    if (this.field.length + s.length > MAX_TEXT_LENGTH) {
      const hint = this.quoted ? ` (is the quote opened on line ${this.quoteLine} never closed?)` : '';
      throw new ValueError(`${this.where}: expected field ${this.fields.length + 1} of the row on line ${this.rowLine} of ${this.label} to be at most ${MAX_TEXT_LENGTH} characters (2^29 - 24, the longest string in V8), got a longer one${hint}.`);
    }
    this.field += s;
  }

  /** After the last piece: completes the last row (a file need not end with a line break). */
  end(onRow: (row: CsvRow) => void): void {
    if (this.quoted) throw new ValueError(`${this.where}: expected a closing quote for the field opened on line ${this.quoteLine} of ${this.label}, got the end of the file.`);
    this.closed = false;
    this.endRow(onRow);
  }

  private endRow(onRow: (row: CsvRow) => void): void {
    const blank = this.fields.length === 0 && this.field === '' && !this.fieldStarted;
    if (!blank) {
      this.fields.push(this.field);
      onRow({ fields: this.fields, line: this.rowLine });
    }
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
  }
}

/** Decodes UTF-8 chunks to text (a BOM at the start dropped, invalid bytes as U+FFFD) and feeds a CsvParser. */
export async function parseCsv(source: unknown, options: { delimiter?: string } & SourceOptions, label: string, where: string,
  onRow: (row: CsvRow) => void): Promise<void> {
  const parser = new CsvParser(label, options.delimiter ?? ',', where);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false }); // ignoreBOM false: the decoder drops a leading BOM
  const src = await openSource(source, where, options);
  const push = (text: string) => parser.push(text, onRow);
  for await (const chunk of src.chunks()) decodeChunk(decoder, chunk, push);
  parser.push(decoder.decode(), onRow);
  parser.end(onRow);
}

function checkColumn(v: unknown, name: string, header: boolean): void {
  if (typeof v === 'string' ? !header : !(Number.isInteger(v) && (v as number) >= 0)) {
    throw new ConfigError(`loadCsv: expected ${name} to be ${header ? 'a column name or a 0-based index' : 'a 0-based column index (header is false)'}, got ${describeValue(v)}.`);
  }
}

/**
 * Reads labelled texts from a CSV file (a path in Node, Deno and Bun; or a URL, Response, bytes, Blob or stream).
 * Every row must have as many fields as the first (the header when there is one). The class names are the distinct
 * labels, sorted (UTF-16 order); `labels[i]` indexes them. Texts and labels are kept as written (no trimming).
 * An unreadable row (wrong field count, an unterminated quote, text after a closing quote, an empty label) is a
 * ValueError naming the file and the line the row starts on.
 */
export async function loadCsv(source: unknown, options: LoadCsvOptions): Promise<TextDataset> {
  const where = 'loadCsv';
  if (options === null || typeof options !== 'object') throw new ConfigError(`${where}: expected options { textColumn, labelColumn }, got ${describeValue(options)}.`);
  checkOptionKeys(options, where, ['textColumn', 'labelColumn', 'delimiter', 'header', 'onProgress', 'signal']);
  const header = options.header ?? true;
  if (typeof header !== 'boolean') throw new ConfigError(`${where}: expected header to be true or false, got ${describeValue(header)}.`);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new ConfigError(`${where}: expected delimiter to be one character other than a quote or a line break, got ${describeValue(delimiter)}.`);
  }
  checkColumn(options.textColumn, 'textColumn', header);
  checkColumn(options.labelColumn, 'labelColumn', header);
  const label = typeof source === 'string' ? JSON.stringify(source) : source instanceof URL ? source.href : 'the CSV';

  let width = -1;
  let textAt = -1, labelAt = -1;
  const texts: string[] = [];
  const rawLabels: string[] = [];
  const resolve = (col: string | number, names: string[] | null, line: number): number => {
    if (typeof col === 'number') {
      if (col >= width) throw new ValueError(`${where}: expected column ${col} to exist in ${label}, got rows of ${width} field${width === 1 ? '' : 's'} (line ${line}).`);
      return col;
    }
    const at = names!.indexOf(col);
    if (at < 0) throw new ValueError(`${where}: expected a column named ${JSON.stringify(col)} in the header (line ${line}) of ${label}, got ${names!.map((s) => JSON.stringify(s)).join(', ')}.`);
    return at;
  };
  await parseCsv(source, { ...options, delimiter }, label, where, ({ fields, line }) => {
    if (width < 0) {
      width = fields.length;
      const names = header ? fields : null;
      textAt = resolve(options.textColumn, names, line);
      labelAt = resolve(options.labelColumn, names, line);
      if (header) return;
    }
    if (fields.length !== width) throw new ValueError(`${where}: expected ${width} field${width === 1 ? '' : 's'} on line ${line} of ${label}, got ${fields.length}.`);
    const lab = fields[labelAt]!;
    if (lab === '') throw new ValueError(`${where}: expected a label on line ${line} of ${label}, got an empty field.`);
    texts.push(fields[textAt]!);
    rawLabels.push(lab);
  });
  if (width < 0) throw new ValueError(`${where}: expected at least one row in ${label}, got an empty file.`);
  return indexLabels(texts, rawLabels);
}

/** Texts with string labels -> a TextDataset: class names sorted (UTF-16 order), labels their indices. */
export function indexLabels(texts: string[], rawLabels: string[]): TextDataset {
  const classNames = [...new Set(rawLabels)].sort();
  const id = new Map(classNames.map((c, i) => [c, i]));
  const labels = new Int32Array(rawLabels.length);
  for (let i = 0; i < rawLabels.length; i++) labels[i] = id.get(rawLabels[i]!)!;
  return { texts, labels, classNames };
}
