// The dynamic import of an optional peer dependency (the data-set packages): a missing one is a ConfigError that
// gives the npm command, and the main entry never names it statically (so it loads in browsers and workerd).
import { ConfigError } from '../../errors.js';

/** import(pkg), or a ConfigError for `where` naming `npm install <pkg>` when it cannot be loaded. */
export async function importPeer<T>(pkg: string, where: string): Promise<T> {
  return (await importPeers<T>([pkg], where))[0]!;
}

/** Each import(pkg), or one ConfigError naming every package that cannot be loaded (one npm command for all). */
export async function importPeers<T>(pkgs: string[], where: string): Promise<T[]> {
  // (left to the runtime by webpack and Vite, which cannot resolve a computed name)
  const got = await Promise.allSettled(pkgs.map((p) => import(/* webpackIgnore: true */ /* @vite-ignore */ p) as Promise<T>));
  const failed = got.flatMap((r, i) => (r.status === 'rejected' ? [{ pkg: pkgs[i]!, e: r.reason as unknown }] : []));
  if (failed.length > 0) {
    const why = (failed[0]!.e as Error)?.message?.split('\n')[0] ?? String(failed[0]!.e);
    const names = failed.map((f) => f.pkg);
    const one = names.length === 1;
    throw new ConfigError(`${where}: expected the optional package${one ? '' : 's'} ${names.join(' and ')} to be installed, got an import failure (${why}). Install ${one ? 'it' : 'them'}: \`npm install ${names.join(' ')}\`.`);
  }
  return got.map((r) => (r as PromiseFulfilledResult<T>).value);
}
