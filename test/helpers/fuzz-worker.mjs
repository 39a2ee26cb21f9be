// The loader fuzzer's worker (test/helpers/fuzz.ts starts it): runs one loader of the built package (dist/) on one
// mutated input per message and posts how it ended. It lives in its own thread so the pool can end it on a hang.
import { parentPort } from 'node:worker_threads';
import * as lib from '../../dist/src/index.js';

await lib.init();

/** The reference module of test/fixtures/torch (test/helpers/models.ts smallModel(3, { batchNorm: true })). */
function torchModel() {
  const { sequential, layers } = lib;
  return sequential({ seed: 3, layers: [
    layers.embedding({ inputDim: 11, outputDim: 5, inputLength: 7 }),
    layers.batchNormalization(),
    layers.activation({ activation: 'tanh' }),
    layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), mergeMode: 'concat' }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
}
let torch = null;

const bytesOf = (m) => m.getWeights().map((w) => new Uint8Array(w.data.buffer.slice(w.data.byteOffset, w.data.byteOffset + w.data.byteLength)));
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => v === b[i][j]));

/** The case's input: its bytes, or (chunks set) the same bytes streamed in pieces of the given sizes, in turn; after
 *  2,000 pieces the rest comes as one (a 50 KB file in 1-byte pieces takes a ReadableStream about a second, which is
 *  the stream's cost, not the loader's). */
function source(c) {
  if (!c.chunks) return c.bytes;
  const pieces = [];
  for (let at = 0, k = 0; at < c.bytes.length; k++) {
    const n = k < 2000 ? c.chunks.sizes[k % c.chunks.sizes.length] : c.bytes.length - at;
    pieces.push(c.bytes.slice(at, at + n));
    at += n;
  }
  let i = 0;
  if (c.chunks.stream) return new ReadableStream({ pull(ctl) { if (i < pieces.length) ctl.enqueue(pieces[i++]); else ctl.close(); } });
  return { async *[Symbol.asyncIterator]() { for (const p of pieces) yield p; } };
}

/**
 * A loaded model must work: predict on a batch of 2 zero inputs, and one training step when it is compiled. An error
 * of ours there is a refusal (a float16 file refuses fit, a lying-but-valid header may give a model too big to run);
 * any other error is rethrown, marked, and is a finding.
 */
function use(m) {
  try {
    const shape = m.layers[0].inputShape.map((d) => d ?? 3);
    const n = 2 * shape.reduce((a, b) => a * b, 1);
    if (n > 2 ** 22) return `loaded; input [${shape}] too big to try`;
    const x = { data: m.layers[0].className === 'Embedding' ? new Int32Array(n) : new Float32Array(n), shape: [2, ...shape] };
    const y = m.predict(x);
    let note = `predicts [${y.shape}]`;
    try {
      m.trainOnBatch(x, { data: new Float32Array(y.data.length), shape: y.shape });
      note += ', trains';
    } catch (e) {
      if (!(e instanceof lib.BilstmError)) throw e;
      note += `, trainOnBatch: ${e.name}`;
    }
    return note;
  } catch (e) {
    if (e instanceof lib.BilstmError) return `loaded; using it: ${e.name}`;
    if (e instanceof Error) e.message = `after loading, using the model: ${e.message}`;
    throw e;
  }
}

/** Runs the case's loader; resolves to a note on what it loaded, or throws what the loader threw. */
async function run(c) {
  switch (c.loader) {
    case 'model': {
      return use(await lib.loadModel(source(c)));
    }
    case 'keras': {
      return use(await lib.loadKerasModel(source(c), { customObjects: { AttentionLayer: 'attention' } }));
    }
    case 'tfjs': {
      return use(await lib.loadTfjsModel({ files: c.files }));
    }
    case 'torch': {
      torch ??= torchModel();
      const before = bytesOf(torch);
      try {
        await lib.loadTorchWeights(torch, source(c));
      } catch (e) {
        // all or nothing: a refused file leaves the model's weights as they were
        if (!sameBytes(before, bytesOf(torch))) throw new Error(`the weights changed although the load failed with: ${e?.message}`);
        throw e;
      }
      return 'weights loaded';
    }
    case 'tokenizer': {
      const t = lib.tokenizerFromJSON(new TextDecoder().decode(c.bytes));
      // a loaded tokenizer must work: encode, decode, write itself and read back (only our errors may refuse)
      try {
        const seqs = t.textsToSequences(['the cat sat', 'café 東京 😀', '']);
        t.sequencesToTexts([...seqs, [0, 1, 2, 3, 999]]);
        lib.tokenizerFromJSON(t.toJSON());
        t.fitOnTexts(['one more text']);
      } catch (e) {
        if (e instanceof lib.BilstmError) return `loaded; using it: ${e.name}`;
        if (e instanceof Error) e.message = `after loading, using the tokenizer: ${e.message}`;
        throw e;
      }
      return `${t.wordIndex.size} words`;
    }
    case 'csv': {
      const d = await lib.loadCsv(source(c), c.options);
      return `${d.texts.length} rows`;
    }
    case 'wordVectors': {
      const v = await lib.loadWordVectors(source(c), c.tokenizer, c.options);
      return `${v.found} vectors`;
    }
    // the pool's own checks (test/fuzz/loaders.test.ts): a synchronous hang, an error thrown outside the promise
    case 'selftest:hang':
      for (;;) { /* never returns */ }
    case 'selftest:crash':
      setTimeout(() => { throw new TypeError('selftest crash'); }, 0);
      return new Promise(() => {});
    default:
      throw new Error(`fuzz worker: unknown loader ${c.loader}`);
  }
}

parentPort.on('message', async (c) => {
  try {
    const note = await run(c);
    parentPort.postMessage({ id: c.id, kind: 'ok', note });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort.postMessage({
      id: c.id,
      kind: 'error',
      name: err.constructor?.name ?? typeof e,
      library: e instanceof lib.BilstmError,
      message: String(err.message).slice(0, 1000),
      stack: String(err.stack ?? '').split('\n').slice(0, 8).join('\n'),
    });
  }
});
parentPort.postMessage({ kind: 'ready' });
