// loadTextFolder: the user's labelled texts from a folder with one sub-folder per label, each file one UTF-8 text
// (as Keras's text_dataset_from_directory lays them out).
import { ConfigError, ValueError, describeValue } from '../errors.js';
import { listFolder } from '../io/folders.js';
import { openSource } from '../io/sources.js';
import { MAX_TEXT_LENGTH, decodeChunk } from './text-decode.js';
import type { TextDataset } from './text-dataset.js';

/**
 * A whole file as text: UTF-8, a leading BOM dropped, invalid bytes as U+FFFD. A text past MAX_TEXT_LENGTH (the
 * longest string) is a ValueError, thrown before the string is built.
 */
async function readText(path: string, where: string): Promise<string> {
  const src = await openSource(path, where);
  const decoder = new TextDecoder('utf-8');
  let text = '';
  const add = (piece: string): void => {
    if (text.length + piece.length > MAX_TEXT_LENGTH) {
      throw new ValueError(`${where}: expected the file ${JSON.stringify(path)} to hold at most ${MAX_TEXT_LENGTH} characters (2^29 - 24, the longest string in V8), got a longer text${src.size === null ? '' : ` (${src.size} bytes)`}.`);
    }
    text += piece;
  };
  for await (const chunk of src.chunks()) decodeChunk(decoder, chunk, add);
  add(decoder.decode());
  return text;
}

/** Paths of the files under `dir` (its nested folders too), sorted folder by folder. */
async function filesUnder(dir: string, where: string): Promise<string[]> {
  const { folders, files } = await listFolder(dir, where);
  const out = files.map((f) => `${dir}/${f}`);
  for (const sub of folders) out.push(...await filesUnder(`${dir}/${sub}`, where));
  return out;
}

/**
 * Reads labelled texts from `path` (Node, Deno, Bun): each sub-folder is a class named after it, each file in it
 * (nested folders included) one text. Class names are the sub-folder names, sorted (UTF-16 order); texts come class by
 * class, files in sorted order. Names starting with '.' (e.g. .DS_Store) are skipped; files directly in `path` are
 * ignored. A folder without sub-folders, or a class without files, is a ValueError.
 */
export async function loadTextFolder(path: string): Promise<TextDataset> {
  const where = 'loadTextFolder';
  if (typeof path !== 'string' || path === '') throw new ConfigError(`${where}: expected a folder path, got ${describeValue(path)}.`);
  const root = path.length > 1 ? path.replace(/[\\/]+$/, '') : path;
  const { folders } = await listFolder(root, where);
  if (folders.length === 0) throw new ValueError(`${where}: expected one sub-folder per label in ${JSON.stringify(path)}, got none.`);
  const texts: string[] = [];
  const labels: number[] = [];
  for (let c = 0; c < folders.length; c++) {
    const files = await filesUnder(`${root}/${folders[c]}`, where);
    if (files.length === 0) throw new ValueError(`${where}: expected at least one file in the label folder ${JSON.stringify(`${root}/${folders[c]}`)}, got none.`);
    for (const f of files) {
      texts.push(await readText(f, where));
      labels.push(c);
    }
  }
  return { texts, labels: Int32Array.from(labels), classNames: folders };
}
