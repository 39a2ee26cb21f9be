// Byte sinks: memory (copies, its limit), path (atomic: temp file, rename on close, nothing left on failure),
// WritableStream (copies, backpressure, errors), and the state and type errors.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSink, memorySink, MEMORY_SINK_LIMIT, type ByteSink } from '../../src/io/sinks.js';
import { ConfigError, MemoryError, StateError } from '../../src/errors.js';

function bytes(n: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 255);
}

/** Writes want in chunks of `step` bytes through one reused buffer, scribbled on after each write. */
async function writeAll(sink: ByteSink, want: Uint8Array, step: number): Promise<void> {
  const buf = new Uint8Array(step);
  for (let at = 0; at < want.length; at += step) {
    const n = Math.min(step, want.length - at);
    buf.set(want.subarray(at, at + n));
    await sink.write(buf.subarray(0, n));
    buf.fill(0xee); // the sink must not have kept it
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, got none');
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bilstm-sinks-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memory sink', () => {
  it('returns exactly the bytes written, copied from the caller\'s reused buffer', async () => {
    for (const [n, step] of [[0, 1], [1, 1], [100_003, 4096], [300_000, 65536 * 3 + 1]]) {
      const want = bytes(n);
      for (const size of [undefined, n]) {
        const sink = await openSink(undefined, 'save', { size });
        await writeAll(sink, want, step);
        const got = await sink.close();
        expect(got).toBeInstanceOf(Uint8Array);
        expect(Buffer.compare(got!, want)).toBe(0);
        if (size !== undefined) expect(got!.buffer.byteLength).toBe(n); // allocated once, at the announced size
      }
    }
  });

  it('the limit is 2 GiB, and an announced size past it fails before anything is allocated', async () => {
    const err = await rejection(openSink(undefined, 'save', { size: MEMORY_SINK_LIMIT + 1 }));
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as Error).message).toBe('save: expected at most 2147483648 bytes (2 GiB) to hold in memory, got 2147483649 bytes (2 GiB). Pass a path or a WritableStream as the target instead.');
  });

  it('growing past the limit: MemoryError naming the size, and the sink is aborted', async () => {
    const sink = memorySink('save', 10);
    await sink.write(bytes(6));
    await sink.write(bytes(4)); // exactly the limit is fine
    const err = await rejection(sink.write(bytes(1)));
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as Error).message).toBe('save: expected at most 10 bytes to hold in memory, got at least 11 bytes. Pass a path or a WritableStream as the target instead.');
    expect(await rejection(sink.close())).toBeInstanceOf(StateError);

    const exact = memorySink('save', 10);
    await exact.write(bytes(10));
    expect((await exact.close())!.length).toBe(10);
    expect(() => memorySink('save', 10, 11)).toThrow(MemoryError);
  });
});

describe('path sink', () => {
  const leftovers = (name: string) => readdirSync(dir).filter((f) => f.startsWith(name) && f !== name);

  it('writes the bytes under a temporary name and renames on close', async () => {
    const path = join(dir, 'model.bam');
    const want = bytes(1_000_003);
    const sink = await openSink(path, 'save');
    await writeAll(sink, want, 65536);
    expect(existsSync(path)).toBe(false); // nothing at the path until close
    expect(leftovers('model.bam').length).toBe(1);
    expect(await sink.close()).toBeUndefined();
    expect(Buffer.compare(readFileSync(path), want)).toBe(0);
    expect(leftovers('model.bam')).toEqual([]);
    await sink.abort(new Error('late')); // after a successful close: does nothing
    expect(Buffer.compare(readFileSync(path), want)).toBe(0);
  });

  it('an aborted write leaves no file, and an existing file intact', async () => {
    const fresh = join(dir, 'fresh.bam');
    const sink = await openSink(fresh, 'save');
    await sink.write(bytes(1000));
    await sink.abort(new Error('stop'));
    expect(existsSync(fresh)).toBe(false);
    expect(leftovers('fresh.bam')).toEqual([]);

    const good = join(dir, 'good.bam');
    writeFileSync(good, bytes(500, 7));
    const sink2 = await openSink(good, 'save');
    await sink2.write(bytes(1000));
    await sink2.abort(new Error('stop'));
    expect(Buffer.compare(readFileSync(good), bytes(500, 7))).toBe(0);
    expect(leftovers('good.bam')).toEqual([]);
    expect(await rejection(sink2.write(bytes(1)))).toBeInstanceOf(StateError);
  });

  it('a close that fails (the path is a directory) removes the temporary file', async () => {
    const target = join(dir, 'adir');
    mkdirSync(target);
    const sink = await openSink(target, 'save');
    await sink.write(bytes(10));
    expect(await rejection(sink.close())).toBeInstanceOf(Error);
    expect(leftovers('adir')).toEqual([]);
    expect(readdirSync(target)).toEqual([]);
  });

  it('a folder that does not exist: ConfigError naming the path', async () => {
    const path = join(dir, 'no', 'such', 'model.bam');
    const err = await rejection(openSink(path, 'save'));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`^save: expected a writable path, got "${path}" \\(ENOENT.*\\)\\.$`));
  });

  it('in a runtime without node:fs: ConfigError saying to omit the target or pass a WritableStream', async () => {
    vi.resetModules();
    vi.doMock('node:fs/promises', () => { throw new Error('no such module'); });
    try {
      const fresh = await import('../../src/io/sinks.js');
      const errors = await import('../../src/errors.js');
      const err = await rejection(fresh.openSink('model.bam', 'save'));
      expect(err).toBeInstanceOf(errors.ConfigError);
      expect((err as Error).message).toBe('save: expected no target or a WritableStream in this runtime, which has no file system, got the path "model.bam". Omit the target to get the bytes, or pass a WritableStream.');
    } finally {
      vi.doUnmock('node:fs/promises');
      vi.resetModules();
    }
  });
});

