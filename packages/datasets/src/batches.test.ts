import { describe, expect, it } from 'vitest';
import { orderedBatches, shuffledBatches } from './batches.js';
import type { Table } from './table.js';

const table: Table = {
  data: Float32Array.from({ length: 20 }, (_, i) => i),
  rows: 10,
  cols: 2,
  labels: Int32Array.from({ length: 10 }, (_, i) => i),
  context: { data: Float32Array.from({ length: 10 }, (_, i) => -i), cols: 1, columns: ['c'] },
};

describe('minibatches', () => {
  it('shuffledBatches covers every row once per epoch (remainder dropped), seeded, rows kept whole', () => {
    const it1 = shuffledBatches(table, 3, 9);
    const epoch = [it1.next().value, it1.next().value, it1.next().value] as Table[];
    const labels = epoch.flatMap((b) => Array.from(b.labels as Int32Array));
    expect(new Set(labels).size).toBe(9);
    for (const b of epoch) {
      expect(b.rows).toBe(3);
      for (let r = 0; r < 3; r++) {
        const label = b.labels?.[r] as number;
        expect(b.data[2 * r]).toBe(2 * label);
        expect(b.context?.data[r]).toBe(-label);
      }
    }
    const it2 = shuffledBatches(table, 3, 9);
    expect(it2.next().value).toEqual(epoch[0]);
    expect(() => shuffledBatches(table, 0).next()).toThrow(/batchSize/);
  });

  it('orderedBatches visits rows in order with a smaller last batch', () => {
    const batches = [...orderedBatches(table, 4)];
    expect(batches.map((b) => b.rows)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => Array.from(b.data))).toEqual(Array.from(table.data));
  });
});
