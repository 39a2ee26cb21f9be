// Bidirectional wrapper: a forward copy and a goBackwards copy of an LSTM, GRU or SimpleRNN, merged (concat, sum, mul, ave).
import { Layer, checkConfig, sizeOf, type ConfigDict, type Ctx, type LayerArgs, type Shape, type LayerOwner } from './layer.js';
import { LSTM, MAX_PARTS, type LSTMArgs } from './lstm.js';
import { GRU, type GRUArgs } from './gru.js';
import { SimpleRNN } from './simple-rnn.js';
import { Recurrent } from './recurrent.js';
import type { Allocator } from '../core/arena.js';
import { ConfigError, describeValue, isPlainObject } from '../errors.js';
import { recorder, runRows, type Call } from '../core/threads.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
const MODES: Record<MergeMode, number> = { concat: 0, sum: 1, mul: 2, ave: 3 };

/** The layers a Bidirectional wraps. */
export type RecurrentLayer = LSTM | GRU | SimpleRNN;

export interface BidirectionalArgs extends LayerArgs {
  layer: RecurrentLayer;
  mergeMode?: MergeMode;
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  /** The wrapped layer as given (its own name and options): what getConfig saves, so a rebuild is the same. */
  readonly layer: RecurrentLayer;
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  private y = 0; private df = 0; private dg = 0; private f = 0; private g = 0;
  private T = 0;

  constructor(args: BidirectionalArgs) {
    super(args, 'bidirectional');
    const where = `layers.bidirectional(${this.name})`;
    if (!(args.layer instanceof Recurrent)) {
      throw new ConfigError(`${where}: expected layer to be an lstm, gru or simpleRNN layer, got ${(args.layer as { className?: string })?.className ?? typeof args.layer}.`);
    }
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (typeof mode !== 'string' || !Object.hasOwn(MODES, mode)) {
      throw new ConfigError(`${where}: expected mergeMode to be one of concat, sum, mul, ave, got ${describeValue(args.mergeMode)}.`);
    }
    this.mergeMode = mode as MergeMode;
    const inner = this.layer = args.layer;
    // Keras: the backward layer is a config copy with goBackwards flipped; names get forward_/backward_ prefixes.
    const { name: _n, ...cfg } = inner.getConfig() as unknown as LSTMArgs & GRUArgs;
    // Keras: Bidirectional sets zero_output_for_mask = return_sequences on both inner layers
    const zero = inner.returnSequences;
    const copy = (args: LSTMArgs & GRUArgs): RecurrentLayer => new (inner.constructor as new (a: LSTMArgs & GRUArgs) => RecurrentLayer)(args);
    this.forwardLayer = copy({ ...cfg, name: `forward_${inner.name}`, zeroOutputForMask: zero });
    this.backwardLayer = copy({ ...cfg, name: `backward_${inner.name}`, goBackwards: !inner.goBackwards, zeroOutputForMask: zero });
    this.returnSequences = inner.returnSequences;
    // each direction draws its own input-dropout masks (Keras: two layers, two masks), from streams of this layer's
    this.forwardLayer.dropoutStream = 'dropout/forward';
    this.backwardLayer.dropoutStream = 'dropout/backward';
    if (this.forwardLayer instanceof LSTM && this.backwardLayer instanceof LSTM) {
      this.forwardLayer.twin = this.backwardLayer;
      this.backwardLayer.twin = this.forwardLayer;
    }
    // Keras: a wrapped layer built with trainable false keeps its weights out of the wrapper's trainable weights, so
    // both directions stay frozen; the wrapper's own flag freezes them as well
    if (inner.trainable === false) this.trainable = false;
    if (this.trainable === false) { this.forwardLayer.trainable = false; this.backwardLayer.trainable = false; }
  }