describe('WritableStream sink', () => {
  it('delivers copies of the chunks, in order, and closes the stream', async () => {
    const got: Uint8Array[] = [];
    let closed = false;
    const stream = new WritableStream<Uint8Array>({ write: (c) => { got.push(c); }, close: () => { closed = true; } });
    const want = bytes(100_000);
    const sink = await openSink(stream, 'save');
    await writeAll(sink, want, 777);
    expect(await sink.close()).toBeUndefined();
    expect(closed).toBe(true);
    expect(Buffer.compare(Buffer.concat(got), want)).toBe(0); // the stream kept chunks: they must be copies
  });

  it('respects backpressure: write() waits while the stream\'s queue is full', async () => {
    const gates: (() => void)[] = [];
    const stream = new WritableStream<Uint8Array>(
      { write: () => new Promise<void>((resolve) => gates.push(resolve)) },
      new CountQueuingStrategy({ highWaterMark: 2 }),
    );
    const sink = await openSink(stream, 'save');
    let written = 0;
    const writing = (async () => {
      for (let i = 0; i < 6; i++) {
        await sink.write(bytes(10, i));
        written++;
      }
    })();
    const settle = () => new Promise((r) => setTimeout(r, 5));
    await settle();
    // the queue holds 2 chunks (the first in the stream's write()); the third write waits for room
    expect(written).toBe(2);
    expect(gates.length).toBe(1);
    for (let released = 1; released <= 4; released++) {
      gates.shift()!();
      await settle();
      expect(written).toBe(2 + released);
    }
    await writing;
    const closing = sink.close();
    while (gates.length) {
      gates.shift()!();
      await settle();
    }
    await closing;
  });

  it('a failing stream: the next write or the close rejects with its error, and the sink is aborted', async () => {
    const boom = new Error('disk full');
    const stream = new WritableStream<Uint8Array>({ write: () => { throw boom; } });
    const sink = await openSink(stream, 'save');
    await sink.write(bytes(1)); // accepted into the queue; the failure shows up next
    expect(await rejection(sink.write(bytes(1)))).toBe(boom);
    expect(await rejection(sink.write(bytes(1)))).toBeInstanceOf(StateError);
  });

  it('abort() aborts the stream with the reason', async () => {
    const abort = vi.fn();
    const sink = await openSink(new WritableStream<Uint8Array>({ abort }), 'save');
    await sink.write(bytes(3));
    const reason = new Error('stop');
    await sink.abort(reason);
    expect(abort).toHaveBeenCalledWith(reason);
  });

  it('a locked stream: ConfigError', async () => {
    const stream = new WritableStream<Uint8Array>();
    stream.getWriter();
    const err = await rejection(openSink(stream, 'save'));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('save: expected an unlocked WritableStream, got one locked to a writer.');
  });
});

describe('openSink: bad targets and state', () => {
  it('a target that is none of path, WritableStream, undefined: ConfigError naming what it got', async () => {
    for (const [target, got] of [[1, 'number 1'], [null, 'null'], [new Uint8Array(2), 'a Uint8Array'], [{}, 'a plain object']] as const) {
      const err = await rejection(openSink(target, 'save'));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(`save: expected a path, a WritableStream or no target (to get the bytes), got ${got}.`);
    }
    const err = await rejection(openSink(undefined, 'save', { size: -1 }));
    expect((err as Error).message).toBe('save: expected size to be a non-negative integer, got number -1.');
  });

  it('write or close after close: StateError', async () => {
    const sink = await openSink(undefined, 'save');
    await sink.close();
    const err = await rejection(sink.write(bytes(1)));
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toBe('save: expected write() on an open sink, got one after the sink was closed.');
    expect(((await rejection(sink.close())) as Error).message).toBe('save: expected close() on an open sink, got one after the sink was closed.');
  });
});
