// Cloudflare Worker: serves predictions from the model file examples/node.mjs trained and saved (model.bilstm).
//   POST /predict  {"ids": [[3, 1, 5], [4, 4]]}  ->  {"predictions": [0.98, 0.01], "attention": [[...], [...]]}
// Both binary files come in as module imports, bundled beside the script: Workers may not compile Wasm from bytes, so
// the core is a compiled module (wrangler's default CompiledWasm rule for *.wasm), and the model file is a Data module,
// an ArrayBuffer, which needs one line in wrangler.toml (*.bin files are Data by default; ours are *.bilstm):
//   rules = [{ type = "Data", globs = ["**/*.bilstm"], fallthrough = true }]
// (A model too big to bundle would sit in R2 or KV instead: loadModel takes the Response or stream they give.)
import { init, loadModel, padSequences } from 'bilstm-attn';
import wasm from 'bilstm-attn/wasm';
import modelFile from './model.bilstm';
import { VOCAB, MAXLEN } from '../model.js';

let loading = null;

/** The model, loaded once per isolate (concurrent first requests share the one load). */
function load() {
  loading ??= init({ module: wasm }).then(() => loadModel(modelFile)).catch((e) => { loading = null; throw e; });
  return loading;
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
