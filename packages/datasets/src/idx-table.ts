import type { EventShape } from '@bijective/core';
import { DataFileError } from './errors.js';
import type { IdxTensor } from './idx.js';
import type { Table } from './table.js';

/**
 * The event shape of an IDX tensor's rows: `[d]` for `[n, d]`, `[h, w, 1]` for greyscale images
 * `[n, h, w]` (one channel, as image flows expect), the trailing dimensions otherwise.
 */
export function idxEventShape(dims: readonly number[]): EventShape {
  if (dims.length === 1) return [1];
  if (dims.length === 3) return [dims[1] as number, dims[2] as number, 1];
  return dims.slice(1);
}

/**
 * A table of an IDX tensor's rows (the first dimension) as float32, with labels from a rank-1 integer
 * IDX tensor of the same length; a mismatch throws a {@link DataFileError} naming `source`.
 */
export function idxToTable(values: IdxTensor, labels?: IdxTensor, source = 'idx'): Table {
  const rows = values.dims[0] as number;
  const cols = values.dims.slice(1).reduce((a, b) => a * b, 1);
  if (labels) {
    if (labels.dims.length !== 1 || labels.type === 'float32' || labels.type === 'float64') {
      throw new DataFileError(
        `${source}: labels must be a rank-1 integer IDX file, got ${labels.type} [${labels.dims.join(', ')}]`,
      );
    }
    if (labels.dims[0] !== rows) {
      throw new DataFileError(`${source}: ${labels.dims[0]} labels for ${rows} rows`);
    }
  }
  return {
    data: values.data instanceof Float32Array ? values.data : Float32Array.from(values.data),
    rows,
    cols,
    ...(labels ? { labels: Int32Array.from(labels.data) } : {}),
  };
}
