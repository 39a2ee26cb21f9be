// The bilstm-attn model file as bytes, knowing nothing of models: magic, format version, a JSON header with its own
// checksum, a payload of 16-byte-aligned little-endian tensors listed in the header, and a checksum of every byte
// before it (xxHash64, computed in Wasm). Also names foreign files (Keras, TF.js, safetensors, ONNX) by their bytes.
import { CheckpointError, ValueError } from '../errors.js';
import { Checksum } from '../core/checksum.js';
import { ByteReader, type ByteSource } from './sources.js';
import type { ByteSink } from './sinks.js';

/** "\x89BILSTM\n": the first byte is not ASCII (a text transfer mangles it), the last catches CR/LF conversion. */
export const MAGIC = Uint8Array.of(0x89, 0x42, 0x49, 0x4c, 0x53, 0x54, 0x4d, 0x0a);
/** The format this code writes, and the newest it reads (every older one keeps loading). */
export const FORMAT_VERSION = 1;
/** magic 8 | version u32 | header length u32 | header xxHash64 8. */
export const PREFIX_BYTES = 24;
export const ALIGN = 16;
/** A header past this is not one we wrote (the reference model's is ~10 KB). */
export const MAX_HEADER_BYTES = 64 * 2 ** 20;
/** A payload past this cannot come from a wasm32 model (its weights and optimizer state share 4 GiB). */
export const MAX_PAYLOAD_BYTES = 2 ** 32;

export type Dtype = 'float32' | 'float16';
export const DTYPE_BYTES: Record<Dtype, number> = { float32: 4, float16: 2 };

/** A tensor of the payload: its bytes sit at payload start + offset. */
export interface TensorEntry { name: string; shape: number[]; dtype: Dtype; offset: number; bytes: number }

/** The header's fields this layer owns; the rest (architecture, optimizer, metadata ...) belongs to the caller. */
export interface FileHeader {
  format: 'bilstm-attn';
  formatVersion: number;
  payloadBytes: number;
  tensors: TensorEntry[];
  [field: string]: unknown;
}

/** A tensor to write: its bytes come from chunks(), in order, bytes in all; each chunk is used before the next is asked
 *  for, so a chunk source may reuse one buffer. */
export interface TensorOut { name: string; shape: number[]; dtype: Dtype; chunks(): Iterable<Uint8Array> | AsyncIterable<Uint8Array> }

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Byte offsets of the tensors in the payload, each aligned, in the order given. */
export function layoutTensors(tensors: { name: string; shape: number[]; dtype: Dtype }[]): { entries: TensorEntry[]; payloadBytes: number } {
  let at = 0;
  const entries = tensors.map((t) => {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    const e = { name: t.name, shape: t.shape.slice(), dtype: t.dtype, offset: at, bytes };
    at = align(at + bytes);
    return e;
  });
  return { entries, payloadBytes: at };
}

/** The bytes before the payload: prefix, header JSON, zero padding to a 16-byte boundary. */
export function encodeHeader(header: FileHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  // what the reader takes (a bigger header would make a file loadModel refuses)
  if (json.length > MAX_HEADER_BYTES) {
    throw new ValueError(`save: expected the header (architecture, compile config, metadata) to be at most ${MAX_HEADER_BYTES / 2 ** 20} MiB, got ${json.length} bytes. Keep large data out of metadata.userDefinedMetadata.`);
  }
  const out = new Uint8Array(align(PREFIX_BYTES + json.length));
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, header.formatVersion, true);
  dv.setUint32(12, json.length, true);
  out.set(new Checksum().update(json).digest(), 16);
  out.set(json, PREFIX_BYTES);
  return out;
}

/** The file's plan: its header (format, version, payload size and manifest added to the fields), the bytes before the
 *  payload (the header encoded once, so what was checked is what is written), and the file's size. */
export interface FilePlan { header: FileHeader; head: Uint8Array; bytes: number }

