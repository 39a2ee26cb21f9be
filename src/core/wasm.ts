// Compiles the Wasm core once and instantiates it per model; the typed Kernels interface mirrors assembly/index.ts 1:1.
import { WASM_BASE64, WASM_THREADS_BASE64 } from './wasm-binary.js';
import { ConfigError, StateError } from '../errors.js';
import { Pool, loadWorkerSupport, handoffs, workerKind } from './threads.js';
import { detectRuntime, sharedMemoryAllowed, type RuntimeName } from './runtime.js';

type P = number; // a byte offset into the model's memory
type I = number; // an i32

export interface Kernels {
  heap_base(): P;
  gemm_nn(C: P, A: P, B: P, M: I, N: I, K: I, lda: I, ldb: I, ldc: I, accumulate: I): void;
  gemm_tn(C: P, A: P, B: P, M: I, N: I, K: I, lda: I, ldb: I, ldc: I, pack: P): void;
  pack_b(P: P, B: P, K: I, N: I, ldb: I): void;
  gemm_nn_packed(C: P, A: P, B: P, Pk: P, M: I, N: I, K: I, lda: I, ldb: I, ldc: I, accumulate: I): void;
  transpose(out: P, inp: P, M: I, N: I): void;
  lstm_forward(hseq: P, cseq: P, gates: P, phic: P, x: P, W: P, U: P, bias: P,
               B: I, T: I, I: I, H: I, reverse: I, act: I, recAct: I, mask: P, infer: I, pack: P): void;
  lstm_backward(dx: P, dW: P, dU: P, dbias: P, dhseq: P, dz: P, dhrec: P, dcrec: P, hprev: P, UT: P, WT: P,
                x: P, hseq: P, cseq: P, gates: P, phic: P, W: P, U: P,
                B: I, T: I, I: I, H: I, reverse: I, act: I, recAct: I, mask: P, pack: P): void;
  attention_forward(y: P, a: P, e: P, x: P, W: P, bias: P, B: I, T: I, F: I, returnSequences: I, mask: P): void;
  attention_backward(dx: P, dW: P, db: P, dy: P, du: P, x: P, a: P, e: P, W: P,
                     B: I, T: I, F: I, returnSequences: I, mask: P): void;
  rows_set(y: P, v: P, M: I, N: I): void;
  colsum_add(db: P, dz: P, M: I, N: I): void;
  activation_forward(y: P, x: P, n: I, kind: I): void;
  activation_backward(dx: P, dy: P, y: P, n: I, kind: I): void;
  softmax_forward(y: P, x: P, M: I, N: I): void;
  softmax_backward(dx: P, dy: P, y: P, M: I, N: I): void;
  flip_time(y: P, x: P, B: I, T: I, F: I, accumulate: I): void;
  add_into(y: P, x: P, n: I): void;
  merge_forward(y: P, f: P, g: P, R: I, H: I, mode: I): void;
  merge_backward(df: P, dg: P, dy: P, f: P, g: P, R: I, H: I, mode: I): void;
  take_step(y: P, x: P, B: I, T: I, F: I, t: I, accumulateInto: I): void;
  mask_rows(y: P, x: P, mask: P, R: I, F: I, accumulate: I): void;
  zero_fill(p: P, n: I): void;
  masking_compute(mask: P, x: P, R: I, F: I, value: number): void;
  embedding_forward(y: P, ids: P, E: P, N: I, D: I): void;
  embedding_rows(slot: P, rows: P, ids: P, N: I): I;
  embedding_rows_reset(slot: P, rows: P, count: I): void;
  embedding_backward(dErows: P, dy: P, ids: P, slot: P, N: I, D: I): void;
  embedding_rows_scatter(dense: P, dErows: P, rows: P, count: I, D: I): void;
  embedding_mask(mask: P, ids: P, N: I): void;
  batchnorm_forward_train(y: P, mean: P, vr: P, invstd: P, x: P, gamma: P, beta: P, N: I, C: I, eps: number, mask: P): void;
  batchnorm_update_moving(mm: P, mv: P, mean: P, vr: P, C: I, momentum: number): void;
  batchnorm_forward_infer(y: P, x: P, gamma: P, beta: P, mm: P, mv: P, N: I, C: I, eps: number): void;
  batchnorm_backward(dx: P, dgamma: P, dbeta: P, dy: P, s: P, x: P, mean: P, invstd: P, gamma: P, N: I, C: I, mask: P): void;
  batchnorm_backward_infer(dx: P, dy: P, gamma: P, mv: P, N: I, C: I, eps: number): void;
  dropout_forward(y: P, mask: P, x: P, n: I, rate: number, k0: I, k1: I, lo: I, hi: I): void;
  dropout_backward(dx: P, dy: P, mask: P, n: I): void;
  rng_u32(out: P, n: I, k0: I, k1: I, lo: I, hi: I): void;
  rng_uniform(out: P, n: I, k0: I, k1: I, lo: I, hi: I, low: number, high: number): void;
  rng_normal(out: P, n: I, k0: I, k1: I, lo: I, hi: I, mean: number, std: number): void;
  rng_normal_f64(out: P, n: I, k0: I, k1: I, lo: I, hi: I): void;
  bce_logits(d: P, z: P, y: P, M: I, N: I, scale: number): number;
  bce_probs(d: P, p: P, y: P, M: I, N: I, scale: number): number;
  cce_logits(d: P, z: P, sm: P, y: P, M: I, N: I, scale: number): number;
  cce_probs(d: P, p: P, y: P, M: I, N: I, scale: number): number;
  scce_probs(d: P, p: P, y: P, M: I, N: I, scale: number): number;
  mse(d: P, p: P, y: P, M: I, N: I, scale: number): number;
  adam_step(p: P, m: P, v: P, vhat: P, g: P, slot: P, R: I, D: I, lr: number, b1: number, b2: number, eps: number, t: number, lazy: I): void;
  grad_sumsq(g: P, n: I): number;
  grad_scale(g: P, n: I, s: number): void;
  grad_clip(g: P, n: I, c: number): void;
  sgd_step(p: P, m: P, g: P, slot: P, R: I, D: I, lr: number, mu: number, nesterov: I): void;
  simd_peak(iters: I, p: P): number;
  rmsprop_step(p: P, v: P, s: P, mg: P, g: P, slot: P, R: I, D: I, lr: number, rho: number, eps: number, mu: number): void;
  xxh64_state_size(): I;
  xxh64_reset(state: P, seedLo: I, seedHi: I): void;
  xxh64_update(state: P, p: P, n: I): void;
  xxh64_digest(out: P, state: P): void;
}

