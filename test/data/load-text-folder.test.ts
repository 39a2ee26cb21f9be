// loadTextFolder: one sub-folder per label (any number), each file one UTF-8 text; sorted order, hidden names skipped,
// nested folders read, and the errors for an empty tree or a missing folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTextFolder, ValueError, CheckpointError } from '../../src/index.js';

let dir = '';
function tree(root: string, files: Record<string, string | Uint8Array>): string {
  const base = join(dir, root);
  for (const [rel, body] of Object.entries(files)) {
    const p = join(base, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, body);
  }
  return base;
}

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bilstm-folder-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('loadTextFolder', () => {
  it('reads each label folder (sorted), its files in sorted order, nested folders too; hidden names skipped', async () => {
    const root = tree('three', {
      'sports/b.txt': 'goal!\n',
      'sports/a.txt': '\uFEFFmatch report: 2–1',
      'arts/x.txt': 'opéra 🎭',
      'arts/later/w.txt': 'second nested',
      'arts/deep/y.txt': 'nested text',
      'arts/.DS_Store': 'junk',
      '.hidden/z.txt': 'not a label',
      'tech/readme.md': 'line one\r\nline two',
      'stray.txt': 'a file at the top is not a text',
    });
    const ds = await loadTextFolder(root + '/');
    expect(ds.classNames).toEqual(['arts', 'sports', 'tech']);
    expect(ds.texts).toEqual(['opéra 🎭', 'nested text', 'second nested', 'match report: 2–1', 'goal!\n', 'line one\r\nline two']);
    expect([...ds.labels]).toEqual([0, 0, 0, 1, 1, 2]);
  });

  it('decodes invalid UTF-8 as U+FFFD', async () => {
    const root = tree('bytes', { 'a/1.txt': new Uint8Array([0x68, 0x69, 0xff]), 'b/1.txt': 'ok' });
    expect((await loadTextFolder(root)).texts[0]).toBe('hi\uFFFD');
  });

  it('rejects a folder without label folders, an empty label folder and a missing path', async () => {
    const flat = tree('flat', { 'a.txt': 'x' });
    await expect(loadTextFolder(flat)).rejects.toThrow(new ValueError(`loadTextFolder: expected one sub-folder per label in ${JSON.stringify(flat)}, got none.`));
    const root = tree('empty-class', { 'a/1.txt': 'x' });
    mkdirSync(join(root, 'b'));
    await expect(loadTextFolder(root)).rejects.toThrow(`loadTextFolder: expected at least one file in the label folder ${JSON.stringify(`${root}/b`)}, got none.`);
    await expect(loadTextFolder(join(dir, 'nope'))).rejects.toThrow(CheckpointError);
  });
});