  /** Joins a model (@internal) with both directions (their weights live in its memory too). */
  joinModel(owner: LayerOwner): void { super.joinModel(owner); this.forwardLayer.joinModel(owner); this.backwardLayer.joinModel(owner); }
  /** Itself or a direction another model took (a direction added to a model alone), or null (@internal). */
  override joinState(): unknown { return [this.forwardLayer.joinState(), this.backwardLayer.joinState()]; }
  override restoreJoinState(s: unknown): void {
    const [f, b] = s as [unknown, unknown];
    this.forwardLayer.restoreJoinState(f);
    this.backwardLayer.restoreJoinState(b);
  }
  override movedFrom(owner: LayerOwner | null): Layer | null {
    return super.movedFrom(owner) ?? this.forwardLayer.movedFrom(owner) ?? this.backwardLayer.movedFrom(owner);
  }
  /** Leaves its model with both directions (@internal). */
  override leaveModel(): void { super.leaveModel(); this.forwardLayer.leaveModel(); this.backwardLayer.leaveModel(); }

  private get H(): number { return this.forwardLayer.units; }

  protected computeOutputShape(s: Shape): Shape {
    const f = this.forwardLayer.shapeFor(s);
    const last = this.mergeMode === 'concat' ? 2 * this.H : this.H;
    return [...f.slice(0, -1), last];
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    this.forwardLayer.build(inputShape);
    this.backwardLayer.build(inputShape);
    this.weights = [...this.forwardLayer.weights, ...this.backwardLayer.weights];
    for (const w of this.weights) w.name = `${this.name}/${w.name}`;
    return out;
  }

  override resize(inputShape: Shape): Shape {
    this.forwardLayer.resize(inputShape);
    this.backwardLayer.resize(inputShape);
    return super.resize(inputShape);
  }

  plan(a: Allocator, B: number): void {
    this.forwardLayer.plan(a, B);
    this.backwardLayer.plan(a, B);
    this.T = sizeOf([this.inputShape[0]]);
    const R = B * (this.returnSequences ? this.T : 1);
    this.y = a.alloc(R * this.outputShape[this.outputShape.length - 1]! * 4);
    this.df = a.alloc(R * this.H * 4);
    this.dg = a.alloc(R * this.H * 4);
  }

  /**
   * How many parts each direction's rows go in (0: none, the two directions as two lists): with 2 threads, concat
   * over sequences, 2-4 parts of 16 rows or more in inference, of 8 or more in training (LSTMs only).
   */
  private parts(c: Ctx, B: number): number {
    if (c.a.pool.size !== 2 || !this.returnSequences || this.mergeMode !== 'concat' || !(this.layer instanceof LSTM)) return 0;
    // (the parts' kernels take no recurrent-dropout mask)
    if (c.training && this.layer.recurrentDropout > 0) return 0;
    const n = Math.min(MAX_PARTS, Math.floor(B / (c.training ? 8 : 16)));
    return n >= 2 ? n : 0;
  }

  /** Multiply-adds of both directions' forward, the work size the pool weighs before handing it to a thread. */
  private flops(B: number): number {
    const I = this.inputShape[1] as number;
    return 2 * 2 * B * this.T * (I + this.H) * this.layer.gateBlocks * this.H;
  }

  private rows(B: number): number { return B * (this.returnSequences ? this.T : 1); }

  override outputMask(): number { return this.returnSequences ? this.inMask : 0; }

  /** Both directions read an embedding's output through its ids (LSTM.takesTokenRows). */
  override takesTokenRows(c: Ctx, x: number): boolean { return this.forwardLayer.takesTokenRows(c, x); }

