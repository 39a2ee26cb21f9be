// Threads: a model's worker pool over its shared memory. Work comes as lists of kernel calls; list 0 runs on the
// calling thread, the others on workers, and each list is computed exactly as it would be alone (disjoint buffers,
// fixed reduction orders), so 1 and N threads give the same bytes. Without workers the lists run one after another.
import type { Kernels } from './kernels.js';
import { canBlock, detectRuntime } from './runtime.js';
import { StateError } from '../errors.js';

export type Call = [name: keyof Kernels, args: number[]];

// One handler for every recorder, its target the call list: no closures made per recorder (a batch-1 prediction
// makes several; the bundle's keepNames would name each one at run time).
const RECORD: ProxyHandler<Call[]> = {
  get(calls, name) { return (...args: number[]) => { calls.push([name as keyof Kernels, args]); return 0; }; },
};

/** A Kernels look-alike that records calls instead of running them (for a list to hand to a worker). */
export function recorder(): { k: Kernels; calls: Call[] } {
  const calls: Call[] = [];
  return { k: new Proxy(calls, RECORD) as unknown as Kernels, calls };
}

/**
 * Runs `part(k, r0, r1)` over [0, rows) cut into one contiguous range per thread of the pool, the ranges as lists
 * (see Pool.run); one range [0, rows) on this thread, with `k` itself, when there is one thread or the work (`flops`,
 * multiply-adds) is too small to hand off. For kernels whose rows are independent: any cut gives the same bytes.
 */
export function runRows(pool: Pool, k: Kernels, rows: number, flops: number, part: (k: Kernels, r0: number, r1: number) => void): void {
  const parts = Math.min(pool.size, rows);
  if (parts <= 1 || flops < minFlops) { part(k, 0, rows); return; }
  const lists: Call[][] = [];
  for (let t = 0; t < parts; t++) {
    const r = recorder();
    part(r.k, Math.floor((rows * t) / parts), Math.floor((rows * (t + 1)) / parts));
    lists.push(r.calls);
  }
  pool.run(lists, flops);
}

export function runCalls(k: Kernels, calls: Call[]): void {
  for (const [name, args] of calls) (k[name] as (...a: number[]) => number)(...args);
}

// Control block per worker: Int32 [0] state, [1] call count, [2] ready (set by the worker once its instance
// exists), [3] [4] line and column of a kernel's abort, [5] the spin budget and [7] the descheduling gap in
// microseconds, [6] awake (1 while the worker runs or polls, 0 once it is about to sleep in Atomics.wait), [8] the
// number of lists of a queue (0: one list), [9] a queue's next list (taken with Atomics.add by both threads), [10]
// the length of a failed list's error message, whose characters then fill the Float64 slots (the list is spent),
// [11] the memory's size in pages when the list was posted (see serve());
// Float64 from byte 64: for each call, its name index, its argument count, then the arguments; a queue of n lists
// starts with n + 1 offsets (in Float64 slots) of each list's first call and of the end.
// States: 0 idle, 1 posted, 2 done, 3 exit, 4 failed, 5 running. A posted list belongs to whoever first swaps
// posted for something else: the worker (-> running) or the calling thread taking it back (-> done).
const CTRL_BYTES = 64 + 8 * 4096;
const POSTED = 1, DONE = 2, EXIT = 3, FAILED = 4, RUNNING = 5;
const SPIN = 5, AWAKE = 6, GAP = 7, QUEUE = 8, NEXT = 9, MESSAGE = 10, PAGES = 11;
/** Float64 slots for calls in a control block. */
const SLOTS = (CTRL_BYTES - 64) / 8;
/** A worker's state while its list is not finished. */
const busy = (state: number): boolean => state === RUNNING || state === POSTED;

