// Compiles the Wasm core once (init, initSync) and instantiates it per model with its own memory and thread pool.
import { WASM_BASE64 } from './wasm-binary.js';
import { ConfigError, StateError, checkOptionKeys, describeValue } from '../errors.js';
import type { Kernels } from './kernels.js';
import { Pool, loadWorkerSupport, handoffs, handoffSettings, workerKind } from './threads.js';
import { detectRuntime, sharedMemoryAllowed, type RuntimeName } from './runtime.js';

// The public types name WebAssembly.Module and .Memory: declared here as well (merged with lib "DOM"'s where it is
// present), so that a project without lib "DOM" (Node with @types/node only) compiles our .d.ts files.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace WebAssembly { interface Module {} interface Memory {} }
}

let compiled: WebAssembly.Module | null = null;
let compiledThreads: WebAssembly.Module | null = null;
let threadCount = 1;

/** The bytes of a base64 string (the embedded cores). */
export function decodeBase64(b64: string): Uint8Array {
  // a native decoder where the runtime has one (Uint8Array.fromBase64, Node's and Bun's Buffer): the same bytes without
  // a cold JS loop over 57 KB, a few ms of every process's start
  const native = (Uint8Array as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof native === 'function') return native.call(Uint8Array, b64);
  const buf = (globalThis as { Buffer?: { from(s: string, encoding: 'base64'): Uint8Array } }).Buffer;
  if (typeof buf?.from === 'function') return buf.from(b64, 'base64');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface InitOptions {
  /** Threads per model (default 1). Above 1, models use shared memory and worker threads where the runtime has them
   *  (Node, Deno, Bun, a cross-origin-isolated page); elsewhere the single-thread core. Results are bit-identical. */
  threads?: number;
  /** The single-thread core (build/bilstm.wasm, exported as `bilstm-attn/wasm`) already compiled: what Cloudflare
   *  Workers need, as they may not compile bytes at run time (a browser page's CSP needs 'wasm-unsafe-eval' either
   *  way). */
  module?: WebAssembly.Module;
  /** The bytes of build/bilstm.wasm, instead of the copy embedded in the package. */
  wasm?: ArrayBuffer | ArrayBufferView;
  /** The shared-memory core for threads (build/bilstm.mt.wasm, `bilstm-attn/wasm-threads`), compiled. */
  threadsModule?: WebAssembly.Module;
  /** The bytes of build/bilstm.mt.wasm. */
  threadsWasm?: ArrayBuffer | ArrayBufferView;
  /** With threads: how long (microseconds, default 500) a worker keeps polling for more work after each piece before it
   *  sleeps, and the calling thread at most for a worker's result. Polling makes back-to-back calls (a serving loop)
   *  hand work off within a microsecond, at the price of a core kept busy that long after each call; 0 sleeps at once
   *  (for a machine whose cores other processes need; small work then mostly stays on the calling thread). Like ONNX
   *  Runtime's `session.intra_op.allow_spinning`. Never changes results. */
  spinMicros?: number;
}

const DEFAULT_SPIN_MICROS = 500;

function checkSpin(v: unknown): number {
  if (v === undefined) return DEFAULT_SPIN_MICROS;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) {
    throw new ConfigError(`init: expected spinMicros to be an integer number of microseconds in [0, 1000000], got ${describeValue(v)}.`);
  }
  return v;
}

function checkThreads(t: unknown): number {
  if (t === undefined) return 1;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 64) throw new ConfigError(`init: expected threads to be an integer in [1, 64], got ${JSON.stringify(t)}.`);
  return t;
}

const KEY_EXPORT = 'lstm_forward';

