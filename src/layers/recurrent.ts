// What an LSTM, a GRU and a SimpleRNN share: Keras's RNN and cell options (checked once for all), the RNN around the
// cell's recurrence (output shape, the last step or the whole sequence, masked and flipped, and the way back), the input
// dropout and the input-projection tables.
import type { Allocator } from '../core/arena.js';
import { Layer, checkActivation, checkBool, checkPositiveInt, type Ctx, type LayerArgs, type LayerOwner, type Shape, type ElementwiseActivation } from './layer.js';
import { checkInitializer, type InitializerSpec } from './initializers.js';
import { ConfigError, ShapeError, fmtShape, describeValue } from '../errors.js';

export interface RecurrentArgs extends LayerArgs {
  units: number;
  activation?: ElementwiseActivation;
  recurrentActivation?: ElementwiseActivation;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  returnSequences?: boolean;
  goBackwards?: boolean;
  /** At masked steps output 0 instead of the carried output (Bidirectional sets it to returnSequences, as Keras). */
  zeroOutputForMask?: boolean;
  /**
   * Keras's dropout on the inputs, a rate in [0, 1): in training one keep mask [batch, features] per batch, shared by
   * every timestep (DropoutRNNCell.get_dropout_mask), kept features scaled by 1 / (1 - rate); inference reads the input
   * as it is. Default 0.
   */
  dropout?: number;
  /**
   * Keras's recurrent_dropout, a rate in [0, 1): in training one keep mask [batch, units] per batch, shared by every
   * step, on h_{t-1} where it enters the recurrent products (the state carried on is not masked), scaled by
   * 1 / (1 - rate). Default 0. One mask serves every gate: Keras, whose recurrent_dropout switches its cells to
   * implementation 1, draws one per gate (and per gate for `dropout` then too), so the same rates drop other units. (An LSTM with it trains without its per-id input path and, on 2 threads, without
   * cutting a Bidirectional's rows into parts: the same results, other speed.)
   */
  recurrentDropout?: number;
}

/** The checked shared options, with Keras's defaults. */
export interface RecurrentOptions {
  units: number;
  activation: ElementwiseActivation;
  recurrentActivation: ElementwiseActivation;
  useBias: boolean;
  kernelInitializer: InitializerSpec;
  recurrentInitializer: InitializerSpec;
  biasInitializer: InitializerSpec;
  returnSequences: boolean;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
  dropout: number;
  recurrentDropout: number;
}

/** Checks the shared options of layers.lstm / gru / simpleRNN (`where` names the call, `kind` the layer in messages). */
export function recurrentOptions(args: RecurrentArgs, where: string, kind: 'LSTM' | 'GRU' | 'SimpleRNN'): RecurrentOptions {
  const rate = (name: 'dropout' | 'recurrentDropout'): number => {
    const v = args[name] ?? 0;
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ConfigError(`${where}: expected ${name} to be a rate in [0, 1), got ${describeValue(args[name])}.`);
    return v + 0;
  };
  const dropout = rate('dropout'), recurrentDropout = rate('recurrentDropout');
  void kind;
  return {
    units: checkPositiveInt(args.units, where, 'units'),
    activation: checkActivation(args.activation ?? 'tanh', where, false) as ElementwiseActivation,
    recurrentActivation: checkActivation(args.recurrentActivation ?? 'sigmoid', where, false, 'recurrentActivation') as ElementwiseActivation,
    useBias: checkBool(args.useBias, where, 'useBias', true),
    kernelInitializer: checkInitializer(args.kernelInitializer ?? 'glorotUniform', where, 'kernelInitializer'),
    recurrentInitializer: checkInitializer(args.recurrentInitializer ?? 'orthogonal', where, 'recurrentInitializer'),
    biasInitializer: checkInitializer(args.biasInitializer ?? 'zeros', where, 'biasInitializer'),
    returnSequences: checkBool(args.returnSequences, where, 'returnSequences', false),
    goBackwards: checkBool(args.goBackwards, where, 'goBackwards', false),
    zeroOutputForMask: checkBool(args.zeroOutputForMask, where, 'zeroOutputForMask', false),
    dropout,
    recurrentDropout,
  };
}