// How long a worker keeps polling its state word after a list (and after it starts) before it sleeps in
// Atomics.wait, and how long the calling thread polls for a running list's end before it sleeps. A sleeping worker
// must be woken by a futex system call and scheduled (0.05-0.3 ms measured here, more on a busy machine) before it
// takes a list, longer than a small list runs; a polling one takes it within a microsecond. The price: after each
// call a worker keeps a core busy up to this long (a serving loop calls again well within it). Why this budget:
// README, "Hand-off".
let spinMicros = 500;
// A gap this long (microseconds) between two clock reads of a poll (256 loads apart, about 2 us) means the thread
// was descheduled: the cores are oversubscribed, and polling on takes time from threads with work, so it sleeps.
// An oversubscribed scheduler takes a whole time slice (milliseconds); a VM's host takes a vCPU away for 10-100 us
// about a thousand times a second (measured here on both threads), which at 50 us put a serving loop's worker to
// sleep between calls (A batch 1: 0.82-0.89 hand-offs per call -> 0.98-0.99 at 1000). Above the default spin
// budget, it acts only on longer budgets.
let gapMicros = 1000;
// Work sizes (multiply-adds): below minFlops lists run on the calling thread; below coldFlops they go only to a
// worker that is polling, as waking a sleeping one costs more than the list takes (a list of 1e7 / 2 runs ~0.3 ms).
let minFlops = 6e4;
let coldFlops = 1e7;
// Whether the calling thread takes back a list no worker has started (off only in tests that count hand-offs).
let takeBack = true;

/** What handoffSettings() reads and sets. @internal */
export interface HandoffSettings { spinMicros: number; gapMicros: number; minFlops: number; coldFlops: number; takeBack: boolean }
/**
 * Reads the hand-off settings, and sets those given: the spin budget and the descheduling gap in microseconds
 * (spin 0: sleep at once; gap 0: never stop polling for a gap), the work sizes from which lists are handed off to
 * a polling and to a sleeping worker, and whether unstarted lists are taken back. Pools pass them on at each
 * hand-off, so they apply to live workers too. For benches and tests. @internal
 */
export function handoffSettings(set: Partial<HandoffSettings> = {}): HandoffSettings {
  if (set.spinMicros !== undefined) spinMicros = Math.max(0, Math.min(1e7, Math.floor(set.spinMicros)));
  if (set.gapMicros !== undefined) gapMicros = Math.max(0, Math.min(1e7, Math.floor(set.gapMicros)));
  if (set.minFlops !== undefined) minFlops = set.minFlops;
  if (set.coldFlops !== undefined) coldFlops = set.coldFlops;
  if (set.takeBack !== undefined) takeBack = set.takeBack;
  return { spinMicros, gapMicros, minFlops, coldFlops, takeBack };
}

