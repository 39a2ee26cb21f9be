// Byte sources: a file's bytes from a path, URL, Request, Response, bytes, Blob, ReadableStream or async iterable,
// read as chunks with progress and abort; ByteReader gives "the next N bytes" across chunk borders.
import { CheckpointError, ConfigError, StateError } from '../errors.js';
import { abortable, describeValue, nodeFs } from './common.js';

/** Bytes per chunk read from a path or a Blob, or sliced from bytes. */
export const CHUNK_BYTES = 4 * 2 ** 20;
/** The most one read may hold in one array: wasm32's 4 GiB, more than any model here can use. */
export const MAX_READ_BYTES = 2 ** 32;

export interface SourceOptions {
  /** Fraction of the bytes read so far, increasing, the last call exactly 1 (only that one when the size is unknown). */
  onProgress?: (fraction: number) => void;
  /** Aborting stops reading, cancels the stream or closes the file, and rejects with signal.reason (as fetch does). */
  signal?: AbortSignal;
}

export interface ByteSource {
  /** Total bytes when known (path, bytes, Blob, Response with Content-Length), else null. */
  readonly size: number | null;
  /** chunks() may be called again and read() exists (path, bytes, Blob). */
  readonly rereadable: boolean;
  /** The bytes in order. Each chunk is valid only until the next is requested: copy what you keep. Stopping early
   *  (break, return()) cancels the stream or closes the file. */
  chunks(): AsyncIterable<Uint8Array>;
  /** length bytes from offset, in a new array the caller owns (rereadable sources only). */
  read?(offset: number, length: number): Promise<Uint8Array>;
}

/** One pass over a source: next() as an iterator's; close() once, with ended false when stopped early or failed. */
interface Pass {
  next(): Promise<IteratorResult<unknown>>;
  close(ended: boolean, reason: unknown): Promise<void> | void;
}

const DONE: IteratorResult<never> = { done: true, value: undefined };
const noop = () => {};

/**
 * Opens a source of bytes for `where` (the public function, e.g. 'loadModel', named in errors). A URL or Request is
 * fetched here, so a bad status fails now; a path is stat'ed here and opened by each chunks() or read().
 */
export async function openSource(source: unknown, where: string, opts: SourceOptions = {}): Promise<ByteSource> {
  const { onProgress, signal } = opts;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ConfigError(`${where}: expected onProgress to be a function, got ${describeValue(onProgress)}.`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigError(`${where}: expected signal to be an AbortSignal, got ${describeValue(signal)}.`);
  }
  signal?.throwIfAborted();
  if (typeof source === 'string') return pathSource(source, JSON.stringify(source), where, opts);
  if (source instanceof URL && source.protocol === 'file:') return pathSource(source, source.href, where, opts);
  if (source instanceof URL || (typeof Request !== 'undefined' && source instanceof Request)) {
    return responseSource(await fetchOk(source, where, signal), where, opts);
  }
  if (typeof Response !== 'undefined' && source instanceof Response) return responseSource(source, where, opts);
  // a plain view even of a Node Buffer (whose slice() shares memory instead of copying)
  if (source instanceof Uint8Array) return bytesSource(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), where, opts);
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return bytesSource(new Uint8Array(source), where, opts);
  }
  if (ArrayBuffer.isView(source)) return bytesSource(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), where, opts);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return blobSource(source, where, opts);
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) return streamSource(source, null, 'the stream', where, opts);
  if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    return iterableSource(source as AsyncIterable<unknown>, where, opts);
  }
  throw new ConfigError(`${where}: expected a path, URL, Request, Response, Uint8Array, ArrayBuffer, Blob, ReadableStream or async iterable of Uint8Array, got ${describeValue(source)}.`);
}

/** A ByteSource over passes made by open(); progress, abort, chunk types and the total size are checked here. */
function makeSource(where: string, opts: SourceOptions, size: number | null, label: string, open: () => Promise<Pass> | Pass,
  read?: (offset: number, length: number) => Promise<Uint8Array>): ByteSource {
  let passes = 0;
  return {
    size,
    rereadable: read !== undefined,
    chunks() {
      if (!read && passes > 0) throw new StateError(`${where}: expected chunks() once on ${label}, which can be read only once, got a second call.`);
      passes++;
      return metered(where, opts, size, label, open);
    },
    read: read && (async (offset: number, length: number) => {
      opts.signal?.throwIfAborted();
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new ConfigError(`${where}: expected read(offset, length) with non-negative integers, got read(${offset}, ${length}).`);
      }
      const got = await read(offset, length);
      if (got.length !== length) {
        throw new CheckpointError(`${where}: expected ${length} bytes at offset ${offset} of ${label}, got ${got.length} (it has ${size} bytes).`);
      }
      return got;
    }),
  };
}

