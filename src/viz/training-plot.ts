// trainingPlot: a training history (loss and metrics per epoch, train and val_) as a small self-contained SVG line chart.
import { ConfigError, StateError, checkOptionKeys, describeValue, didYouMean } from '../errors.js';
import { displayToken } from './attention-heatmap.js';

/** What fit() returns, or just its `history` map: { loss: [...], accuracy: [...], val_loss: [...], ... }. */
export interface TrainingHistoryLike {
  history: Record<string, ArrayLike<number>>;
  epoch?: ArrayLike<number>;
}

export interface TrainingPlotOptions {
  /** Which series get a panel each, in order (their val_ twins share it). Default: loss, then accuracy if present. */
  metrics?: string[];
  /** Text above the panels. */
  title?: string;
  /** Width of one panel in px (default 360); the height is 240. */
  width?: number;
}

const TRAIN = '#1f77b4';
const VAL = '#ff7f0e';
const H = 240;
const PAD = { left: 52, right: 12, top: 28, bottom: 36 };

/** Text for the SVG: characters XML cannot hold or that would reorder it (controls, noncharacters, bidi) shown as
 *  symbols (displayToken, as the heatmap's), then escaped. */
function esc(s: string): string {
  return displayToken(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Fixed decimals, without a trailing "-0". */
function fmt(v: number, d: number): string {
  const s = v.toFixed(d);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A value the chart can place: finite and within +-1e300 (the tick arithmetic stays finite); others are gaps. */
const plottable = (v: number) => Number.isFinite(v) && Math.abs(v) <= 1e300;

/** A tick label: fixed decimals, or 3 significant digits in exponent form for steps below 1e-20 (toFixed's limit). */
const tickText = (v: number, decimals: number) => (decimals <= 20 ? fmt(v, decimals) : v.toExponential(2));

/** 5 round tick values covering [lo, hi] (exact decimal steps: 1, 2 or 5 times a power of ten). */
function ticks(lo: number, hi: number): { lo: number; hi: number; step: number; decimals: number } {
  if (!(hi > lo) || !((hi - lo) / 4 > 1e-300)) { const c = lo; lo = c - (c === 0 ? 1 : Math.abs(c) * 0.1); hi = c + (c === 0 ? 1 : Math.abs(c) * 0.1); }
  const raw = (hi - lo) / 4;
  let p = 1, decimals = 0;
  while (p > raw) { p /= 10; decimals++; }
  while (p * 10 <= raw) p *= 10;
  const step = raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
  return { lo: Math.floor(lo / step) * step, hi: Math.ceil(hi / step) * step, step, decimals: Math.max(0, decimals) };
}

function panel(name: string, train: ArrayLike<number> | undefined, val: ArrayLike<number> | undefined, x0: number, w: number, epochs: ArrayLike<number> | undefined): string {
  const series = [train, val].filter((s): s is ArrayLike<number> => !!s && s.length > 0);
  const values = series.flatMap((s) => Array.from(s)).filter(plottable);
  const n = Math.max(...series.map((s) => s.length), 1);
  const t = ticks(values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 1);
  const iw = w - PAD.left - PAD.right, ih = H - PAD.top - PAD.bottom;
  const px = (i: number) => x0 + PAD.left + (n === 1 ? iw / 2 : (i * iw) / (n - 1));
  const py = (v: number) => PAD.top + ih - ((v - t.lo) / (t.hi - t.lo)) * ih;
  const out: string[] = [];
  out.push(`<g class="panel" data-metric="${esc(name)}">`);
  out.push(`<text x="${fmt(x0 + PAD.left + iw / 2, 1)}" y="18" text-anchor="middle" font-weight="bold">${esc(name)}</text>`);
  out.push(`<rect x="${fmt(x0 + PAD.left, 1)}" y="${PAD.top}" width="${fmt(iw, 1)}" height="${ih}" fill="none" stroke="#999"/>`);
  const nt = Math.round((t.hi - t.lo) / t.step);
  if (!(nt >= 0 && nt <= 20)) throw new StateError(`trainingPlot: expected values it can place on an axis, got ticks from ${t.lo} to ${t.hi} (internal: please report it).`);
  for (let k = 0; k <= nt; k++) {
    const v = t.lo + k * t.step;
    const y = fmt(py(v), 1);
    out.push(`<line x1="${fmt(x0 + PAD.left - 4, 1)}" x2="${fmt(x0 + PAD.left + iw, 1)}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${fmt(x0 + PAD.left - 6, 1)}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickText(v, t.decimals)}</text>`);
  }
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += every) {
    // 1-based, as Keras prints epochs; fit's history.epoch (0-based, from initialEpoch) when given
    const e = epochs && Number.isFinite(epochs[i]) ? Number(epochs[i]) + 1 : i + 1;
    out.push(`<text x="${fmt(px(i), 1)}" y="${PAD.top + ih + 16}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<text x="${fmt(x0 + PAD.left + iw / 2, 1)}" y="${H - 4}" text-anchor="middle">epoch</text>`);
  const line = (s: ArrayLike<number> | undefined, color: string, cls: string) => {
    if (!s || s.length === 0) return;
    const pts = Array.from(s, (v, i) => (plottable(v) ? `${fmt(px(i), 1)},${fmt(py(v), 1)}` : '')).filter(Boolean);
    out.push(`<polyline class="${cls}" fill="none" stroke="${color}" stroke-width="2"${cls === 'val' ? ' stroke-dasharray="5 3"' : ''} points="${pts.join(' ')}"/>`);
    for (const p of pts) { const [cx, cy] = p.split(','); out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`); }
  };
  line(train, TRAIN, 'train');
  line(val, VAL, 'val');
  out.push('</g>');
  return out.join('\n');
}

/**
 * A self-contained SVG (no scripts, no external fonts) with one panel per metric: epochs on x, the training series
 * solid blue and the validation series (val_ prefix) dashed orange, a legend. Plain string arithmetic, no DOM.
 */
export function trainingPlot(history: TrainingHistoryLike | Record<string, ArrayLike<number>>, options: TrainingPlotOptions = {}): string {
  const where = 'trainingPlot';
  checkOptionKeys(options, where, ['metrics', 'title', 'width']);
  if (history === null || typeof history !== 'object') throw new ConfigError(`${where}: expected what fit returns ({ history: { loss: [...] } }) or its history map, got ${describeValue(history)}.`);
  const wrapped = 'history' in history && history.history !== null && typeof history.history === 'object';
  const h = (wrapped ? (history as TrainingHistoryLike).history : history) as Record<string, ArrayLike<number>>;
  const epochs = wrapped ? (history as TrainingHistoryLike).epoch : undefined;
  if (options.metrics !== undefined && !(Array.isArray(options.metrics) && options.metrics.every((m) => typeof m === 'string'))) {
    throw new ConfigError(`${where}: expected metrics to be an array of names (e.g. ['loss', 'accuracy']), got ${describeValue(options.metrics)}.`);
  }
  if (options.title !== undefined && typeof options.title !== 'string') throw new ConfigError(`${where}: expected title to be a string, got ${describeValue(options.title)}.`);
  const names = options.metrics ?? ['loss', ...(h.accuracy || h.val_accuracy ? ['accuracy'] : [])];
  if (names.length === 0) throw new ConfigError(`${where}: expected at least one metric to plot, got metrics [].`);
  const known = Object.keys(h).filter((k) => !k.startsWith('val_')).concat(Object.keys(h).filter((k) => k.startsWith('val_')).map((k) => k.slice(4)));
  const unknown = names.find((m) => !h[m] && !h[`val_${m}`]);
  if (unknown !== undefined && options.metrics !== undefined) {
    throw new ConfigError(`${where}: expected metrics among the history's ${[...new Set(known)].join(', ')}, got ${JSON.stringify(unknown)}.${didYouMean(unknown, known)}`);
  }
  const w = options.width ?? 360;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 100 || w > 10000) throw new ConfigError(`${where}: expected width to be a number of px in [100, 10000], got ${describeValue(options.width)}.`);
  const width = w * names.length;
  const hasVal = names.some((m) => h[`val_${m}`]);
  const total = H + 28 + (options.title ? 22 : 0);
  const top = options.title ? 22 : 0;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${total}" fill="#fff"/>`,
    ...(options.title ? [`<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${esc(options.title)}</text>`] : []),
    `<g transform="translate(0 ${top})">`,
    ...names.map((m, i) => panel(m, h[m], h[`val_${m}`], i * w, w, epochs)),
    '</g>',
    `<g class="legend" transform="translate(${PAD.left} ${top + H + 14})">`,
    `<line x1="0" x2="20" y1="0" y2="0" stroke="${TRAIN}" stroke-width="2"/><text x="24" y="0" dominant-baseline="middle">train</text>`,
    ...(hasVal ? [`<line x1="70" x2="90" y1="0" y2="0" stroke="${VAL}" stroke-width="2" stroke-dasharray="5 3"/><text x="94" y="0" dominant-baseline="middle">validation</text>`] : []),
    '</g>',
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}