// The worker's loop, the same text for node:worker_threads and Web Workers; `done` ends the thread.
const SERVE = `
// a kernel's abort records where it happened (ctrl [3], [4]) for the calling thread's StateError, and ends the list
class WorkerAbort extends Error {}
function serve({ module, memory, ctrl, names }, done) {
  const st = new Int32Array(ctrl, 0, 16);
  const abort = (_m, _f, line, col) => { Atomics.store(st, 3, line); Atomics.store(st, 4, col); throw new WorkerAbort(); };
  const inst = new WebAssembly.Instance(module, { env: { memory, abort } });
  const fns = names.map((n) => inst.exports[n]);
  const f = new Float64Array(ctrl, 64);
  // the memory's size as this thread's instance last saw it. V8 tells another thread's instance that a shared memory
  // grew through an interrupt that thread handles later: until then memory.fill and memory.copy (bounds-checked
  // against the instance's own size) trap "memory access out of bounds" on the new pages (a list posted right after
  // a grow: 2-9 in 10,000 in scratch runs here; plain loads and stores do not trap). memory.grow(0) on this thread
  // updates its instances at once.
  let pages = 0;
  Atomics.store(st, 2, 1);
  for (;;) {
    let s = Atomics.load(st, 0);
    if (s === ${EXIT}) return done();
    if (s !== ${POSTED}) {
      // poll for a list or an exit (the clock read every 256 polls) until the budget is spent or the thread was
      // descheduled, then sleep until notified
      Atomics.store(st, ${AWAKE}, 1);
      let last = performance.now(), n = 0;
      const until = last + Atomics.load(st, ${SPIN}) / 1000, gap = Atomics.load(st, ${GAP}) / 1000 || Infinity;
      for (;;) {
        s = Atomics.load(st, 0);
        if (s === ${POSTED} || s === ${EXIT}) break;
        if ((++n & 255) !== 0) continue;
        const now = performance.now();
        if (now >= until || now - last > gap) break; // spent, or descheduled: sleep, leave the core to others
        last = now;
      }
      if (s !== ${POSTED} && s !== ${EXIT}) {
        // 0 before Atomics.wait reads the state again (all sequentially consistent): a poster that then reads 1 here
        // stored its list before, and wait returns at once; a poster that reads 0 notifies
        Atomics.store(st, ${AWAKE}, 0);
        Atomics.wait(st, 0, s);
      }
      continue;
    }
    // the calling thread may have taken the list back meanwhile (it had finished its own and we had not started)
    if (Atomics.compareExchange(st, 0, ${POSTED}, ${RUNNING}) !== ${POSTED}) continue;
    try {
      if (st[${PAGES}] !== pages) { memory.grow(0); pages = st[${PAGES}]; }
      // each call with its arguments read straight from the block: 28 of them (a kernel ignores those past its
      // own; none takes more than lstm_backward's 28), no array per call (a list's call 40-70 ns faster)
      const run = (p, end) => {
        while (p < end) {
          const fn = fns[f[p]], argc = f[p + 1], a = p + 2;
          p = a + argc;
          if (argc > 28) { fn(...f.subarray(a, p)); continue; }
          fn(f[a], f[a + 1], f[a + 2], f[a + 3], f[a + 4], f[a + 5], f[a + 6], f[a + 7], f[a + 8], f[a + 9], f[a + 10],
            f[a + 11], f[a + 12], f[a + 13], f[a + 14], f[a + 15], f[a + 16], f[a + 17], f[a + 18], f[a + 19], f[a + 20],
            f[a + 21], f[a + 22], f[a + 23], f[a + 24], f[a + 25], f[a + 26], f[a + 27]);
        }
      };
      const lists = st[${QUEUE}];
      if (lists === 0) run(0, st[1]);
      // a queue: take lists until none is left (the calling thread takes them too)
      else for (let i; (i = Atomics.add(st, ${NEXT}, 1)) < lists;) run(f[i], f[i + 1]);
      // from running only: an exit stored meanwhile (dispose) stays, and the loop then sees it
      Atomics.compareExchange(st, 0, ${RUNNING}, ${DONE});
    } catch (e) {
      // the error's message (a RuntimeError: memory access out of bounds, ...) for the calling thread's StateError
      const msg = String((e && e.message) || e).slice(0, 300);
      for (let i = 0; i < msg.length; i++) f[i] = msg.charCodeAt(i);
      Atomics.store(st, ${MESSAGE}, msg.length);
      Atomics.compareExchange(st, 0, ${RUNNING}, ${FAILED});
    }
    Atomics.notify(st, 0);
  }
}
`;
const NODE_WORKER = `${SERVE}\nconst { workerData } = require('node:worker_threads');\nserve(workerData, () => process.exit(0));\n`;
const WEB_WORKER = `${SERVE}\nself.onmessage = (e) => serve(e.data, () => self.close());\n`;

interface WorkerData { module: WebAssembly.Module; memory: WebAssembly.Memory; ctrl: SharedArrayBuffer; names: string[] }
interface WorkerHandle { unref?(): void; on?(event: 'exit', listener: () => void): void; addEventListener?(type: 'error', listener: () => void): void }
type Spawn = (data: WorkerData) => WorkerHandle;
let spawn: Spawn | null = null;
/** Which worker API the pool uses: 'worker_threads' (Node, Deno, Bun), 'web' (browsers), or 'none'. */
export let workerKind: 'worker_threads' | 'web' | 'none' = 'none';

interface NodeWorkerCtor { new (src: string, opts: { eval: boolean; workerData: unknown }): WorkerHandle }
interface WebWorkerCtor { new (url: string, opts?: { type?: string }): WorkerHandle & { postMessage(m: unknown): void } }

/**
 * Finds a worker API: node:worker_threads where it exists (Node, Deno, Bun: its workers can be unref'd, so a script
 * still exits when done), else Web Workers from a blob: URL (browsers). Called from init(); false where neither is
 * available (workerd).
 */
