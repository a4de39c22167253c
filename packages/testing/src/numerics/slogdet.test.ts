import { describe, expect, test } from 'vitest';
import { slogdet } from './slogdet.js';

describe('slogdet', () => {
  test('matches a known determinant with a row swap', () => {
    const { sign, logAbsDet } = slogdet([
      [0, 2],
      [3, 4],
    ]);
    expect(sign).toBe(-1);
    expect(logAbsDet).toBeCloseTo(Math.log(6), 12);
  });
  test('is zero-signed for a singular matrix', () => {
    expect(
      slogdet([
        [1, 2],
        [2, 4],
      ]).sign,
    ).toBe(0);
  });
  test('does not overflow where the product of pivots would', () => {
    const n = 400;
    const a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 10 : 0)));
    expect(slogdet(a).logAbsDet).toBeCloseTo(n * Math.log(10), 8);
  });
});
