// Runs the determinism workload in whatever runtime executes this file (node, deno, bun) and prints one JSON line:
//   node test/runtimes/cli.js 2  |  deno run test/runtimes/cli.js 2  |  bun test/runtimes/cli.js 2
// Options (Deno needs --allow-read / --allow-write on the directory for them):
//   --files DIR     also load workload.js's FILES from DIR and report the round trip (result.roundTrip)
//   --half PATH     also train the workload's first 25 steps and save them to PATH
//   --resume PATH   instead of the workload: load PATH (from --half) and train the other 25 steps
//   --make DIR      instead of the workload: train and save the FILES into DIR (Node makes them)
import * as lib from '../../dist/src/index.js';
import { run, roundTrip, makeFiles, trainHalf, resume } from './workload.js';

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
const threads = Number(args[0] ?? 1);
const option = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const files = option('--files'), half = option('--half'), resumeFrom = option('--resume'), make = option('--make');

let result;
if (make) {
  await makeFiles(lib, (model, name, options) => model.save(`${make}/${name}`, options));
  result = { made: make };
} else if (resumeFrom) {
  result = await resume(lib, resumeFrom, { threads });
} else {
  result = await run(lib, { threads });
  if (files) result.roundTrip = await roundTrip(lib, (name) => `${files}/${name}`);
  if (half) await trainHalf(lib, (model) => model.save(half));
}
console.log(JSON.stringify(result));
