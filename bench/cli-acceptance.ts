// Real-data acceptance of the CLI (not part of npm test): `bilstm-attn train` on SpamAssassin (word level) and on the
// names (character level) through the built bin, checked against the targets, with wall and CPU time and the load.
// Run: npm run build && npx tsx bench/cli-acceptance.ts [spam|names ...]   (writes into bench-output/, gitignored)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));

interface Case {
  name: string;
  args: string[];
  targets: Record<string, number>;
  maxSeconds: number;
}

const CASES: Case[] = [
  {
    name: 'spam',
    args: ['--data', 'spam', '--seed', '1', '--maxlen', '200', '--vocab', '20000', '--epochs', '5', '--val-split', '0.1',
      '--test-split', '0.2', '--threads', '2'],
    targets: { accuracy: 0.985, f1: 0.975 },
    maxSeconds: 180,
  },
  {
    name: 'names',
    args: ['--data', 'names', '--seed', '1', '--maxlen', '16', '--batch-size', '64', '--epochs', '10', '--threads', '2'],
    targets: { accuracy: 0.8 },
    maxSeconds: 180,
  },
];

/** Runs the bin, resolving with its exit code, output and wall seconds. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; wall: number }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b) => { stdout += b; });
    p.stderr.on('data', (b) => { stderr += b; });
    p.on('exit', (code) => {
      resolve({ code, stdout, stderr, wall: Number(process.hrtime.bigint() - t0) / 1e9 });
    });
  });
}

/** CPU seconds of finished children (user + system), from /proc/self/stat (Linux), else NaN. */
function childrenCpu(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const ticks = Number(f[13]) + Number(f[14]); // cutime + cstime (fields 16, 17), in clock ticks (100 per second)
    return ticks / 100;
  } catch { return NaN; }
}

const wanted = process.argv.slice(2);
let failed = false;
console.log(`bilstm-attn CLI acceptance: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const c of CASES.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  const out = `bench-output/${c.name}`;
  const args = ['train', ...c.args, '--out', out, '--json'];
  console.log(`\n$ bilstm-attn ${args.join(' ')}`);
  const cpu0 = childrenCpu();
  const r = await run(args);
  const cpu = childrenCpu() - cpu0;
  if (r.code !== 0) {
    console.log(`FAILED (exit ${r.code}): ${r.stderr.trim()}`);
    failed = true;
    continue;
  }
  const rep = JSON.parse(r.stdout);
  const m = rep.heldOut.metrics as Record<string, number>;
  console.log(`data: ${rep.data.train} train (${rep.data.validation} of them for validation), ${rep.data.test} held out; ${rep.data.vocabSize} tokens kept, maxlen ${rep.data.maxlen}`);
  console.log(`held out: ${Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}; loss ${rep.heldOut.loss.toFixed(4)}`);
  console.log(`confusion matrix ${JSON.stringify(rep.heldOut.confusionMatrix)} (rows true ${rep.data.classNames.join('/')})`);
  console.log(`time: ${r.wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU; phases ${JSON.stringify(rep.seconds)}; load average now ${loadavg()[0].toFixed(1)}`);
  for (const [k, target] of Object.entries(c.targets)) {
    const ok = m[k] >= target;
    console.log(`  ${ok ? 'ok  ' : 'MISS'} ${k} ${m[k].toFixed(4)} >= ${target}`);
    failed ||= !ok;
  }
  const fast = r.wall <= c.maxSeconds;
  console.log(`  ${fast ? 'ok  ' : 'SLOW'} wall ${r.wall.toFixed(1)} s <= ${c.maxSeconds} s${fast ? '' : ' (on a shared machine, compare the CPU time)'}`);
}
process.exitCode = failed ? 1 : 0;
