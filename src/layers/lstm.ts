// LSTM over whole sequences (Keras semantics: gates i, f, c, o; zero initial state; goBackwards; returnSequences).
import { ACTIVATIONS, checkBool, checkConfig, sizeOf, type ConfigDict, type Ctx, type Shape, type Weight } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { Recurrent, type RecurrentArgs } from './recurrent.js';
import { initialize, initializerConfig } from './initializers.js';
import { ShapeError, fmtShape } from '../errors.js';
import { recorder, runCalls, type Call } from '../core/threads.js';

export interface LSTMArgs extends RecurrentArgs {
  unitForgetBias?: boolean;
}

/** The most parts a batch's rows are cut into (Bidirectional.parts), each with scratch of its own. */
export const MAX_PARTS = 4;
/** Floats of one scratch slot for rows read from an embedding's table: 16 rows of min(I, 256) (gemm_rows_packed). */
const xrowsFloats = (I: number): number => 16 * Math.min(I, 256);

const CONFIG_KEYS = ['units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer',
  'biasInitializer', 'unitForgetBias', 'returnSequences', 'goBackwards', 'zeroOutputForMask', 'dropout', 'recurrentDropout'];

export class LSTM extends Recurrent {
  readonly className = 'LSTM';
  readonly gateBlocks = 4;
  readonly unitForgetBias: boolean;
  W!: Weight; U!: Weight; b: Weight | null = null;
  // buffers
  private cseq = 0; private gates = 0;
  private dx = 0; private dhrec = 0; private dcrec = 0; private hprev = 0;
  private UT = 0; private WT = 0; private pack = 0; private zeroBias = 0; private dBiasScratch = 0;
  /** W^T in 16-column panels for the backward's dx in row ranges (backwardTail), 0 when I < 16. */
  private WTp = 0;
  /** MAX_PARTS slots of xrowsFloats(I): the scratch of lstm_forward's rows read from an embedding's table. */
  private xrows = 0;
  /** [B, H]: each part's act(c) scratch in backwardPart. */
  private cact = 0;
  private x = 0;
  /** The [table, index] of inputRows for the parts of a batch (prepareParts), used by each sequencePart. */
  private partRows: [number, number] = [0, 0];
  /** Multiply-adds of the input-product table inputRows last recorded (0 when it made none). */
  private tableWork = 0;
  /**
   * Training on an embedding's output with few distinct ids (inputRows): the batch's n distinct ids, each position's
   * index into them and the embedding's table, for a backward that sums dz per id first (backwardTail); else null.
   */
  private idGrad: { n: number; idx: number; ids: number; E: number } | null = null;
  /** U^T in panels for backwardPart's recurrence (backwardPrepare), or 0. */
  private UTp = 0;
  /**
   * Training per distinct id ([3/4 B*T, 4H] for the planned B): the forward's table bias + E[id] . W, then backward's
   * dz sums per id (the table is dead by then). Allocated on the first batch that takes that path after each plan,
   * past the planned buffers (idTabFor), so an LSTM that never does (B's bench batches, inference, an LSTM not on
   * an embedding) neither reserves nor touches it; 0 until then.
   */
  private idTab = 0;
  /** B * T of the current plan (idTab's rows are 3/4 of it). */
  private planRows = 0;
  /**
   * The other direction when inside a Bidirectional (set by it), else null: the two take the per-id path together
   * or not at all (idTabFor), as Bidirectional.backward sums their input gradients both per id or both per position.
   */
  twin: LSTM | null = null;

