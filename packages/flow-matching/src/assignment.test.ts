import { hostRng, ValueError } from '@bijective/core';
import { describe, expect, test } from 'vitest';
import { minibatchOtPairing, optimalAssignment } from './assignment.js';

/** Every permutation of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

const total = (cost: Float64Array, n: number, sigma: ArrayLike<number>) =>
  Array.from({ length: n }, (_, i) => cost[i * n + (sigma[i] as number)] as number).reduce(
    (a, b) => a + b,
    0,
  );

describe('optimal assignment (Hungarian algorithm)', () => {
  test('matches brute force over all permutations on random matrices, n = 1..7', () => {
    const rng = hostRng(11);
    for (let n = 1; n <= 7; n++) {
      const all = permutations(n);
      for (let trial = 0; trial < 12; trial++) {
        // Integer costs with ties, and real-valued ones.
        const cost = Float64Array.from({ length: n * n }, () =>
          trial % 2 === 0 ? Math.floor(rng.uniform() * 5) : rng.normal() * 10,
        );
        const sigma = optimalAssignment(cost, n);
        expect([...sigma].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        const best = Math.min(...all.map((p) => total(cost, n, p)));
        expect(total(cost, n, sigma)).toBeCloseTo(best, 9);
      }
    }
  });

  test('larger random matrices: swapping the columns of any two rows never lowers the cost, n = 60', () => {
    const rng = hostRng(13);
    const n = 60;
    for (let trial = 0; trial < 4; trial++) {
      const cost = Float64Array.from({ length: n * n }, () =>
        trial % 2 === 0 ? Math.floor(rng.uniform() * 4) : rng.normal() ** 2,
      );
      const sigma = optimalAssignment(cost, n);
      expect([...sigma].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      for (let i = 0; i < n; i++) {
        for (let k = i + 1; k < n; k++) {
          const now = (cost[i * n + sigma[i]!] as number) + (cost[k * n + sigma[k]!] as number);
          const swapped = (cost[i * n + sigma[k]!] as number) + (cost[k * n + sigma[i]!] as number);
          expect(swapped).toBeGreaterThanOrEqual(now - 1e-12);
        }
      }
    }
  });

  test('finds the identity on a diagonal-cheap matrix and handles n = 0', () => {
    const n = 50;
    const cost = Float64Array.from({ length: n * n }, (_, k) =>
      Math.floor(k / n) === k % n ? 0 : 1 + (k % 7),
    );
    expect(Array.from(optimalAssignment(cost, n))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(optimalAssignment(new Float64Array(0), 0)).toHaveLength(0);
    expect(() => optimalAssignment(new Float64Array(5), 2)).toThrow(ValueError);
    expect(() => optimalAssignment(Float64Array.from([1, NaN, NaN, NaN]), 2)).toThrow(/entry 1 is NaN/);
  });

  test('mini-batch OT pairing: a shuffled copy is paired back exactly', () => {
    const rng = hostRng(3);
    const n = 40;
    const d = 3;
    const x0 = Float64Array.from({ length: n * d }, () => rng.normal());
    const shuffle = Array.from({ length: n }, (_, i) => i).sort(() => rng.uniform() - 0.5);
    const x1 = new Float64Array(n * d);
    shuffle.forEach((src, i) => x1.set(x0.subarray(src * d, src * d + d), i * d));
    expect(Array.from(minibatchOtPairing(x0, x1, n, d))).toEqual(shuffle);
  });

  test('blocks: each block is coupled within itself, exactly, and the blocks together are a permutation', () => {
    const rng = hostRng(5);
    const n = 70;
    const d = 2;
    const block = 32;
    const x0 = Float64Array.from({ length: n * d }, () => rng.normal());
    const x1 = Float64Array.from({ length: n * d }, () => rng.normal());
    const sigma = minibatchOtPairing(x0, x1, n, d, block);
    expect([...sigma].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    const sq = (i: number, j: number) =>
      (x1[i * d]! - x0[j * d]!) ** 2 + (x1[i * d + 1]! - x0[j * d + 1]!) ** 2;
    for (let start = 0; start < n; start += block) {
      const m = Math.min(block, n - start);
      const cost = Float64Array.from({ length: m * m }, (_, k) =>
        sq(start + Math.floor(k / m), start + (k % m)),
      );
      const inBlock = Array.from({ length: m }, (_, i) => sigma[start + i]! - start);
      expect(inBlock.every((j) => j >= 0 && j < m)).toBe(true);
      expect(total(cost, m, inBlock)).toBeCloseTo(total(cost, m, optimalAssignment(cost, m)), 9);
    }
    // One block of the whole batch is the plain coupling.
    expect(Array.from(minibatchOtPairing(x0, x1, n, d, n))).toEqual(
      Array.from(minibatchOtPairing(x0, x1, n, d)),
    );
  });
});
