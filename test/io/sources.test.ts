// Byte sources: every source form gives the same bytes, progress, abort (before and during), errors, ByteReader.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openSource, ByteReader, CHUNK_BYTES, type ByteSource, type SourceOptions } from '../../src/io/sources.js';
import { CheckpointError, ConfigError, StateError } from '../../src/errors.js';

/** n bytes that differ from their neighbours and from a shifted copy, so a lost or repeated chunk shows. */
const patterns = new Map<number, Uint8Array<ArrayBuffer>>();
function pattern(n: number): Uint8Array<ArrayBuffer> {
  const cached = patterns.get(n);
  if (cached) return cached.slice();
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 8) * 7 + (i >>> 16)) & 255;
  patterns.set(n, b);
  return b.slice();
}

/** Chunks of the given sizes, in a cycle (0 gives an empty chunk). */
function split(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(bytes.slice(at, at + n));
    at += n;
  }
  return out;
}

async function* iterate(chunks: unknown[], onDone?: () => void): AsyncGenerator<unknown> {
  try {
    for (const c of chunks) {
      await Promise.resolve();
      yield c;
    }
  } finally {
    onDone?.();
  }
}

function streamOf(chunks: unknown[], cancel?: (reason: unknown) => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) { if (i < chunks.length) c.enqueue(chunks[i++] as Uint8Array); else c.close(); },
    cancel,
  });
}

/** All bytes of a source, copying each chunk (a chunk is valid only until the next). */
async function collect(src: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of src.chunks()) parts.push(c.slice());
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function expectSameBytes(got: Uint8Array, want: Uint8Array): void {
  expect(got.length).toBe(want.length);
  if (Buffer.compare(got, want) === 0) return;
  const i = got.findIndex((v, k) => v !== want[k]);
  expect(i, `first differing byte at ${i}: got ${got[i]}, want ${want[i]}`).toBe(-1);
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, got none');
}

