// Embedding: token ids [B, T] -> vectors [B, T, D]. Its gradient is row-sparse: only the rows a batch touches.
import { Layer, checkBool, checkConfig, checkPositiveInt, type ConfigDict, type Ctx, type LayerArgs, type Shape, type TokenRows, type Weight } from './layer.js';
import type { Arena, Allocator } from '../core/arena.js';
import { checkInitializer, initializerConfig, type InitializerSpec } from './initializers.js';
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { toFlat, checkFinite, type TensorLike, type NestedArray } from '../tensor.js';
import { runRows } from '../core/threads.js';

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  inputLength?: number;
  embeddingsInitializer?: InitializerSpec;
  /** Initial matrix [inputDim, outputDim] (Keras `weights=[matrix]`): nested rows or { data, shape }, e.g. from
   *  loadWordVectors. Checked and copied by the constructor; weights, not configuration: getConfig leaves it out. */
  weights?: [NestedArray[] | TensorLike];
  maskZero?: boolean;
}

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputLength: number | null;
  readonly embeddingsInitializer: InitializerSpec;
  /** A copy of the `weights` matrix [inputDim, outputDim], row-major, written into the model when it is allocated. */
  readonly initialWeights: Float32Array | null;
  /** Id 0 is padding: the mask ids != 0 flows to later layers. */
  readonly maskZero: boolean;
  private mask = 0;
  E!: Weight;
  /** slot[id] = row of the sparse gradient, or -1 (persistent, V int32). */
  slot = 0;
  rows = 0;
  dRows = 0;
  rowCount = 0;
  private y = 0;
  private ids = 0;
  /** Each position's index into its batch's distinct ids (N int32; TokenRows.distinct). */
  private idx = 0;

  constructor(args: EmbeddingArgs) {
    super(args, 'embedding');
    const where = `layers.embedding(${this.name})`;
    this.inputDim = checkPositiveInt(args.inputDim, where, 'inputDim');
    this.outputDim = checkPositiveInt(args.outputDim, where, 'outputDim');
    if (args.inputLength !== undefined && args.inputLength !== null) checkPositiveInt(args.inputLength, where, 'inputLength');
    this.inputLength = args.inputLength ?? null;
    this.embeddingsInitializer = checkInitializer(args.embeddingsInitializer ?? 'uniform', where, 'embeddingsInitializer');
    this.initialWeights = args.weights === undefined ? null : checkMatrix(args.weights, this.inputDim, this.outputDim, where);
    this.maskZero = checkBool(args.maskZero, where, 'maskZero', false);
    if (this.maskZero && this.inputDim < 2) throw new ConfigError(`${where}: maskZero needs inputDim >= 2 (id 0 is padding), got ${this.inputDim}.`);
  }

  get sequenceShape(): Shape { return this.declaredInputShape ?? [this.inputLength]; }

  protected computeOutputShape(s: Shape): Shape { return [...s, this.outputDim]; }

  override build(inputShape: Shape): Shape {
    const out = super.build(inputShape);
    this.E = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInitializer, true, true);
    return out;
  }

  override allocPersistent(a: Arena): void {
    this.slot = a.alloc(this.inputDim * 4, `${this.name} row map`);
    a.i32(this.slot, this.inputDim).fill(-1);
  }

  plan(a: Allocator, B: number): void {
    const n = B * this.inputSize();
    this.y = a.alloc(n * this.outputDim * 4, `${this.name} output`);
    this.rows = a.alloc(n * 4, `${this.name} gradient rows`);
    // The gradient rows ([min(n, V), D], at most y's size) live in y: as the first layer our backward runs last, when
    // every reader of y is done (the model reads its outputs before backward), and the optimizer consumes them before
    // the next forward writes y. One [B, T, D] buffer fewer to touch (peak RSS).
    this.dRows = this.y;
    if (this.maskZero) this.mask = a.alloc(n * 4, `${this.name} mask`);
    this.idx = a.alloc(n * 4, `${this.name} distinct-id index`);
  }

  forward(c: Ctx, ids: number, B: number): number {
    this.ids = ids;
    if (this.maskZero) c.k.embedding_mask(this.mask, ids, B * this.inputSize());
    // In inference the rows are written only when a later layer reads them from y (TokenRows.write, asked by the
    // model): an LSTM reads each position's row from the table itself (B batch 1: a 20-28 us gather of rows that
    // are mostly out of cache, on the calling thread, saved). In training they are written at once (backward reads
    // them), and the ids still serve an LSTM's input product per distinct id (LSTM.inputRows).
    c.tokens = this.tokenRows(c, ids, B * this.inputSize());
    if (c.training) c.tokens.write();
    return this.y;
  }

  /** y = the rows of N ids, position by position: the positions are cut across the pool's threads (the same bytes). */
  private gather(c: Ctx, ids: number, N: number): void {
    const D = this.outputDim;
    runRows(c.a.pool, c.k, N, N * D, (k, r0, r1) => k.embedding_forward(this.y + r0 * D * 4, ids + r0 * 4, this.E.ptr, r1 - r0, D));
  }

  /**
   * The batch's distinct ids, found on first request with the row map the sparse gradient uses (restored to -1 at
   * once). Unavailable while a training step's rows are pending in it (rowCount > 0).
   */
  private tokenRows(c: Ctx, ids: number, N: number): TokenRows {
    const k = c.k, self = this;
    let found: { n: number; rows: number; idx: number } | null | undefined;
    return {
      y: this.y, E: this.E.ptr, V: this.inputDim, D: this.outputDim, N, ids, written: false,
      write() {
        if (this.written) return;
        self.gather(c, ids, N);
        this.written = true;
      },
      // a method, not an arrow: no function named at run time per batch (the bundle's keepNames)
      distinct() {
        if (found !== undefined) return found;
        if (self.rowCount > 0) return (found = null);
        const n = k.embedding_rows(self.slot, self.rows, ids, N);
        k.embedding_slots(self.idx, ids, self.slot, N);
        k.embedding_rows_reset(self.slot, self.rows, n);
        return (found = { n, rows: self.rows, idx: self.idx });
      },
    };
  }

  override outputMask(): number { return this.maskZero ? this.mask : 0;
  }

  backward(c: Ctx, dy: number, B: number): number {
    if (!this.isTrainable(this.E)) return 0;
    const n = B * this.inputSize();
    if (this.rowCount > 0) c.k.embedding_rows_reset(this.slot, this.rows, this.rowCount);
    this.rowCount = c.k.embedding_rows(this.slot, this.rows, this.ids, n);
    c.a.zero(this.dRows, this.rowCount * this.outputDim);
    // the next layer's gradient per distinct id already (in this order: the same ids, the same first appearances)
    if (dy !== 0 && c.tokens?.rowsGrad === dy) c.k.add_into(this.dRows, dy, this.rowCount * this.outputDim);
    else c.k.embedding_backward(this.dRows, dy, this.ids, this.slot, n, this.outputDim);
    return 0;
  }

  /** Adds the sparse gradient into a dense [V, D] buffer. */
  scatterGradient(c: Ctx, dense: number): void {
    c.k.embedding_rows_scatter(dense, this.dRows, this.rows, this.rowCount, this.outputDim);
  }

  override afterStep(c: Ctx): void {
    if (this.rowCount > 0) c.k.embedding_rows_reset(this.slot, this.rows, this.rowCount);
    this.rowCount = 0;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim, inputLength: this.inputLength,
      embeddingsInitializer: initializerConfig(this.embeddingsInitializer), maskZero: this.maskZero };
  }

  static fromConfig(config: unknown): Embedding {
    const c = checkConfig(config, 'Embedding.fromConfig', ['inputDim', 'outputDim', 'inputLength', 'embeddingsInitializer', 'maskZero']);
    return new Embedding(c as unknown as EmbeddingArgs);
  }
}

/** Keras `weights=[matrix]`: exactly one matrix of shape [V, D] with finite numbers, copied (the caller's array is not kept). */
function checkMatrix(weights: unknown, V: number, D: number, where: string): Float32Array {
  if (!Array.isArray(weights) || weights.length !== 1) {
    throw new ConfigError(`${where}: expected weights to be [matrix] with one matrix [${V}, ${D}] (Keras weights=[matrix]), got ${Array.isArray(weights) ? `an array of ${weights.length}` : typeof weights}.`);
  }
  const f = toFlat(weights[0], `${where}: weights[0]`);
  if (f.shape.length !== 2 || f.shape[0] !== V || f.shape[1] !== D) {
    throw new ShapeError(`${where}: expected weights[0] of shape [inputDim, outputDim] = ${fmtShape([V, D])}, got ${fmtShape(f.shape)}.`);
  }
  checkFinite(f, `${where}: weights[0]`);
  return Float32Array.from(f.data);
}
