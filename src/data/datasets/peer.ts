// The dynamic import of an optional peer dependency (the data-set packages): a missing one is a ConfigError that
// gives the npm command, and the main entry never names it statically (so it loads in browsers and workerd).
import { ConfigError } from '../../errors.js';

/** import(pkg), or a ConfigError for `where` naming `npm install <pkg>` when it cannot be loaded. */
export async function importPeer<T>(pkg: string, where: string): Promise<T> {
  try {
    return await import(pkg) as T;
  } catch (e) {
    const why = (e as Error)?.message?.split('\n')[0] ?? String(e);
    throw new ConfigError(`${where}: expected the optional package ${pkg} to be installed, got an import failure (${why}). Install it: \`npm install ${pkg}\`.`);
  }
}