export async function loadWorkerSupport(): Promise<boolean> {
  if (spawn) return true;
  const g = globalThis as unknown as { Worker?: WebWorkerCtor; Blob?: typeof Blob; URL: typeof URL };
  const rt = detectRuntime().name;
  if (rt === 'node' || rt === 'deno' || rt === 'bun') {
    try {
      // A computed specifier: bundlers and Worker module scanners (miniflare) must not try to resolve it; and marked
      // for webpack and Vite to leave the import as it is (webpack made a computed one an empty module that rejects:
      // a bundle for Node then ran on one thread without a word). The expression inside import() itself: the bundle's
      // minifier inlines a const and drops a comment on it.
      const wt = await import(/* webpackIgnore: true */ /* @vite-ignore */ ['node', 'worker_threads'].join(':')) as { Worker: NodeWorkerCtor };
      spawn = (data) => new wt.Worker(NODE_WORKER, { eval: true, workerData: data });
      workerKind = 'worker_threads';
      return true;
    } catch { /* fall through to Web Workers */ }
  }
  if (g.Worker && g.Blob && typeof g.URL.createObjectURL === 'function') {
    const url = g.URL.createObjectURL(new g.Blob([WEB_WORKER], { type: 'text/javascript' }));
    const W = g.Worker;
    spawn = (data) => { const w = new W(url, { type: 'module' }); w.postMessage(data); return w; };
    workerKind = 'web';
    return true;
  }
  return false;
}

/** Work lists handed to worker threads so far, in this process (reported by info()). */
export let handoffs = 0;
let takenBack = 0;
/** Posted lists this thread took back and ran itself (no worker had started them), in this process. @internal */
export function takeBacks(): number { return takenBack; }

/**
 * A worker's control block: its state word and its call list. `web`: a Web Worker (no exit event to count); `failed`
 * once a Web Worker reported an error (a page's CSP that blocks blob: workers: it never starts).
 */
interface Slot { st: Int32Array; f: Float64Array; web: boolean; failed: boolean }

let live = 0;
/**
 * Worker threads of all pools in this process that have not ended yet: node:worker_threads workers count until
 * their exit event, Web Workers until they are told to end. For tests and the memory bench. @internal
 */
export function liveWorkers(): number { return live; }

/** Tells each worker to leave its loop (the thread then ends, and with it its hold on the model's shared memory). */
function endWorkers(slots: Slot[]): void {
  for (const s of slots) {
    Atomics.store(s.st, 0, EXIT);
    Atomics.notify(s.st, 0);
    if (s.web) live--;
  }
}

// The backstop for pools that are dropped without dispose(): a worker holds the model's shared memory, so a pool
// nobody disposes would keep it (and the thread) forever. The held value is the control blocks only: nothing that
// reaches the pool, its kernels or the memory, so the registry keeps none of them alive.
const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Slot[]>(endWorkers) : null;

export class Pool {
  private workers: Slot[] = [];
  private names: string[];
  /** Small lists kept on this thread since the last nudge because the worker was asleep, and how many a nudge takes. */
  private unposted = 0;
  private nudgeEvery = 16;
  private handoffsAtNudge = -1;
  /** A kernel's name -> its index in `names`, the number a posted call carries. */
  private index: Map<string, number>;

  constructor(readonly k: Kernels, module: WebAssembly.Module, private readonly memory: WebAssembly.Memory, readonly threads: number) {
    this.names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    this.index = new Map(this.names.map((n, i) => [n, i]));
    if (!spawn) return;
    for (let i = 1; i < threads; i++) {
      const ctrl = new SharedArrayBuffer(CTRL_BYTES);
      const st = new Int32Array(ctrl, 0, 16);
      st[SPIN] = spinMicros;
      st[GAP] = gapMicros;
      let w: WorkerHandle;
      try {
        w = spawn({ module, memory, ctrl, names: this.names });
        w.unref?.();
      } catch {
        break; // e.g. a Content-Security-Policy without worker-src blob: — the lists then run on this thread
      }
      live++;
      const web = typeof w.on !== 'function';
      const slot: Slot = { st, f: new Float64Array(ctrl, 64), web, failed: false };
      if (!web) w.on!('exit', () => { live--; });
      // a Web Worker that a page's Content-Security-Policy blocks (worker-src without blob:) fires 'error' and never
      // starts: its lists stay on this thread, as for any worker not started yet, and ready() stops waiting for it
      // (it waited its whole timeout, 10 s a model)
      else w.addEventListener?.('error', () => { slot.failed = true; });
      this.workers.push(slot);
    }
    if (this.workers.length > 0) registry?.register(this, this.workers.slice(), this);
  }

  get size(): number { return 1 + this.workers.length; }