export function planModelFile(fields: Record<string, unknown>, tensors: { name: string; shape: number[]; dtype: Dtype }[]): FilePlan {
  const { entries, payloadBytes } = layoutTensors(tensors);
  const header: FileHeader = { format: 'bilstm-attn', formatVersion: FORMAT_VERSION, ...fields, payloadBytes, tensors: entries };
  const head = encodeHeader(header);
  return { header, head, bytes: head.length + payloadBytes + 8 };
}

/**
 * Writes a whole file to sink: the planned header, the payload (each tensor's chunks in the header's order, zero
 * padding between), the checksum. A chunk source that yields the wrong number of bytes, or any failure, aborts the sink.
 */
export async function writeModelFile(sink: ByteSink, plan: FilePlan, tensors: TensorOut[], where: string): Promise<Uint8Array | undefined> {
  try {
    const { header, head } = plan;
    const entries = header.tensors;
    if (tensors.length !== entries.length || tensors.some((t, i) => t.name !== entries[i].name)) {
      throw new CheckpointError(`${where}: expected the ${entries.length} tensors the header lists, got ${tensors.length} (${tensors.slice(0, 3).map((t) => t.name).join(', ')}${tensors.length > 3 ? ', ...' : ''}): an internal error, please report it.`);
    }
    const sum = new Checksum();
    const put = async (b: Uint8Array) => { sum.update(b); await sink.write(b); };
    await put(head);
    let at = 0;
    for (let i = 0; i < tensors.length; i++) {
      if (entries[i].offset > at) await put(new Uint8Array(entries[i].offset - at));
      let n = 0;
      for await (const c of tensors[i].chunks()) { n += c.length; await put(c); }
      if (n !== entries[i].bytes) throw new CheckpointError(`${where}: expected ${entries[i].bytes} bytes of ${entries[i].name}, got ${n}.`);
      at = entries[i].offset + n;
    }
    if (header.payloadBytes > at) await put(new Uint8Array(header.payloadBytes - at));
    await sink.write(sum.digest());
    return await sink.close();
  } catch (e) {
    await sink.abort(e).catch(() => {});
    throw e;
  }
}

/** What a file that is not ours looks like, from its first bytes, and which function reads it; null when unknown. */
export function foreignKind(head: Uint8Array, total: number | null): string | null {
  const starts = (...b: number[]) => b.every((v, i) => head[i] === v);
  if (head.length === 0) return 'an empty file (0 bytes)';
  if (starts(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a)) return 'an HDF5 file (a Keras .h5 model? loadKerasModel reads it)';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'a zip archive (a Keras .keras model? loadKerasModel reads it)';
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b) return 'a JSON text (a TF.js model.json? loadTfjsModel reads it)';
  if (head.length >= 9 && head[8] === 0x7b) {
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (n > 1n && (total === null || n + 8n <= BigInt(total))) return 'a safetensors file (PyTorch weights? loadTorchWeights reads them into a model)';
  }
  if (head[0] === 0x08 && head.length > 2 && head[1] > 0 && head[1] < 20) return 'a protobuf message (an ONNX model? bilstm-attn writes ONNX with exportOnnx but does not read it)';
  return null;
}

/** An open file: its header (checked), then its tensors, streamed once; the checksum is checked at the end. */
export class ModelFileReader {
  private constructor(
    readonly header: FileHeader,
    private readonly reader: ByteReader,
    private readonly sum: Checksum,
    private readonly where: string,
  ) {}

