// Byte sinks: where saved bytes go, a path (written beside it, renamed into place on close), a WritableStream, or memory.
import { ConfigError, MemoryError, StateError } from '../errors.js';
import { describeValue, fmtBytes, nodeFs } from './common.js';

/** The most bytes a sink in memory holds: past it, save to a path or a WritableStream. */
export const MEMORY_SINK_LIMIT = 2 ** 31;

export interface ByteSink {
  /** Writes chunk. Once the promise resolves the sink holds no reference to it: the caller may reuse its buffer.
   *  Await each write before the next. A failed write aborts the sink. */
  write(chunk: Uint8Array): Promise<void>;
  /** Finishes: the bytes for a sink in memory; undefined for a path (now in place) or a stream (now closed). */
  close(): Promise<Uint8Array | undefined>;
  /** Gives up: a path's temporary file is removed (a file already at the path stays as it was), a stream is aborted
   *  with reason. Does nothing after a successful close() or a failed write. */
  abort(reason?: unknown): Promise<void>;
}

export interface SinkOptions {
  /** The total bytes to be written, when known: memory is then allocated once, and an oversized total fails at once. */
  size?: number;
}

const noop = () => {};

/** Opens a sink for `where` (the public function, e.g. 'save', named in errors): a path, a WritableStream, or undefined for memory. */
export async function openSink(target: unknown, where: string, opts: SinkOptions = {}): Promise<ByteSink> {
  const { size } = opts;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new ConfigError(`${where}: expected size to be a non-negative integer, got ${describeValue(size)}.`);
  }
  if (target === undefined) return memorySink(where, MEMORY_SINK_LIMIT, size);
  if (typeof target === 'string') return pathSink(target, where);
  if (typeof WritableStream !== 'undefined' && target instanceof WritableStream) return streamSink(target, where);
  throw new ConfigError(`${where}: expected a path, a WritableStream or no target (to get the bytes), got ${describeValue(target)}.`);
}

/** A sink collecting bytes in one Uint8Array, refusing to grow past limit bytes. */
export function memorySink(where: string, limit = MEMORY_SINK_LIMIT, size?: number): ByteSink {
  const tooBig = (n: number, more: boolean) => new MemoryError(`${where}: expected at most ${fmtBytes(limit)} to hold in memory, got ${more ? 'at least ' : ''}${fmtBytes(n)}. Pass a path or a WritableStream as the target instead.`);
  if (size !== undefined && size > limit) throw tooBig(size, false);
  let buf = new Uint8Array(size ?? 64 * 1024);
  let length = 0;
  return guard(where, {
    async write(chunk) {
      const need = length + chunk.length;
      if (need > limit) throw tooBig(need, true);
      if (need > buf.length) {
        const grown = new Uint8Array(Math.min(limit, Math.max(need, 2 * buf.length)));
        grown.set(buf.subarray(0, length));
        buf = grown;
      }
      buf.set(chunk, length);
      length = need;
    },
    async close() {
      return length === buf.length ? buf : buf.slice(0, length);
    },
    async abort() {
      buf = new Uint8Array(0);
      length = 0;
    },
  });
}

/**
 * Makes the folder a file path names, and its parents, if missing (as Keras's ModelCheckpoint does before saving); no
 * folder part, or a runtime without a file system: nothing to do. A failure is a ConfigError naming the folder.
 */
export async function makeParentFolder(path: string, where: string): Promise<void> {
  // '\\' separates folders on Windows only: elsewhere it is a character a file name may hold
  const windows = (globalThis as { process?: { platform?: string } }).process?.platform === 'win32';
  const cut = windows ? Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) : path.lastIndexOf('/');
  if (cut <= 0) return;
  const fs = await nodeFs();
  if (!fs) return;
  const dir = path.slice(0, cut);
  await fs.mkdir(dir, { recursive: true }).catch((e: Error) => {
    throw new ConfigError(`${where}: expected a folder for ${JSON.stringify(path)}, got none that could be made at ${JSON.stringify(dir)} (${e?.message ?? e}).`);
  });
}

async function pathSink(path: string, where: string): Promise<ByteSink> {
  const fs = await nodeFs();
  if (!fs) {
    throw new ConfigError(`${where}: expected no target or a WritableStream in this runtime, which has no file system, got the path ${JSON.stringify(path)}. Omit the target to get the bytes, or pass a WritableStream.`);
  }
  // Beside the target, so the rename stays on one file system and is atomic; 'wx' never reuses an existing name.
  const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  const fh = await fs.open(tmp, 'wx').catch((e: Error) => {
    throw new ConfigError(`${where}: expected a writable path, got ${JSON.stringify(path)} (${e?.message ?? e}).`);
  });
  let open = true;
  const closeHandle = async () => {
    if (open) {
      open = false;
      await fh.close();
    }
  };
  const discard = async () => {
    await closeHandle().catch(noop);
    await fs.rm(tmp, { force: true });
  };
  // a failure of the file system (a full disk; a directory at the path, found at the rename) names the path
  const failed = (e: unknown): never => {
    throw new ConfigError(`${where}: expected a writable path, got ${JSON.stringify(path)} (${(e as Error)?.message ?? e}).`);
  };
  return guard(where, {
    async write(chunk) {
      try {
        for (let at = 0; at < chunk.length;) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten;
      } catch (e) {
        failed(e);
      }
    },
    async close() {
      try {
        await fh.sync(); // the bytes are on disk before the name points at them
        await closeHandle();
        await fs.rename(tmp, path);
      } catch (e) {
        await discard().catch(noop);
        failed(e);
      }
      return undefined;
    },
    abort: discard,
  });
}

function streamSink(stream: WritableStream<Uint8Array>, where: string): ByteSink {
  if (stream.locked) throw new ConfigError(`${where}: expected an unlocked WritableStream, got one locked to a writer.`);
  const writer = stream.getWriter();
  let last: Promise<void> = Promise.resolve();
  return guard(where, {
    async write(chunk) {
      // backpressure: wait until the stream's queue has room. A stream with highWaterMark 0 never has (its ready stays
      // pending, whatwg/streams#1158): there the previous write's end, an empty queue, is the signal.
      await ((writer.desiredSize ?? 1) > 0 ? writer.ready : Promise.race([writer.ready, last]));
      // A copy, since the stream may hold the chunk after we return. A failed write errors the stream, which
      // rejects the next ready or close.
      last = writer.write(chunk.slice());
      last.catch(noop);
    },
    async close() {
      await writer.close();
      return undefined;
    },
    abort: (reason) => writer.abort(reason),
  });
}

/** The state rules every sink shares: nothing after close or abort, a failed write or close aborts. */
function guard(where: string, sink: ByteSink): ByteSink {
  let state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  const expectOpen = (call: string) => {
    if (state !== 'open') throw new StateError(`${where}: expected ${call} on an open sink, got one after the sink was ${state === 'aborted' ? 'aborted' : 'closed'}.`);
  };
  const abort = async (reason: unknown) => {
    if (state === 'closed' || state === 'aborted') return;
    state = 'aborted';
    await sink.abort(reason);
  };
  return {
    async write(chunk) {
      expectOpen('write()');
      try {
        await sink.write(chunk);
      } catch (e) {
        await abort(e).catch(noop);
        throw e;
      }
    },
    async close() {
      expectOpen('close()');
      state = 'closing';
      try {
        const out = await sink.close();
        state = 'closed';
        return out;
      } catch (e) {
        await abort(e).catch(noop);
        throw e;
      }
    },
    abort,
  };
}