  /**
   * Resolves once every worker has its instance (workers start asynchronously, and until then their lists run on
   * this thread) or has failed to start, or after `timeoutMs`. fit() awaits it; synchronous calls never wait.
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.workers.some((w) => !w.failed && Atomics.load(w.st, 2) !== 1) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /**
   * Runs every list; list 0 on this thread, list i on worker i - 1 (round robin), and waits for all. `flops`, when
   * given, is the work's size: below `minFlops` the lists run here without a hand-off, and below `coldFlops` they go
   * only to a worker that is polling (see above). A worker that has not started yet (workers start asynchronously)
   * leaves its list to this thread, and so does one that has not taken its list by the time this thread has run its
   * own (asleep, or not scheduled on a busy machine): this thread then takes the list back and runs it, so a
   * hand-off never waits for a worker to wake.
   */
  run(lists: Call[][], flops = Infinity): void {
    if (this.workers.length === 0 || flops < minFlops) { for (const l of lists) runCalls(this.k, l); return; }
    let i = 1;
    const posted: typeof this.workers = [], their: Call[][] = [];
    const mine: Call[][] = [lists[0]];
    for (; i < lists.length; i++) {
      const slot = this.workers[(i - 1) % this.workers.length];
      if (posted.includes(slot) || this.keepHere(slot, flops) || !this.post(slot, [lists[i]])) { mine.push(lists[i]); continue; }
      posted.push(slot);
      their.push(lists[i]);
    }
    const t0 = posted.length > 0 ? performance.now() : 0;
    try {
      for (const l of mine) runCalls(this.k, l);
    } catch (e) {
      for (const s of posted) this.settle(s);
      throw e;
    }
    // poll for a worker's end about as long again as our own lists took: a list of the same size that is not done by
    // then is late because its thread is not running (a busy machine), and polling on would hold a core it needs
    const pollMs = posted.length > 0 ? Math.min(spinMicros / 1000, 2 * (performance.now() - t0) + 0.02) : 0;
    for (let j = 0; j < posted.length; j++) {
      try {
        if (this.takeBack(posted[j])) { runCalls(this.k, their[j]); continue; }
        this.join(posted[j], pollMs);
      } catch (e) {
        // (a taken-back list failing here, or a worker's failure): the other workers' lists end before it is thrown
        for (let r = j + 1; r < posted.length; r++) this.settle(posted[r]);
        throw e;
      }
    }
  }

  /**
   * Runs every list, each exactly once, on whichever thread takes it first: this thread and the worker take lists
   * from one shared counter, in order, until none is left, so a thread that runs slower (a VM's vCPU taken away, a
   * list that touches lines the other core holds) simply takes fewer. For lists of equal parts (rows of a batch):
   * which thread runs a list never changes its bytes. With more than one worker the lists are dealt out as run()
   * deals them.
   */
  runQueue(lists: Call[][], flops = Infinity): void {
    const s = this.workers[0];
    if (this.workers.length !== 1 || lists.length < 2 || flops < minFlops || this.keepHere(s, flops) || !this.post(s, lists)) {
      this.run(lists, flops);
      return;
    }
    const t0 = performance.now();
    let mine = 0;
    try {
      for (let i; (i = Atomics.add(s.st, NEXT, 1)) < lists.length; mine++) runCalls(this.k, lists[i]);
    } catch (e) {
      Atomics.store(s.st, NEXT, lists.length); // the worker takes no more lists
      this.settle(s);
      throw e;
    }
    if (this.takeBack(s)) return; // the worker never started: we ran them all
    this.join(s, Math.min(spinMicros / 1000, (2 * (performance.now() - t0)) / Math.max(1, mine) + 0.02));
  }

  /**
   * Whether a list of this size stays on this thread because the worker has not started or sleeps (small work does
   * not wake a sleeping worker: now and then a nudge wakes it to poll again, so a serving loop on a quiet machine gets
   * it back).
   */
  private keepHere(slot: Slot, flops: number): boolean {
    if (Atomics.load(slot.st, 2) !== 1) return true;
    if (flops >= coldFlops || Atomics.load(slot.st, AWAKE) === 1) return false;
    if (++this.unposted >= this.nudgeEvery) {
      // the interval doubles (up to 1024 calls) while nudges bring no hand-off: on a busy machine the woken
      // worker polls on this thread's core instead of taking lists, and this thread runs slower
      this.nudgeEvery = handoffs === this.handoffsAtNudge ? Math.min(2 * this.nudgeEvery, 1024) : 16;
      this.handoffsAtNudge = handoffs;
      this.unposted = 0;
      slot.st[SPIN] = spinMicros;
      slot.st[GAP] = gapMicros;
      Atomics.notify(slot.st, 0);
    }
    return true;
  }