  forward(c: Ctx, x: number, B: number): number {
    const fw = this.forwardLayer, bw = this.backwardLayer;
    fw.inMask = this.inMask;
    bw.inMask = this.inMask;
    fw.index = bw.index = this.index; // (their dropout streams are this layer's)
    // each direction's input: x, or in training with dropout x times its own mask (the last-output path's forward()
    // drops it itself)
    const xf = this.returnSequences ? fw.dropInput(c, x, B) : x, xb = this.returnSequences ? bw.dropInput(c, x, B) : x;
    // The two directions are independent work: record each as a list of kernel calls and run them on two threads,
    // the backward direction's on this thread: a worker's list runs a few % slower than the same list here, and the
    // forward direction (ascending addresses) is the lighter one (train B on 2 threads 1.04-1.06x against the other way).
    const rf = recorder(), rb = recorder();
    const cf: Ctx = { ...c, k: rf.k }, cb: Ctx = { ...c, k: rb.k };
    const R = this.rows(B), H = this.H, T = this.T;
    // concat: each direction writes its own half of y on its own thread (merge_forward's copies, split); the other
    // modes combine both directions, after both are done
    const concat = this.mergeMode === 'concat';
    // On 2 threads (see parts()): each direction's rows cut into 2-4 parts, the parts of both directions taken by the
    // two threads from one queue (Pool.runQueue), so neither waits for the other when one core runs slower; the same
    // bytes (the forward's rows are independent). Measured against the two directions as two lists (2 threads, same
    // process, alternating): predictions B batch 256 1.06x (1.03-1.14x with cached input projections), A batch 64
    // 1.3x and 256 1.07x, smaller parts lost (A batch 32 in parts of 8 rows: 0.97x); training (with backward in
    // parts) B 1.07-1.12x.
    const parts = this.parts(c, B);
    if (parts >= 2 && fw instanceof LSTM && bw instanceof LSTM) {
      const pf = recorder(), pb = recorder();
      const work = fw.prepareParts({ ...c, k: pf.k }, xf, B) + bw.prepareParts({ ...c, k: pb.k }, xb, B);
      // (below 1e6 multiply-adds, ~50 us, the preparation stays on this thread: a hand-off would cost more than it saves)
      c.a.pool.run([pb.calls, pf.calls], work >= 1e6 ? work : 0);
      const lists: Call[][] = [];
      for (let p = 0; p < parts; p++) {
        const b0 = Math.floor((B * p) / parts), b1 = Math.floor((B * (p + 1)) / parts), r = b0 * T;
        for (const [l, half, flip, xl] of [[bw, 1, !bw.goBackwards, xb], [fw, 0, fw.goBackwards, xf]] as [LSTM, number, boolean, number][]) {
          const rec = recorder();
          const h = l.sequencePart({ ...c, k: rec.k }, xl, b0, b1, p);
          rec.k.copy_steps(this.y + (r * 2 * H + half * H) * 4, 2 * H, h + r * H * 4, H, b1 - b0, T, H, flip ? 1 : 0, 0);
          lists.push(rec.calls);
        }
      }
      c.a.pool.runQueue(lists, this.flops(B));
      return this.y;
    }
    if (this.returnSequences && concat) {
      // each direction's sequence as its LSTM keeps it (aligned with input positions), put into its half of y; Keras
      // flips the backward layer's sequence back in time (so it aligns), and the forward layer's comes in its own
      // time order, reversed when it goes backwards: such a flip happens on the way (one pass, not two)
      // In inference a direction that needs no flip and no masked copy writes each h_t into its half as its step
      // makes it (LSTM.sequenceInto: no copy pass; B batch 1 on 2 threads 1.02x, 1 thread 1.00-1.02x) when its list
      // runs on this thread, which reads y next. The worker's direction copies its half at the end: its stores go to
      // lines this thread read last call, and each waits for the other core; in one pass they overlap, while a
      // recurrence that stored each step's h there ran slower (B batch 1 on 2 threads 0.96x).
      this.half(fw, cf, xf, B, 0, fw.goBackwards, c.a.pool.size === 1);
      this.half(bw, cb, xb, B, 1, !bw.goBackwards, true);
    } else {
      if (this.returnSequences) {
        // both sequences aligned with input positions
        this.f = fw.sequence(cf, xf, B, fw.goBackwards);
        this.g = bw.sequence(cb, xb, B, !bw.goBackwards);
      } else {
        this.f = fw.forward(cf, x, B);
        this.g = bw.forward(cb, x, B);
      }
      if (concat) {
        rf.k.copy_rows(this.y, 2 * H, this.f, H, R, H);
        rb.k.copy_rows(this.y + H * 4, 2 * H, this.g, H, R, H);
      }
    }
    c.a.pool.run([rb.calls, rf.calls], this.flops(B));
    if (!concat) c.k.merge_forward(this.y, this.f, this.g, R, H, MODES[this.mergeMode]);
    return this.y;
  }