// A module given by the caller must be ours: it imports env.memory and exports the kernels; given for one slot
// (`shared` true: the threads core, false: the single-thread one) it must also link to that kind of memory, which a
// one-page probe instance shows (the two cores export the same names; only their memory import differs).
function checkModule(m: unknown, what: string, shared: boolean): WebAssembly.Module {
  if (!(m instanceof WebAssembly.Module)) {
    throw new ConfigError(`init: expected ${what} to be a WebAssembly.Module, got ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name ?? 'object' : typeof m}.`);
  }
  const names = WebAssembly.Module.exports(m).map((e) => e.name);
  const mem = WebAssembly.Module.imports(m).some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory');
  if (!names.includes(KEY_EXPORT) || !mem) {
    throw new ConfigError(`init: expected ${what} to be the bilstm-attn core (exports ${KEY_EXPORT}, imports env.memory), got a module exporting [${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}].`);
  }
  try { instanceOf(m, 1, shared); } catch (e) {
    if (!(e instanceof WebAssembly.LinkError)) throw e;
    const [want, file] = shared ? ['shared-memory core', 'build/bilstm.mt.wasm, bilstm-attn/wasm-threads'] : ['single-thread core', 'build/bilstm.wasm, bilstm-attn/wasm'];
    throw new ConfigError(`init: expected ${what} to be the ${want} (${file}), got a module that does not link to ${shared ? 'a shared' : 'an unshared'} memory (the other core?).`);
  }
  return m;
}

// Bytes given by the caller: a buffer that validates as WebAssembly (checked before compiling).
function checkBytes(b: unknown, what: string, where: string): BufferSource {
  const bytes = b instanceof ArrayBuffer || ArrayBuffer.isView(b) ? b as BufferSource : null;
  if (!bytes) throw new ConfigError(`${where}: expected ${what} to be the bytes of the Wasm core (Uint8Array or ArrayBuffer), got ${typeof b}.`);
  if (!WebAssembly.validate(bytes)) throw new ConfigError(`${where}: expected ${what} to be a valid WebAssembly binary, got ${bytes.byteLength} bytes that do not validate.`);
  return bytes;
}

async function compileBytes(b: unknown, what: string, shared: boolean): Promise<WebAssembly.Module> {
  return checkModule(await WebAssembly.compile(checkBytes(b, what, 'init')), what, shared);
}

/** Compiles the Wasm core once (and the shared-memory build when threads > 1). Call (and await) before building models. */
export async function init(options: InitOptions = {}): Promise<void> {
  if (options === null || typeof options !== 'object') throw new ConfigError(`init: expected an options object, got ${options === null ? 'null' : typeof options}.`);
  checkOptionKeys(options, 'init', ['threads', 'module', 'wasm', 'threadsModule', 'threadsWasm', 'spinMicros']);
  const threads = checkThreads(options.threads);
  const spinMicros = checkSpin(options.spinMicros);
  // the threads core's options are checked here whatever the thread count (a wrong one found at init, not later)
  if (options.threadsModule !== undefined && !(options.threadsModule instanceof WebAssembly.Module)) checkModule(options.threadsModule, 'threadsModule', true);
  if (options.threadsWasm !== undefined) checkBytes(options.threadsWasm, 'threadsWasm', 'init');
  if (options.module !== undefined) compiled = checkModule(options.module, 'module', false);
  else if (options.wasm !== undefined) compiled = await compileBytes(options.wasm, 'wasm', false);
  else if (!compiled) compiled = await WebAssembly.compile(decodeBase64(WASM_BASE64) as BufferSource);
  threadCount = 1;
  if (threads > 1 && sharedMemoryAllowed() && await loadWorkerSupport()) {
    // the embedded threads core, imported here, not at the top: a 1-thread import of the package then does not parse
    // it. Its chunk is part of the package: failing to load it is a broken install or bundle, which would otherwise
    // run on one thread without a word
    let embedded: string | null = null;
    if (options.threadsModule === undefined && options.threadsWasm === undefined && !compiledThreads) {
      try {
        embedded = (await import('./wasm-threads-binary.js')).WASM_THREADS_BASE64;
      } catch (e) {
        throw new StateError(`init: expected the package's threads core (its chunk of wasm-threads-binary) to load for threads: ${threads}, got ${(e as Error)?.message ?? e}. Reinstall the package, or check that your bundler keeps its dynamic imports; init({ threads: 1 }) does not need it.`);
      }
    }
    try {
      if (options.threadsModule !== undefined) compiledThreads = checkModule(options.threadsModule, 'threadsModule', true);
      else if (options.threadsWasm !== undefined) compiledThreads = await compileBytes(options.threadsWasm, 'threadsWasm', true);
      else if (embedded !== null) compiledThreads = await WebAssembly.compile(decodeBase64(embedded) as BufferSource);
      threadCount = threads;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      // this runtime may not compile bytes at run time: stay on one thread
    }
  }
  handoffSettings({ spinMicros }); // live workers take it with their next list
}

