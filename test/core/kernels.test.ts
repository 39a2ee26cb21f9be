// The generated Kernels interface (src/core/kernels.ts) agrees with the Wasm cores: the same exports, in order, with
// the same number of parameters, and the file is what scripts/gen-kernels.mjs makes from this build's declarations.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDeclarations, kernelsSource } from '../../scripts/gen-kernels.mjs';

const read = (f: string) => readFileSync(new URL(`../../${f}`, import.meta.url));
const TEXT = read('src/core/kernels.ts').toString();

/** name -> parameter count, as declared in src/core/kernels.ts. */
function declared(text: string): [string, number][] {
  const body = text.slice(text.indexOf('export interface Kernels {'));
  return [...body.matchAll(/^ {2}(\w+)\(([^)]*)\): \w+;$/gm)].map((m) => [m[1], m[2] ? m[2].split(',').length : 0]);
}

function exported(file: string): [string, number][] {
  const module = new WebAssembly.Module(read(file));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: file.includes('.mt.') } as WebAssembly.MemoryDescriptor);
  const inst = new WebAssembly.Instance(module, { env: { memory, abort() {} } });
  return WebAssembly.Module.exports(module).filter((e) => e.kind === 'function')
    .map((e) => [e.name, (inst.exports[e.name] as (...a: number[]) => unknown).length]);
}

describe('Kernels interface', () => {
  it('is the generator output for this build', () => {
    expect(TEXT).toBe(kernelsSource(parseDeclarations(read('build/bilstm.d.ts').toString())));
  });

  it.each(['build/bilstm.wasm', 'build/bilstm.mt.wasm'])('lists every export of %s with its parameter count', (f) => {
    const d = declared(TEXT);
    expect(d.length).toBeGreaterThan(40);
    expect(d).toEqual(exported(f));
  });

  it('maps AssemblyScript types and refuses one it does not know', () => {
    const dts = '/**\n * assembly/x/f\n * @param p `usize`\n * @param n `i32`\n * @param s `f32`\n * @returns `f64`\n */\nexport function f(p: number, n: number, s: number): number;';
    expect(parseDeclarations(dts)).toEqual([{ name: 'f', source: 'assembly/x/f', params: [{ name: 'p', type: 'Ptr' }, { name: 'n', type: 'I32' }, { name: 's', type: 'number' }], ret: 'number' }]);
    expect(() => parseDeclarations(dts.replace('`i32`', '`i64`'))).toThrow(/f\(n\) has AssemblyScript type i64/);
  });
});