  constructor(args: LSTMArgs) {
    super(args, 'lstm', 'LSTM');
    const where = `layers.lstm(${this.name})`;
    this.unitForgetBias = checkBool(args.unitForgetBias, where, 'unitForgetBias', true);
  }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    const H = this.units;
    const I = inputShape[1];
    if (I === null) throw new ShapeError(`${this.name}: expected a known feature size, got ${fmtShape(inputShape)}.`);
    this.W = this.addWeight('kernel', [I, 4 * H], this.kernelInitializer);
    this.U = this.addWeight('recurrent_kernel', [H, 4 * H], this.recurrentInitializer);
    if (this.useBias) {
      const bi = this.biasInitializer;
      this.b = this.addWeight('bias', [4 * H], this.unitForgetBias
        ? (a: Arena, ptr: number, s) => {
            // Keras: [init(H), ones(H), init(2H)]
            initialize(bi, a, ptr, [H], s);
            a.f32(ptr + H * 4, H).fill(1);
            initialize(bi, a, ptr + 8 * H, [2 * H], s);
          }
        : bi);
    }
    return out;
  }

  plan(a: Allocator, B: number): void {
    const T = this.T = sizeOf([this.inputShape[0]]);
    const I = this.I = sizeOf([this.inputShape[1]]);
    const H = this.units, G = 4 * H, f = 4;
    this.hseq = a.alloc(B * T * H * f); this.cseq = a.alloc(B * T * H * f);
    // no act(c) cache: the kernels recompute it in backward from cseq (same bits; one [B,T,H] buffer fewer, peak RSS)
    this.gates = a.alloc(B * T * G * f);
    this.out = a.alloc(B * (this.returnSequences ? T : 1) * H * f);
    // dx [B,T,I] is written at the very end of backward, when our own output hseq is dead (the next layer's backward
    // and the model's metrics have read it; the next forward rewrites it): with I <= H it lives there (peak RSS)
    this.dx = I <= H ? this.hseq : a.alloc(B * T * I * f);
    this.dhseq = a.alloc(B * T * H * f);
    this.dhrec = a.alloc(B * H * f); this.dcrec = a.alloc(B * H * f); this.hprev = a.alloc(B * T * H * f);
    this.UT = a.alloc(G * H * f); this.WT = a.alloc(G * I * f); this.cact = a.alloc(B * H * f);
    this.WTp = (I & ~15) > 0 ? a.alloc(G * (I & ~15) * f) : 0;
    // panels of W and U for the forward products, then of dz for the weight-gradient products
    this.pack = a.alloc(Math.max(I + H, Math.min(B * T, 256)) * G * f);
    // copies of 16 input rows read from an embedding's table (lstm_forward's xidx), one slot per part of a batch
    this.xrows = a.alloc(MAX_PARTS * xrowsFloats(I) * f);
    if (this.zeroOutputForMask) this.masked = a.alloc(B * T * H * f);
    this.idTab = 0; // (a new plan: idTabFor allocates it again past the new buffers when needed)
    this.planRows = B * T;
    if (!this.b) { this.zeroBias = a.alloc(G * f); this.dBiasScratch = a.alloc(G * f); }
    this.planDropout(a, B);
  }

  /** Training: the number of distinct ids whose gradient rows backward returns instead of dx per position (see
   * backwardTail), or 0 (dx [B,T,I]). */
  override idRows(): number { return this.idGrad ? this.idGrad.n : 0; }


  private biasPtr(): number { return this.b ? this.b.ptr : this.zeroBias; }

  protected recurrence(c: Ctx, x: number, B: number): void { this.recordForward(c, x, B, 0, 0); }

  /**
   * Inference: sequence(c, x, B, false) with each h_t also written into y as its step makes it (rows ldy floats
   * apart, aligned to input positions: a Bidirectional's half of its concat output), recorded into c.k; false
   * (nothing recorded) where the output needs the masked copy.
   */
  override sequenceInto(c: Ctx, x: number, B: number, y: number, ldy: number): boolean {
    if (c.training || (this.zeroOutputForMask && this.inMask)) return false;
    this.recordForward(c, x, B, y, ldy);
    return true;
  }

  /** The whole-batch recurrence into hseq (and out, rows ldo apart, unless out is 0), recorded into c.k. */
  private recordForward(c: Ctx, x: number, B: number, out: number, ldo: number): void {
    this.x = x;
    const [ztab, zidx] = this.inputRows(c, x, B);
    const [xp, xidx] = this.tokenInput(c, x);
    const args = [this.hseq, this.cseq, this.gates, 0, xp, this.W.ptr, this.U.ptr, this.biasPtr(),
      B, this.T, this.I, this.units, this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation], ACTIVATIONS[this.recurrentActivation], this.inMask,
      c.training ? 0 : 1, this.pack, ztab, zidx, xidx, this.xrows] as const;
    if (out) c.k.lstm_forward_out(out, ldo, ...args);
    else c.k.lstm_forward(...args, ...this.recurrentMask(c, B));
  }

  /**
   * Inference in parts: a batch's rows cut into parts that run as lists of their own (on whichever thread takes
   * each, Bidirectional), the same bytes as sequence(c, x, B, false). First the whole batch's share, recorded into
   * c.k: the input-product table (see inputRows) and the packing of W and U that every part's lstm_forward_packed
   * reads. Returns the size of that work (multiply-adds of a table made now, plus a float per packed weight).
   */
  prepareParts(c: Ctx, x: number, B: number): number {
    this.x = x;
    this.tableWork = 0;
    this.partRows = this.inputRows(c, x, B);
    c.k.lstm_pack(this.pack, this.W.ptr, this.U.ptr, this.I, this.units, this.partRows[0] ? 0 : 1);
    return this.tableWork + (this.I + this.units) * 4 * this.units;
  }

  /**
   * Rows [b0, b1) of the batch (more than 4 rows: lstm_forward's whole-sequence product is for up to 4), part
   * `part` (< MAX_PARTS: its own scratch) of those that may run at once, after prepareParts, recorded into c.k; in
   * training or inference. Returns the whole batch's output buffer, [B,T,H] aligned to input positions (in time
   * order), of which these rows are then written.
   */
  sequencePart(c: Ctx, x: number, b0: number, b1: number, part: number): number {
    const [ztab, zidx] = this.partRows;
    const H = this.units, T = this.T, G = 4 * H, r = b0 * T;
    this.x = x;
    // the gate cache is [B,T,4H] in training; inference keeps z_t for the step's rows only ([B,4H])
    const gates = this.gates + (c.training ? r : b0) * G * 4;
    const [xp, xidx] = this.tokenInput(c, x);
    c.k.lstm_forward_packed(this.hseq + r * H * 4, this.cseq + r * H * 4, gates, 0, xidx ? xp : x + r * this.I * 4,
      this.W.ptr, this.U.ptr, this.biasPtr(), b1 - b0, T, this.I, H, this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation],
      ACTIVATIONS[this.recurrentActivation], this.inMask ? this.inMask + r * 4 : 0, c.training ? 0 : 1, this.pack, ztab, zidx ? zidx + r * 4 : 0,
      xidx ? xidx + r * 4 : 0, this.xrows + part * xrowsFloats(this.I) * 4);
    if (!(this.zeroOutputForMask && this.inMask)) return this.hseq;
    c.k.mask_rows(this.masked + r * H * 4, this.hseq + r * H * 4, this.inMask + r * 4, (b1 - b0) * T, H, 0);
    return this.masked;
  }

  /** Inference on an embedding's output (c.tokens, see takesTokenRows): each position's input row comes from the table. */
  override takesTokenRows(c: Ctx, x: number): boolean {
    const tok = c.tokens;
    return !c.training && !!tok && tok.y === x && tok.D === this.I;
  }

  /**
   * The input rows of the forward's product: [x, 0], or in inference on an embedding's output [its table, its ids]
   * (lstm_forward's xidx: each position's row read from the table, the same bits as from the gathered rows).
   */
  private tokenInput(c: Ctx, x: number): [number, number] {
    return this.takesTokenRows(c, x) ? [c.tokens!.E, c.tokens!.ids] : [x, 0];
  }

  /**
   * On an embedding's output: the input product bias + x . W once per distinct id instead of once per position (the
   * same sums, so the same bits), when the batch repeats ids enough to gain: a small vocabulary (characters), or
   * padding. In inference (at most 3/4 of the positions distinct) the table [n, 4H] goes after the first B rows of
   * the gate buffer (where the time loop keeps z_t), the distinct embedding rows [n, I] into dx (both unused in
   * inference). In training, where the gate buffer is the cache backward reads and dx may be hseq, the table goes
   * into idTab (at most 3/4 of the positions distinct, as in inference: word-level text of a 20,000-word vocabulary
   * in batches of 32 x 200 is 35-55% distinct without padding) and the rows into dhseq, which only backward writes.
   * Returns [table, index] pointers, or [0, 0].
   */
  private inputRows(c: Ctx, x: number, B: number): [number, number] {
    const tok = c.tokens;
    this.idGrad = null;
    if (!tok || tok.y !== x || tok.D !== this.I) return [0, 0];
    const G = 4 * this.units;
    const vt = this.vocab;
    if (!c.training && c.projections && vt && vt.V === tok.V) {
      // the whole vocabulary's table (the distinct-id table's sums for every id, so the same bits), made again
      // after any weight change; each position's row in it is its id
      if (vt.version !== c.weightsVersion) {
        c.k.rows_set(vt.ptr, this.biasPtr(), vt.V, G);
        // W packed into panels first (pack's first I x 4H floats; lstm_forward packs U after them): the same bits
        c.k.pack_b(this.pack, this.W.ptr, this.I, G, G);
        c.k.gemm_nn_packed(vt.ptr, tok.E, this.W.ptr, this.pack, vt.V, G, this.I, this.I, G, G, 1);
        vt.version = c.weightsVersion ?? -1;
        this.tableWork = vt.V * this.I * G;
      }
      return [vt.ptr, tok.ids];
    }
    const N = B * this.T;
    const d = tok.distinct();
    if (!d) return [0, 0];
    // (recurrent dropout: only the whole-batch kernels take its mask, not the per-id path's)
    if (c.training ? 4 * d.n > 3 * N || d.n * this.I > N * this.units || this.recurrentDropping(c) || !this.idTabFor(c) : 4 * d.n > 3 * N || d.n > N - B) return [0, 0];
    const table = c.training ? this.idTab : this.gates + B * G * 4, rows = c.training ? this.dhseq : this.dx;
    c.k.embedding_forward(rows, d.rows, tok.E, d.n, this.I);
    c.k.rows_set(table, this.biasPtr(), d.n, G);
    // W in panels (pack's first I x 4H floats, which the time loop leaves alone when it takes the table: it packs U
    // after them): the same bits as gemm_nn
    c.k.pack_b(this.pack, this.W.ptr, this.I, G, G);
    c.k.gemm_nn_packed(table, rows, this.W.ptr, this.pack, d.n, G, this.I, this.I, G, G, 1);
    this.tableWork = d.n * this.I * G;
    // backward per id as well (the sums go into idTab, the ids' rows stay in dhseq; see backwardTail)
    if (c.training) {
      this.idGrad = { n: d.n, idx: d.idx, ids: d.rows, E: tok.E };
    }
    return [table, d.idx];
  }

  /**
   * idTab, allocated past everything planned on first need (it stays until the next plan); false when the 4 GiB
   * memory has no room for it (the batch then takes the products per position). In a Bidirectional the first
   * direction to ask allocates both directions' tables or neither (twin): with room for only one, the forward
   * direction would go per id and the backward one per position.
   */
  private idTabFor(c: Ctx): boolean {
    if (this.idTab) return true;
    const need = this.twin && !this.twin.idTab ? [this, this.twin] : [this];
    const bytes = (l: LSTM) => Math.floor((3 * l.planRows) / 4) * 4 * l.units * 4;
    if (!c.a.fits(need.reduce((s, l) => s + bytes(l), 0))) return false;
    try {
      for (const l of need) l.idTab = c.a.alloc(bytes(l), `${l.name} per-id table`);
    } catch {
      for (const l of need) l.idTab = 0;
      return false;
    }
    return true;
  }

  /**
   * Backward in parts (Bidirectional, after a forward in parts or not: the caches are the same): first U and W
   * transposed (recorded into c.k), then each part's recurrence (backwardPart), then the weight gradients and dx over
   * all rows (backwardTail), the same bytes as sequenceBackward(c, dy, B, false, hprev).
   */
  backwardPrepare(c: Ctx, B: number): void {
    const G = 4 * this.units;
    c.k.transpose(this.UT, this.U.ptr, this.units, G);
    // W^T serves only the input gradient (Ctx.inputGrad)
    if (c.inputGrad !== false) c.k.transpose(this.WT, this.W.ptr, this.I, G);
    if (this.WTp && !this.idGrad && c.inputGrad !== false) c.k.pack_b(this.WTp, this.WT, G, this.I, this.I);
    // U^T in panels for the recurrence's products, in pack (free until the weight gradients), as lstm_backward does
    this.UTp = B >= 2 && this.units >= 16 ? this.pack : 0;
    if (this.UTp) c.k.pack_b(this.UTp, this.UT, G, this.units, this.units);
  }

  /**
   * The recurrence for rows [b0, b1), recorded into c.k: dy [B,T,H] in time order (masked first when the output
   * zeroes masked steps), hprev as in sequenceBackward's scratch (may be dy).
   */
  backwardPart(c: Ctx, dy: number, hprev: number, b0: number, b1: number): void {
    const H = this.units, T = this.T, G = 4 * H, r = b0 * T, R = (b1 - b0) * T;
    let dh = dy;
    if (this.zeroOutputForMask && this.inMask) {
      c.k.mask_rows(this.dhseq + r * H * 4, dy + r * H * 4, this.inMask + r * 4, R, H, 0);
      dh = this.dhseq;
    }
    c.k.lstm_backward_rows(dh + r * H * 4, this.gates + r * G * 4, this.dhrec + b0 * H * 4, this.dcrec + b0 * H * 4,
      hprev + r * H * 4, this.cact + b0 * H * 4, this.UT, this.UTp, this.hseq + r * H * 4, this.cseq + r * H * 4,
      this.gates + r * G * 4, 0, b1 - b0, T, H, this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation],
      ACTIVATIONS[this.recurrentActivation], this.inMask ? this.inMask + r * 4 : 0);
  }

  /**
   * After every part's recurrence: the weight gradients (dW with the pack scratch, dU and the bias with cseq, dead
   * by now, as theirs, so the two can run at once; in one list when cseq is too small) and dx (written) in `dxParts` row ranges, each a list of its own.
   * Returns the lists and dx [B,T,I], or with few distinct ids (idRows) the embedding's gradient per id [n, I];
   * dxParts 0: no input gradient at all (Ctx.inputGrad false), dx 0.
   */
  backwardTail(B: number, hprev: number, dxParts: number): { lists: Call[][]; dx: number } {
    const H = this.units, T = this.T, G = 4 * H, I = this.I, R = B * T;
    const dW = recorder();
    // cseq is big enough for gemm_tn's scratch (min(R, 256) x 4H floats) from R = 1024 rows; below, dU follows dW
    const own = R * H >= Math.min(R, 256) * G;
    const dU = own ? recorder() : dW;
    const ids = this.idGrad;
    let dE = 0;
    if (ids) {
      // few distinct ids (inputRows): dz summed per id first, S [n, 4H] (positions in order), then dW = E[ids]^T . S
      // and the embedding's gradient per id, S . W^T [n, I], instead of the products over all R positions (the same
      // sums regrouped: other bits, still the same on any thread count). S goes into idTab (the forward's table is
      // dead), the ids' rows into dhseq (read only in the recurrence), the gradient (what we return) into dx (hseq when
      // I <= H: dead once the recurrence has made h_{t-1}).
      const S = this.idTab, rows = this.dhseq;
      dE = this.dx;
      dW.k.zero_fill(S, ids.n * G);
      dW.k.rows_add_indexed(S, this.gates, ids.idx, R, G);
      dW.k.embedding_forward(rows, ids.ids, ids.E, ids.n, I);
      dW.k.gemm_tn(this.W.grad, rows, S, I, G, ids.n, I, G, G, this.pack);
      if (dxParts > 0) dW.k.gemm_nn(dE, S, this.WT, ids.n, I, G, G, I, I, 0);
    } else {
      dW.k.gemm_tn(this.W.grad, this.x, this.gates, I, G, R, I, G, G, this.pack);
    }
    dU.k.gemm_tn(this.U.grad, hprev, this.gates, H, G, R, H, G, G, own ? this.cseq : this.pack);
    dU.k.colsum_add(this.b ? this.b.grad : this.dBiasScratch, this.gates, R, G);
    const lists = own ? [dW.calls, dU.calls] : [dW.calls];
    if (dxParts === 0) return { lists, dx: 0 };
    if (ids) return { lists, dx: dE };
    for (let p = 0; p < dxParts; p++) {
      const r0 = Math.floor((R * p) / dxParts), r1 = Math.floor((R * (p + 1)) / dxParts);
      const dx = recorder();
      // (W^T from its panels: the same bits, 1.13-1.15x on B's shapes)
      if (this.WTp) dx.k.gemm_nn_packed(this.dx + r0 * I * 4, this.gates + r0 * G * 4, this.WT, this.WTp, r1 - r0, I, G, G, I, I, 0);
      else dx.k.gemm_nn(this.dx + r0 * I * 4, this.gates + r0 * G * 4, this.WT, r1 - r0, I, G, G, I, I, 0);
      lists.push(dx.calls);
    }
    return { lists, dx: this.dx };
  }

  protected runBackward(c: Ctx, dhseq: number, B: number, scratch = 0): number {
    if (this.idGrad) {
      // per id (see backwardTail): the recurrence as lstm_backward runs it, then the tail's products in this list
      const hprev = scratch || this.hprev;
      this.backwardPrepare(c, B);
      c.k.lstm_backward_rows(dhseq, this.gates, this.dhrec, this.dcrec, hprev, this.cact, this.UT, this.UTp, this.hseq, this.cseq,
        this.gates, 0, B, this.T, this.units, this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation],
        ACTIVATIONS[this.recurrentActivation], this.inMask);
      const tail = this.backwardTail(B, hprev, c.inputGrad === false ? 0 : 1);
      for (const l of tail.lists) runCalls(c.k, l);
      if (tail.dx) c.tokens!.rowsGrad = tail.dx;
      return tail.dx;
    }
    // Every weight has a gradient buffer (a frozen layer's is written and ignored by the optimizer). No input gradient
    // where nothing before us trains (Ctx.inputGrad): dx 0.
    const dx = c.inputGrad === false ? 0 : this.dx;
    c.k.lstm_backward(dx, this.W.grad, this.U.grad, this.b ? this.b.grad : this.dBiasScratch, dhseq,
      // dz overwrites the gate cache in place: each step reads its gates before writing its dz, and backward is the
      // cache's last use
      this.gates, this.dhrec, this.dcrec, scratch || this.hprev, this.UT, this.WT,
      this.x, this.hseq, this.cseq, this.gates, 0, this.W.ptr, this.U.ptr,
      B, this.T, this.I, this.units, this.goBackwards ? 1 : 0, ACTIVATIONS[this.activation], ACTIVATIONS[this.recurrentActivation], this.inMask, this.pack, 1,
      ...this.recurrentMaskBack());
    return dx;
  }


  override getConfig(): ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, recurrentActivation: this.recurrentActivation,
      useBias: this.useBias, kernelInitializer: initializerConfig(this.kernelInitializer),
      recurrentInitializer: initializerConfig(this.recurrentInitializer), biasInitializer: initializerConfig(this.biasInitializer),
      unitForgetBias: this.unitForgetBias, returnSequences: this.returnSequences, goBackwards: this.goBackwards,
      zeroOutputForMask: this.zeroOutputForMask, dropout: this.dropout, recurrentDropout: this.recurrentDropout };
  }

  static fromConfig(config: unknown): LSTM {
    return new LSTM(checkConfig(config, 'LSTM.fromConfig', CONFIG_KEYS) as unknown as LSTMArgs);
  }
}
