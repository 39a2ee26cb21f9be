// VERSION (written into every model file) is package.json's version.
import { it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/model/version.js';

it('VERSION is the package version', () => {
  expect(VERSION).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
});
