// Shared by the GRU and SimpleRNN layer and kernel tests: the cases of the PyTorch fixtures gru.json and simple_rnn.json with their checks, and the masked token task the in-model tests train on 1 and 2 threads.
import { init, optimizers, type Sequential } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { runLayer, type Arr } from './layer.js';
import { expectClose } from './kernels.js';
import { flipTime } from '../ref/dense.js';

/** A case of gru.json or simple_rnn.json (test/fixtures/generate_gru.py, generate_simple_rnn.py): Keras-layout
 *  weights, L = sum(y * r), sequences at input positions in both directions. */
export interface RecurrentCase {
  name: string; goBackwards: boolean; returnSequences: boolean; act: string; dims: { B: number; T: number; I: number; H: number };
  x: Arr; mask: Arr | null; kernel: Arr; recurrent_kernel: Arr; bias: Arr; y: Arr; r: Arr; dx: Arr; dkernel: Arr; drecurrent_kernel: Arr; dbias: Arr;
}

/** The layer (built for the case's units and options) run on the case's x, weights and mask, backward with its r: y,
 *  dx and the kernel, recurrent kernel and bias gradients close to the case's. */
export function expectLayerMatchesCase(l: Layer, c: RecurrentCase): void {
  const { B, T, I, H } = c.dims;
  // the fixture's sequences sit at input positions; Keras returns a goBackwards sequence in processing order
  const order = (v: number[]) => (c.returnSequences && c.goBackwards ? flipTime(v, B, T, H) : v);
  const r = runLayer(l, [T, I], B, c.x.data, order(c.r.data),
    { weights: [c.kernel.data, c.recurrent_kernel.data, c.bias.data], ...(c.mask ? { mask: c.mask.data } : {}) });
  expectClose(r.y, order(c.y.data), 1e-5, 1e-4, 'y');
  expectClose(r.dx!, c.dx.data, 5e-5, 5e-4, 'dx');
  expectClose(r.grads[0], c.dkernel.data, 5e-5, 5e-4, 'dkernel');
  expectClose(r.grads[1], c.drecurrent_kernel.data, 5e-5, 5e-4, 'drecurrent_kernel');
  expectClose(r.grads[2], c.dbias.data, 5e-5, 5e-4, 'dbias');
}

/** For the kernel tests: dL/dhseq [B, T, H] of the case's loss (r at every position, or at the last processed step
 *  only), and ys(hseq), the case's y taken from a whole [B, T, H] state sequence. */
export function caseLoss(c: RecurrentCase): { dh: Float64Array; ys: (hseq: Float64Array) => Float64Array } {
  const { B, T, H } = c.dims;
  const dh = new Float64Array(B * T * H);
  const last = c.goBackwards ? 0 : T - 1;
  for (let b = 0; b < B; b++) {
    if (c.returnSequences) dh.set(c.r.data.slice(b * T * H, (b + 1) * T * H), b * T * H);
    else dh.set(c.r.data.slice(b * H, (b + 1) * H), (b * T + last) * H);
  }
  const ys = (hseq: Float64Array) => c.returnSequences ? hseq
    : Float64Array.from({ length: B * H }, (_, i) => hseq[(Math.floor(i / H) * T + last) * H + (i % H)]);
  return { dh, ys };
}

/** y within yTol and dx, dW, dU, dbias within gradTol ([atol, rtol]) of the case's, each named `${prefix}<name> <case>`. */
export function expectCaseValues(got: { y: ArrayLike<number>; dx: ArrayLike<number>; dW: ArrayLike<number>; dU: ArrayLike<number>; dbias: ArrayLike<number> },
                                 c: RecurrentCase, yTol: [number, number], gradTol: [number, number], prefix = ''): void {
  expectClose(got.y, c.y.data, yTol[0], yTol[1], `${prefix}y ${c.name}`);
  expectClose(got.dx, c.dx.data, gradTol[0], gradTol[1], `${prefix}dx ${c.name}`);
  expectClose(got.dW, c.dkernel.data, gradTol[0], gradTol[1], `${prefix}dW ${c.name}`);
  expectClose(got.dU, c.drecurrent_kernel.data, gradTol[0], gradTol[1], `${prefix}dU ${c.name}`);
  expectClose(got.dbias, c.dbias.data, gradTol[0], gradTol[1], `${prefix}dbias ${c.name}`);
}

/** 48 rows of 9 ids, each with 2 to 5 leading pads (id 0), labelled by the parity of its last id. */
export function parityTokens(): { x: { data: Int32Array; shape: number[] }; y: Float32Array } {
  const n = 48;
  const ids = Int32Array.from({ length: n * 9 }, (_, i) => (i % 9 < 2 + (Math.floor(i / 9) % 4) ? 0 : 1 + ((i * 7 + (i >> 2)) % 11)));
  const y = Float32Array.from({ length: n }, (_, r) => (ids[r * 9 + 8] % 2));
  return { x: { data: ids, shape: [n, 9] }, y };
}

/** build() trained on x, y on 1 then 2 threads (adam at 0.02, binary cross-entropy, 15 epochs in unshuffled batches of
 *  16); each(m, losses) runs on every trained model before it is disposed. Returns each run's weight bytes. */
export async function trainOnThreads(build: () => Sequential, x: { data: Int32Array; shape: number[] }, y: Float32Array,
                                     each: (m: Sequential, loss: number[]) => Promise<void>): Promise<Buffer[]> {
  const bytes: Buffer[] = [];
  for (const threads of [1, 2]) {
    await init({ threads });
    const m = build();
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy' });
    const h = await m.fit(x, y, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
    bytes.push(Buffer.concat(m.getWeights().map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength))));
    await each(m, h.history.loss as number[]);
    m.dispose();
  }
  return bytes;
}
