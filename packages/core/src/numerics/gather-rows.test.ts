import { describe, expect, test } from 'vitest';
import { gatherRowsInto } from './gather-rows.js';

describe('gatherRowsInto', () => {
  const table = (rows: number, width: number) => Float32Array.from({ length: rows * width }, (_, i) => i);
  const expected = (width: number, rows: number[]) =>
    rows.flatMap((r) => Array.from({ length: width }, (_, k) => r * width + k));

  test.each([3, 64, 100])('copies the rows in order, repeats included, at width %i', (width) => {
    const rows = [4, 0, 4, 2];
    expect(Array.from(gatherRowsInto(table(5, width), width, rows))).toEqual(expected(width, rows));
  });

  test('writes into the given array and returns it', () => {
    const out = new Float32Array(8).fill(-1);
    expect(gatherRowsInto(table(3, 2), 2, Int32Array.from([2, 1]), out)).toBe(out);
    expect(Array.from(out)).toEqual([4, 5, 2, 3, -1, -1, -1, -1]);
  });
});
