// Writing HDF5: a tree of groups (with string attributes) and float32 datasets -> the bytes of one HDF5 file, through
// h5wasm (the HDF5 C library compiled to Wasm, an npm dependency, imported only when a file is written). h5wasm works
// on a file in its in-memory Emscripten file system; we create it there, close it, read its bytes back and delete it.
import { CheckpointError, ConfigError } from '../errors.js';

/** A group: its string attributes (stored as variable-length UTF-8, as h5py writes a Python str), then its children. */
export interface H5WriteGroup { name: string; attrs?: Record<string, string>; children: (H5WriteGroup | H5WriteDataset)[] }
/** A float32 little-endian dataset, contiguous, no filters. */
export interface H5WriteDataset { name: string; data: Float32Array; shape: number[] }

/** Loaded once per process: h5wasm compiles its Wasm when imported. */
let h5: Promise<typeof import('h5wasm')> | null = null;
let serial = 0;

async function loadH5wasm(where: string): Promise<typeof import('h5wasm')> {
  h5 ??= import('h5wasm').then(async (m) => { await m.ready; return m; });
  try {
    return await h5;
  } catch (e) {
    h5 = null;
    throw new ConfigError(`${where}: expected the h5wasm package (npm) to load to write HDF5, got ${(e as Error)?.message ?? e}. Install it with npm install h5wasm.`);
  }
}

/**
 * The root group's children and attributes as one HDF5 file's bytes. Deterministic: HDF5 stamps object headers with
 * the time, which Emscripten reads through Date.now; it reads 0 while the file is written (all synchronous calls).
 */
export async function writeHdf5(root: Omit<H5WriteGroup, 'name'>, where: string): Promise<Uint8Array> {
  const m = await loadH5wasm(where);
  const FS = m.FS!;
  const path = `/bilstm-attn-${++serial}.h5`;
  const now = Date.now;
  Date.now = () => 0;
  try {
    const f = new m.File(path, 'w');
    try {
      fill(f, root, where);
    } finally {
      f.close();
    }
    return FS.readFile(path) as Uint8Array;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`${where}: expected h5wasm to write the HDF5 file, got an error: ${(e as Error)?.message ?? e}.`);
  } finally {
    Date.now = now;
    try { FS.unlink(path); } catch { /* never created */ }
  }
}

function fill(g: import('h5wasm').Group, node: Omit<H5WriteGroup, 'name'>, where: string): void {
  for (const [k, v] of Object.entries(node.attrs ?? {})) g.create_attribute(k, v);
  for (const c of node.children) {
    if ('children' in c) {
      const sub = g.create_group(c.name);
      if (!sub) throw new CheckpointError(`${where}: expected h5wasm to create the group ${g.path}/${c.name}, got nothing.`);
      fill(sub, c, where);
    } else {
      const n = c.shape.reduce((a, b) => a * b, 1);
      if (n !== c.data.length) throw new CheckpointError(`${where}: expected ${n} values for the dataset ${g.path}/${c.name} of shape [${c.shape.join(', ')}], got ${c.data.length}.`);
      g.create_dataset({ name: c.name, data: c.data, shape: c.shape, dtype: '<f' });
    }
  }
}
