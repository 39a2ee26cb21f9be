// Runs the BUILT bin (dist/src/cli/bin.js, made by `npm test`'s pretest) as a child process, and writes the small
// labelled data sets (a CSV, a text folder) the CLI tests train on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

export interface Run { code: number | null; stdout: string; stderr: string }

/** `node dist/src/cli/bin.js ...args`, stdout not a TTY; env additions on top of the current one (minus the colour variables). */
export function runBin(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const env = { ...process.env, ...opts.env };
  if (!opts.env?.FORCE_COLOR) delete env.FORCE_COLOR;
  if (!opts.env?.NO_COLOR) delete env.NO_COLOR;
  if (!opts.env?.COLORTERM) delete env.COLORTERM;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A deterministic integer generator (LCG) for the fake texts. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
}

const FILLER = ['the', 'a', 'film', 'plot', 'was', 'and', 'it', 'story', 'acting', 'very', 'quite', 'this', 'of', 'cast', 'ending'];
const CUE: Record<string, string[]> = { neg: ['bad', 'awful', 'boring', 'dull'], pos: ['good', 'great', 'lovely', 'superb'], mixed: ['okay', 'fine', 'average'] };

/** n short reviews; the label decides which cue word (one per text) appears among filler words. */
export function reviews(n: number, classes: string[] = ['neg', 'pos'], seed = 7): { text: string; label: string }[] {
  const next = lcg(seed);
  const rows: { text: string; label: string }[] = [];
  for (let i = 0; i < n; i++) {
    const label = classes[i % classes.length];
    const len = 4 + (next() % 6);
    const cueAt = next() % len;
    const words: string[] = [];
    for (let t = 0; t < len; t++) words.push(t === cueAt ? CUE[label][next() % CUE[label].length] : FILLER[next() % FILLER.length]);
    rows.push({ text: words.join(' '), label });
  }
  return rows;
}

/** CSV quoting (RFC 4180): quote every field, double the quotes. */
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A temp dir with reviews.csv (200 rows, columns id,review,sentiment, a comma and quotes in some texts) and a
 *  folder reviews/<label>/<i>.txt with 3 labels. Remove it with `rm`. */
export function writeData(): { dir: string; csv: string; folder: string; texts: string; rm: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bilstm-attn-cli-'));
  const rows = reviews(200);
  const csv = join(dir, 'reviews.csv');
  writeFileSync(csv, 'id,review,sentiment\n' + rows.map((r, i) => `${i},${q(i % 10 === 0 ? `${r.text}, "really"` : r.text)},${r.label}`).join('\n') + '\n');
  const folder = join(dir, 'reviews');
  reviews(120, ['neg', 'pos', 'mixed'], 11).forEach((r, i) => {
    mkdirSync(join(folder, r.label), { recursive: true });
    writeFileSync(join(folder, r.label, `${String(i).padStart(3, '0')}.txt`), r.text);
  });
  const texts = join(dir, 'texts.txt');
  writeFileSync(texts, 'a great film\n\nthe plot was awful\nquite good acting\n');
  return { dir, csv, folder, texts, rm: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The small, fast training flags every CLI test uses (on top of --data and --out). */
export const SMALL = ['--epochs', '3', '--units', '8', '--embedding-dim', '8', '--batch-size', '16', '--maxlen', '12', '--learning-rate', '0.01', '--verbose', '0'];

/** Trains on the CSV into dir/<name> and returns the model path (throws with stderr when the bin fails). */
export function trainCsv(csv: string, dir: string, name = 'model', extra: string[] = []): string {
  const out = join(dir, name);
  const r = runBin(['train', '--data', csv, '--text-column', 'review', '--label-column', 'sentiment', '--out', out, ...SMALL, ...extra]);
  if (r.code !== 0) throw new Error(`train failed (${r.code}): ${r.stderr}`);
  return join(out, 'model.bilstm');
}
