// listFolder: sub-folders and regular files of a path, each sorted, names starting with '.' left out.
import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFolder } from '../../src/io/folders.js';
import { CheckpointError } from '../../src/errors.js';

describe('listFolder', () => {
  it('lists folders and files apart, sorted, hidden names skipped; a missing folder is a CheckpointError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bilstm-list-'));
    try {
      for (const d of ['zeta', 'Alpha', 'beta', '.git']) mkdirSync(join(dir, d));
      for (const f of ['b.txt', 'a.txt', 'B.txt', '.env']) writeFileSync(join(dir, f), '');
      expect(await listFolder(dir, 'test')).toEqual({ folders: ['Alpha', 'beta', 'zeta'], files: ['B.txt', 'a.txt', 'b.txt'] });
      await expect(listFolder(join(dir, 'missing'), 'test')).rejects.toThrow(CheckpointError);
      await expect(listFolder(join(dir, 'missing'), 'test')).rejects.toThrow(/^test: expected a readable folder at ".*missing", got .*ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
