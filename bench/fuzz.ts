// The loader fuzzer at bench scale: 10,000 seeded cases per loader (test/helpers/fuzz.ts), every finding listed.
// Run: npm run bench:fuzz [-- --runs N] [-- --seed S] [-- --loaders model,csv] [-- --workers W] [-- --arch N] [-- --grad N]
// --arch N: also N random architectures (test/helpers/architectures.ts; 5,000 by default, 0 to skip).
// --grad N: also N random architectures' gradients against the float64 references (test/helpers/gradref.ts; 5,000
// by default, 0 to skip).
// Needs the built package (dist/; bench:fuzz builds it). Exits 1 when a case broke the property.
import fc from 'fast-check';
import { arch, check } from '../test/helpers/architectures.js';
import { gradArch, checkGradients } from '../test/helpers/gradref.js';
import { LOADERS, FuzzPool, fuzzLoader, loadSeeds, describeFinding, type LoaderName } from '../test/helpers/fuzz.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i < 0 ? fallback : args[i + 1]; };
const runs = Number(opt('runs', '10000'));
const seed = Number(opt('seed', '20261201'));
const workers = Number(opt('workers', '2'));
const loaders = opt('loaders', LOADERS.join(',')).split(',') as LoaderName[];

const seeds = await loadSeeds();
const pool = new FuzzPool(workers);
let failed = 0;
console.log(`loader fuzzing: ${runs} cases per loader, seed ${seed}, ${workers} workers, Node ${process.version}`);
console.log('loader       cases  loaded  refused (by class)                                  findings  s');
for (const loader of loaders) {
  const t0 = performance.now();
  const r = await fuzzLoader(pool, loader, seeds[loader], runs, seed + LOADERS.indexOf(loader));
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  const refused = Object.entries(r.refused).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${loader.padEnd(12)} ${String(r.cases).padStart(5)}  ${String(r.loaded).padStart(6)}  ${refused.padEnd(50)}  ${String(r.findings.length).padStart(8)}  ${s}`);
  for (const f of r.findings.slice(0, 10)) console.log(describeFinding(f));
  failed += r.findings.length;
}
console.log(`worker restarts: ${pool.restarts}`);
await pool.close();
const archRuns = Number(opt('arch', '5000'));
if (archRuns > 0) {
  const t0 = performance.now();
  const r = await fc.check(fc.asyncProperty(arch, check), { seed, numRuns: archRuns });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`architectures: ${r.numRuns} cases, ${r.failed ? `FAILED (seed ${r.seed}, path ${r.counterexamplePath}): ${JSON.stringify(r.counterexample)}\n${String(r.errorInstance)}` : 'all properties held'}  ${s} s`);
  if (r.failed) failed++;
}
const gradRuns = Number(opt('grad', '5000'));
if (gradRuns > 0) {
  const t0 = performance.now();
  const r = fc.check(fc.property(gradArch, (a) => checkGradients(a)), { seed, numRuns: gradRuns });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`gradients: ${r.numRuns} cases, ${r.failed ? `FAILED (seed ${r.seed}, path ${r.counterexamplePath}): ${JSON.stringify(r.counterexample)}\n${String(r.errorInstance)}` : 'every gradient matched the float64 reference'}  ${s} s`);
  if (r.failed) failed++;
}
process.exit(failed ? 1 : 0);
