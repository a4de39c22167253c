import { MinibatchSampler, ValueError } from '@bijective/core';
import { checkNumber, checkSeed } from './options.js';
import { selectRows, type Table } from './table.js';

/**
 * Endless shuffled minibatches of a table's rows (with their context and labels): a fresh seeded
 * permutation each epoch and the epoch's remainder dropped, as core's {@link MinibatchSampler} draws them.
 */
export function* shuffledBatches(table: Table, batchSize: number, seed = 0): Generator<Table, never> {
  checkNumber(batchSize, 'batchSize', { min: 1, integer: true });
  checkSeed(seed);
  if (table.rows === 0) throw new ValueError('shuffledBatches: the table has no rows');
  const sampler = new MinibatchSampler(table.rows, batchSize, seed);
  for (;;) yield selectRows(table, sampler.next());
}

/** One pass over a table's rows in order, `batchSize` at a time (the last batch may be smaller), for evaluation. */
export function* orderedBatches(table: Table, batchSize: number): Generator<Table, void> {
  checkNumber(batchSize, 'batchSize', { min: 1, integer: true });
  for (let start = 0; start < table.rows; start += batchSize) {
    const end = Math.min(table.rows, start + batchSize);
    yield selectRows(
      table,
      Array.from({ length: end - start }, (_, i) => start + i),
    );
  }
}