  /** Reads and checks everything before the payload. A foreign or corrupt file is a CheckpointError saying what it is. */
  static async open(source: ByteSource, where: string): Promise<ModelFileReader> {
    const reader = new ByteReader(source.chunks(), where);
    try {
      const sum = new Checksum();
      const head = await readUpTo(reader, PREFIX_BYTES);
      sum.update(head);
      if (head.length < MAGIC.length && head.length > 0 && head.every((b, i) => b === MAGIC[i])) {
        throw new CheckpointError(`${where}: expected ${PREFIX_BYTES} bytes of file prefix, got ${head.length} (the file is truncated).`);
      }
      if (head.length < MAGIC.length || !MAGIC.every((b, i) => head[i] === b)) {
        const kind = foreignKind(head, source.size);
        const shown = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
        throw new CheckpointError(`${where}: expected a bilstm-attn model file (starting 89 42 49 4c 53 54 4d 0a, "\\x89BILSTM\\n"), got ${kind ?? `a file starting ${shown || '(nothing)'}`}.`);
      }
      if (head.length < PREFIX_BYTES) throw new CheckpointError(`${where}: expected ${PREFIX_BYTES} bytes of file prefix, got ${head.length} (the file is truncated).`);
      const dv = new DataView(head.buffer, head.byteOffset, head.length);
      const version = dv.getUint32(8, true);
      if (version === 0 || version > FORMAT_VERSION) {
        throw new CheckpointError(`${where}: expected a model file of format version ${FORMAT_VERSION === 1 ? '1' : `1 to ${FORMAT_VERSION}`}, got version ${version}${version > FORMAT_VERSION ? ', written by a newer bilstm-attn: upgrade the package to read it' : ''}.`);
      }
      const n = dv.getUint32(12, true);
      if (n < 2 || n > MAX_HEADER_BYTES) throw new CheckpointError(`${where}: expected a header of 2 bytes to ${MAX_HEADER_BYTES / 2 ** 20} MiB, got a header length of ${n} bytes.`);
      // a source of known size must hold the header (and, below, the payload): a truncated file fails before anything is built
      if (source.size !== null && source.size < PREFIX_BYTES + n + 8) {
        throw new CheckpointError(`${where}: expected at least ${PREFIX_BYTES + n + 8} bytes (a header of ${n} bytes and the checksum), got a file of ${source.size} (it is truncated).`);
      }
      const json = await reader.readExactly(n, 'the header');
      sum.update(json);
      const want = head.subarray(16, 24);
      const got = new Checksum().update(json).digest();
      if (!got.every((b, i) => b === want[i])) throw new CheckpointError(`${where}: expected the header's checksum ${hex(want)}, got ${hex(got)}: the header is corrupt.`);
      let header: unknown;
      try { header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json)); } catch (e) {
        throw new CheckpointError(`${where}: expected the header to be UTF-8 JSON, got text that does not parse (${(e as Error).message}).`);
      }
      checkHeader(header, version, where);
      const total = align(PREFIX_BYTES + n) + header.payloadBytes + 8;
      if (source.size !== null && source.size !== total) {
        throw new CheckpointError(`${where}: expected a file of ${total} bytes (as its header says), got ${source.size}${source.size < total ? ' (it is truncated)' : ''}.`);
      }
      const pad = align(PREFIX_BYTES + n) - (PREFIX_BYTES + n);
      if (pad) sum.update(await reader.readExactly(pad, 'the header padding'));
      return new ModelFileReader(header, reader, sum, where);
    } catch (e) {
      await reader.close();
      throw e;
    }
  }

  /**
   * Streams the payload: for each tensor, consume(entry, index) gives a function that receives its bytes as pieces
   * (views valid only during the call) with their offset in the tensor. Then checks the checksum and that nothing
   * follows it. Throws a CheckpointError on a truncated or corrupt file (after the pieces were delivered: the caller
   * must drop what it built).
   */
  async readTensors(consume: (e: TensorEntry, i: number) => (piece: Uint8Array, offset: number) => void): Promise<void> {
    const { reader, sum, where } = this;
    try {
      let at = 0;
      const skip = async (to: number) => {
        for await (const p of reader.pieces(to - at, 'the payload')) sum.update(p);
        at = to;
      };
      for (let i = 0; i < this.header.tensors.length; i++) {
        const e = this.header.tensors[i];
        await skip(e.offset);
        const sink = consume(e, i);
        let off = 0;
        for await (const p of reader.pieces(e.bytes, `tensor ${e.name}`)) { sum.update(p); sink(p, off); off += p.length; }
        at += e.bytes;
      }
      await skip(this.header.payloadBytes);
      const want = await reader.readExactly(8, 'the checksum');
      const got = sum.digest();
      if (!got.every((b, i) => b === want[i])) {
        throw new CheckpointError(`${where}: expected the file's checksum ${hex(want)}, got ${hex(got)} over its ${sum.length} bytes: the file is corrupt.`);
      }
      if (!(await reader.atEnd())) throw new CheckpointError(`${where}: expected the file to end after its checksum at byte ${sum.length + 8}, got more bytes.`);
    } finally {
      await reader.close();
    }
  }

  /** Stops reading (closes the file or cancels the stream). */
  async close(): Promise<void> { await this.reader.close(); }
}

