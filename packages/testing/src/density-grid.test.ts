import { describe, expect, test } from 'vitest';
import { boxAround, cellOf, coarsen, midpointGrid } from './density-grid.js';

describe('density grid', () => {
  test('midpoints, cell volume and cell lookup agree in 2-D', () => {
    const g = midpointGrid([0, -1], [2, 1], 4);
    expect(g.cellVolume).toBeCloseTo(0.25, 12);
    expect(Array.from(g.points.slice(0, 4))).toEqual([0.25, -0.75, 0.25, -0.25]);
    for (let p = 0; p < 16; p++) expect(cellOf(g, g.points, 2 * p)).toBe(p);
    expect(cellOf(g, [2.5, 0])).toBe(-1);
  });

  test('the midpoint rule integrates a Gaussian to 1', () => {
    const g = midpointGrid([-8], [8], 256);
    const mass = Array.from(g.points).reduce(
      (s, x) => s + Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI),
      0,
    );
    expect(mass * g.cellVolume).toBeCloseTo(1, 10);
  });

  test('coarsen sums blocks and boxAround widens the sample range', () => {
    const g = midpointGrid([0, 0], [1, 1], 4);
    expect(coarsen(g, new Array(16).fill(1), 2)).toEqual([4, 4, 4, 4]);
    expect(boxAround([0, 10, 2, 20], 2, 0.5)).toEqual({ lo: [-1, 5], hi: [3, 25] });
  });
});
