// TEMPORARY stand-ins for APIs being built on other branches (explain); deleted as they land.

/** Stand-in for viz's explain: tokens (real ones only) and the first attention layer's weights per text. */
export interface Explanation { text: string; tokens: string[]; weights: number[]; probabilities: number[]; label: string }

export function explain(model: import('../model/sequential.js').Sequential, tok: import('../data/tokenizer.js').Tokenizer, texts: string[]): Explanation[] {
  const pre = model.metadata.preprocessing as { maxlen: number; padding?: string; truncating?: string };
  const labels = model.metadata.labels ?? [];
  const seqs = tok.textsToSequences(texts).map((s) => (s.length > pre.maxlen ? (pre.truncating === 'pre' ? s.slice(s.length - pre.maxlen) : s.slice(0, pre.maxlen)) : s));
  const x = new Int32Array(texts.length * pre.maxlen);
  seqs.forEach((s, i) => x.set(s, i * pre.maxlen + (pre.padding === 'pre' ? pre.maxlen - s.length : 0)));
  const r = model.predict({ data: x, shape: [texts.length, pre.maxlen] }, { returnAttention: true });
  const units = r.shape[r.shape.length - 1];
  return seqs.map((s, i) => {
    const off = i * pre.maxlen + (pre.padding === 'pre' ? pre.maxlen - s.length : 0);
    const probabilities = units === 1 ? [1 - r.data[i], r.data[i]] : Array.from(r.data.subarray(i * units, (i + 1) * units));
    const best = probabilities.indexOf(Math.max(...probabilities));
    return { text: texts[i], tokens: s.map((id) => tok.indexWord.get(id) ?? '?'), weights: Array.from(r.attention[0].data.subarray(off, off + s.length)), probabilities, label: labels[best] ?? String(best) };
  });
}

export function terminalHeatmap(ex: Explanation[], o: { color: boolean }): string {
  return ex.map((e) => {
    const max = Math.max(...e.weights, 1e-12);
    const body = e.tokens.map((t, i) => {
      if (!o.color) return `${t}(${e.weights[i].toFixed(2)})`;
      const level = Math.round((e.weights[i] / max) * 5);
      return `\x1b[48;5;${[231, 230, 229, 221, 214, 208][level]}m\x1b[30m${t}\x1b[0m`;
    }).join(' ');
    return `${e.label} ${Math.max(...e.probabilities).toFixed(4)}  ${body}`;
  }).join('\n');
}

export function attentionHeatmap(ex: Explanation[], _o: { format: 'html' | 'svg' }): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = ex.map((e) => {
    const max = Math.max(...e.weights, 1e-12);
    return `<p>${esc(e.label)}: ${e.tokens.map((t, i) => `<span style="background: rgba(255,80,0,${(e.weights[i] / max).toFixed(3)})">${esc(t)}</span>`).join(' ')}</p>`;
  });
  return `<!doctype html><meta charset="utf-8"><title>attention</title>${rows.join('\n')}\n`;
}