/** Up to n bytes: fewer only when the input ends first. */
async function readUpTo(reader: ByteReader, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n && !(await reader.atEnd())) {
    for await (const p of reader.pieces(1)) out[got++] = p[0];
  }
  return out.subarray(0, got);
}

function hex(b: Uint8Array): string {
  return Array.from(b).reverse().map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** A description of what was found, shown as it is (not as JSON). */
class Said { constructor(readonly text: string) {} }

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The container's part of the header: format, payload size and a manifest whose tensors fit, in order, unshared. */
function checkHeader(h: unknown, version: number, where: string): asserts h is FileHeader {
  // got: the value found (shown as JSON), or a Said description
  const bad = (what: string, got: unknown) => new CheckpointError(`${where}: expected ${what} in the header, got ${got instanceof Said ? got.text : JSON.stringify(got)?.slice(0, 200)}.`);
  if (h === null || typeof h !== 'object' || Array.isArray(h)) throw bad('a JSON object', h);
  const o = h as Record<string, unknown>;
  if (o.format !== 'bilstm-attn') throw bad('format "bilstm-attn"', o.format);
  if (o.formatVersion !== version) throw bad(`formatVersion ${version} (as in the prefix)`, o.formatVersion);
  if (!isInt(o.payloadBytes) || o.payloadBytes > MAX_PAYLOAD_BYTES || o.payloadBytes % ALIGN !== 0) {
    throw bad(`payloadBytes, a multiple of ${ALIGN} up to 4 GiB`, o.payloadBytes);
  }
  if (!Array.isArray(o.tensors)) throw bad('a tensors array', o.tensors);
  let end = 0;
  const names = new Set<string>();
  o.tensors.forEach((t: unknown, i: number) => {
    const e = t as Record<string, unknown>;
    const label = `tensor ${i}${typeof e?.name === 'string' ? ` (${e.name})` : ''}`;
    if (e === null || typeof e !== 'object') throw bad(`${label} to be an object`, t);
    if (typeof e.name !== 'string' || e.name.length === 0) throw bad(`${label} to have a name`, e.name);
    if (names.has(e.name)) throw bad(`${label} to have a name of its own`, new Said(`a second tensor named ${e.name}`));
    names.add(e.name);
    if (e.dtype !== 'float32' && e.dtype !== 'float16') throw bad(`${label} dtype float32 or float16`, e.dtype);
    if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every(isInt)) throw bad(`${label} shape, up to 8 non-negative integers`, e.shape);
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (!isInt(e.bytes) || e.bytes !== count * DTYPE_BYTES[e.dtype]) throw bad(`${label} bytes = ${count} x ${DTYPE_BYTES[e.dtype as Dtype]} for shape [${e.shape}] ${e.dtype}`, e.bytes);
    if (!isInt(e.offset) || e.offset % ALIGN !== 0) throw bad(`${label} offset, a non-negative multiple of ${ALIGN}`, e.offset);
    if (e.offset < end) throw bad(`${label} offset at or after ${end} (where the tensor before it ends)`, new Said(`${e.offset}, overlapping it`));
    if (e.offset + e.bytes > (o.payloadBytes as number)) throw bad(`${label} to end within the payload of ${o.payloadBytes} bytes`, new Said(`an end at ${e.offset + e.bytes}`));
    end = (e.offset as number) + e.bytes;
  });
}
