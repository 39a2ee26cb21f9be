// The recurrent layers' dropout and recurrentDropout in models: central differences of computeGradients' own (dropped)
// loss through every Bidirectional path (concat, sum/mul/ave, last output, parts on 2 threads), masks, frozen
// embeddings, the LSTM per-id vocabulary and batch paths, free length; 1 vs 2 threads bytes; streams; inference ignores
// them; with recurrentDropout the Bidirectional parts stay off.
import { describe, it, expect } from 'vitest';
import { sequential, layers, init, initSync, loadModel, type Sequential } from '../../src/index.js';
import { fdCheck, ids } from '../helpers/models.js';

const cells = { lstm: layers.lstm, gru: layers.gru, simpleRNN: layers.simpleRNN } as const;
type Cell = keyof typeof cells;

function data(n: number, T: number, V: number, seed: number, pad = true) {
  const x = ids(n * T, seed, 1, V - 1);
  if (pad) for (let r = 0; r < n; r++) for (let t = T - (r % 3); t < T; t++) x[r * T + t] = 0;
  const y = Float32Array.from({ length: n }, (_, r) => x[r * T] % 2);
  return { x: { data: x, shape: [n, T] }, y };
}

function bytes(g: { grads: { data: Float32Array }[]; loss: number }): string {
  return g.loss + ':' + g.grads.map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString('base64')).join('|');
}

