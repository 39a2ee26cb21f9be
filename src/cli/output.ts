// What the commands print: predicted classes from model outputs, the metrics table, the confusion matrix, JSON.
import type { Output } from './args.js';

/** One prediction: the class, its probability and every class's probability, in the order of `labels` (an array: an
 *  object keyed by label would list integer-like labels first and lose one named __proto__). */
export interface Prediction {
  classId: number;
  label: string;
  probability: number;
  probabilities: number[];
}

/**
 * Model outputs [N, U] as predictions: one sigmoid unit is p(labels[1]) with threshold 0.5 (p = 0.5 -> labels[0]),
 * more units are softmax probabilities (argmax, the first on ties).
 */
export function toPredictions(out: Float32Array, units: number, labels: string[]): Prediction[] {
  const n = units === 0 ? 0 : out.length / units;
  const res: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    if (units === 1) {
      const p = out[i];
      const id = p > 0.5 ? 1 : 0;
      res.push({ classId: id, label: labels[id], probability: id === 1 ? p : 1 - p, probabilities: [1 - p, p] });
    } else {
      let best = 0;
      const probs: number[] = [];
      for (let k = 0; k < units; k++) {
        const v = out[i * units + k];
        probs.push(v);
        if (v > out[i * units + best]) best = k;
      }
      res.push({ classId: best, label: labels[best], probability: out[i * units + best], probabilities: probs });
    }
  }
  return res;
}

/** `name  value` rows with 4 decimals. */
export function metricsTable(metrics: Record<string, number | null>): string[] {
  const w = Math.max(...Object.keys(metrics).map((k) => k.length));
  return Object.entries(metrics).map(([k, v]) => `  ${k.padEnd(w)}  ${v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(4)}`);
}

/** The confusion matrix with labelled rows (true class) and columns (predicted class). */
export function confusionTable(cm: number[][], labels: string[]): string[] {
  const head = ['true \\ predicted', ...labels];
  const rows = cm.map((r, i) => [labels[i], ...r.map(String)]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => '  ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(head), ...rows.map(line)];
}

/** The one JSON document of --json. */
export function printJson(out: Output, doc: unknown): void {
  out.log(JSON.stringify(doc, null, 2));
}

/** Seconds with one decimal. */
export function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
