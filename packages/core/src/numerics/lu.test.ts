import { describe, expect, test } from 'vitest';
import { luDecompose } from './lu.js';
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

describe('host random', () => {
  test('orthogonal matrices are orthogonal and seeded', () => {
    const q = randomOrthogonal(6, 7);
    const qqt = matmul(
      q,
      q.map((_, i) => q.map((r) => r[i]!)),
    );
    qqt.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
    expect(randomOrthogonal(6, 7)).toEqual(q);
    const { upper } = luDecompose(q);
    expect(Math.abs(upper.reduce((s, row, i) => s + Math.log(Math.abs(row[i]!)), 0))).toBeLessThan(1e-12);
  });
  test('permutations are permutations and differ by seed', () => {
    const p = randomPermutation(20, 1);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(randomPermutation(20, 2)).not.toEqual(p);
  });
});
