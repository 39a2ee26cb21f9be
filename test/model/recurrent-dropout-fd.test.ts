// Gradients with recurrentDropout (and dropout) against central differences of computeGradients' own loss: LSTM, GRU
// (reset after and before) and SimpleRNN in Bidirectionals (every merge mode, sequences or not, masks, panels, the
// LSTM's batch paths, a small vocabulary, free length); Bidirectional parts stay off; 1 and 2 threads give the same bytes.
import { describe, it, expect } from 'vitest';
import { sequential, layers, init, initSync, type Sequential } from '../../src/index.js';
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
function biModel(cell: Cell, mode: 'concat' | 'sum' | 'mul' | 'ave', seq: boolean, opts: { V?: number; T?: number; maskZero?: boolean; units?: number; D?: number; rd?: number; extra?: Record<string, unknown> } = {}): Sequential {
  const { V = 30, T = 6, maskZero = true, units = 5, D = 4, rd = 0.4, extra = {} } = opts;
  return sequential({ seed: 5, layers: [
    layers.embedding({ inputDim: V, outputDim: D, inputLength: T, maskZero }),
    layers.bidirectional({ layer: (cells[cell] as any)({ units, returnSequences: seq, recurrentDropout: rd, ...extra }), mergeMode: mode }),
    ...(seq ? [layers.globalAveragePooling1D()] : []),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}

describe('recurrentDropout: model gradients by central differences', () => {
  it('FD every Bidirectional path, 3 cells (+gru resetAfter false, goBackwards)', () => {
    initSync();
    const fails: string[] = [];
    for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) for (const seq of [true, false]) {
      for (const extra of cell === 'gru' ? [{}, { resetAfter: false }] : [{}]) {
        const m = biModel(cell, mode, seq, { extra });
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
      const a = biModel(cell, 'concat', true, { rd: 0.5 }), b = biModel(cell, 'concat', true, { rd: 0 });
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
      const m = biModel('lstm', 'concat', true, { V: 40, T: 5, units: 16, D: 12 });
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