/**
 * The RNN around a cell (Keras's RNN layer): a subclass runs its recurrence over all T steps into hseq [B,T,H] (aligned
 * to input positions) in recurrence(), and back in runBackward(); this class returns the last step or the sequence
 * (zeros at masked steps with zeroOutputForMask, in Keras's time order with goBackwards) and takes the output's
 * gradient back to hseq's.
 */
export abstract class Recurrent extends Layer {
  readonly units!: number;
  readonly activation!: ElementwiseActivation;
  readonly recurrentActivation!: ElementwiseActivation;
  readonly useBias!: boolean;
  readonly kernelInitializer!: InitializerSpec;
  readonly recurrentInitializer!: InitializerSpec;
  readonly biasInitializer!: InitializerSpec;
  readonly returnSequences!: boolean;
  readonly goBackwards!: boolean;
  readonly zeroOutputForMask!: boolean;
  readonly dropout!: number;
  readonly recurrentDropout!: number;
  /** The stream of this layer's input-dropout masks (a Bidirectional names each direction's; the recurrent dropout's is
   *  this name + '/recurrent'). @internal */
  dropoutStream = 'dropout';
  protected T = 0; protected I = 0;
  /** Input dropout: the dropped input [B,T,I], the mask [B,I] and the input gradient [B,T,I] (0 without dropout). */
  private xDrop = 0; private dropMask = 0; private dxDrop = 0; private dropping = false;
  /** Recurrent dropout: the mask [B,H] and the kernels' scratch [B,H] (0 without it); whether this batch drew one. */
  private rmask = 0; private hm = 0; private recDropping = false;
  /** [B,T,H] the states, aligned to input positions (the subclass's recurrence writes them). */
  protected hseq = 0;
  /** [B,T or 1,H] the returned output when it is not hseq itself; [B,T,H] masked copies of hseq and of its gradient. */
  protected out = 0; protected masked = 0; protected dhseq = 0;

  /** The kernel's gate blocks: 4 (LSTM), 3 (GRU), 1 (SimpleRNN); its columns are gates x units. */
  abstract readonly gateBlocks: number;
  /** bias + E[id] . W for every id of the embedding before us, [V, gates x H] (model.cacheInputProjections), and the
   *  weights version it was computed at (-1: not yet). */
  protected vocab: { ptr: number; V: number; version: number } | null = null;

  protected constructor(args: RecurrentArgs, factory: string, kind: 'LSTM' | 'GRU' | 'SimpleRNN', base = factory) {
    super(args, base, factory);
    Object.assign(this, recurrentOptions(args, `layers.${factory}(${this.name})`, kind));
  }

  /** Bytes of the input-projection table for a vocabulary of V (see model.cacheInputProjections). */
  projectionBytes(V: number): number { return V * this.gateBlocks * this.units * 4; }
  /** Gives this layer its input-projection table [V, gates x H] (persistent memory from the model); made on first use. */
  setProjectionTable(ptr: number, V: number): void { this.vocab = { ptr, V, version: -1 }; }
  /** Whether this layer has a table for a vocabulary of V. */
  hasProjectionTable(V: number): boolean { return this.vocab !== null && this.vocab.V === V; }
  /** The vocabulary size of the input-projection table, or 0 without one. */
  projectionVocab(): number { return this.vocab ? this.vocab.V : 0; }
  /** Joins a model (@internal): a projection table of a model it was in lies in that model's memory, not this one's. */
  override joinModel(owner: LayerOwner): void { super.joinModel(owner); this.vocab = null; }
  override leaveModel(): void { super.leaveModel(); this.vocab = null; }
  override joinState(): unknown { return this.vocab; }
  override restoreJoinState(s: unknown): void { this.vocab = s as Recurrent['vocab']; }

