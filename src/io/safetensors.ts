// safetensors (the format PyTorch state_dicts are shared in), bytes only: an 8-byte little-endian header length N,
// N bytes of UTF-8 JSON { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { string: string } }
// (padded with spaces), then the tensors, raw little-endian and C-ordered, contiguous, offsets relative to byte 8 + N.
// Reading validates what huggingface/safetensors validates (offsets contiguous from 0 in offset order, each size
// prod(shape) x dtype size, the last end the end of the file); writing lays out the file as its Rust serializer does
// (tensors by dtype descending, then name; header compact JSON, __metadata__ first, spaces to a multiple of 8).
import { CheckpointError, fmtShape } from '../errors.js';
import { ByteReader, MAX_READ_BYTES, type ByteSource } from './sources.js';
import type { ByteSink } from './sinks.js';
import { f16ToF32 } from './float16.js';

/** Every dtype of the format, in the order of the Rust library's Dtype enum (its serializer sorts by it, descending). */
export const SAFETENSORS_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'] as const;
export type SafetensorsDtype = typeof SAFETENSORS_DTYPES[number];
const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
/** The dtypes read as float32 (F64 rounded to nearest; F16 and BF16 exactly). */
export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16', 'F64'];
/** The Rust library refuses larger headers. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Offsets into the data section (after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** The tensors in data order (by begin). */
  tensors: SafetensorsEntry[];
  metadata: Record<string, string> | null;
  /** Bytes before the data: 8 + the header length. */
  dataStart: number;
  /** Bytes of the data section. */
  dataBytes: number;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const q = (s: string) => JSON.stringify(s);

/** Parses and validates a header's JSON text (the bytes after the length). `fileBytes` (when known) must match. */
export function parseSafetensorsHeader(json: Uint8Array, fileBytes: number | null, where: string): SafetensorsHeader {
  let text: string;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(json); } catch {
    throw new CheckpointError(`${where}: expected the safetensors header to be UTF-8 JSON, got bytes that are not UTF-8.`);
  }
  if (text[0] !== '{') throw new CheckpointError(`${where}: expected the safetensors header to start with {, got ${q(text.slice(0, 20))}.`);
  let obj: unknown;
  try { obj = JSON.parse(text); } catch (e) {
    throw new CheckpointError(`${where}: expected the safetensors header to be JSON, got text that does not parse (${(e as Error).message}).`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new CheckpointError(`${where}: expected the safetensors header to be a JSON object, got ${Array.isArray(obj) ? 'an array' : String(obj)}.`);
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(obj as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        throw new CheckpointError(`${where}: expected __metadata__ in the safetensors header to map strings to strings, got ${JSON.stringify(info)?.slice(0, 80)}.`);
      }
      metadata = info as Record<string, string>;
      continue;
    }
    const at = `tensor ${q(name)}`;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new CheckpointError(`${where}: ${at}: expected { dtype, shape, data_offsets } in the header, got ${JSON.stringify(info)?.slice(0, 80)}.`);
    const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
      throw new CheckpointError(`${where}: ${at}: expected a dtype among ${SAFETENSORS_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}.`);
    }
    const isDim = (d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0;
    if (!Array.isArray(shape) || !shape.every(isDim)) throw new CheckpointError(`${where}: ${at}: expected a shape of non-negative integers, got ${JSON.stringify(shape)}.`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isDim) || off[0] > off[1]) {
      throw new CheckpointError(`${where}: ${at}: expected data_offsets [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}.`);
    }
    const bytes = numel(shape) * DTYPE_BYTES[dtype as SafetensorsDtype];
    if (!Number.isSafeInteger(bytes) || off[1] - off[0] !== bytes) {
      throw new CheckpointError(`${where}: ${at}: expected ${bytes} bytes for ${dtype} ${fmtShape(shape)}, got data_offsets [${off[0]}, ${off[1]}] (${off[1] - off[0]} bytes).`);
    }
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape: shape.slice(), begin: off[0], end: off[1] });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let end = 0;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t.begin !== end) {
      const after = i === 0 ? 'the start of the data' : `where ${q(tensors[i - 1].name)} ends`;
      throw new CheckpointError(`${where}: tensor ${q(t.name)}: expected data_offsets to begin at ${end} (${after}; tensors are contiguous in the data), got [${t.begin}, ${t.end}].`);
    }
    end = t.end;
  }
  const dataStart = 8 + json.length;
  if (fileBytes !== null && dataStart + end !== fileBytes) {
    throw new CheckpointError(`${where}: expected ${dataStart + end} bytes (8 + a ${json.length}-byte header + ${end} bytes of tensors), got a file of ${fileBytes} bytes${fileBytes < dataStart + end ? ' (truncated?)' : ''}.`);
  }
  return { tensors, metadata, dataStart, dataBytes: end };
}

