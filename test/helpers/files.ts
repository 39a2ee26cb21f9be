// Models, data and byte helpers shared by the model-file tests (save, load, resume, bad files).
import { createHash } from 'node:crypto';
import { sequential, layers, type Sequential } from '../../src/index.js';
import { Checksum } from '../../src/core/checksum.js';
import { PREFIX_BYTES, encodeHeader } from '../../src/io/model-file.js';
import { ids } from './models.js';

/** The reference classifier in small: embedding (maskZero) -> batch norm -> tanh -> dropout -> Bi-LSTM (sequences)
 *  -> attention (pooled) -> dropout -> dense sigmoid. */
export function fileModel(seed = 5, T = 9): Sequential {
  return sequential({ seed, layers: [
    layers.embedding({ inputDim: 13, outputDim: 6, inputLength: T, maskZero: true }),
    layers.batchNormalization(),
    layers.activation({ activation: 'tanh' }),
    layers.dropout({ rate: 0.3 }),
    layers.bidirectional({ layer: layers.lstm({ units: 5, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
}

/** Post-padded ids (lengths 1..T) and a label that depends on them. */
export function fileData(n: number, seed = 3, T = 9): { x: { data: Int32Array; shape: number[] }; y: Float32Array } {
  const raw = ids(n * T, seed, 1, 12);
  const len = ids(n, seed + 1, 1, T);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = len[i]; t < T; t++) raw[i * T + t] = 0;
    y[i] = raw[i * T] > 6 ? 1 : 0;
  }
  return { x: { data: raw, shape: [n, T] }, y };
}

export function sha256(parts: ArrayBufferView[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex');
}

export const weightsSha = (m: Sequential) => sha256(m.getWeights().map((w) => w.data));

/** The file rebuilt with a changed header, both checksums recomputed, payload kept: a header that lies, validly. */
export function withHeader(bytes: Uint8Array, change: (h: Record<string, any>) => void): Uint8Array {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + n)));
  const start = Math.ceil((PREFIX_BYTES + n) / 16) * 16;
  change(h);
  const head = encodeHeader(h);
  const payload = bytes.subarray(start, bytes.length - 8);
  const out = new Uint8Array(head.length + payload.length + 8);
  out.set(head);
  out.set(payload, head.length);
  out.set(new Checksum().update(out.subarray(0, out.length - 8)).digest(), out.length - 8);
  return out;
}

/** The header of a file, parsed. */
export function headerOf(bytes: Uint8Array): Record<string, any> {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + n)));
}

/** A seeded integer sequence in [0, n) (for cut points and flips). */
export function picks(count: number, n: number, seed: number): number[] {
  return Array.from(ids(count, seed, 0, n - 1));
}
