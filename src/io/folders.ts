// Folder listings for the loaders of the user's files (Node, Deno and Bun, through node:fs): the sub-folders and files
// of a path, sorted, so the same folder gives the same order everywhere.
import { CheckpointError, ConfigError } from '../errors.js';
import { nodeFs } from './common.js';

export interface FolderListing {
  /** Names of the sub-folders, sorted (UTF-16 order). */
  folders: string[];
  /** Names of the regular files, sorted (UTF-16 order). */
  files: string[];
}

/** Lists a folder for `where` (the public function named in errors). Entries whose names start with '.' are left out. */
export async function listFolder(path: string, where: string): Promise<FolderListing> {
  const fs = await nodeFs();
  if (!fs) throw new ConfigError(`${where}: expected a runtime with a file system (Node, Deno, Bun), got none for the folder ${JSON.stringify(path)}.`);
  const entries = await fs.readdir(path, { withFileTypes: true }).catch((e: unknown) => {
    throw new CheckpointError(`${where}: expected a readable folder at ${JSON.stringify(path)}, got ${(e as Error)?.message ?? e}.`);
  });
  const folders: string[] = [], files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) folders.push(e.name);
    else if (e.isFile()) files.push(e.name);
  }
  return { folders: folders.sort(), files: files.sort() };
}
