// Whole-model gradient check: computeGradients against central differences of its own loss (at seeded weights of
// scale 1, tolerance relative to each tensor's gradient scale: see fdCheck), and its statelessness.
import { describe, it, expect } from 'vitest';
import { sequential, layers } from '../../src/index.js';
import { smallModel, smallData, weightBytes, fdCheck } from '../helpers/models.js';

describe('computeGradients', () => {
  it('matches central differences for embedding -> Bi-LSTM -> attention -> dense (BCE from logits)', () => {
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(6);
    fdCheck(m, x, y);
  });

  it('matches central differences when the batch repeats its ids (the LSTM\'s products per distinct id, forward and backward)', () => {
    // 12 samples of 7 ids from 11: at most 11 distinct of 84 positions, under the quarter that turns the per-id path on
    const m = smallModel(5);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(12, 17);
    fdCheck(m, x, y);
    // (and the path ran: the Bi-LSTM's forward layer took the batch's distinct ids)
    const bi = m.layers.find((l) => l.className === 'Bidirectional') as unknown as { forwardLayer: { idRows(): number } };
    m.computeGradients(x, y);
    expect(bi.forwardLayer.idRows()).toBe(new Set(x.data).size);
  });

  it('matches central differences through flatten (masked embedding -> Bi-LSTM(seq) -> flatten -> dense, MSE)', () => {
    const m = sequential({ seed: 9, layers: [
      layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }), mergeMode: 'ave' }),
      layers.flatten(),
      layers.dense({ units: 2, activation: 'tanh' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const { x } = smallData(6, 13);
    fdCheck(m, x, { data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)), shape: [6, 2] });
  });

  it('matches central differences with batch norm, tanh and dropout (masks fixed: the stream does not move)', () => {
    const m = smallModel(4, { batchNorm: true, dropout: true });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(6, 11);
    fdCheck(m, x, y);
  });

  it('matches central differences for a float-input Bi-LSTM (sum merge, goBackwards) -> attention(seq) -> dense softmax with CCE', () => {
    const m = sequential({ seed: 8, layers: [
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true, inputShape: [5, 2] }), mergeMode: 'sum', inputShape: [5, 2] }),
      layers.attention({ returnSequences: true }),
      layers.lstm({ units: 5, goBackwards: true }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ]});
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    // inputs of scale 2: at scale 1 the forward LSTM's recurrent-kernel gradient is only ~2x the scale fdCheck requires
    const x = { data: Float32Array.from({ length: 4 * 5 * 2 }, (_, i) => 2 * Math.sin(i * 1.7)), shape: [4, 5, 2] };
    const y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]];
    fdCheck(m, x, y);
  });

  it('matches central differences for MSE on a linear dense after a tanh activation', () => {
    const m = sequential({ seed: 1, layers: [
      layers.dense({ units: 4, activation: 'relu', inputShape: [3] }),
      layers.activation({ activation: 'tanh' }),
      layers.dense({ units: 2 }),
    ]});
    m.compile({ optimizer: 'rmsprop', loss: 'meanSquaredError' });
    fdCheck(m, [[0.1, -0.5, 2], [1, 1, -1], [0.3, 0.2, 0.1]], [[1, 0], [0, 1], [0.5, 0.5]]);
  });

  it('matches central differences through spatialDropout1D (whole channels dropped, masks fixed) and a masked Bi-LSTM', () => {
    const m = sequential({ seed: 12, layers: [
      layers.embedding({ inputDim: 11, outputDim: 6, inputLength: 7, maskZero: true }),
      layers.spatialDropout1D({ rate: 0.4 }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
      layers.attention({ returnSequences: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(6, 13);
    fdCheck(m, x, y);
  });

  it('matches central differences through globalAveragePooling1D under a mask (all-padded and length-1 samples included)', () => {
    const m = sequential({ seed: 14, layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7, maskZero: true }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
      layers.globalAveragePooling1D(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = [[3, 4, 5, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7], [0, 0, 0, 0, 0, 0, 0], [9, 0, 0, 0, 0, 0, 0], [0, 0, 0, 2, 7, 1, 8], [4, 4, 0, 6, 0, 0, 0]];
    fdCheck(m, x, [1, 0, 1, 0, 1, 0]);
  });

  it('matches central differences through globalMaxPooling1D after an LSTM and a dense (float input)', () => {
    const m = sequential({ seed: 15, layers: [
      layers.lstm({ units: 5, returnSequences: true, inputShape: [6, 3] }),
      layers.dense({ units: 4, activation: 'tanh' }),
      layers.globalMaxPooling1D(),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]});
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = { data: Float32Array.from({ length: 5 * 6 * 3 }, (_, i) => 2 * Math.sin(i * 1.3)), shape: [5, 6, 3] };
    fdCheck(m, x, [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]]);
  });

  it('matches central differences with hardSigmoidKeras3 as LSTM recurrent activation and dense activation', () => {
    const m = sequential({ seed: 16, layers: [
      layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
      layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoidKeras3' }),
      layers.dense({ units: 3, activation: 'hardSigmoidKeras3' }),
      layers.globalAveragePooling1D(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]});
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(6, 17);
    fdCheck(m, x, y);
  });

  it('fdCheck refuses a check that cannot bite: at initial weights the attention W gradient is under the f32 noise', () => {
    const m = smallModel(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = smallData(6);
    const before = weightBytes(m);
    expect(() => fdCheck(m, x, y, { amplitude: 0 })).toThrow(/d loss \/ d attention(_\d+)?\/W \[8, 1\]: gradient scale \S+ is below 20 x the float32 noise floor/);
    weightBytes(m).forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i])));
  });

  it('changes no state: two calls agree and a later fit equals a fresh model\'s fit', async () => {
    const { x, y } = smallData(16);
    const a = smallModel(6, { dropout: true, batchNorm: true });
    a.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const g1 = a.computeGradients(x, y);
    const g2 = a.computeGradients(x, y);
    expect(g1.loss).toBe(g2.loss);
    g1.grads.forEach((g, i) => expect(Array.from(g.data)).toEqual(Array.from(g2.grads[i].data)));
    await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const b = smallModel(6, { dropout: true, batchNorm: true });
    b.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const wa = weightBytes(a), wb = weightBytes(b);
    wa.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(wb[i])));
  });
});
