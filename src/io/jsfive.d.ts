// The parts of jsfive 0.4 (a pure-JS HDF5 reader, untyped) that src/io/hdf5.ts uses, internals included.
declare module 'jsfive' {
  /** One header message of an object: type, offset of its body in the file, size. */
  type Message = Map<'type' | 'offset_to_message' | 'size', number>;
  /** A dtype as jsfive spells it: '<f4', '>f8', '<i1', 'S12', or ['VLEN_STRING', padding, charset], ['REFERENCE', size], ['VLEN_SEQUENCE', base]. */
  type Dtype = string | [string, ...unknown[]];

  class DataObjects {
    /** The object header's address in the file. */
    offset: number;
    msgs: Message[];
    find_msg_type(type: number): Message[];
    get shape(): number[];
    get dtype(): Dtype;
    get chunks(): number[] | null;
    get filter_pipeline(): Map<string, unknown>[] | null;
    get fillvalue(): number;
  }

  export class Group {
    name: string;
    /** link name -> object header address, or the target path of a soft link */
    _links: Record<string, number | string>;
    _dataobjects: DataObjects;
    get keys(): string[];
    get attrs(): Record<string, unknown>;
    get(path: string): Group | Dataset | null;
  }

  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }

  export class Dataset {
    name: string;
    _dataobjects: DataObjects;
    get value(): unknown[];
    get shape(): number[];
    get dtype(): Dtype;
    get attrs(): Record<string, unknown>;
    get fillvalue(): number;
  }

  /** filter id -> (chunk bytes, item size, client data) => bytes; the registry for HDF5 filters. */
  export const Filters: Map<number, (buf: ArrayBuffer, itemsize: number, clientData: number[]) => ArrayBuffer>;
}
