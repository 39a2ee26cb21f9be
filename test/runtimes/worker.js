// The determinism workload inside workerd (Cloudflare Workers): GET /determinism returns the workload's JSON, with the
// round trip of the model files Node made, fetched through the FILES service binding (a directory on disk in the test).
// The Wasm core is imported as a compiled module, as Workers may not compile bytes at run time.
import * as lib from '../../dist/src/index.js';
import wasm from '../../build/bilstm.wasm';
import { run, roundTrip } from './workload.js';

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== '/determinism') return new Response('not found', { status: 404 });
    try {
      const result = await run(lib, { threads: 2, init: { module: wasm } });
      // loadModel reads the Response's body as a stream
      if (env.FILES) result.roundTrip = await roundTrip(lib, (name) => env.FILES.fetch(`http://files/${name}`));
      return Response.json(result);
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) }, { status: 500 });
    }
  },
};
