// Shared by sources and sinks: the lazily loaded node:fs/promises, abortable waits, and how values read in messages.

/** The parts of node:fs/promises we use (Node, Deno and Bun all provide them). */
export interface NodeFs {
  open(path: string | URL, flags: string): Promise<FileHandle>;
  stat(path: string | URL): Promise<{ size: number; isFile(): boolean }>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
  mkdir(path: string, opts: { recursive: boolean }): Promise<string | undefined>;
  readdir(path: string | URL, opts: { withFileTypes: true }): Promise<DirEntry[]>;
}
export interface DirEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}
export interface FileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

let fs: Promise<NodeFs | null> | null = null;

/** node:fs/promises, or null in a runtime without it (browsers, workerd). */
export function nodeFs(): Promise<NodeFs | null> {
  // A computed specifier so bundlers (esbuild, miniflare) leave it alone and the main entry loads everywhere, marked
  // for webpack and Vite to keep the import (webpack's empty module made save(path) say there is no file system)
  fs ??= (import(/* webpackIgnore: true */ /* @vite-ignore */ ['node', 'fs/promises'].join(':')) as Promise<NodeFs>).then((m) => (typeof m.open === 'function' ? m : null)).catch(() => null);
  return fs;
}

/** Waits for p, but rejects with signal.reason as soon as the signal aborts (p may stay pending, e.g. a stalled read). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => {}); // settled later by the cleanup; nobody waits for it
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

/** A value as it reads after "got": `number 42`, `a Map`, `a plain object`, `null`. */
export function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 60 ? x.slice(0, 57) + '...' : x)}`;
  if (typeof x === 'function') return 'a function';
  if (typeof x !== 'object') return `${typeof x} ${String(x)}`;
  const name = (x as object).constructor?.name;
  if (!name || name === 'Object') return 'a plain object';
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`; // a Uint8Array, a URL
}

/** A byte count with its size in GiB or MiB when large: `2147483648 bytes (2 GiB)`. */
export function fmtBytes(n: number): string {
  const [unit, scale] = n >= 2 ** 30 ? ['GiB', 2 ** 30] : n >= 2 ** 20 ? ['MiB', 2 ** 20] : ['', 0];
  return scale ? `${n} bytes (${+(n / scale).toFixed(1)} ${unit})` : `${n} bytes`;
}