  /** One direction's sequence into its half of y (see forward), recorded into cl.k: in time order unless `flip`. */
  private half(l: RecurrentLayer, cl: Ctx, x: number, B: number, half: number, flip: boolean, here: boolean): void {
    const H = this.H, y = this.y + half * H * 4;
    if (here && !flip && l.sequenceInto(cl, x, B, y, 2 * H)) return;
    cl.k.copy_steps(y, 2 * H, l.sequence(cl, x, B, false), H, B, this.T, H, flip ? 1 : 0, 0);
  }

  backward(c: Ctx, dy: number, B: number): number {
    const fw = this.forwardLayer, bw = this.backwardLayer;
    const R = this.rows(B), H = this.H, T = this.T;
    const n = B * this.inputSize();
    let dxf: number, dxb: number;
    const rf = recorder(), rb = recorder();
    const cf: Ctx = { ...c, k: rf.k }, cb: Ctx = { ...c, k: rb.k };
    const parts = this.parts(c, B);
    if (parts >= 2 && fw instanceof LSTM && bw instanceof LSTM) {
      // in parts (see forward): U and W transposed, then the parts' recurrences from one queue (each part splitting its
      // rows of dy first), then the weight gradients and dx of both directions from another; buffers as below
      const df = this.y, dg = this.y + R * H * 4;
      fw.backwardPrepare(c, B);
      bw.backwardPrepare(c, B);
      const lists: Call[][] = [];
      for (let p = 0; p < parts; p++) {
        const b0 = Math.floor((B * p) / parts), b1 = Math.floor((B * (p + 1)) / parts), r = b0 * T;
        for (const [l, d, half, flip] of [[bw, dg, 1, !bw.goBackwards], [fw, df, 0, fw.goBackwards]] as [LSTM, number, number, boolean][]) {
          const rec = recorder();
          rec.k.copy_steps(d + r * H * 4, H, dy + (r * 2 * H + half * H) * 4, 2 * H, b1 - b0, T, H, flip ? 1 : 0, 1);
          l.backwardPart({ ...c, k: rec.k }, d, d, b0, b1);
          lists.push(rec.calls);
        }
      }
      c.a.pool.runQueue(lists, 2 * this.flops(B));
      const dxParts = c.inputGrad === false ? 0 : 4; // (Ctx.inputGrad)
      const tb = bw.backwardTail(B, dg, dxParts), tf = fw.backwardTail(B, df, dxParts);
      // both directions have the same shapes, so the same lists: interleaved, each thread starts on a direction
      c.a.pool.runQueue(tb.lists.flatMap((l, i) => [l, tf.lists[i]]), 2 * this.flops(B));
      return dxParts ? this.sumDx(c, fw.dropBackward(c, tf.dx, B), bw.dropBackward(c, tb.dx, B), B, fw.idRows()) : 0;
    }
    if (this.returnSequences && this.mergeMode === 'concat') {
      // Our output y is spent once backward runs (the next layer's backward has read it; the model reads outputs
      // before backward): its halves take df and dg ([B,T,H] each), which each direction's thread fills from its half
      // of dy (merge_backward's split, 0 + dy, flipped as forward flipped it), and the same buffer then serves as the
      // LSTM's h_{t-1} scratch (lstm_backward reads dh only before it writes that). Buffers of our own and the LSTMs'
      // dhseq stay untouched (peak RSS).
      const df = this.y, dg = this.y + R * H * 4;
      rf.k.copy_steps(df, H, dy, 2 * H, B, T, H, fw.goBackwards ? 1 : 0, 1);
      rb.k.copy_steps(dg, H, dy + H * 4, 2 * H, B, T, H, bw.goBackwards ? 0 : 1, 1);
      dxf = fw.dropBackward(cf, fw.sequenceBackward(cf, df, B, false, df), B);
      dxb = bw.dropBackward(cb, bw.sequenceBackward(cb, dg, B, false, dg), B);
      c.a.pool.run([rb.calls, rf.calls], 2 * this.flops(B));
      return dxf ? this.sumDx(c, dxf, dxb, B, fw.idRows()) : 0;
    }
    const df = this.df, dg = this.dg;
    c.a.zero(df, R * H);
    c.a.zero(dg, R * H);
    c.k.merge_backward(df, dg, dy, this.f, this.g, R, H, MODES[this.mergeMode]);
    if (this.returnSequences) {
      // dy ([B,T,H] with sum, mul, ave) is spent once split (merge_backward): it serves as the forward direction's
      // h_{t-1} scratch instead of a buffer of its own (peak RSS)
      dxf = fw.dropBackward(cf, fw.sequenceBackward(cf, df, B, fw.goBackwards, dy), B);
      dxb = bw.dropBackward(cb, bw.sequenceBackward(cb, dg, B, !bw.goBackwards, 0), B);
    } else {
      dxf = fw.backward(cf, df, B);
      dxb = bw.backward(cb, dg, B);
    }
    c.a.pool.run([rb.calls, rf.calls], 2 * this.flops(B));
    if (!dxf) return 0; // no input gradient (Ctx.inputGrad)
    // dx = dxf + dxb, summed into the forward layer's dx (free until its next backward) rather than a buffer of our
    // own: the same bits as 0 + dxf + dxb, as dxf comes from accumulating into zeros and so is never -0
    const ids = fw.idRows();
    c.k.add_into(dxf, dxb, ids ? ids * this.inputShape[1]! : n);
    if (ids) c.tokens!.rowsGrad = dxf;
    return dxf;
  }

