// Runs the determinism workload in whatever runtime executes this file (node, deno, bun) and prints one JSON line:
//   node test/runtimes/cli.js 2  |  deno run --allow-read test/runtimes/cli.js 2  |  bun test/runtimes/cli.js 2
import * as lib from '../../dist/src/index.js';
import { run } from './workload.js';

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
const threads = Number(args[0] ?? 1);
console.log(JSON.stringify(await run(lib, { threads })));
