#!/usr/bin/env node
// The `bilstm-attn` command (bin entry). For now: --version and --help; train/predict commands come with the CLI issue.
import { readFileSync } from 'node:fs';

// The package's own package.json, beside dist/ where this file runs from (dist/src/cli/bin.js).
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
const args = process.argv.slice(2);

if (args.includes('--version') || args.includes('-v')) {
  console.log(pkg.version);
} else {
  console.log(`${pkg.name} ${pkg.version}\n\nUsage: bilstm-attn --version | --help\n\nThe library: import { init, sequential, layers } from '${pkg.name}'. See README.md.`);
  if (args.length > 0 && !args.includes('--help') && !args.includes('-h')) {
    console.error(`bilstm-attn: unknown arguments ${JSON.stringify(args)}; expected --version or --help.`);
    process.exitCode = 2;
  }
}
