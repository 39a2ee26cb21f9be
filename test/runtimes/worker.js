// The determinism workload inside workerd (Cloudflare Workers): GET /determinism returns the workload's JSON.
// The Wasm core is imported as a compiled module, as Workers may not compile bytes at run time.
import * as lib from '../../dist/src/index.js';
import wasm from '../../build/bilstm.wasm';
import { run } from './workload.js';

export default {
  async fetch(request) {
    if (new URL(request.url).pathname !== '/determinism') return new Response('not found', { status: 404 });
    try {
      return Response.json(await run(lib, { threads: 2, init: { module: wasm } }));
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) }, { status: 500 });
    }
  },
};
