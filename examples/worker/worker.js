// Cloudflare Worker: serves predictions from the model examples/node.mjs trained and saved (model.json).
//   POST /predict  {"ids": [[3, 1, 5], [4, 4]]}  ->  {"predictions": [0.98, 0.01], "attention": [[...], [...]]}
// Workers may not compile Wasm from bytes, so the core comes in as a module import (wrangler's CompiledWasm rule).
import { init, padSequences } from 'bilstm-attn';
import wasm from 'bilstm-attn/wasm';
import weights from './model.json';
import { buildModel, VOCAB, MAXLEN } from '../model.js';

let model = null;

async function load() {
  if (!model) {
    await init({ module: wasm });
    const m = buildModel();
    m.setWeights(weights);
    model = m;
  }
  return model;
}

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== '/predict') return json({ error: `no route ${url.pathname}; POST /predict` }, 404);
    if (request.method !== 'POST') return json({ error: `expected POST, got ${request.method}` }, 405);
    let body;
    try { body = await request.json(); } catch { return json({ error: 'expected a JSON body like {"ids": [[3, 1, 5]]}' }, 400); }
    const ids = body?.ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 256 || !ids.every((s) => Array.isArray(s) && s.every((v) => Number.isInteger(v) && v >= 0 && v < VOCAB))) {
      return json({ error: `expected "ids": 1 to 256 arrays of integers in [0, ${VOCAB})` }, 400);
    }
    const m = await load();
    const x = padSequences(ids, { maxlen: MAXLEN, padding: 'post', truncating: 'post' });
    const out = m.predict(x, { returnAttention: true });
    const n = ids.length;
    const att = out.attention[0].data;
    return json({
      predictions: Array.from(out.data),
      attention: Array.from({ length: n }, (_, i) => Array.from(att.subarray(i * MAXLEN, i * MAXLEN + Math.min(ids[i].length, MAXLEN)))),
    });
  },
};
