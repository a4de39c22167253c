import { describe, expect, test } from 'vitest';
import { hostRng } from '@bijective/core';
import {
  dequantiseColumns,
  detectDiscreteColumns,
  discreteLogVolume,
  gridStep,
  recordedDiscreteColumns,
} from './discrete.js';
import { UsageError } from './usage-error.js';

/** `n` float32 values drawn by `draw` from a seeded stream. */
function column(n: number, draw: (u: number) => number, seed = 1): Float32Array {
  const rng = hostRng(seed);
  return Float32Array.from({ length: n }, () => draw(rng.uniform()));
}

describe('gridStep', () => {
  test('finds the step of integer, binary, half-step and one-decimal columns', () => {
    expect(gridStep(column(500, (u) => Math.floor(u * 7) + 3))).toBe(1);
    expect(gridStep(column(500, (u) => (u < 0.3 ? 0 : 1)))).toBe(1);
    expect(gridStep(column(500, (u) => 0.5 * Math.floor(u * 9) - 2))).toBe(0.5);
    // Float32 copies of 12.3, 12.4, ...: the step is reported as the decimal 0.1.
    expect(gridStep(column(500, (u) => 12 + Math.floor(u * 40) / 10))).toBe(0.1);
    // A grid whose smallest gap is two steps: {0, 2, 4, 7} lies on h = 1.
    expect(gridStep(Float32Array.from({ length: 40 }, (_, i) => [0, 2, 4, 7][i % 4] as number))).toBe(1);
    // Integers far from 0 (years).
    expect(gridStep(column(300, (u) => 1990 + Math.floor(u * 30)))).toBe(1);
  });

  test('gives no step for continuous columns, constant columns or grids without repeats', () => {
    const gaussian = column(2000, (u) => Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(7 * u));
    expect(gridStep(gaussian)).toBeNull();
    expect(gridStep(column(1000, (u) => u * 10))).toBeNull();
    expect(gridStep(new Float32Array(50).fill(3))).toBeNull();
    // 100 distinct integers in 100 rows: no value repeats, nothing can collapse.
    expect(gridStep(Float32Array.from({ length: 100 }, (_, i) => i))).toBeNull();
    // Continuous values with heavy repeats (a mass at 0) are not on a grid.
    expect(gridStep(column(1000, (u) => (u < 0.7 ? 0 : Math.exp(5 * u))))).toBeNull();
  });
});

describe('detectDiscreteColumns and dequantiseColumns', () => {
  const rows = 400;
  const rng = hostRng(7);
  const data = new Float32Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    data[i * 3] = rng.uniform() * 4 - 2;
    data[i * 3 + 1] = Math.floor(rng.uniform() * 3);
    data[i * 3 + 2] = 0.25 * Math.floor(rng.uniform() * 5);
  }
  const table = { data, rows, cols: 3 };

  test('finds the integer and quarter-step columns, not the continuous one', () => {
    const found = detectDiscreteColumns(table);
    expect(found).toEqual([
      { column: 1, resolution: 1 },
      { column: 2, resolution: 0.25 },
    ]);
    expect(discreteLogVolume(found)).toBeCloseTo(Math.log(0.25), 12);
  });

  test('adds u ~ U(-h/2, h/2) to the discrete columns only, seeded', () => {
    const found = detectDiscreteColumns(table);
    const a = dequantiseColumns(table, found, 3);
    const b = dequantiseColumns(table, found, 3);
    expect(a.data).toEqual(b.data);
    expect(dequantiseColumns(table, found, 4).data).not.toEqual(a.data);
    let spread = 0;
    for (let i = 0; i < rows; i++) {
      expect(a.data[i * 3]).toBe(data[i * 3]);
      for (const [j, h] of [
        [1, 1],
        [2, 0.25],
      ] as const) {
        const u = (a.data[i * 3 + j] as number) - (data[i * 3 + j] as number);
        expect(Math.abs(u)).toBeLessThanOrEqual(h / 2 + 1e-6);
        spread += (u / h) ** 2;
      }
    }
    // The variance of U(-1/2, 1/2) is 1/12.
    expect(spread / (2 * rows)).toBeCloseTo(1 / 12, 1);
    expect(dequantiseColumns(table, [], 3)).toBe(table);
  });
});

describe('recordedDiscreteColumns', () => {
  test('reads the field back, none when absent, one usage error when corrupt', () => {
    const columns = [{ column: 1, resolution: 0.5 }];
    expect(recordedDiscreteColumns({ discreteColumns: columns }, 2)).toEqual(columns);
    expect(recordedDiscreteColumns({}, 2)).toEqual([]);
    for (const bad of [
      'x',
      [{ column: 2, resolution: 1 }],
      [{ column: 0, resolution: 0 }],
      [{ column: 0, resolution: -1 }],
      [{ column: 0.5, resolution: 1 }],
      [{ column: 0, resolution: '1' }],
      [
        { column: 0, resolution: 1 },
        { column: 0, resolution: 2 },
      ],
      [null],
    ]) {
      expect(() => recordedDiscreteColumns({ discreteColumns: bad } as never, 2)).toThrow(UsageError);
      expect(() => recordedDiscreteColumns({ discreteColumns: bad } as never, 2)).toThrow(/discreteColumns/);
    }
  });
});