/** Synchronous compile of the single-thread core, for runtimes and tests that cannot await. */
export function initSync(options: { module?: WebAssembly.Module; wasm?: ArrayBuffer | ArrayBufferView } = {}): void {
  if (options.module !== undefined) { compiled = checkModule(options.module, 'module', false); return; }
  if (options.wasm !== undefined) {
    compiled = checkModule(new WebAssembly.Module(checkBytes(options.wasm, 'wasm', 'initSync')), 'wasm', false);
    return;
  }
  if (compiled) return;
  compiled = new WebAssembly.Module(decodeBase64(WASM_BASE64) as BufferSource);
}

export interface Info {
  /** 'node', 'deno', 'bun', 'browser', 'workerd' or 'unknown', and its version. */
  runtime: RuntimeName;
  runtimeVersion: string;
  /** Threads per model that init() chose (1 where shared memory or workers are missing). */
  threads: number;
  simd: true;
  /** Models use the shared-memory core. */
  sharedMemory: boolean;
  /** Which worker API carries the threads: 'worker_threads', 'web', or 'none'. */
  workers: 'worker_threads' | 'web' | 'none';
  /** Work lists handed to worker threads so far in this process. */
  handoffs: number;
  /** How long workers poll for work before sleeping (init's spinMicros), in microseconds. */
  spinMicros: number;
}

/** What init() chose, in which runtime: threads per model, shared memory, the worker API, hand-offs so far. */
export function info(): Info {
  const rt = detectRuntime();
  return { runtime: rt.name, runtimeVersion: rt.version, threads: threadCount, simd: true, sharedMemory: threadCount > 1,
    workers: threadCount > 1 ? workerKind : 'none', handoffs, spinMicros: handoffSettings().spinMicros };
}

export interface Instance {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  pool: Pool;
}

const MAX_PAGES = 65536;

/** A fresh instance with its own memory (one arena per model), shared with its workers when threads > 1. */
export function instantiate(initialPages = 16): Instance {
  const shared = threadCount > 1 && compiledThreads !== null;
  const module = shared ? compiledThreads! : compiledCore();
  const { kernels, memory } = instanceOf(module, initialPages, shared);
  return { kernels, memory, pool: new Pool(kernels, module, memory, shared ? threadCount : 1) };
}

/** A small single-thread instance with no pool, for work outside a model (the checksums of model files). */
export function instantiateBare(initialPages: number): { kernels: Kernels; memory: WebAssembly.Memory } {
  return instanceOf(compiledCore(), initialPages, false);
}

/** Throws the StateError asking for init() unless it was awaited: for the loaders, before they read a file. */
export function checkInitialized(): void { compiledCore(); }

function compiledCore(): WebAssembly.Module {
  if (!compiled) {
    throw new StateError('bilstm-attn: expected init() to have been awaited before creating a model, got no compiled module. Call `await init()` first.');
  }
  return compiled;
}

function instanceOf(module: WebAssembly.Module, initialPages: number, shared: boolean): { kernels: Kernels; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: (_m: number, _f: number, line: number, col: number) => {
        throw new StateError(`bilstm-attn: expected the Wasm kernels to run to the end, got an abort at ${line}:${col} (an internal error: please report it).`);
      },
    },
  });
  return { kernels: instance.exports as unknown as Kernels, memory };
}