async function* metered(where: string, { onProgress, signal }: SourceOptions, size: number | null, label: string,
  open: () => Promise<Pass> | Pass): AsyncGenerator<Uint8Array> {
  signal?.throwIfAborted();
  const pass = await open();
  let received = 0, reported = 0, index = 0, ended = false;
  try {
    for (;; index++) {
      signal?.throwIfAborted(); // before asking for more: no read starts after an abort
      const r = await abortable(pass.next(), signal);
      if (r.done) break;
      const chunk = r.value;
      if (!(chunk instanceof Uint8Array)) {
        throw new CheckpointError(`${where}: expected each chunk of ${label} to be a Uint8Array, got ${describeValue(chunk)} (chunk ${index}).`);
      }
      received += chunk.length;
      if (size !== null) {
        if (received > size) throw new CheckpointError(`${where}: expected ${size} bytes from ${label}, got more.`);
        // Strictly below 1 here: exactly 1 is reported once, after the end has been seen.
        if (onProgress && received < size && received / size > reported) onProgress(reported = received / size);
      }
      if (chunk.length > 0) yield chunk;
    }
    ended = true;
  } finally {
    await pass.close(ended, signal?.aborted ? signal.reason : undefined);
  }
  if (size !== null && received !== size) throw new CheckpointError(`${where}: expected ${size} bytes from ${label}, got ${received}.`);
  onProgress?.(1);
}

function bytesSource(bytes: Uint8Array, where: string, opts: SourceOptions): ByteSource {
  const open = (): Pass => {
    let at = 0;
    return {
      next: async () => {
        if (at >= bytes.length) return DONE;
        const chunk = bytes.subarray(at, at + CHUNK_BYTES);
        at += chunk.length;
        return { done: false, value: chunk };
      },
      close: noop,
    };
  };
  return makeSource(where, opts, bytes.length, 'the bytes', open, async (o, l) => bytes.slice(o, o + l));
}

function blobSource(blob: Blob, where: string, opts: SourceOptions): ByteSource {
  const slice = async (o: number, l: number) => new Uint8Array(await blob.slice(o, o + l).arrayBuffer());
  const open = (): Pass => {
    let at = 0;
    return {
      next: async () => {
        if (at >= blob.size) return DONE;
        const chunk = await slice(at, CHUNK_BYTES);
        at += CHUNK_BYTES;
        return { done: false, value: chunk };
      },
      close: noop,
    };
  };
  return makeSource(where, opts, blob.size, 'the Blob', open, slice);
}

async function pathSource(path: string | URL, label: string, where: string, opts: SourceOptions): Promise<ByteSource> {
  const fs = await nodeFs();
  if (!fs) {
    throw new ConfigError(`${where}: expected bytes, a Response or a stream in this runtime, which has no file system, got the path ${label}. Pass the file's bytes, a Response or a ReadableStream instead.`);
  }
  const failed = (e: unknown) => new CheckpointError(`${where}: expected a readable file at ${label}, got ${(e as Error)?.message ?? e}.`);
  const st = await fs.stat(path).catch((e) => { throw failed(e); });
  if (!st.isFile()) throw new CheckpointError(`${where}: expected a file at ${label}, got a directory or other non-file.`);
  opts.signal?.throwIfAborted();
  const size = st.size;
  const open = async (): Promise<Pass> => {
    const fh = await fs.open(path, 'r').catch((e) => { throw failed(e); });
    const buf = new Uint8Array(Math.max(1, Math.min(size, CHUNK_BYTES))); // reused: a chunk lives until the next
    let pos = 0;
    return {
      next: async () => {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        pos += bytesRead;
        return bytesRead > 0 ? { done: false, value: buf.subarray(0, bytesRead) } : DONE;
      },
      close: () => fh.close(),
    };
  };
  const read = async (offset: number, length: number) => {
    const fh = await fs.open(path, 'r').catch((e) => { throw failed(e); });
    try {
      const out = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(out, got, length - got, offset + got);
        if (bytesRead === 0) break; // the end of the file: makeSource reports the shortfall
        got += bytesRead;
      }
      return got < length ? out.subarray(0, got) : out;
    } finally {
      await fh.close();
    }
  };
  return makeSource(where, opts, size, `the file ${label}`, open, read);
}

async function fetchOk(req: URL | Request, where: string, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(req, { signal });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    const cause = (e as { cause?: { message?: string } })?.cause?.message;
    const url = req instanceof URL ? req.href : req.url;
    throw new CheckpointError(`${where}: expected a response from ${url}, got a network error (${(e as Error)?.message ?? e}${cause ? `: ${cause}` : ''}).`);
  }
}

