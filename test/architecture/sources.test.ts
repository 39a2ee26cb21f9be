// Two rules imports cannot show, checked on the source text (TypeScript's parser, comments ignored): `WebAssembly` is
// touched only in src/core; `node:` modules are named only in src/io, src/cli, src/core/threads.ts and the data-set
// loaders, and outside src/cli only through a dynamic import, so the main entry loads in browsers and workerd. Also:
// every file of src/ sits in one of the architecture's folders. The fixture tree breaks each rule once.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['core', 'io', 'layers', 'model', 'data', 'interop', 'viz', 'cli'];
const LEAVES = ['errors.ts', 'tensor.ts', 'index.ts'];
const WASM_OK = /^src\/core\//;
const NODE_OK = /^src\/(io|cli|data\/datasets)\/|^src\/core\/threads\.ts$/;
const NODE_STATIC_OK = /^src\/cli\//;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js|mjs)$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** Every breach of the rules in the tree under base (a repository or the fixture), as 'rule: file (detail)'. */
function breaches(base: string): string[] {
  const out: string[] = [];
  for (const abs of files(join(base, 'src'))) {
    const f = relative(base, abs).split('\\').join('/');
    const parts = f.split('/');
    if (parts.length === 2 ? !LEAVES.includes(parts[1]) : !FOLDERS.includes(parts[1])) out.push(`layout: ${f}`);
    const src = ts.createSourceFile(f, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && n.text === 'WebAssembly' && !WASM_OK.test(f)) out.push(`wasm-outside-core: ${f}`);
      if ((ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n))) {
        if (/\bWebAssembly\./.test(n.text) && !WASM_OK.test(f)) out.push(`wasm-outside-core: ${f}`);
        const m = /\bnode:[\w/]+/.exec(n.text);
        if (m) {
          const p = n.parent;
          const isStatic = (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isImportEqualsDeclaration(p) || ts.isExternalModuleReference(p))
            || (ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 'require');
          if (!NODE_OK.test(f)) out.push(`node-outside-allowed: ${f} (${m[0]})`);
          else if (isStatic && !NODE_STATIC_OK.test(f)) out.push(`node-static-import: ${f} (${m[0]})`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return [...new Set(out)].sort();
}

describe('source rules', () => {
  it('hold in src/', () => {
    expect(files(join(ROOT, 'src')).length).toBeGreaterThan(30);
    expect(breaches(ROOT)).toEqual([]);
  });

  it('reject each breach of the fixture tree, and only those', () => {
    expect(breaches(join(ROOT, 'test/architecture/fixture'))).toEqual([
      'layout: src/stray.ts',
      'node-outside-allowed: src/data/reader.ts (node:fs)',
      'node-outside-allowed: src/viz/plot.ts (node:path)',
      'node-static-import: src/io/static.ts (node:fs/promises)',
      'wasm-outside-core: src/layers/b.ts',
    ]);
  });
});
