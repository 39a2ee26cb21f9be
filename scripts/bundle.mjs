// Bundles the package's entries in place after tsc: dist/src/index.js, the /tfjs entry and the bin become one module
// each over shared chunks (dist/src/chunks/), so an import loads ~7 files instead of ~70 (Node's ESM loader spends
// most of a cold start resolving and linking files, not running them). Lazy parts (HDF5, zip, protobufjs) stay dynamic
// imports in chunks of their own; packages and node: modules stay external. Identifiers and syntax minified. The
// other files under dist/src (the .d.ts types, the modules the entries were bundled from) are tsc's as before.
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../dist/src/', import.meta.url));
const chunks = `${src}chunks`;
const BANNER = '// Bundled by scripts/bundle.mjs from the tsc output (src/); do not edit.';
if (readFileSync(`${src}index.js`, 'utf8').startsWith(BANNER)) {
  console.log('bundle: dist/src/index.js is already bundled (run tsc first to bundle again)');
  process.exit(0);
}
rmSync(chunks, { recursive: true, force: true });
await build({
  entryPoints: [`${src}index.js`, `${src}interop/tfjs/register-attention.js`, `${src}cli/bin.js`],
  outdir: src,
  outbase: src,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  packages: 'external',
  external: ['node:*'],
  // class names are read at run time (errors' name, messages)
  keepNames: true,
  // shorter text to parse and compile at import: workload A's cold start (process start to first prediction) ~4-6 ms
  // less here, of ~50-60 after Node's own start; function and class names kept (above), and line breaks (an
  // uncaught error prints its source line: one statement, not a whole chunk); tsc's readable modules ship beside it
  minifyIdentifiers: true,
  minifySyntax: true,
  legalComments: 'none',
  banner: { js: BANNER },
  logLevel: 'warning',
});
console.log(`bundle: dist/src/index.js, dist/src/interop/tfjs/register-attention.js, dist/src/cli/bin.js, ${existsSync(chunks) ? readdirSync(chunks).length : 0} chunks`);
