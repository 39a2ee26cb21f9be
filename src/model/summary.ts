// The Keras 2.15 summary table: `Layer (type)` | `Output Shape` | `Param #`, wrapped columns, then the totals.
import type { Layer, Shape } from '../layers/layer.js';

function shapeStr(s: Shape): string {
  const dims = ['None', ...s.map((d) => (d === null ? 'None' : String(d)))];
  return `(${dims.join(', ')})`;
}

/** Keras utils.layer_utils.readable_memory_size: 1024-based, two decimals, units Byte/KB/MB/GB. */
function readableSize(bytes: number): string {
  const units = ['Byte', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
  return `${bytes.toFixed(2)} ${units[i]}`;
}

function printRow(fields: string[], positions: number[], out: string[]): void {
  const left = fields.slice();
  while (left.some((f) => f.length > 0)) {
    let line = '';
    for (let col = 0; col < left.length; col++) {
      const start = col > 0 ? positions[col - 1] : 0;
      const end = positions[col];
      const space = col !== positions.length - 1 ? 2 : 0;
      let cutoff = end - start - space;
      // Keras: except for the last column, offset by one to align the start of the column
      if (col !== positions.length - 1) cutoff -= 1;
      let fit = left[col].slice(0, cutoff);
      const cands = ['),', '},', '],', "',"].map((x) => (fit.indexOf(x) >= 0 ? fit.indexOf(x) + x.length : -1)).filter((x) => x >= 0);
      if (cands.length) { cutoff = Math.min(...cands); fit = fit.slice(0, cutoff); }
      if (col === 0) line += ' ';
      line += fit;
      line += ' '.repeat(space);
      left[col] = left[col].slice(cutoff);
      line += ' '.repeat(Math.max(0, positions[col] - line.length));
    }
    out.push(line);
  }
}

export interface SummaryCounts { total: number; trainable: number; nonTrainable: number }

export function countParams(layers: Layer[]): SummaryCounts {
  let total = 0, trainable = 0;
  for (const l of layers) for (const w of l.weights) { total += w.size; if (l.isTrainable(w)) trainable += w.size; }
  return { total, trainable, nonTrainable: total - trainable };
}

/**
 * The summary's lines. `shapes`: each layer's output shape to print (the model's, with None for a free length);
 * default the layers' own. `positions`: the right edges of the three columns, as Keras's print_summary takes them
 * (fractions of lineLength when the last is <= 1, else characters); default [0.45, 0.85, 1].
 */
export function summaryLines(name: string, layers: Layer[], lineLength = 65, shapes?: Shape[], positions?: readonly number[]): string[] {
  const edges = positions ?? [0.45, 0.85, 1.0];
  const cols = edges[edges.length - 1] <= 1 ? edges.map((p) => Math.floor(lineLength * p)) : edges.slice();
  const out: string[] = [];
  out.push(`Model: "${name}"`);
  out.push('_'.repeat(lineLength));
  printRow(['Layer (type)', 'Output Shape', 'Param #'], cols, out);
  out.push('='.repeat(lineLength));
  for (const [i, l] of layers.entries()) {
    printRow([`${l.name} (${l.className})`, shapeStr(shapes?.[i] ?? l.outputShape), String(l.countParams())], cols, out);
    out.push(' '.repeat(lineLength));
  }
  out.push('='.repeat(lineLength));
  const c = countParams(layers);
  out.push(`Total params: ${c.total} (${readableSize(c.total * 4)})`);
  out.push(`Trainable params: ${c.trainable} (${readableSize(c.trainable * 4)})`);
  out.push(`Non-trainable params: ${c.nonTrainable} (${readableSize(c.nonTrainable * 4)})`);
  out.push('_'.repeat(lineLength));
  return out;
}
