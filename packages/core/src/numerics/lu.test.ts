import { describe, expect, test } from 'vitest';
import { luDecompose, slogdet } from './lu.js';
import { hostRng, randomOrthogonal, randomPermutation } from './random.js';

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

describe('luDecompose', () => {
  test('P A = L U on a random matrix', () => {
    const rng = hostRng(3);
    const a = Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => rng.normal()));
    const { lower, upper, permutation } = luDecompose(a);
    const pa = permutation.map((r) => a[r]!);
    const lu = matmul(lower, upper);
    lu.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(pa[i]![j]!, 12)));
  });
});

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

describe('host random', () => {
  test('orthogonal matrices are orthogonal and seeded', () => {
    const q = randomOrthogonal(6, 7);
    const qqt = matmul(
      q,
      q.map((_, i) => q.map((r) => r[i]!)),
    );
    qqt.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
    expect(randomOrthogonal(6, 7)).toEqual(q);
    expect(Math.abs(slogdet(q).logAbsDet)).toBeLessThan(1e-12);
  });
  test('permutations are permutations and differ by seed', () => {
    const p = randomPermutation(20, 1);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(randomPermutation(20, 2)).not.toEqual(p);
  });
});
