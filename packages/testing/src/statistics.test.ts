import { describe, expect, test } from 'vitest';
import { hostRng } from '@bijective/core';
import { chiSquare, meanAndStandardError, wilsonHilfertyZ } from './statistics.js';

describe('wilsonHilfertyZ', () => {
  test('matches chi-square quantiles', () => {
    // 99.9% quantile of chi-square(10) is 29.588 (z = 3.090); the median of chi-square(30) is 29.336.
    expect(wilsonHilfertyZ(29.588, 10)).toBeCloseTo(3.09, 1);
    expect(wilsonHilfertyZ(29.336, 30)).toBeCloseTo(0, 1);
  });
});

describe('chiSquare', () => {
  test('accepts multinomial counts from the expected probabilities and rejects shifted ones', () => {
    const p = [0.1, 0.2, 0.3, 0.25, 0.15];
    const rng = hostRng(5);
    const counts = p.map(() => 0);
    for (let i = 0; i < 5000; i++) {
      let u = rng.uniform();
      const k = p.findIndex((q) => (u -= q) < 0);
      counts[k === -1 ? p.length - 1 : k]!++;
    }
    expect(
      chiSquare(
        counts,
        p.map((q) => q * 5000),
      ).z,
    ).toBeLessThan(3);
    expect(
      chiSquare(
        [...counts].reverse(),
        p.map((q) => q * 5000),
      ).z,
    ).toBeGreaterThan(10);
  });

  test('pools cells expecting fewer than five, and a small pool into the smallest cell', () => {
    const pooled = chiSquare([10, 6, 1, 2, 3], [10, 6, 2, 1, 3]);
    expect(pooled.dof).toBe(2);
    expect(pooled.statistic).toBe(0);
    // One sample where almost nothing is expected: not an infinite statistic.
    const small = chiSquare([9, 10, 1], [10, 10, 1e-8]);
    expect(small.dof).toBe(1);
    expect(small.statistic).toBeCloseTo(0, 6);
  });
});

test('meanAndStandardError', () => {
  expect(meanAndStandardError([1, 2, 3, 4])).toEqual({ mean: 2.5, standardError: Math.sqrt(5 / 3 / 4) });
});