/** Embedding -> Bidirectional(cell) (-> pooling) -> dense; `layer`: the cell's dropout options (default dropout 0.4). */
function biModel(cell: Cell, mode: 'concat' | 'sum' | 'mul' | 'ave', seq: boolean, opts: { V?: number; T?: number; frozen?: boolean; maskZero?: boolean; units?: number; D?: number; layer?: Record<string, unknown> } = {}): Sequential {
  const { V = 30, T = 6, frozen = false, maskZero = true, units = 5, D = 4, layer = { dropout: 0.4 } } = opts;
  return sequential({ seed: 5, layers: [
    layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero, trainable: !frozen }),
    layers.bidirectional({ layer: (cells[cell] as (a: object) => ReturnType<typeof layers.lstm>)({ units, returnSequences: seq, ...layer }), mergeMode: mode }),
    ...(seq ? [layers.globalAveragePooling1D()] : []),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}

describe('recurrent dropout', () => {
  it('computeGradients = central differences of its own dropped loss, every Bidirectional path, 3 cells', () => {
    initSync();
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const seq of [true, false]) {
      const m = biModel(cell, mode, seq);
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = data(6, 6, 30, 3);
      try { fdCheck(m, x, y, { amplitude: 0.8 }); } catch (e) { throw new Error(`${cell} ${mode} seq=${seq}: ${(e as Error).message}`); }
      m.dispose();
    }
  });

  it('dropout is applied in training (loss differs from the same weights without it) and ignored by predict/evaluate', () => {
    initSync();
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
      const mk = (dropout: number) => sequential({ seed: 5, layers: [
        layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 6 }),
        cells[cell]({ units: 5, dropout }), layers.dense({ units: 1, activation: 'sigmoid' })] });
      const a = mk(0.5), b = mk(0);
      a.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' }); b.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      b.setWeights(a.getWeights());
      const { x, y } = data(8, 6, 30, 4, false);
      expect(a.computeGradients(x, y).loss).not.toBe(b.computeGradients(x, y).loss);
      expect(Buffer.from(a.predict(x).data.buffer).equals(Buffer.from(b.predict(x).data.buffer))).toBe(true);
      expect(a.evaluate(x, y)).toEqual(b.evaluate(x, y));
    }
  });

  it('streams: computeGradients leaves them, trainOnBatch moves them and draws a new mask each batch', () => {
    initSync();
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
      const m = sequential({ seed: 5, layers: [layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 6 }), cells[cell]({ units: 5, dropout: 0.5 }), layers.dense({ units: 1 })] });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const { x, y } = data(8, 6, 30, 4, false);
      const g1 = bytes(m.computeGradients(x, y));
      const s0 = JSON.stringify(m.state.streams);
      const g2 = bytes(m.computeGradients(x, y));
      expect(g2).toBe(g1);
      expect(JSON.stringify(m.state.streams)).toBe(s0);
      const l = m.layers[1] as unknown as { dropMask: number };
      const arena = (m as unknown as { arena: { f32(p: number, n: number): Float32Array } }).arena;
      m.trainOnBatch(x, y);
      const m1 = Array.from(arena.f32(l.dropMask, 8 * 6));
      m.trainOnBatch(x, y);
      const m2 = Array.from(arena.f32(l.dropMask, 8 * 6));
      expect(m2).not.toEqual(m1);
      expect(JSON.stringify(m.state.streams)).not.toBe(s0);
    }
  });

  it('1 vs 2 threads: the same gradient bytes in every Bidirectional path (parts for the LSTM at B >= 16), masked and frozen', async () => {
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const seq of [true, false]) for (const frozen of [false, true]) {
      const got: string[] = [];
      for (const threads of [1, 2]) {
        await init({ threads });
        const m = biModel(cell, mode, seq, { frozen, V: 500, T: 7, units: 16, D: 12 });
        m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        const { x, y } = data(32, 7, 500, 9);
        got.push(bytes(m.computeGradients(x, y)));
        await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
        got[got.length - 1] += Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer))).toString('base64').length + m.getWeights().map((w) => w.data.reduce((s, v) => s + v, 0)).join(',');
        m.dispose();
      }
      expect(got[1], `${cell} ${mode} seq=${seq} frozen=${frozen}`).toBe(got[0]);
    }
  });

  it('2 threads, LSTM parts (B >= 16): central differences with dropout and a mask', async () => {
    await init({ threads: 2 });
    const m = biModel('lstm', 'concat', true, { V: 40, T: 5, units: 16, D: 12 });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const { x, y } = data(16, 5, 40, 11);
    fdCheck(m, x, y, { amplitude: 0.5 });
    m.dispose();
    await init({ threads: 1 });
  });

  it('LSTM on a small vocabulary (the per-id training path without dropout): with dropout, gradients are right', () => {
    initSync();
    for (const bi of [false, true]) {
      const m = sequential({ seed: 6, layers: [
        layers.embedding({ inputDim: 5, outputDim: 4, inputLength: 8 }),
        bi ? layers.bidirectional({ layer: layers.lstm({ units: 6, returnSequences: true, dropout: 0.3 }) }) : layers.lstm({ units: 6, returnSequences: true, dropout: 0.3 }),
        layers.globalAveragePooling1D(), layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = data(8, 8, 5, 2, false);
      fdCheck(m, x, y, { amplitude: 0.8 });
      m.dispose();
    }
  });

  it('free length: fit at one T, gradients right at another (plans re-sized)', () => {
    initSync();
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
      const m = sequential({ seed: 6, layers: [
        layers.embedding({ inputDim: 20, outputDim: 4, maskZero: true }),
        layers.bidirectional({ layer: cells[cell]({ units: 5, returnSequences: true, dropout: 0.3 }), mergeMode: 'sum' }),
        cells[cell]({ units: 3, dropout: 0.2 }),
        layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const a = data(6, 4, 20, 2), b = data(6, 11, 20, 3), c = data(3, 2, 20, 4);
      m.trainOnBatch(a.x, a.y);
      fdCheck(m, b.x, b.y, { amplitude: 0.8 });
      m.trainOnBatch(b.x, b.y);
      fdCheck(m, c.x, c.y, { amplitude: 0.8 });
      m.dispose();
    }
  });

  it('config, summary and file round trips keep the rate', async () => {
    initSync();
    const m = sequential({ seed: 6, layers: [
      layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }),
      layers.bidirectional({ layer: layers.simpleRNN({ units: 5, returnSequences: true, dropout: 0.25 }) }),
      layers.gru({ units: 3, dropout: 0.125 }),
      layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const back = await loadModel(await m.save());
    expect(back.getConfig()).toEqual(m.getConfig());
    expect((back.layers[2] as unknown as { dropout: number }).dropout).toBe(0.125);
  });
});

describe('recurrentDropout: model gradients by central differences', () => {
  it('FD every Bidirectional path, 3 cells (+gru resetAfter false, goBackwards)', () => {
    initSync();
    const fails: string[] = [];
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const seq of [true, false]) {
      for (const extra of cell === 'gru' ? [{}, { resetAfter: false }] : [{}]) {
        const m = biModel(cell, mode, seq, { layer: { recurrentDropout: 0.4, ...extra } });
        m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
        const { x, y } = data(6, 6, 30, 3);
        try { fdCheck(m, x, y, { amplitude: 0.8 }); } catch (e) { fails.push(`${cell} ${mode} seq=${seq} ${JSON.stringify(extra)}: ${(e as Error).message.slice(0, 300)}`); }
        m.dispose();
      }
    }
    expect(fails).toEqual([]);
  });

  it('recurrent dropout changes the training loss', () => {
    initSync();
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
      const a = biModel(cell, 'concat', true, { layer: { recurrentDropout: 0.5 } }), b = biModel(cell, 'concat', true, { layer: {} });
      a.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' }); b.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      b.setWeights(a.getWeights());
      const { x, y } = data(8, 6, 30, 4, false);
      expect(a.computeGradients(x, y).loss, cell).not.toBe(b.computeGradients(x, y).loss);
    }
  });

  it('2 threads, LSTM concat B>=16 (parts would engage), FD + bytes vs 1 thread', async () => {
    const got: string[] = [];
    for (const threads of [1, 2]) {
      await init({ threads });
      const m = biModel('lstm', 'concat', true, { V: 40, T: 5, units: 16, D: 12, layer: { recurrentDropout: 0.4 } });
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = data(32, 5, 40, 11);
      fdCheck(m, x, y, { amplitude: 0.5 });
      got.push(bytes(m.computeGradients(x, y)));
      m.dispose();
    }
    expect(got[1]).toBe(got[0]);
    await init({ threads: 1 });
  });

  it('LSTM small vocab (per-id path) with recurrentDropout, plain and Bidirectional, FD', () => {
    initSync();
    for (const bi of [false, true]) {
      const mk = () => layers.lstm({ units: 6, returnSequences: true, recurrentDropout: 0.3 });
      const m = sequential({ seed: 6, layers: [
        layers.embedding({ inputDim: 5, outputDim: 4, inputLength: 8 }),
        bi ? layers.bidirectional({ layer: mk() }) : mk(),
        layers.globalAveragePooling1D(), layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const { x, y } = data(8, 8, 5, 2, false);
      fdCheck(m, x, y, { amplitude: 0.8 });
      m.dispose();
    }
  });

  it('LSTM B=1 (panels path, H>=46) and B=3 (whole path), float inputs, FD', () => {
    initSync();
    for (const [B, H] of [[1, 48], [3, 8], [9, 8]] as const) {
      const m = sequential({ seed: 6, layers: [
        layers.lstm({ units: H, inputShape: [5, 3], returnSequences: true, recurrentDropout: 0.5, goBackwards: B === 3 }),
        layers.globalAveragePooling1D(), layers.dense({ units: 1 })] });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const xd = Float32Array.from({ length: B * 15 }, (_, i) => Math.sin(i * 1.7));
      const y = Float32Array.from({ length: B }, (_, i) => (i % 2) * 2 - 1);
      fdCheck(m, { data: xd, shape: [B, 5, 3] }, y, { amplitude: 0.8 });
      m.dispose();
    }
  });

  it('free length + recurrentDropout', () => {
    initSync();
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
      const m = sequential({ seed: 6, layers: [
        layers.embedding({ inputDim: 20, outputDim: 4, maskZero: true }),
        layers.bidirectional({ layer: (cells[cell] as any)({ units: 5, returnSequences: true, recurrentDropout: 0.3 }), mergeMode: 'sum' }),
        (cells[cell] as any)({ units: 3, recurrentDropout: 0.2 }),
        layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const a = data(6, 4, 20, 2), b = data(6, 11, 20, 3), c = data(3, 2, 20, 4);
      m.trainOnBatch(a.x, a.y);
      fdCheck(m, b.x, b.y, { amplitude: 0.8, h: cell === 'simpleRNN' ? 2 ** -8 : 2 ** -5 }); // (h 2^-5: FD curvature error with 1/(1-rate) scaling, not a bug)
      m.trainOnBatch(b.x, b.y);
      fdCheck(m, c.x, c.y, { amplitude: 0.8, h: cell === 'simpleRNN' ? 2 ** -8 : 2 ** -5 });
      m.dispose();
    }
  });
});