let compiled: WebAssembly.Module | null = null;
let compiledThreads: WebAssembly.Module | null = null;
let threadCount = 1;

function decodeBase64(b64: string): Uint8Array {
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
   *  Workers and strict-CSP pages need, as they may not compile bytes at run time. */
  module?: WebAssembly.Module;
  /** The bytes of build/bilstm.wasm, instead of the copy embedded in the package. */
  wasm?: BufferSource;
  /** The shared-memory core for threads (build/bilstm.mt.wasm, `bilstm-attn/wasm-threads`), compiled. */
  threadsModule?: WebAssembly.Module;
  /** The bytes of build/bilstm.mt.wasm. */
  threadsWasm?: BufferSource;
}

function checkThreads(t: unknown): number {
  if (t === undefined) return 1;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 64) throw new ConfigError(`init: expected threads to be an integer in [1, 64], got ${JSON.stringify(t)}.`);
  return t;
}

const KEY_EXPORT = 'lstm_forward';

// A module given by the caller must be ours: it imports env.memory and exports the kernels.
function checkModule(m: unknown, what: string): WebAssembly.Module {
  if (!(m instanceof WebAssembly.Module)) {
    throw new ConfigError(`init: expected ${what} to be a WebAssembly.Module, got ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name ?? 'object' : typeof m}.`);
  }
  const names = WebAssembly.Module.exports(m).map((e) => e.name);
  const mem = WebAssembly.Module.imports(m).some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory');
  if (!names.includes(KEY_EXPORT) || !mem) {
    throw new ConfigError(`init: expected ${what} to be the bilstm-attn core (exports ${KEY_EXPORT}, imports env.memory), got a module exporting [${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}].`);
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

async function compileBytes(b: unknown, what: string): Promise<WebAssembly.Module> {
  return checkModule(await WebAssembly.compile(checkBytes(b, what, 'init')), what);
}

/** Compiles the Wasm core once (and the shared-memory build when threads > 1). Call (and await) before building models. */
export async function init(options: InitOptions = {}): Promise<void> {
  if (options === null || typeof options !== 'object') throw new ConfigError(`init: expected an options object, got ${options === null ? 'null' : typeof options}.`);
  const threads = checkThreads(options.threads);
  if (options.module !== undefined) compiled = checkModule(options.module, 'module');
  else if (options.wasm !== undefined) compiled = await compileBytes(options.wasm, 'wasm');
  else if (!compiled) compiled = await WebAssembly.compile(decodeBase64(WASM_BASE64) as BufferSource);
  threadCount = 1;
  if (threads > 1 && sharedMemoryAllowed() && await loadWorkerSupport()) {
    try {
      if (options.threadsModule !== undefined) compiledThreads = checkModule(options.threadsModule, 'threadsModule');
      else if (options.threadsWasm !== undefined) compiledThreads = await compileBytes(options.threadsWasm, 'threadsWasm');
      else if (!compiledThreads) compiledThreads = await WebAssembly.compile(decodeBase64(WASM_THREADS_BASE64) as BufferSource);
      threadCount = threads;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      // this runtime may not compile bytes at run time: stay on one thread
    }
  }
}

/** Synchronous compile of the single-thread core, for runtimes and tests that cannot await. */
export function initSync(options: { module?: WebAssembly.Module; wasm?: BufferSource } = {}): void {
  if (options.module !== undefined) { compiled = checkModule(options.module, 'module'); return; }
  if (options.wasm !== undefined) {
    compiled = checkModule(new WebAssembly.Module(checkBytes(options.wasm, 'wasm', 'initSync')), 'wasm');
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
}

/** What init() chose, in which runtime: threads per model, shared memory, the worker API, hand-offs so far. */
export function info(): Info {
  const rt = detectRuntime();
  return { runtime: rt.name, runtimeVersion: rt.version, threads: threadCount, simd: true, sharedMemory: threadCount > 1,
    workers: threadCount > 1 ? workerKind : 'none', handoffs };
}

export interface Instance {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  pool: Pool;
}

const MAX_PAGES = 65536;

/** A fresh instance with its own memory (one arena per model), shared with its workers when threads > 1. */
export function instantiate(initialPages = 16): Instance {
  if (!compiled) {
    throw new StateError('bilstm-attn: expected init() to have been awaited before creating a model, got no compiled module. Call `await init()` first.');
  }
  const shared = threadCount > 1 && compiledThreads !== null;
  const module = shared ? compiledThreads! : compiled;
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: (_m: number, _f: number, line: number, col: number) => {
        throw new Error(`bilstm-attn: Wasm abort at ${line}:${col}`);
      },
    },
  });
  const kernels = instance.exports as unknown as Kernels;
  return { kernels, memory, pool: new Pool(kernels, module, memory, shared ? threadCount : 1) };
}