  /**
   * [table, ids] of the vocabulary's input projections when this inference call reads an embedding's output and a
   * table exists (made again after any weight change: bias, then E[id] . W over k with W in panels, the sums of the
   * per-position product, so the same bits), else [0, 0]. W, bias: the kernel and the bias (or zeros) pointers; pack:
   * scratch of I x (gates x H) floats.
   */
  protected projections(c: Ctx, x: number, W: number, bias: number, pack: number): [number, number] {
    if (!this.takesTokenRows(c, x)) return [0, 0];
    const vt = this.vocab!, tok = c.tokens!, G = this.gateBlocks * this.units;
    if (vt.version !== c.weightsVersion) {
      c.k.rows_set(vt.ptr, bias, vt.V, G);
      c.k.pack_b(pack, W, this.I, G, G);
      c.k.gemm_nn_packed(vt.ptr, tok.E, W, pack, vt.V, G, this.I, this.I, G, G, 1);
      vt.version = c.weightsVersion ?? -1;
    }
    return [vt.ptr, tok.ids];
  }

  /** Training per distinct id is the LSTM's alone (LSTM.idRows): 0, dx per position. */
  idRows(): number { return 0; }
  /** Whether the recurrence wrote each h_t straight into a Bidirectional's output (the LSTM's LSTM.sequenceInto); false:
   *  nothing recorded. */
  sequenceInto(_c: Ctx, _x: number, _B: number, _y: number, _ldy: number): boolean { return false; }

  /** Inference on an embedding's output with the vocabulary's table: x is never read, so the embedding need not write
   *  its rows (the LSTM also reads them from the embedding's table). */
  override takesTokenRows(c: Ctx, x: number): boolean {
    const tok = c.tokens, vt = this.vocab;
    return !c.training && !!c.projections && !!tok && !!vt && tok.y === x && tok.D === this.I && tok.V === vt.V;
  }

