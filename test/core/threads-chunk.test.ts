// init({ threads: 2 }) with the threads core's chunk missing (a broken install or a bundler that dropped the dynamic
// import): a StateError saying so, where it used to stay on one thread without a word. The chunk is mocked to throw.
import { describe, it, expect, vi } from 'vitest';
import { init, info, StateError } from '../../src/index.js';

vi.mock('../../src/core/wasm-threads-binary.js', () => { throw new Error('Cannot find module wasm-threads-binary'); });

describe('the threads core chunk', () => {
  it('missing: init({ threads: 2 }) is a StateError naming it; threads: 1 does not need it', async () => {
    await expect(init({ threads: 2 })).rejects.toBeInstanceOf(StateError);
    const e = await init({ threads: 2 }).catch((x: Error) => x);
    expect(String((e as Error).message)).toMatch(/^init: expected the package's threads core \(its chunk of wasm-threads-binary\) to load for threads: 2, got /);
    await init({ threads: 1 });
    expect(info().threads).toBe(1);
  });
});