  /** Takes back a posted list (or queue) no worker has started; true if it did (the caller runs what remains). */
  private takeBack(s: Slot): boolean {
    if (!takeBack || Atomics.compareExchange(s.st, 0, POSTED, DONE) !== POSTED) return false;
    takenBack++;
    return true;
  }

  /**
   * After a failure on this thread: takes back the worker's list if it has not started, else waits for its end
   * (ignoring a failure there), so that the slot is idle before anything is posted to it again or it is told to exit
   * (a worker still running would read the next posting's calls with the old list's bounds).
   */
  private settle(s: Slot): void {
    if (Atomics.compareExchange(s.st, 0, POSTED, DONE) === POSTED) return;
    let v: number;
    if (canBlock()) while (busy(v = Atomics.load(s.st, 0))) Atomics.wait(s.st, 0, v);
    else while (busy(Atomics.load(s.st, 0))) { /* a browser's main thread may not block: spin */ }
  }

  /** Waits for a worker's list: polls for up to pollMs (see run()), then sleeps; throws if a kernel failed there. */
  private join(s: Slot, pollMs: number): void {
    handoffs++;
    // posted (when not taken back) or running: poll for its end before sleeping
    let v = Atomics.load(s.st, 0);
    if (busy(v)) {
      let last = performance.now(), n = 0;
      const until = last + pollMs, gap = gapMicros / 1000 || Infinity;
      while (busy(v = Atomics.load(s.st, 0))) {
        if ((++n & 255) !== 0) continue;
        const now = performance.now();
        if (now >= until || now - last > gap) break; // spent, or descheduled: sleep, leave the core to others
        last = now;
      }
    }
    if (canBlock()) while (busy(v = Atomics.load(s.st, 0))) Atomics.wait(s.st, 0, v);
    else while (busy(v = Atomics.load(s.st, 0))) { /* a browser's main thread may not block: spin */ }
    if (v === FAILED) {
      const at = Atomics.load(s.st, 3) ? ` (a Wasm abort at ${Atomics.load(s.st, 3)}:${Atomics.load(s.st, 4)})` : '';
      const n = Atomics.load(s.st, MESSAGE);
      const said = n > 0 ? `: ${String.fromCharCode(...Array.from(s.f.subarray(0, n)))}` : '';
      Atomics.store(s.st, MESSAGE, 0);
      throw new StateError(`bilstm-attn: expected the worker thread to run its kernels, got a failure${at}${said} (an internal error: please report it).`);
    }
  }

  /**
   * Posts one list, or several as a queue (taken from a shared counter), to a worker; false (nothing posted) when
   * they do not fit in its control block.
   */
  private post(s: Slot, lists: Call[][]): boolean {
    const queue = lists.length > 1;
    let p = queue ? lists.length + 1 : 0;
    for (const l of lists) for (const [, args] of l) p += 2 + args.length;
    if (p > SLOTS) return false;
    p = queue ? lists.length + 1 : 0;
    for (let i = 0; i < lists.length; i++) {
      if (queue) s.f[i] = p;
      for (const [name, args] of lists[i]) {
        s.f[p] = this.index.get(name)!;
        s.f[p + 1] = args.length;
        for (let j = 0; j < args.length; j++) s.f[p + 2 + j] = args[j];
        p += 2 + args.length;
      }
    }
    if (queue) s.f[lists.length] = p;
    s.st[1] = p;
    s.st[QUEUE] = queue ? lists.length : 0;
    s.st[NEXT] = 0;
    s.st[PAGES] = this.memory.buffer.byteLength / 65536; // 65536 at 4 GiB
    s.st[SPIN] = spinMicros;
    s.st[GAP] = gapMicros;
    Atomics.store(s.st, 0, POSTED);
    // a polling worker sees the list by itself; only a sleeping one needs the (system call) notify
    if (Atomics.load(s.st, AWAKE) !== 1) Atomics.notify(s.st, 0);
    return true;
  }

  /** Ends the workers (their threads exit and let go of the shared memory); the lists then run on this thread. */
  dispose(): void {
    if (this.workers.length === 0) return;
    registry?.unregister(this);
    endWorkers(this.workers);
    this.workers = [];
  }
}