  /** [time, units] with returnSequences, else [units], from the per-sample input [time, features]. */
  protected computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`${this.name}: expected input of shape [batch, time, features], got per-sample shape ${fmtShape(s)}.`);
    return this.returnSequences ? [s[0], this.units] : [this.units];
  }

  /** The recurrence over x [B,T,I] into hseq, recorded into c.k. */
  protected abstract recurrence(c: Ctx, x: number, B: number): void;
  /** Backward of the recurrence from dL/dhseq (see sequenceBackward's scratch); returns dx [B,T,I] or 0. */
  protected abstract runBackward(c: Ctx, dhseq: number, B: number, scratch?: number): number;

  /** The input dropout's buffers for batches of B (call at the end of plan, after T and I are set). */
  protected planDropout(a: Allocator, B: number): void {
    this.xDrop = this.dropMask = this.dxDrop = this.rmask = this.hm = 0;
    if (this.recurrentDropout > 0) { this.rmask = a.alloc(B * this.units * 4); this.hm = a.alloc(B * this.units * 4); }
    if (this.dropout <= 0) return;
    this.xDrop = a.alloc(B * this.T * this.I * 4);
    this.dropMask = a.alloc(B * this.I * 4);
    this.dxDrop = a.alloc(B * this.T * this.I * 4);
  }

  /** Whether this call's recurrence takes a recurrent-dropout mask (training with recurrentDropout). */
  protected recurrentDropping(c: Ctx): boolean { return c.training && this.recurrentDropout > 0; }

  /**
   * [rmask, hm] for the forward's kernel: in training with recurrentDropout this batch's keep mask [B, H] (drawn now,
   * recorded into c.k, from the model's seeded stream) and the kernel's scratch; else [0, 0].
   */
  protected recurrentMask(c: Ctx, B: number): [number, number] {
    this.recDropping = this.recurrentDropping(c);
    if (!this.recDropping) return [0, 0];
    const s = c.streams.get(this.index, `${this.dropoutStream}/recurrent`);
    // (T = 0: the mask [B, H] alone, as a spatial dropout draws it)
    c.k.dropout_spatial_forward(this.hm, this.rmask, this.hm, B, 0, this.units, this.recurrentDropout, s.k0, s.k1, s.lo, s.hi);
    if (c.advanceRng) s.advance(Math.ceil((B * this.units) / 4));
    return [this.rmask, this.hm];
  }

  /** The forward's [rmask, hm] for the backward kernel ([0, 0] when it drew none). */
  protected recurrentMaskBack(): [number, number] { return this.recDropping ? [this.rmask, this.hm] : [0, 0]; }

  /**
   * The input the recurrence reads: x, or in training with dropout x times this batch's keep mask [B, I] (shared over
   * time, from the model's seeded stream for this layer), recorded into c.k.
   */
  dropInput(c: Ctx, x: number, B: number): number {
    this.dropping = c.training && this.dropout > 0;
    if (!this.dropping) return x;
    const s = c.streams.get(this.index, this.dropoutStream);
    c.k.dropout_spatial_forward(this.xDrop, this.dropMask, x, B, this.T, this.I, this.dropout, s.k0, s.k1, s.lo, s.hi);
    if (c.advanceRng) s.advance(Math.ceil((B * this.I) / 4));
    return this.xDrop;
  }

  /** The gradient w.r.t. x from the one w.r.t. dropInput's result (recorded into c.k); 0 (none) stays 0. */
  dropBackward(c: Ctx, dx: number, B: number): number {
    if (!this.dropping || !dx) return dx;
    // forward: x' = x * mask  =>  dx = dx' * mask
    c.k.zero_fill(this.dxDrop, B * this.T * this.I);
    c.k.dropout_spatial_backward(this.dxDrop, dx, this.dropMask, B, this.T, this.I);
    return this.dxDrop;
  }

  /** Runs the recurrence; returns hseq [B,T,H] aligned to input positions, or flipped in time when `reversed`. */
  sequence(c: Ctx, x: number, B: number, reversed: boolean): number {
    this.recurrence(c, x, B);
    let h = this.hseq;
    if (this.zeroOutputForMask && this.inMask) {
      c.k.mask_rows(this.masked, this.hseq, this.inMask, B * this.T, this.units, 0);
      h = this.masked;
    }
    if (!reversed) return h;
    c.k.flip_time(this.out, h, B, this.T, this.units, 0);
    return this.out;
  }

  /**
   * Backward of sequence(): dy has the layout sequence() returned. Returns dx [B,T,I] (0: no input gradient needed,
   * Ctx.inputGrad). `scratch`: the caller's memory of at least [B,T,H] floats that is dead now (a wrapper's spent
   * gradient), or dy itself (the kernels read dh only before they write h_{t-1}), used for the kernel's h_{t-1}
   * scratch instead of our own buffer, whose pages then stay untouched (peak RSS); 0 for our own.
   */
  sequenceBackward(c: Ctx, dy: number, B: number, reversed: boolean, scratch = 0): number {
    let dh = dy;
    if (reversed) { c.k.flip_time(this.dhseq, dy, B, this.T, this.units, 0); dh = this.dhseq; }
    if (this.zeroOutputForMask && this.inMask) { c.k.mask_rows(this.dhseq, dh, this.inMask, B * this.T, this.units, 0); dh = this.dhseq; }
    return this.runBackward(c, dh, B, scratch);
  }

  forward(c: Ctx, input: number, B: number): number {
    const x = this.dropInput(c, input, B);
    if (this.returnSequences) return this.sequence(c, x, B, this.goBackwards);
    // Keras: the last output is the final processed step's output: the state after it, or 0 where that step is masked
    // and zeroOutputForMask is on (backend.rnn's last_output = outputs[-1], the masked outputs)
    const h = this.sequence(c, x, B, false);
    c.k.take_step(this.out, h, B, this.T, this.units, this.goBackwards ? 0 : this.T - 1, 0);
    return this.out;
  }

  backward(c: Ctx, dy: number, B: number): number {
    if (this.returnSequences) return this.dropBackward(c, this.sequenceBackward(c, dy, B, this.goBackwards), B);
    c.k.zero_fill(this.dhseq, B * this.T * this.units);
    c.k.take_step(dy, this.dhseq, B, this.T, this.units, this.goBackwards ? 0 : this.T - 1, 1);
    // forward: out = h * mask at the final step  =>  dh = dy * mask there
    if (this.zeroOutputForMask && this.inMask) c.k.mask_rows(this.dhseq, this.dhseq, this.inMask, B * this.T, this.units, 0);
    return this.dropBackward(c, this.runBackward(c, this.dhseq, B), B);
  }

  /** With returnSequences the mask passes on; the last output consumes it. */
  override outputMask(): number { return this.returnSequences ? this.inMask : 0; }
}