  /**
   * dx = dxf + dxb over a sequence's B x T rows, summed into dxf (see backward's last lines: the same bits), the rows
   * cut across the threads.
   */
  private sumDx(c: Ctx, dxf: number, dxb: number, B: number, ids: number): number {
    const I = this.inputSize() / this.T;
    // per distinct id (LSTM.idRows: both directions took the same ids) n rows instead of B x T
    const R = ids || B * this.T;
    runRows(c.a.pool, c.k, R, R * I, (k, r0, r1) => k.add_into(dxf + r0 * I * 4, dxb + r0 * I * 4, (r1 - r0) * I));
    if (ids) c.tokens!.rowsGrad = dxf;
    return dxf;
  }

  /** The wrapped layer's own config (not the renamed forward copy, which would rebuild as forward_forward_lstm). */
  override getConfig(): ConfigDict {
    // the wrapped layer's trainable is the wrapper's (Keras sets both together): a wrapper unfrozen after it was built
    // around a frozen layer stays unfrozen through a file
    return { ...super.getConfig(), mergeMode: this.mergeMode, layer: { className: this.layer.className, config: { ...this.layer.getConfig(), trainable: this.trainable } } };
  }

  static fromConfig(config: unknown): Bidirectional {
    const where = 'Bidirectional.fromConfig';
    const c = checkConfig(config, where, ['mergeMode', 'layer']);
    const l = c.layer;
    const wrapped: Record<string, (c: unknown) => RecurrentLayer> = { LSTM: LSTM.fromConfig, GRU: GRU.fromConfig, SimpleRNN: SimpleRNN.fromConfig };
    if (!isPlainObject(l) || typeof l.className !== 'string' || !Object.hasOwn(wrapped, l.className) || Object.keys(l).some((k) => k !== 'className' && k !== 'config')) {
      throw new ConfigError(`${where}: expected layer to be { className: 'LSTM', 'GRU' or 'SimpleRNN', config: {...} } (only those can be wrapped), got ${describeValue(l)}.`);
    }
    return new Bidirectional({ ...c, layer: wrapped[l.className](l.config) } as BidirectionalArgs);
  }
}
