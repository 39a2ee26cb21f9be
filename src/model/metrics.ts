// Metrics. 'accuracy' / 'acc' resolves by shape as Keras does: binary when the output has one unit (p > 0.5, strict),
// sparse when labels are class ids, categorical (argmax == argmax) otherwise. History keys are the names passed.
import { ConfigError } from '../errors.js';

export type AccuracyKind = 'binary' | 'categorical' | 'sparse';

export function checkMetrics(metrics: unknown): string[] {
  if (metrics === undefined) return [];
  const list = Array.isArray(metrics) ? metrics : [metrics];
  for (const m of list) {
    if (m !== 'accuracy' && m !== 'acc') throw new ConfigError(`compile: expected metrics to be ['accuracy'] or ['acc'], got ${JSON.stringify(m)}.`);
  }
  return list as string[];
}

export function accuracyKind(units: number, sparseLabels: boolean): AccuracyKind {
  if (units === 1) return 'binary';
  return sparseLabels ? 'sparse' : 'categorical';
}

/**
 * Number of correct rows among M rows of N outputs. labels: [M, N] (or [M] class ids when sparse). With `weights`
 * (one per row, e.g. the sample weights the loss uses), the sum of the weights of the correct rows.
 */
export function countCorrect(kind: AccuracyKind, p: Float32Array, labels: ArrayLike<number>, M: number, N: number, labelOffset = 0, weights?: ArrayLike<number>): number {
  let correct = 0;
  for (let m = 0; m < M; m++) {
    const w = weights ? weights[m] : 1;
    if (kind === 'binary') {
      for (let j = 0; j < N; j++) if ((p[m * N + j] > 0.5 ? 1 : 0) === labels[labelOffset + m * N + j]) correct += w / N;
      continue;
    }
    let best = 0;
    for (let j = 1; j < N; j++) if (p[m * N + j] > p[m * N + best]) best = j;
    if (kind === 'sparse') { if (best === labels[labelOffset + m]) correct += w; continue; }
    let lb = 0;
    for (let j = 1; j < N; j++) if (labels[labelOffset + m * N + j] > labels[labelOffset + m * N + lb]) lb = j;
    if (best === lb) correct += w;
  }
  return correct;
}
