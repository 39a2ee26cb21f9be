// The cross-runtime determinism workload: a fixed model trained 50 steps from seed 7 on fixed data, hashed with SHA-256.
// Plain ESM JavaScript with no imports, so Node, Deno, Bun, a browser page and a Worker run this very file; the
// caller passes in the library it loaded (its own way) and gets back the hashes every runtime must agree on.

export const SEED = 7;
export const STEPS = 50;
const V = 2000, E = 32, H = 32, T = 16, N = 160, BATCH = 32; // 5 batches an epoch, 10 epochs = 50 steps

/** Fixed ids (post-padded with 0, lengths 4..T) and labels from an integer LCG: the same on every machine. */
export function data() {
  const x = new Int32Array(N * T);
  const y = new Float32Array(N);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < N; i++) {
    const len = 4 + (next() % (T - 3));
    for (let t = 0; t < len; t++) x[i * T + t] = 1 + (next() % (V - 1));
    y[i] = x[i * T] % 2; // learnable: the parity of the first id
  }
  return { x: { data: x, shape: [N, T] }, y };
}

/** Embedding (maskZero), batch norm, Bi-LSTM, attention, dropout, dense; Adam; big enough that 2 threads hand work off. */
export function buildModel(lib) {
  const { sequential, layers } = lib;
  const model = sequential({ seed: SEED, layers: [
    layers.embedding({ inputDim: V, outputDim: E, inputLength: T, maskZero: true }),
    layers.batchNormalization(),
    layers.bidirectional({ layer: layers.lstm({ units: H, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function sha256(chunks) {
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  const all = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { all.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), o); o += c.byteLength; }
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Trains STEPS steps with `threads` threads and returns what the runtimes compare. */
export async function run(lib, { threads = 1, init = {} } = {}) {
  await lib.init({ ...init, threads });
  const model = buildModel(lib);
  const { x, y } = data();
  const history = await model.fit(x, y, { epochs: STEPS / (N / BATCH), batchSize: BATCH, verbose: 0 });
  const weights = model.getWeights();
  const pred = model.predict(x);
  const info = lib.info();
  return {
    runtime: info.runtime,
    runtimeVersion: info.runtimeVersion,
    threads: info.threads,
    workers: info.workers,
    handoffs: info.handoffs,
    loss: history.history.loss,
    weights: await sha256(weights.map((w) => w.data)),
    predictions: await sha256([pred.data]),
  };
}
