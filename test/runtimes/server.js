// A static file server over the repository root for browser runs: /coi/<path> is served cross-origin isolated
// (COOP same-origin + COEP require-corp, so SharedArrayBuffer and threads work), /plain/<path> without those headers,
// /csp/<path> isolated under a Content-Security-Policy that allows Wasm but not blob: workers;
// with { files: DIR }, /files/<name> serves DIR (the model files Node made for the round trip).
//   node test/runtimes/server.js [port]   then open http://127.0.0.1:<port>/coi/examples/browser/index.html
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize } from 'node:path';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

/** Starts the server on 127.0.0.1 (port 0 = any free port); resolves to its base URL and a close function. */
export function serve(port = 0, { files } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const f = files ? /^\/files(\/.*)$/.exec(url.pathname) : null;
    const m = /^\/(coi|plain|csp)(\/.*)$/.exec(url.pathname);
    const rel = normalize(decodeURIComponent(f ? f[1] : m ? m[2] : url.pathname));
    if (rel.includes('..')) { res.writeHead(403).end(); return; }
    const headers = { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (!m || m[1] !== 'plain') Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    if (m?.[1] === 'csp') headers['content-security-policy'] = "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'";
    try {
      const body = await readFile(join(f ? files : ROOT, rel));
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${rel}`);
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve(Number(process.argv[2] ?? 8080));
  console.log(`serving ${ROOT} at ${url}/coi/ (cross-origin isolated) and ${url}/plain/`);
}
