// The model and toy task every runtime example shares: does a sequence of token ids contain the token 1?
// Ids 2..VOCAB-1 are noise, 0 pads the end (maskZero), so the Bi-LSTM + attention must find one token anywhere.
import { sequential, layers, optimizers } from 'bilstm-attn';

export const VOCAB = 20, MAXLEN = 12;

/** n sequences of ids (lengths 3..MAXLEN, post-padded with 0) and 0/1 labels, from a seeded integer generator. */
export function makeData(n, seed = 1) {
  const ids = new Int32Array(n * MAXLEN);
  const labels = new Float32Array(n);
  let s = seed >>> 0;
  const next = (m) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s >>> 8) % m; };
  for (let i = 0; i < n; i++) {
    const len = 3 + next(MAXLEN - 2);
    for (let t = 0; t < len; t++) ids[i * MAXLEN + t] = 2 + next(VOCAB - 2);
    if (next(2) === 1) { ids[i * MAXLEN + next(len)] = 1; labels[i] = 1; }
  }
  return { x: { data: ids, shape: [n, MAXLEN] }, y: labels };
}

/** Embedding -> Bi-LSTM (sequences) -> attention -> dense(sigmoid), compiled with Adam. */
export function buildModel(seed = 7) {
  const model = sequential({ seed, layers: [
    layers.embedding({ inputDim: VOCAB, outputDim: 16, inputLength: MAXLEN, maskZero: true }),
    layers.bidirectional({ layer: layers.lstm({ units: 16, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
