import type { EventShape } from '@bijective/core';
import type { FixedDataset } from './dataset.js';
import { splitTable } from './splits.js';
import type { Table } from './table.js';

/** What {@link fixedDataset} needs: rows (or a loader run on first access) and metadata. */
export interface FixedDatasetSpec {
  /** Registry name. */
  name: string;
  /** One line: what the data is and where it came from. */
  description: string;
  /** Shape of one row. */
  eventShape: EventShape;
  /** The rows, or a function loading them on first access. */
  rows: Table | (() => Table);
  /** The dataset's own test rows, or their loader. */
  test?: Table | (() => Table);
  /** Quantisation levels of integer-valued data (8-bit images: 256). */
  levels?: number;
  /** The file or directory the rows come from. */
  source?: string;
}

function lazy(source: Table | (() => Table)): () => Table {
  if (typeof source !== 'function') return () => source;
  let table: Table | undefined;
  return () => (table ??= source());
}

/** A {@link FixedDataset} over given rows: `splits` shuffles them with the seed and holds out validation (and test) rows. */
export function fixedDataset(spec: FixedDatasetSpec): FixedDataset {
  const rows = lazy(spec.rows);
  const test = spec.test && lazy(spec.test);
  const dataset: FixedDataset = {
    kind: 'fixed',
    name: spec.name,
    description: spec.description,
    eventShape: spec.eventShape,
    ...(spec.levels !== undefined ? { levels: spec.levels } : {}),
    ...(spec.source !== undefined ? { source: spec.source } : {}),
    get rows() {
      return rows();
    },
    splits: (options) => splitTable(rows(), options, test?.()),
  };
  // A getter, not a value: spreading `{ get test() {} }` would load the test rows eagerly.
  if (test) Object.defineProperty(dataset, 'test', { get: test, enumerable: true });
  return dataset;
}
