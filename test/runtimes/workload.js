// The cross-runtime determinism workload: a fixed model trained 50 steps from seed 7 on fixed data, hashed with SHA-256;
// the model files Node makes from it (makeFiles), what every runtime gets from loading them (roundTrip), and training
// resumed from a file saved halfway (trainHalf, resume).
// Plain ESM JavaScript with no imports, so Node, Deno, Bun, a browser page and a Worker run this very file; the
// caller passes in the library it loaded (its own way) and gets back the hashes every runtime must agree on.

export const SEED = 7;
export const STEPS = 50;
const V = 2000, E = 32, H = 32, T = 16, N = 160, BATCH = 32; // 5 batches an epoch, 10 epochs = 50 steps
const EPOCH_STEPS = N / BATCH;

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

/**
 * Embedding (maskZero), batch norm, Bi-LSTM, attention, dropout, dense; Adam; big enough that 2 threads hand work off.
 * maskZero false gives the unmasked twin (id 0 is then an ordinary token), for the round trip's second model.
 */
export function buildModel(lib, { maskZero = true } = {}) {
  const { sequential, layers } = lib;
  const model = sequential({ seed: SEED, layers: [
    layers.embedding({ inputDim: V, outputDim: E, inputLength: T, maskZero }),
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
  const history = await model.fit(x, y, { epochs: STEPS / EPOCH_STEPS, batchSize: BATCH, verbose: 0 });
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
    gru: await gruRun(lib),
  };
}

/**
 * A GRU / SimpleRNN model (Embedding maskZero -> Bidirectional(GRU, sequences, reset after) -> SimpleRNN(relu,
 * sequences) -> GRU(reset before, goBackwards) -> dense) trained 15 steps from SEED on the workload's data: SHA-256 of
 * its weights and predictions, one string.
 */
async function gruRun(lib) {
  const { sequential, layers } = lib;
  const model = sequential({ seed: SEED, layers: [
    layers.embedding({ inputDim: V, outputDim: 16, inputLength: T, maskZero: true }),
    layers.bidirectional({ layer: layers.gru({ units: 12, returnSequences: true }) }),
    layers.simpleRNN({ units: 10, activation: 'relu', returnSequences: true }),
    layers.gru({ units: 8, resetAfter: false, goBackwards: true }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const { x, y } = data();
  await model.fit(x, y, { epochs: 3, batchSize: BATCH, verbose: 0 });
  const out = `${await sha256(model.getWeights().map((w) => w.data))} ${await sha256([model.predict(x).data])}`;
  model.dispose();
  return out;
}

/**
 * The model files every runtime loads, all made by Node (makeFiles): the workload's model after its 50 steps (maskZero,
 * Adam state, stream positions) and its unmasked twin after 10 steps, each as float32 and as float16.
 */
export const FILES = ['masked.bilstm', 'masked.f16.bilstm', 'unmasked.bilstm', 'unmasked.f16.bilstm'];

/** Trains both models and saves the FILES with save(model, name, options) (a path in Node). 1 thread, as the maker. */
export async function makeFiles(lib, save) {
  await lib.init({ threads: 1 });
  const { x, y } = data();
  const masked = buildModel(lib);
  await masked.fit(x, y, { epochs: STEPS / EPOCH_STEPS, batchSize: BATCH, verbose: 0 });
  const unmasked = buildModel(lib, { maskZero: false });
  await unmasked.fit(x, y, { epochs: 2, batchSize: BATCH, verbose: 0 });
  await save(masked, FILES[0], {});
  await save(masked, FILES[1], { weightsDtype: 'float16' });
  await save(unmasked, FILES[2], {});
  await save(unmasked, FILES[3], { weightsDtype: 'float16' });
}

/**
 * Loads each of FILES from open(name) (a path, URL, Response ... whatever loadModel takes in this runtime), predicts the
 * workload's inputs (post-padded with 0: masked for the maskZero model, ordinary tokens for its twin) with attention,
 * and saves the loaded model again to bytes. Returns per file the SHA-256 of weights, predictions, attention and the
 * re-saved file, and how many attention weights are exactly 0 (the padded steps under a mask, none without).
 */
export async function roundTrip(lib, open) {
  const { x } = data();
  const out = {};
  for (const name of FILES) {
    const model = await lib.loadModel(await open(name));
    const p = model.predict(x, { returnAttention: true });
    const a = p.attention[0].data;
    let zeros = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === 0) zeros++;
    out[name] = {
      weights: await sha256(model.getWeights().map((w) => w.data)),
      predictions: await sha256([p.data]),
      attention: await sha256([a]),
      attentionZeros: zeros,
      resaved: await sha256([await model.save()]),
    };
  }
  return out;
}

/** The workload's first 25 steps (5 epochs), saved with save(model) (to a path); resume() does the other 25. */
export async function trainHalf(lib, save) {
  const { x, y } = data();
  const model = buildModel(lib);
  await model.fit(x, y, { epochs: STEPS / 2 / EPOCH_STEPS, batchSize: BATCH, verbose: 0 });
  await save(model);
}

/** Loads a trainHalf file and trains epochs 5..9: the weights and predictions must be run()'s. */
export async function resume(lib, source, { threads = 1, init = {} } = {}) {
  await lib.init({ ...init, threads });
  const { x, y } = data();
  const model = await lib.loadModel(source);
  const before = model.state.iterations;
  const history = await model.fit(x, y, { epochs: STEPS / EPOCH_STEPS, initialEpoch: STEPS / 2 / EPOCH_STEPS, batchSize: BATCH, verbose: 0 });
  const info = lib.info();
  return {
    runtime: info.runtime,
    threads: info.threads,
    steps: [before, model.state.iterations],
    loss: history.history.loss,
    weights: await sha256(model.getWeights().map((w) => w.data)),
    predictions: await sha256([model.predict(x).data]),
  };
}