function responseSource(res: Response, where: string, opts: SourceOptions): ByteSource {
  const label = res.url || 'the Response';
  if (!res.ok) {
    res.body?.cancel().catch(noop); // frees the connection
    throw new CheckpointError(`${where}: expected a successful response from ${label}, got status ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
  }
  if (res.bodyUsed) throw new ConfigError(`${where}: expected a Response with an unread body, got one already read.`);
  // Content-Length counts the encoded bytes; a gzip or br body arrives decoded, so its size is unknown.
  const length = res.headers.get('content-length');
  const encoding = res.headers.get('content-encoding');
  const size = length !== null && /^\s*\d+\s*$/.test(length) && (!encoding || encoding === 'identity') ? Number(length) : null;
  return streamSource(res.body ?? new ReadableStream({ start: (c) => c.close() }), size, label, where, opts, true);
}

/** `network`: a Response's body, whose read errors (a dropped connection) become CheckpointErrors naming it; a
 *  caller's own stream's errors pass through as its own. */
function streamSource(stream: ReadableStream<unknown>, size: number | null, label: string, where: string, opts: SourceOptions, network = false): ByteSource {
  if (stream.locked) throw new ConfigError(`${where}: expected an unlocked ReadableStream, got one locked to a reader.`);
  const failed = (e: unknown): never => {
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw new CheckpointError(`${where}: expected the body of ${label}, got a read error (${(e as Error)?.message ?? e}${(e as { cause?: { message?: string } })?.cause?.message ? `: ${(e as { cause: { message: string } }).cause.message}` : ''}).`);
  };
  const open = (): Pass => {
    const reader = stream.getReader();
    return {
      next: () => (network ? (reader.read() as Promise<IteratorResult<unknown>>).catch(failed) : reader.read() as Promise<IteratorResult<unknown>>),
      // Not awaited: a source's cancel may take its time; the pending read (if any) resolves at once.
      close: (ended, reason) => { if (ended) reader.releaseLock(); else reader.cancel(reason).catch(noop); },
    };
  };
  return makeSource(where, opts, size, label, open);
}

function iterableSource(iterable: AsyncIterable<unknown>, where: string, opts: SourceOptions): ByteSource {
  const open = (): Pass => {
    const it = iterable[Symbol.asyncIterator]();
    return {
      next: () => it.next(),
      close: (ended) => {
        if (ended) return;
        // Not awaited: an async generator's return() waits for its pending next(), which may never come.
        try { Promise.resolve(it.return?.()).catch(noop); } catch { /* a throwing return() changes nothing here */ }
      },
    };
  };
  return makeSource(where, opts, null, 'the async iterable', open);
}

/** Reads chunks as "the next N bytes", across chunk borders. An early end is a CheckpointError naming both counts. */
export class ByteReader {
  /** Bytes consumed so far. */
  offset = 0;
  private readonly it: AsyncIterator<Uint8Array>;
  private cur: Uint8Array = new Uint8Array(0);
  private at = 0;
  private ended = false;

  constructor(chunks: AsyncIterable<Uint8Array>, private readonly where: string) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  /** Exactly n bytes, in a new array the caller owns. `what` names them in errors ('the header'). */
  async readExactly(n: number, what?: string): Promise<Uint8Array> {
    // a size declared in a file, checked before allocating (a crafted one would be a RangeError or exhaust memory)
    if (!(n <= MAX_READ_BYTES)) throw new CheckpointError(`${this.where}: expected ${what ?? 'a part of the file'} to declare at most ${MAX_READ_BYTES} bytes (4 GiB, the Wasm memory), got ${n} bytes at offset ${this.offset}.`);
    const out = new Uint8Array(n);
    let got = 0;
    for await (const piece of this.pieces(n, what)) {
      out.set(piece, got);
      got += piece.length;
    }
    return out;
  }

  /** The next n bytes as views, each valid until the next is requested: to copy a large payload straight to its place. */
  async *pieces(n: number, what?: string): AsyncGenerator<Uint8Array> {
    const start = this.offset;
    for (let left = n; left > 0;) {
      if (!(await this.fill())) {
        throw new CheckpointError(`${this.where}: expected ${n} bytes${what ? ` of ${what}` : ''} at offset ${start}, got ${n - left} (the input ended).`);
      }
      const take = Math.min(left, this.cur.length - this.at);
      const piece = this.cur.subarray(this.at, this.at + take);
      this.at += take;
      this.offset += take;
      left -= take;
      yield piece;
    }
  }

  /** True when every byte has been consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Stops early: the source underneath is cancelled or closed. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.it.return?.();
  }

  /** At least one unconsumed byte in cur, unless the input has ended. */
  private async fill(): Promise<boolean> {
    while (this.at >= this.cur.length) {
      if (this.ended) return false;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      this.cur = r.value;
      this.at = 0;
    }
    return true;
  }
}
