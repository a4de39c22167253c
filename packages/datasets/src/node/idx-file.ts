import { decodeIdx, type IdxTensor } from '../idx.js';
import { readMaybeGzipped } from './files.js';

/** Reads an IDX file, gzipped (detected by its magic 1f 8b) or not; problems throw a DataFileError naming the path. */
export function readIdx(path: string): IdxTensor {
  return decodeIdx(readMaybeGzipped(path), path);
}
