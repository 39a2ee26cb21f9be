// Explaining predictions: trains a small seeded word-level classifier on generated review sentences, explains a few
// texts and writes the attention heatmap the README shows (docs/heatmap.svg). `npx tsx examples/heatmap.ts [out.svg]`;
// the same code gives the same bytes, so test/viz checks the committed picture against a fresh run.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { init, sequential, layers, optimizers, tokenizer, padSequences, explain, attentionHeatmap, terminalHeatmap, type Explanation } from '../src/index.js';

const SUBJECTS = ['the film', 'the plot', 'the acting', 'the music', 'this movie', 'the ending', 'the cast', 'the script'];
const GOOD = ['wonderful', 'great', 'brilliant', 'moving', 'superb', 'delightful', 'charming'];
const BAD = ['boring', 'awful', 'dull', 'terrible', 'weak', 'clumsy', 'tedious'];
const FILLERS = ['really', 'quite', 'truly', 'rather', 'very', 'so'];
export const TEXTS = ['The acting was truly superb.', 'What a boring and clumsy script!', 'I thought the soundtrack was wonderful', 'the plot is dull, the cast is weak'];

/** Seeded sentences: label 1 (positive) when the adjectives are good ones. */
function reviews(n: number, seed: number): { texts: string[]; y: Float32Array } {
  let s = seed >>> 0;
  const pick = <T>(a: readonly T[]): T => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return a[(s >>> 8) % a.length]; };
  const texts: string[] = [];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const good = pick([true, false]);
    const adj = good ? GOOD : BAD;
    const form = pick([0, 1, 2]);
    texts.push(form === 0 ? `${pick(SUBJECTS)} was ${pick(FILLERS)} ${pick(adj)}`
      : form === 1 ? `${pick(SUBJECTS)} is ${pick(adj)} and ${pick(SUBJECTS)} is ${pick(adj)}`
      : `what a ${pick(adj)} ${pick(['film', 'story', 'movie'])}, ${pick(FILLERS)} ${pick(adj)}`);
    y[i] = good ? 1 : 0;
  }
  return { texts, y };
}

/** Trains the model (seed 7) and explains TEXTS: the explanations and the SVG. */
export async function heatmapExample(): Promise<{ explanations: Explanation[]; svg: string }> {
  await init();
  const { texts, y } = reviews(240, 2026);
  const tok = tokenizer({ oovToken: '<OOV>' }).fitOnTexts(texts);
  const maxlen = 12;
  const model = sequential({ seed: 7, layers: [
    layers.embedding({ inputDim: tok.wordIndex.size + 1, outputDim: 16, inputLength: maxlen, maskZero: true }),
    layers.bidirectional({ layer: layers.lstm({ units: 16, returnSequences: true }) }),
    layers.attention({ returnSequences: false }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]});
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(padSequences(tok.textsToSequences(texts), { maxlen, padding: 'post' }), y, { epochs: 12, batchSize: 32, verbose: 0 });
  // what a saved model carries, so explain needs no tokenizer argument
  model.metadata = { labels: ['negative', 'positive'], tokenizer: tok.toJSON(), preprocessing: { maxlen, padding: 'post', truncating: 'post' } };
  const explanations = explain(model, null, TEXTS);
  return { explanations, svg: attentionHeatmap(explanations, { title: 'Which words the model attended to' }) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? fileURLToPath(new URL('../docs/heatmap.svg', import.meta.url));
  const { explanations, svg } = await heatmapExample();
  process.stdout.write(terminalHeatmap(explanations, { color: !!process.stdout.isTTY }));
  writeFileSync(out, svg);
  console.log(`wrote ${out} (${svg.length} bytes)`);
}
