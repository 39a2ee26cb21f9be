// Builds the package (npm run build) when its outputs are missing, as after a fresh `npm install`: the package has no
// install-time script (a consumer's npm warns of any, and `prepare` never runs for a registry tarball), so the
// commands that need the build (demo, bench, checks) start here; `npm test` builds in pretest, `npm pack` in prepack.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outputs = ['build/bilstm.wasm', 'build/bilstm.mt.wasm', 'src/core/wasm-binary.ts', 'src/core/wasm-threads-binary.ts',
  'src/core/kernels.ts', 'dist/src/index.js', 'dist/src/cli/bin.js'];
const missing = outputs.filter((p) => !existsSync(root + p));
if (missing.length > 0) {
  console.log(`building first (${missing.join(', ')} missing: a fresh install has not built yet)`);
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