/**
 * Reads a safetensors file: the header first, then select(header) names the tensors wanted (it may throw, before any
 * tensor is read), and those are read as float32 in one pass over the source. Every failure is a CheckpointError.
 */
export async function readSafetensors(src: ByteSource, where: string, select: (h: SafetensorsHeader) => Iterable<string>):
  Promise<{ header: SafetensorsHeader; values: Map<string, Float32Array> }> {
  const reader = new ByteReader(src.chunks(), where);
  let done = false;
  try {
    const len = await reader.readExactly(8, 'the safetensors header length');
    const dv = new DataView(len.buffer);
    const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
    const n = hi * 2 ** 32 + lo;
    if (n > MAX_HEADER_BYTES || n < 2) {
      const ours = len[0] === 0x89 && len[1] === 0x42;
      // torch.save writes a zip archive (PyTorch 1.6+) or, before, a pickle (protocol 2+ starts with 0x80)
      const zip = len[0] === 0x50 && len[1] === 0x4b && len[2] === 0x03 && len[3] === 0x04;
      const pickle = len[0] === 0x80 && len[1] >= 2 && len[1] <= 5;
      const got = ours ? 'a bilstm-attn model file (loadModel reads it)'
        : zip ? 'a zip archive, as torch.save writes (convert it: safetensors.torch.save_file(torch.load(path), \'m.safetensors\'); README, PyTorch)'
          : pickle ? 'a Python pickle, as an older torch.save writes (convert it: safetensors.torch.save_file(torch.load(path), \'m.safetensors\'); README, PyTorch)'
            : `a header length of ${n}`;
      throw new CheckpointError(`${where}: expected a safetensors file (a header length of 2 to ${MAX_HEADER_BYTES} bytes in its first 8 bytes), got ${got}.`);
    }
    if (src.size !== null && 8 + n > src.size) throw new CheckpointError(`${where}: expected a ${n}-byte safetensors header after the first 8 bytes, got a file of ${src.size} bytes.`);
    const header = parseSafetensorsHeader(await reader.readExactly(n, 'the safetensors header'), src.size, where);
    const wanted = new Set(select(header));
    const values = new Map<string, Float32Array>();
    for (const t of header.tensors) {
      const bytes = t.end - t.begin;
      if (!wanted.has(t.name)) {
        for await (const _ of reader.pieces(bytes, `tensor ${q(t.name)}`)) { /* skipped */ }
        continue;
      }
      if (!FLOAT_DTYPES.includes(t.dtype)) throw new CheckpointError(`${where}: tensor ${q(t.name)}: expected dtype ${FLOAT_DTYPES.join(', ')}, got ${t.dtype}.`);
      const f32 = numel(t.shape) * 4;
      if (Math.max(f32, bytes) > MAX_READ_BYTES) {
        throw new CheckpointError(`${where}: tensor ${q(t.name)}: expected at most ${MAX_READ_BYTES} bytes (4 GiB, the Wasm memory) as float32, got ${t.dtype} ${fmtShape(t.shape)}: ${f32} bytes.`);
      }
      const raw = await reader.readExactly(bytes, `tensor ${q(t.name)}`);
      if (t.dtype === 'F64') checkFloat32Range(raw, t.name, where);
      values.set(t.name, decode(raw, t.dtype));
    }
    if (!(await reader.atEnd())) throw new CheckpointError(`${where}: expected the file to end after its last tensor (byte ${header.dataStart + header.dataBytes}), got more bytes.`);
    done = true;
    return { header, values };
  } finally {
    if (!done) await reader.close().catch(() => {});
  }
}

