// Threads: a model's worker pool over its shared memory. Work comes as lists of kernel calls; list 0 runs on the
// calling thread, the others on workers, and each list is computed exactly as it would be alone (disjoint buffers,
// fixed reduction orders), so 1 and N threads give the same bytes. Without workers the lists run one after another.
import type { Kernels } from './wasm.js';

export type Call = [name: keyof Kernels, args: number[]];

/** A Kernels look-alike that records calls instead of running them (for a list to hand to a worker). */
export function recorder(): { k: Kernels; calls: Call[] } {
  const calls: Call[] = [];
  const k = new Proxy({} as Kernels, {
    get: (_t, name) => (...args: number[]) => { calls.push([name as keyof Kernels, args]); return 0; },
  });
  return { k, calls };
}

export function runCalls(k: Kernels, calls: Call[]): void {
  for (const [name, args] of calls) (k[name] as (...a: number[]) => number)(...args);
}

// Control block per worker: Int32 [0] state (0 idle, 1 work posted, 2 done, 3 exit, 4 failed), [1] call count;
// Float64 from byte 64: for each call, its name index, its argument count, then the arguments.
const CTRL_BYTES = 64 + 8 * 4096;
const POSTED = 1, DONE = 2, EXIT = 3, FAILED = 4;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, names } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
const fns = names.map((n) => inst.exports[n]);
const st = new Int32Array(ctrl, 0, 16);
const f = new Float64Array(ctrl, 64);
for (;;) {
  let s;
  while ((s = Atomics.load(st, 0)) !== ${POSTED}) { if (s === ${EXIT}) process.exit(0); Atomics.wait(st, 0, s); }
  try {
    const n = st[1];
    let p = 0;
    for (let c = 0; c < n; c++) {
      const fn = fns[f[p]]; const argc = f[p + 1];
      const args = new Array(argc);
      for (let i = 0; i < argc; i++) args[i] = f[p + 2 + i];
      p += 2 + argc;
      fn(...args);
    }
    Atomics.store(st, 0, ${DONE});
  } catch (e) {
    Atomics.store(st, 0, ${FAILED});
  }
  Atomics.notify(st, 0);
}
`;

interface NodeWorker { unref(): void; terminate(): Promise<number> }
type WorkerCtor = new (src: string, opts: { eval: boolean; workerData: unknown }) => NodeWorker;
let NodeWorkerCtor: WorkerCtor | null = null;

/** Loads node:worker_threads where it exists (Node, Bun, Deno's Node layer); called from init(). */
export async function loadWorkerSupport(): Promise<boolean> {
  if (NodeWorkerCtor) return true;
  try {
    const wt = await import('node:worker_threads' as string) as { Worker: WorkerCtor };
    NodeWorkerCtor = wt.Worker;
    return true;
  } catch {
    return false;
  }
}

/** Work lists handed to worker threads so far, in this process (reported by info()). */
export let handoffs = 0;

export class Pool {
  private workers: { w: NodeWorker; st: Int32Array; f: Float64Array }[] = [];
  private names: string[];

  constructor(readonly k: Kernels, module: WebAssembly.Module, memory: WebAssembly.Memory, readonly threads: number) {
    this.names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    if (!NodeWorkerCtor) return;
    for (let i = 1; i < threads; i++) {
      const ctrl = new SharedArrayBuffer(CTRL_BYTES);
      const w = new NodeWorkerCtor(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl, names: this.names } });
      w.unref();
      this.workers.push({ w, st: new Int32Array(ctrl, 0, 16), f: new Float64Array(ctrl, 64) });
    }
  }

  get size(): number { return 1 + this.workers.length; }

  /**
   * Runs every list; list 0 on this thread, list i on worker i - 1 (round robin), and waits for all. `flops`, when
   * given, is the work's size: below about a million a hand-off costs more than it saves, so the lists run here.
   */
  run(lists: Call[][], flops = Infinity): void {
    if (this.workers.length === 0 || flops < 1e6) { for (const l of lists) runCalls(this.k, l); return; }
    let i = 1;
    const posted: typeof this.workers = [];
    const mine: Call[][] = [lists[0]];
    for (; i < lists.length; i++) {
      const slot = this.workers[(i - 1) % this.workers.length];
      if (posted.includes(slot)) { mine.push(lists[i]); continue; }
      this.post(slot, lists[i]);
      posted.push(slot);
      handoffs++;
    }
    for (const l of mine) runCalls(this.k, l);
    for (const s of posted) {
      let v;
      while ((v = Atomics.load(s.st, 0)) === POSTED) Atomics.wait(s.st, 0, POSTED);
      if (v === FAILED) throw new Error('bilstm-attn: a worker failed to run its kernels');
    }
  }

  private post(s: { st: Int32Array; f: Float64Array }, calls: Call[]): void {
    let p = 0;
    for (const [name, args] of calls) {
      s.f[p] = this.names.indexOf(name);
      s.f[p + 1] = args.length;
      for (let j = 0; j < args.length; j++) s.f[p + 2 + j] = args[j];
      p += 2 + args.length;
    }
    s.st[1] = calls.length;
    Atomics.store(s.st, 0, POSTED);
    Atomics.notify(s.st, 0);
  }

  dispose(): void {
    for (const s of this.workers) { Atomics.store(s.st, 0, EXIT); Atomics.notify(s.st, 0); }
    this.workers = [];
  }
}