let dir: string;
let server: Server;
let base: string;
const stalled: { closed: Promise<void> }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bilstm-io-'));
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const n = Number(url.searchParams.get('n') ?? 0);
    if (url.pathname === '/bytes') {
      res.writeHead(200, { 'content-length': n }).end(pattern(n));
    } else if (url.pathname === '/gzip') {
      const z = gzipSync(pattern(n));
      res.writeHead(200, { 'content-length': z.length, 'content-encoding': 'gzip' }).end(z);
    } else if (url.pathname === '/stall') {
      // Sends n bytes of a 2n-byte body, then waits; records when the client goes away.
      stalled.push({ closed: new Promise((resolve) => res.on('close', () => resolve())) });
      res.writeHead(200, { 'content-length': 2 * n }).write(pattern(n));
    } else {
      res.writeHead(404, 'Not Found').end('no such file');
    }
  });
  server.keepAliveTimeout = 60_000; // above the test's length: a reused idle socket must not be closed under fetch
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function writeFile(bytes: Uint8Array): string {
  const p = join(dir, `f${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(p, bytes);
  return p;
}

interface Form {
  name: string;
  make: (bytes: Uint8Array<ArrayBuffer>) => unknown;
  size: 'known' | 'unknown';
  rereadable: boolean;
}

const FORMS: Form[] = [
  { name: 'path', make: writeFile, size: 'known', rereadable: true },
  { name: 'file: URL', make: (b) => pathToFileURL(writeFile(b)), size: 'known', rereadable: true },
  { name: 'http URL', make: (b) => new URL(`/bytes?n=${b.length}`, base), size: 'known', rereadable: false },
  { name: 'Request', make: (b) => new Request(`${base}/bytes?n=${b.length}`), size: 'known', rereadable: false },
  { name: 'fetched Response', make: (b) => fetch(`${base}/bytes?n=${b.length}`), size: 'known', rereadable: false },
  { name: 'Response without Content-Length', make: (b) => new Response(b), size: 'unknown', rereadable: false },
  { name: 'Uint8Array', make: (b) => b, size: 'known', rereadable: true },
  { name: 'ArrayBuffer', make: (b) => b.slice().buffer, size: 'known', rereadable: true },
  { name: 'DataView at an offset', make: (b) => { const big = new Uint8Array(b.length + 7); big.set(b, 3); return new DataView(big.buffer, 3, b.length); }, size: 'known', rereadable: true },
  { name: 'Blob', make: (b) => new Blob([b]), size: 'known', rereadable: true },
  { name: 'ReadableStream', make: (b) => streamOf(split(b, [1, 4099, 0, 65536, 7])), size: 'unknown', rereadable: false },
  { name: 'async iterable', make: (b) => iterate(split(b, b.length <= 5 ? [1] : [65537, 0, 1, 3])), size: 'unknown', rereadable: false },
  { name: 'node Readable', make: (b) => Readable.from(split(b, [100003]).map((c) => Buffer.from(c))), size: 'unknown', rereadable: false },
];

const SIZES = [0, 1, 5, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 3];

describe('openSource: every form gives the same bytes', () => {
  for (const form of FORMS) {
    it(form.name, async () => {
      for (const n of SIZES) {
        const want = pattern(n);
        const fractions: number[] = [];
        const src = await openSource(await form.make(want), 'loadModel', { onProgress: (f) => fractions.push(f) });
        expect(src.size).toBe(form.size === 'known' ? n : null);
        expect(src.rereadable).toBe(form.rereadable);
        expectSameBytes(await collect(src), want);
        // progress: increasing, within (0, 1], exactly one 1 and it comes last; only [1] when the size is unknown
        expect(fractions[fractions.length - 1]).toBe(1);
        expect(fractions.filter((f) => f === 1).length).toBe(1);
        for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThan(fractions[i - 1]);
        expect(fractions[0]).toBeGreaterThan(0);
        if (form.size === 'unknown') expect(fractions).toEqual([1]);
        if (form.size === 'known' && n > 2 * CHUNK_BYTES) expect(fractions.length).toBeGreaterThanOrEqual(3);
        if (form.rereadable) {
          expectSameBytes(await collect(src), want); // a second pass
          if (n > 4) expectSameBytes(await src.read!(1, n - 2), want.subarray(1, n - 1));
        } else {
          expect(src.read).toBeUndefined();
          expect(() => src.chunks()).toThrow(StateError);
        }
      }
    }, 60_000);
  }

  it('a gzip-encoded response: Content-Length counts the encoded bytes, so the size is unknown', async () => {
    const n = CHUNK_BYTES + 1;
    const fractions: number[] = [];
    const src = await openSource(new URL(`/gzip?n=${n}`, base), 'loadModel', { onProgress: (f) => fractions.push(f) });
    expect(src.size).toBeNull();
    expectSameBytes(await collect(src), pattern(n));
    expect(fractions).toEqual([1]);
  });

  it('a path source reuses one buffer (chunks are valid until the next), ByteReader copies what it returns', async () => {
    const want = pattern(2 * CHUNK_BYTES + 3);
    const src = await openSource(writeFile(want), 'loadModel');
    const kept: Uint8Array[] = [];
    for await (const c of src.chunks()) kept.push(c);
    expect(kept[0].buffer).toBe(kept[1].buffer);
    const r = new ByteReader(src.chunks(), 'loadModel');
    const head = await r.readExactly(16, 'the header');
    await r.readExactly(CHUNK_BYTES + 100); // pulls further chunks into the same buffer
    expectSameBytes(head, want.subarray(0, 16));
    await r.close();
  });
});

describe('openSource: abort', () => {
  const reason = new Error('stop');
  const aborted = () => { const ac = new AbortController(); ac.abort(reason); return ac.signal; };

  it('an already aborted signal rejects at once with its reason, for every form', async () => {
    for (const form of FORMS) {
      const source = await form.make(pattern(10));
      expect(await rejection(openSource(source, 'loadModel', { signal: aborted() })), form.name).toBe(reason);
    }
  });

  it('abort between open and read: the first chunk request rejects', async () => {
    const ac = new AbortController();
    const src = await openSource(pattern(10), 'loadModel', { signal: ac.signal });
    ac.abort(reason);
    expect(await rejection(collect(src))).toBe(reason);
  });

  it('a ReadableStream is cancelled with the reason, also while a read is pending', async () => {
    // stream A keeps giving chunks; stream B gives one, then never answers
    for (const stall of [false, true]) {
      const cancel = vi.fn();
      let pulls = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull: (c) => (stall && pulls++ > 0 ? new Promise<void>(() => {}) : c.enqueue(new Uint8Array(100))),
        cancel,
      }, { highWaterMark: 0 });
      const ac = new AbortController();
      const src = await openSource(stream, 'loadModel', { signal: ac.signal });
      const it = src.chunks()[Symbol.asyncIterator]();
      expect((await it.next()).value.length).toBe(100);
      const next = it.next();
      ac.abort(reason);
      expect(await rejection(next)).toBe(reason);
      expect(cancel).toHaveBeenCalledWith(reason);
    }
  });

  it('an async iterable is closed (return()), also while its next() is pending', async () => {
    let done = false;
    const ac = new AbortController();
    const src = await openSource(iterate([new Uint8Array(3), new Uint8Array(3)], () => { done = true; }), 'loadModel', { signal: ac.signal });
    const it = src.chunks()[Symbol.asyncIterator]();
    await it.next();
    ac.abort(reason);
    expect(await rejection(it.next())).toBe(reason);
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(true);

    const stalling = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => {}), return: vi.fn(async () => ({ done: true, value: undefined })) }) };
    const ac2 = new AbortController();
    const it2 = (await openSource(stalling, 'loadModel', { signal: ac2.signal })).chunks()[Symbol.asyncIterator]();
    const pending = it2.next();
    setTimeout(() => ac2.abort(reason), 5);
    expect(await rejection(pending)).toBe(reason);
  });

  it('a file handle is closed, on abort and when the reader stops early', async () => {
    const fh = await open(writeFile(pattern(1)), 'r');
    const proto = Object.getPrototypeOf(fh);
    await fh.close();
    const read = vi.spyOn(proto, 'read');
    try {
      const path = writeFile(pattern(3 * CHUNK_BYTES));
      const ac = new AbortController();
      let chunks = 0;
      const err = await rejection(async () => {
        for await (const _ of (await openSource(path, 'loadModel', { signal: ac.signal })).chunks()) if (++chunks === 1) ac.abort(reason);
      });
      expect(err).toBe(reason);
      expect(chunks).toBe(1);
      for await (const _ of (await openSource(path, 'loadModel')).chunks()) break;
      expect(read).toHaveBeenCalledTimes(2); // no read after the abort
      const handles = new Set(read.mock.contexts as { fd: number }[]);
      expect(handles.size).toBe(2);
      for (const h of handles) expect(h.fd).toBe(-1); // -1: closed
    } finally {
      read.mockRestore();
    }
  });

  it('an http download stops: the server sees the connection close', async () => {
    const ac = new AbortController();
    const before = stalled.length;
    const src = await openSource(new URL('/stall?n=1000', base), 'loadModel', { signal: ac.signal });
    const it = src.chunks()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const next = it.next();
    ac.abort(reason);
    expect(await rejection(next)).toBe(reason);
    expect(stalled.length).toBe(before + 1);
    await stalled[before].closed; // would time out if the body were left open
  });
});

describe('openSource: errors', () => {
  const anyThing = 'a path, URL, Request, Response, Uint8Array, ArrayBuffer, Blob, ReadableStream or async iterable of Uint8Array';

  it('a value that is no source: ConfigError naming the caller and what it got', async () => {
    const cases: [unknown, string][] = [
      [42, 'number 42'], [null, 'null'], [undefined, 'undefined'], [{}, 'a plain object'],
      [new Map(), 'a Map'], [[new Uint8Array(1)], 'an Array'], [() => 0, 'a function'],
    ];
    for (const [value, got] of cases) {
      const err = await rejection(openSource(value, 'loadKerasModel'));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(`loadKerasModel: expected ${anyThing}, got ${got}.`);
    }
  });

  it('bad options: ConfigError', async () => {
    const err = await rejection(openSource(pattern(1), 'loadModel', { onProgress: 1 } as unknown as SourceOptions));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('loadModel: expected onProgress to be a function, got number 1.');
    const err2 = await rejection(openSource(pattern(1), 'loadModel', { signal: {} } as unknown as SourceOptions));
    expect((err2 as Error).message).toBe('loadModel: expected signal to be an AbortSignal, got a plain object.');
  });

  it('a chunk that is not a Uint8Array: CheckpointError naming it', async () => {
    for (const [source, label] of [[iterate([new Uint8Array(2), 'abc']), 'the async iterable'], [streamOf([new Uint8Array(2).buffer]), 'the stream']] as const) {
      const err = await rejection(async () => collect(await openSource(source, 'loadModel')));
      expect(err).toBeInstanceOf(CheckpointError);
      const got = label === 'the stream' ? 'an ArrayBuffer (chunk 0)' : 'the string "abc" (chunk 1)';
      expect((err as Error).message).toBe(`loadModel: expected each chunk of ${label} to be a Uint8Array, got ${got}.`);
    }
  });

  it('an http error status: CheckpointError naming the URL and status, for a URL, a Request and a Response', async () => {
    const url = `${base}/missing.bam`;
    for (const source of [new URL(url), new Request(url), await fetch(url)]) {
      const err = await rejection(openSource(source, 'loadModel'));
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toBe(`loadModel: expected a successful response from ${url}, got status 404 Not Found.`);
    }
  });

  it('a server that cannot be reached: CheckpointError naming the URL', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(s.address() as { port: number }).port}/m.bam`;
    await new Promise((r) => s.close(r));
    const err = await rejection(openSource(new URL(url), 'loadModel'));
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(new RegExp(`^loadModel: expected a response from ${url.replace(/\./g, '\\.')}, got a network error \\(.*ECONNREFUSED.*\\)\\.$`));
  });

  it('a body shorter or longer than its Content-Length: CheckpointError', async () => {
    const short = new Response(pattern(5), { headers: { 'content-length': '10' } });
    const err = await rejection(async () => collect(await openSource(short, 'loadModel')));
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe('loadModel: expected 10 bytes from the Response, got 5.');
    const long = new Response(pattern(12), { headers: { 'content-length': '10' } });
    const err2 = await rejection(async () => collect(await openSource(long, 'loadModel')));
    expect((err2 as Error).message).toBe('loadModel: expected 10 bytes from the Response, got more.');
  });

  it('a missing file or a directory: CheckpointError naming the path', async () => {
    const missing = join(dir, 'nope.bam');
    const err = await rejection(openSource(missing, 'loadModel'));
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(new RegExp(`^loadModel: expected a readable file at "${missing}", got ENOENT.*\\.$`));
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const err2 = await rejection(openSource(sub, 'loadModel'));
    expect((err2 as Error).message).toBe(`loadModel: expected a file at "${sub}", got a directory or other non-file.`);
  });

  it('read() past the end: CheckpointError with both counts', async () => {
    for (const source of [pattern(10), writeFile(pattern(10)), new Blob([pattern(10)])]) {
      const src = await openSource(source, 'loadModel');
      const err = await rejection(src.read!(8, 4));
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(/^loadModel: expected 4 bytes at offset 8 of .*, got 2 \(it has 10 bytes\)\.$/);
    }
  });

  it('a used Response or a locked stream: ConfigError', async () => {
    const used = new Response('x');
    await used.text();
    expect(((await rejection(openSource(used, 'loadModel'))) as Error).message).toBe('loadModel: expected a Response with an unread body, got one already read.');
    const locked = streamOf([]);
    locked.getReader();
    const err = await rejection(openSource(locked, 'loadModel'));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('loadModel: expected an unlocked ReadableStream, got one locked to a reader.');
  });

  it('a path in a runtime without node:fs: ConfigError saying what to pass instead', async () => {
    vi.resetModules();
    vi.doMock('node:fs/promises', () => { throw new Error('no such module'); });
    try {
      const fresh = await import('../../src/io/sources.js');
      const errors = await import('../../src/errors.js');
      const err = await rejection(fresh.openSource('model.bam', 'loadModel'));
      expect(err).toBeInstanceOf(errors.ConfigError);
      expect((err as Error).message).toBe('loadModel: expected bytes, a Response or a stream in this runtime, which has no file system, got the path "model.bam". Pass the file\'s bytes, a Response or a ReadableStream instead.');
    } finally {
      vi.doUnmock('node:fs/promises');
      vi.resetModules();
    }
  });
});

