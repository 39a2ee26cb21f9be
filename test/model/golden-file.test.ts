// The golden model file of format version 1 (test/fixtures/model-v1.bilstm, made by test/fixtures/model-file.ts):
// every later version of the package must load it and predict exactly these bytes.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { initSync, loadModel } from '../../src/index.js';
import { FORMAT_VERSION } from '../../src/io/model-file.js';
import { GOLDEN, goldenModel } from '../fixtures/model-file.js';
import { fileData, sha256, weightsSha } from '../helpers/files.js';

initSync();
const { x, y } = fileData(16, 99);

describe('golden model file, format version 1', () => {
  it('loads and predicts the pinned bytes (predictions and attention), with its metadata and training state', async () => {
    const m = await loadModel(GOLDEN);
    const p = m.predict(x, { returnAttention: true }) as { data: Float32Array; attention: { data: Float32Array }[] };
    expect(sha256([p.data])).toBe('7df5bba9c73b64e8a465f6842cc0d0f06bbb79fbfcc34b0d4d9123c189af3365');
    expect(sha256([p.attention[0].data])).toBe('5d18585d206406c239079cf1fef01a533618c5179fed3affdbac6c09d4fd2b55');
    expect(m.metadata).toEqual({ labels: ['negative', 'positive'], preprocessing: { maxlen: 9, padding: 'post', truncating: 'post' }, userDefinedMetadata: { fixture: 'model-v1' }, createdBy: 'bilstm-attn 0.1.0' });
    expect(m.state.iterations).toBe(12);
    expect(m.getCompileConfig()?.loss).toBe('binaryCrossentropy');
  });

  it('holds the model its generator trains, and resumes as it would have', async () => {
    const fresh = await goldenModel();
    const m = await loadModel(GOLDEN);
    expect(weightsSha(m)).toBe(weightsSha(fresh));
    await fresh.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(weightsSha(m)).toBe(weightsSha(fresh));
  });

  it.runIf(FORMAT_VERSION === 1)('is what this version writes, byte for byte', async () => {
    expect(await (await goldenModel()).save()).toEqual(new Uint8Array(readFileSync(GOLDEN)));
  });
});