/** An F64 tensor's finite values must round to a finite float32: the file's value named, not the Infinity it becomes. */
function checkFloat32Range(b: Uint8Array, name: string, where: string): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < b.length / 8; i++) {
    const v = dv.getFloat64(8 * i, true);
    if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
      throw new CheckpointError(`${where}: tensor ${q(name)}: expected F64 values float32 can hold (|v| < 3.4028235677973366e38), got ${v} at index ${i}.`);
    }
  }
}

/** Little-endian bytes of a float dtype as float32 (F64 rounded to nearest; the rest exactly). */
export function decode(b: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
  else if (dtype === 'BF16') {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = dv.getUint16(2 * i, true) << 16;
  } else if (dtype === 'F16') {
    const h = new Uint16Array(n);
    for (let i = 0; i < n; i++) h[i] = dv.getUint16(2 * i, true);
    f16ToF32(out, h);
  } else throw new CheckpointError(`safetensors: expected a float dtype (F32, F64, F16, BF16) to decode, got ${dtype}.`);
  return out;
}

/** A tensor to write: its little-endian bytes are asked for once, when their turn comes. */
export interface SafetensorsOut {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  bytes(): Uint8Array;
}

/** Rust's str ordering: by UTF-8 bytes, which is by code point (not JavaScript's UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!), y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The header (8-byte length + padded JSON) and the order tensors follow it in, as the Rust serializer lays them out. */
export function safetensorsLayout(tensors: readonly Omit<SafetensorsOut, 'bytes'>[], metadata: Record<string, string> | null = null):
  { head: Uint8Array; order: number[]; dataBytes: number } {
  const rank = (d: SafetensorsDtype) => SAFETENSORS_DTYPES.indexOf(d);
  const order = tensors.map((_, i) => i).sort((i, j) => rank(tensors[j].dtype) - rank(tensors[i].dtype) || byCodePoint(tensors[i].name, tensors[j].name));
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // a tensor may be named __proto__
  if (metadata) header.__metadata__ = metadata;
  let at = 0;
  for (const i of order) {
    const t = tensors[i];
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) throw new CheckpointError(`safetensors: expected distinct tensor names other than __metadata__, got ${q(t.name)} twice.`);
    const n = numel(t.shape) * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + n] };
    at += n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setUint32(0, padded, true);
  head.set(json, 8);
  return { head, order, dataBytes: at };
}

/** Writes a safetensors file into sink (not closed here), each tensor's bytes asked for in turn. */
export async function writeSafetensors(sink: ByteSink, tensors: readonly SafetensorsOut[], metadata: Record<string, string> | null = null): Promise<void> {
  const { head, order } = safetensorsLayout(tensors, metadata);
  await sink.write(head);
  for (const i of order) {
    const t = tensors[i];
    const b = t.bytes();
    const want = numel(t.shape) * DTYPE_BYTES[t.dtype];
    if (b.length !== want) throw new CheckpointError(`safetensors: tensor ${q(t.name)}: expected ${want} bytes for ${t.dtype} ${fmtShape(t.shape)}, got ${b.length}.`);
    await sink.write(b);
  }
}

/** Bytes of n elements of a dtype. */
export function dtypeBytes(dtype: SafetensorsDtype): number { return DTYPE_BYTES[dtype]; }
