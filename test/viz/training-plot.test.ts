// trainingPlot: one panel per metric, one point per epoch, y placed by value (lower loss lower on the chart),
// validation dashed, escaping, and a single-epoch or flat history.
import { describe, it, expect } from 'vitest';
import { trainingPlot } from '../../src/index.js';

function points(svg: string, metric: string, cls: 'train' | 'val'): [number, number][] {
  const panel = svg.split('<g class="panel"').find((p) => p.startsWith(` data-metric="${metric}"`))!;
  const m = new RegExp(`<polyline class="${cls}"[^>]* points="([^"]*)"`).exec(panel);
  if (!m) return [];
  return m[1].split(' ').map((p) => p.split(',').map(Number) as [number, number]);
}

describe('trainingPlot', () => {
  const history: Record<string, number[]> = { loss: [0.9, 0.5, 0.7, 0.2], accuracy: [0.5, 0.7, 0.65, 0.95], val_loss: [1.0, 0.6, 0.65, 0.4], val_accuracy: [0.4, 0.6, 0.7, 0.8] };

  it('draws loss and accuracy, train and validation, one point per epoch placed by its value', () => {
    const svg = trainingPlot({ epoch: [0, 1, 2, 3], history }, { title: 'a < b & "c"' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).not.toMatch(/<script|href=/);
    for (const metric of ['loss', 'accuracy'] as const) {
      for (const cls of ['train', 'val'] as const) {
        const values = history[cls === 'val' ? `val_${metric}` : metric];
        const pts = points(svg, metric, cls);
        expect(pts).toHaveLength(values.length);
        // x increases with the epoch; a larger value is drawn higher (smaller y) and equal gaps give equal steps
        for (let i = 1; i < pts.length; i++) expect(pts[i][0]).toBeGreaterThan(pts[i - 1][0]);
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) {
            if (values[i] > values[j]) expect(pts[i][1]).toBeLessThan(pts[j][1]);
          }
        }
        const scale = (pts[0][1] - pts[3][1]) / (values[3] - values[0]);
        expect(Math.abs((pts[0][1] - pts[1][1]) - scale * (values[1] - values[0]))).toBeLessThan(0.2);
      }
    }
    expect(svg.match(/stroke-dasharray/g)!.length).toBe(3); // two val lines and the legend
  });

  it('handles a bare history map, one epoch, a flat series and no validation', () => {
    const svg = trainingPlot({ loss: [0.5] });
    expect(points(svg, 'loss', 'train')).toHaveLength(1);
    expect(svg).not.toContain('data-metric="accuracy"');
    expect(svg).not.toContain('validation');
    const flat = trainingPlot({ loss: [0.3, 0.3, 0.3] }, { metrics: ['loss'] });
    const ys = points(flat, 'loss', 'train').map((p) => p[1]);
    expect(new Set(ys).size).toBe(1);
    expect(ys.every(Number.isFinite)).toBe(true);
  });
});
