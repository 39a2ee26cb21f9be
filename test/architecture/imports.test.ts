// The import directions of .dependency-cruiser.cjs hold in src/, and the same rules reject the fixture tree, which
// breaks each of them once on purpose (test/architecture/fixture).
import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = createRequire(import.meta.url)(`${ROOT}.dependency-cruiser.cjs`) as IConfiguration;

async function violations(baseDir: string): Promise<{ totalCruised: number; found: string[] }> {
  const { options, ...ruleSet } = config;
  const { tsConfig: _t, ...cruiseOptions } = options ?? {};
  const r = await cruise(['src'], { ...cruiseOptions, ruleSet, baseDir, validate: true },
    {}, { tsConfig: extractTSConfig(`${ROOT}tsconfig.json`) });
  const out = r.output as ICruiseResult;
  const found = out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`);
  return { totalCruised: out.summary.totalCruised, found: found.sort() };
}

describe('import directions (dependency-cruiser)', () => {
  it('hold in src/', async () => {
    const r = await violations(ROOT);
    expect(r.totalCruised).toBeGreaterThan(30);
    expect(r.found).toEqual([]);
  });

  it('reject each forbidden import of the fixture tree, and only those', async () => {
    const r = await violations(`${ROOT}test/architecture/fixture`);
    expect(r.found).toEqual([
      'core-imports-only-itself: src/core/leaky.ts -> src/model/thing.ts',
      'data-imports-only-io: src/data/reader.ts -> src/cli/bin.ts',
      'leaves-import-only-leaves: src/errors.ts -> src/core/leaky.ts',
      'model-imports-only-layers-data-io-core: src/model/thing.ts -> src/index.ts',
      'no-circular: src/layers/a.ts -> src/layers/b.ts (cycle src/layers/b.ts -> src/layers/a.ts)',
      'no-import-of-cli: src/data/reader.ts -> src/cli/bin.ts',
      'no-import-of-index: src/model/thing.ts -> src/index.ts',
    ]);
  });
});
