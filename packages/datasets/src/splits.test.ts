import { describe, expect, it } from 'vitest';
import { OptionError } from '@bijective/core';
import { drawSplits, foldIndices, splitIndices, splitTable } from './splits.js';
import type { Table } from './table.js';

const table: Table = {
  data: Float32Array.from({ length: 40 }, (_, i) => i),
  rows: 20,
  cols: 2,
  columns: ['a', 'b'],
  labels: Int32Array.from({ length: 20 }, (_, i) => i),
};

describe('splits', () => {
  it('splitIndices is a seeded partition of 0..n-1 with floor(n·fraction) held out', () => {
    const s = splitIndices(100, { validationFraction: 0.15, testFraction: 0.2, seed: 3 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([65, 15, 20]);
    expect([...s.train, ...s.validation, ...s.test].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(splitIndices(100, { validationFraction: 0.15, testFraction: 0.2, seed: 3 })).toEqual(s);
    expect(splitIndices(100, { validationFraction: 0.15, testFraction: 0.2, seed: 4 })).not.toEqual(s);
    expect(() => splitIndices(10, { validationFraction: 0.5, testFraction: 0.5 })).toThrow(
      /leave no training rows/,
    );
    expect(() => splitIndices(10, { validationFraction: 2 })).toThrow(OptionError);
  });

  it('foldIndices cuts a seeded shuffle into K folds of near-equal size that cover every row once', () => {
    const folds = foldIndices(23, 5, 7);
    expect(folds.map((f) => f.length)).toEqual([4, 5, 4, 5, 5]);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(foldIndices(23, 5, 7)).toEqual(folds);
    expect(foldIndices(23, 5, 8)).not.toEqual(folds);
    // Not the order of the rows, and not splitIndices' shuffle of the same seed.
    expect(folds.flat()).not.toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(foldIndices(10, 10, 1).every((f) => f.length === 1)).toBe(true);
    for (const bad of [1, 0, 24, 2.5, Number.NaN, '3' as unknown as number]) {
      expect(() => foldIndices(23, bad, 0)).toThrow(OptionError);
    }
    expect(() => foldIndices(23, 24)).toThrow(/folds must be an integer in \[2, 23\]/);
  });

  it('splitTable keeps rows whole with their labels and uses a dataset’s own test rows', () => {
    const s = splitTable(table, { validationFraction: 0.25, seed: 1 });
    expect(s.train.rows).toBe(15);
    expect(s.validation?.rows).toBe(5);
    expect(s.test).toBeNull();
    for (const part of [s.train, s.validation as Table]) {
      for (let r = 0; r < part.rows; r++) {
        const label = part.labels?.[r] as number;
        expect([part.data[2 * r], part.data[2 * r + 1]]).toEqual([2 * label, 2 * label + 1]);
      }
      expect(part.columns).toEqual(['a', 'b']);
    }
    expect(splitTable(table, { validationFraction: 0 }).validation).toBeNull();
    expect(splitTable(table, {}, table).test).toBe(table);
    expect(() => splitTable(table, { testFraction: 0.1 }, table)).toThrow(/own test rows/);
    expect(() => splitTable(table, { size: 10 })).toThrow(/generative datasets only/);
    expect(() => splitTable(table, { sed: 1 } as never)).toThrow(/unknown option 'sed'/);
  });

  it('drawSplits draws training, validation and test rows from independent streams', () => {
    const sample = (n: number, seed: number): Float32Array =>
      Float32Array.from({ length: n }, (_, i) => seed + i);
    const s = drawSplits(sample, 1, { size: 100, testSize: 30, validationFraction: 0.2, seed: 5 });
    expect([s.train.rows, s.validation?.rows, s.test?.rows]).toEqual([80, 20, 30]);
    const firsts = [s.train.data[0], s.validation?.data[0], s.test?.data[0]];
    expect(new Set(firsts).size).toBe(3);
    expect(drawSplits(sample, 1, { size: 100, testSize: 30, validationFraction: 0.2, seed: 5 })).toEqual(s);
    expect(drawSplits(sample, 1, { size: 10, testSize: 0, validationFraction: 0 })).toMatchObject({
      validation: null,
      test: null,
    });
    expect(() => drawSplits(sample, 1, { testFraction: 0.2 })).toThrow(/give testSize/);
    expect(() => drawSplits(sample, 1, { size: 0 })).toThrow(/size must be an integer >= 1/);
  });
});
