#!/usr/bin/env node
// The `bilstm-attn` command: dispatches to one module per command (train, evaluate, predict, explain, summary, demo),
// prints --help / --version, and turns errors into one stderr line and an exit code (2 usage, 1 runtime).
import { readFileSync } from 'node:fs';
import { describeError, helpText, parse, usageError, type Command, type Output } from './args.js';
import { train } from './train.js';
import { evaluate } from './evaluate.js';
import { predict } from './predict.js';
import { explain } from './explain.js';
import { summary } from './summary.js';
import { demo } from './demo.js';

// The package's own package.json, beside dist/ where this file runs from (dist/src/cli/bin.js).
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

const COMMANDS: Command[] = [train, evaluate, predict, explain, summary, demo];

function topHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${pkg.name} ${pkg.version}: Bi-LSTM + attention text classifiers, trained bit-for-bit reproducibly.`,
    '',
    'Usage: bilstm-attn <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Options: --help (also after a command), --version. Every command takes --json (one JSON document on stdout).',
    'Exit codes: 0 done, 1 runtime error (e.g. an unreadable model file), 2 usage error (bad flag, missing file).',
    'BILSTM_ATTN_DEBUG=1 adds the stack trace of an unexpected error.',
    '',
    'Example:',
    '  bilstm-attn train --data names --out model',
    '  bilstm-attn explain --model model/model.bilstm "maria" --html heatmap.html',
  ].join('\n');
}

// A reader that closes the pipe early (`bilstm-attn summary ... | head -1`) ends the output, not the command with a stack:
// the rest is not wanted. Other stdout errors are real.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const out: Output = {
  log: (line) => { process.stdout.write(line + '\n'); },
  err: (line) => { process.stderr.write(line + '\n'); },
  isTTY: process.stdout.isTTY === true,
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const cmd = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    out.log(cmd ? helpText(cmd) : topHelp());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    out.log(pkg.version);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  let name = '';
  try {
    if (!cmd) throw usageError('', `a command among ${COMMANDS.map((c) => c.name).join(', ')} (or --help, --version)`, JSON.stringify(first));
    name = cmd.name;
    const { values, positionals } = parse(cmd, rest);
    if (values.help) {
      out.log(helpText(cmd));
      return 0;
    }
    await cmd.run(values, positionals, out);
    return 0;
  } catch (e) {
    const d = describeError(name, e);
    out.err(d.line);
    if (d.stack && process.env.BILSTM_ATTN_DEBUG) out.err(d.stack);
    return d.code;
  }
}

process.exitCode = await main(process.argv.slice(2));
