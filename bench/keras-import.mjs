// Times loadKerasModel on a ~100 MB .h5 (made by bench/make-big-keras.py) in this fresh process, with the peak RSS
// above the pre-call baseline; checks the import predicts before reporting.   node bench/keras-import.mjs /tmp/big-keras.h5
import { statSync } from 'node:fs';
import { init, loadKerasModel } from '../dist/src/index.js';

const file = process.argv[2] ?? '/tmp/big-keras.h5';
await init();
const size = statSync(file).size;
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
const t0 = performance.now();
const m = await loadKerasModel(file, { customObjects: { AttentionLayer: 'attention' } });
const seconds = (performance.now() - t0) / 1000;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(timer);
const p = m.predict({ data: Int32Array.from({ length: 16 }, (_, i) => (i * 7919) % 3125000), shape: [2, 8] }).data;
if (!(p.length === 2 && p.every((v) => v > 0 && v < 1))) throw new Error(`keras-import: predictions ${Array.from(p)} are not probabilities`);
console.log(JSON.stringify({ file, megabytes: +(size / 1e6).toFixed(1), seconds: +seconds.toFixed(2), rssAboveBaselineMB: +((peak - rss0) / 1e6).toFixed(0), rssOverFile: +((peak - rss0) / size).toFixed(2) }));