describe('ByteReader', () => {
  it('reads exact sizes across chunk borders, in 1-byte and mixed chunks', async () => {
    const want = pattern(1000);
    for (const sizes of [[1], [3, 0, 250, 1], [1000]]) {
      const r = new ByteReader(iterate(split(want, sizes)) as AsyncIterable<Uint8Array>, 'loadModel');
      expectSameBytes(await r.readExactly(0), new Uint8Array(0));
      expectSameBytes(await r.readExactly(7), want.subarray(0, 7));
      expect(r.offset).toBe(7);
      const parts: Uint8Array[] = [];
      for await (const p of r.pieces(500)) parts.push(p.slice());
      expectSameBytes(new Uint8Array(parts.flatMap((p) => [...p])), want.subarray(7, 507));
      expect(await r.atEnd()).toBe(false);
      expectSameBytes(await r.readExactly(493), want.subarray(507));
      expect(r.offset).toBe(1000);
      expect(await r.atEnd()).toBe(true);
    }
  });

  it('an early end: CheckpointError naming the bytes expected and found', async () => {
    const r = new ByteReader(iterate(split(pattern(7), [2])) as AsyncIterable<Uint8Array>, 'loadModel');
    await r.readExactly(4);
    const err = await rejection(r.readExactly(10, 'the header'));
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe('loadModel: expected 10 bytes of the header at offset 4, got 3 (the input ended).');
    const r2 = new ByteReader(iterate([]) as AsyncIterable<Uint8Array>, 'loadModel');
    expect(((await rejection(r2.readExactly(1))) as Error).message).toBe('loadModel: expected 1 bytes at offset 0, got 0 (the input ended).');
  });

  it('a size past 4 GiB (declared in a file) fails before allocating: CheckpointError naming the size and the limit', async () => {
    const r = new ByteReader(iterate(split(pattern(7), [2])) as AsyncIterable<Uint8Array>, 'loadModel');
    await r.readExactly(3);
    for (const n of [2 ** 32 + 1, 2 ** 40, NaN]) {
      const err = await rejection(r.readExactly(n, 'tensor "a"'));
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toBe(`loadModel: expected tensor "a" to declare at most 4294967296 bytes (4 GiB, the Wasm memory), got ${n} bytes at offset 3.`);
    }
    expectSameBytes(await r.readExactly(4), pattern(7).subarray(3)); // nothing was consumed
  });

  it('close() stops the source: a stream is cancelled', async () => {
    const cancel = vi.fn();
    const src = await openSource(streamOf(split(pattern(100), [10]), cancel), 'loadModel');
    const r = new ByteReader(src.chunks(), 'loadModel');
    await r.readExactly(15);
    await r.close();
    expect(cancel).toHaveBeenCalledTimes(1);
  });
});
