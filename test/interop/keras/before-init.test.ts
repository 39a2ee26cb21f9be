// Importing before init() (this file never calls it): the StateError asking for init, before any file is read, where
// loadTfjsModel said "the file's model cannot be built here" (blaming the file) and loadTorchWeights read the whole
// file first (reviews of the TF.js and PyTorch imports).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadKerasModel, loadTfjsModel, StateError } from '../../../src/index.js';

const asksForInit = /^bilstm-attn: expected init\(\) to have been awaited/;

describe('importers before init()', () => {
  it('loadKerasModel: the StateError asking for init', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../fixtures/keras/k2_3_1_attention.h5', import.meta.url)));
    const e = await loadKerasModel(bytes, { customObjects: { AttentionLayer: 'attention' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StateError);
    expect((e as Error).message).toMatch(asksForInit);
  });

  it('loadTfjsModel: the StateError, before reading anything (a source that would fail is never touched)', async () => {
    let touched = false;
    const files = { get files() { touched = true; return {}; } };
    const e = await loadTfjsModel(files).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StateError);
    expect((e as Error).message).toMatch(asksForInit);
    expect(touched).toBe(false);
  });
});
