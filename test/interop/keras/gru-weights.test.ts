// loadKerasWeights into GRU models (matching, a reset placement that disagrees, CuDNNGRU into reset-before) and CuDNNGRU refusals.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { sequential, layers, initSync, loadKerasModel, loadKerasWeights, CheckpointError, type Sequential } from '../../../src/index.js';
import { planKerasModel, type KerasPlanOptions } from '../../../src/interop/keras/config.js';

const file = (n: string) => readFileSync(new URL(`../../fixtures/keras/${n}`, import.meta.url));
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const K2: KerasPlanOptions = { kerasVersion: '2.3.1', where: 'loadKerasModel', customObjects: { AttentionLayer: 'attention' } };
const k2 = (className: string, config: Record<string, unknown>) => ({ class_name: className, config });

/** Our model of the file's architecture with the GRU's reset placement given. */
function rebuild(m: Sequential, resetAfter: boolean): Sequential {
  const cfg = JSON.parse(JSON.stringify(m.getConfig()));
  for (const l of cfg.config.layers) {
    if (l.className === 'GRU') l.config.resetAfter = resetAfter;
    if (l.className === 'Bidirectional') l.config.layer.config.resetAfter = resetAfter;
  }
  return (m.constructor as typeof Sequential).fromConfig(cfg);
}

describe('loadKerasWeights into GRU models', () => {
  for (const [name, fileResetAfter] of [['k2_3_1_gru.h5', false], ['k2_3_1_cudnn_gru.h5', true], ['tfk2_15_gru.h5', true]] as const) {
    it(`${name}: into a model with the file's reset placement: predict equals loadKerasModel's`, async () => {
      initSync();
      const ref = await loadKerasModel(file(name), { customObjects: { AttentionLayer: 'attention' } });
      const m = rebuild(ref, fileResetAfter);
      await loadKerasWeights(m, file(name));
      const T = ref.outputShape.length > 0 ? (ref.layers[0].inputShape[0] as number) : 0;
      const x = { data: Int32Array.from({ length: 3 * T }, (_, i) => (i * 5) % 9), shape: [3, T] };
      expect(bits(m.predict(x).data)).toEqual(bits(ref.predict(x).data));
    });

    it(`${name}: into a model with the other reset placement: refused (Keras: "... is not compatible")`, async () => {
      initSync();
      const ref = await loadKerasModel(file(name), { customObjects: { AttentionLayer: 'attention' } });
      const m = rebuild(ref, !fileResetAfter);
      const err = await loadKerasWeights(m, file(name)).then(() => null, (e) => e as Error);
      expect(err, 'refused').toBeInstanceOf(CheckpointError);
      console.log(`${name} -> resetAfter ${!fileResetAfter}: ${err?.message}`);
    });
  }
});

describe('CuDNNGRU refusal wording', () => {
  it('names the layer CuDNNGRU (not CuDNNLSTM) when refusing its options', () => {
    initSync();
    for (const extra of [{ return_state: true }, { stateful: true }, { time_major: true }]) {
      let msg = '';
      try {
        planKerasModel({ class_name: 'Sequential', config: { name: 'k', layers: [k2('CuDNNGRU', { name: 'cg', units: 3, batch_input_shape: [null, 4, 2], ...extra })] } }, K2);
      } catch (e) { msg = (e as Error).message; }
      expect(msg).toMatch(/layer cg \(CuDNNGRU\)/);
    }
  });
});
