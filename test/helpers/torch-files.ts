// Shared by the recurrent PyTorch weight tests (torch-gru, torch-simple-rnn): a safetensors file's float32 tensors by name, outputs compared with the fixtures' relative to their scale, and the refusal of a layer nn.* cannot compute.
import { expect } from 'vitest';
import { loadTorchWeights, exportTorchWeights, ConfigError, type Sequential } from '../../src/index.js';
import { weightBytes } from './models.js';

/** |actual - expected| <= rtol * max|expected| over every entry; on failure the worst entry. With `minScale`, the
 *  outputs' scale must also exceed it (or the check would prove nothing). */
export function within(actual: ArrayLike<number>, expected: number[], what: string, rtol: number, minScale?: number): number {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  if (minScale !== undefined) expect(scale, `${what}: outputs' scale`).toBeGreaterThan(minScale);
  let worst = 0, at = -1;
  expected.forEach((e, i) => { const d = Math.abs(actual[i] - e); if (!(d <= worst)) { worst = d; at = i; } });
  if (!(worst <= rtol * scale)) throw new Error(`${what}: |diff| ${worst.toExponential(2)} at ${at} (${actual[at]} vs ${expected[at]}), over ${rtol} x scale ${scale}`);
  return worst / scale;
}

/** The float32 tensors of a safetensors file by name (F32 only, as the fixtures hold). */
export function tensors(bytes: Uint8Array): Map<string, { shape: number[]; data: Float32Array }> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    expect(v.dtype).toBe('F32');
    const [b, e] = v.data_offsets;
    out.set(k, { shape: v.shape, data: Float32Array.from({ length: (e - b) / 4 }, (_, i) => dv.getFloat32(8 + n + b + 4 * i, true)) });
  }
  return out;
}

/** exportTorchWeights(m) and loadTorchWeights(m, file) each fail with a ConfigError whose message matches `head` and
 *  `want`, and leave m's weights as they were; m is disposed after. */
export async function expectRefusedBothWays(m: Sequential, file: Uint8Array, head: RegExp, want: RegExp): Promise<void> {
  for (const run of [() => exportTorchWeights(m), () => loadTorchWeights(m, file)]) {
    const before = weightBytes(m);
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(head);
    expect((err as Error).message).toMatch(want);
    expect(weightBytes(m)).toEqual(before);
  }
  m.dispose();
}
