// No plain Error, TypeError, RangeError (or any non-library error) is made or thrown in src/: every error a caller
// can see is one of the classes of src/errors.ts. Checked on the source (TypeScript's parser: comments and strings,
// such as the worker's source text, are not code). The fixture tree makes each kind once and must be caught.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILTIN = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError',
  'AggregateError', 'DOMException']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js|mjs)$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** The name an expression calls or constructs: `Error`, `globalThis.Error` -> Error. */
function calleeName(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && /^(globalThis|window|self|global)$/.test(e.expression.text)) return e.name.text;
  return undefined;
}

/** Each place in the tree under base that makes or throws a non-library error, as 'file:line: code'. */
function findings(base: string): string[] {
  const out: string[] = [];
  for (const abs of files(join(base, 'src'))) {
    const f = relative(base, abs).split('\\').join('/');
    if (f === 'src/errors.ts') continue; // where the library's classes extend Error
    const src = ts.createSourceFile(f, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    // Classes of this file that extend a built-in error (directly or through another such class) count as built-in.
    const banned = new Set(BUILTIN);
    for (let grew = true; grew;) {
      grew = false;
      const scan = (n: ts.Node): void => {
        if (ts.isClassLike(n) && n.name && !banned.has(n.name.text)) {
          const base = n.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
          const name = base && calleeName(base);
          if (name && banned.has(name)) { banned.add(n.name.text); grew = true; }
        }
        ts.forEachChild(n, scan);
      };
      scan(src);
    }
    const report = (n: ts.Node) => {
      const line = src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
      out.push(`${f}:${line}: ${n.getText(src).replace(/\s+/g, ' ').slice(0, 60)}`);
    };
    const visit = (n: ts.Node): void => {
      if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && banned.has(calleeName(n.expression) ?? '')) report(n);
      // A thrown literal (string, number, template, object) is no error class at all.
      if (ts.isThrowStatement(n) && (ts.isLiteralExpression(n.expression) || ts.isTemplateExpression(n.expression)
        || ts.isNoSubstitutionTemplateLiteral(n.expression) || ts.isObjectLiteralExpression(n.expression))) report(n);
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out.sort();
}

describe('error classes', () => {
  it('src/ makes and throws only the library error classes', () => {
    expect(files(join(ROOT, 'src')).length).toBeGreaterThan(30);
    expect(findings(ROOT)).toEqual([]);
  });

  it('each non-library error of the fixture tree is found, and only those', () => {
    expect(findings(join(ROOT, 'test/architecture/errors-fixture'))).toEqual([
      "src/io/bad.ts:10: throw 'a string';",
      "src/io/bad.ts:11: new Sentinel()",
      "src/io/bad.ts:12: new SyntaxError('made, to be thrown later')",
      "src/io/bad.ts:13: new globalThis.Error('qualified')",
      "src/io/bad.ts:6: new Error('plain')",
      "src/io/bad.ts:7: new TypeError('type')",
      "src/io/bad.ts:8: new RangeError('range')",
      "src/io/bad.ts:9: Error('called without new')",
    ]);
  });
});
