import { describe, expect, test } from 'vitest';
import { MinibatchSampler } from './minibatch.js';
import { hostRng, randomPermutation, shuffledIndices } from './random.js';

/** Fisher-Yates over a number list, as the sampler drew each epoch before `shuffledIndices`. */
function referencePermutation(n: number, seed: number): number[] {
  const rng = hostRng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

describe('MinibatchSampler', () => {
  test('shuffledIndices and randomPermutation give the reference order', () => {
    for (const [n, seed] of [
      [1, 0],
      [7, 3],
      [1000, 42],
      [19_800, 0xffff_ffff],
      [50, 12_345 + 7919 * 40],
    ] as const) {
      expect(Array.from(shuffledIndices(n, seed))).toEqual(referencePermutation(n, seed));
      expect(randomPermutation(n, seed)).toEqual(referencePermutation(n, seed));
    }
  });

  test('batches follow each epoch seed + 7919 · epoch, dropping the remainder, and resume where they stood', () => {
    const [n, size, seed] = [10, 4, 5];
    const sampler = new MinibatchSampler(n, size, seed);
    const expected = [0, 1, 2].flatMap((epoch) => {
      const order = referencePermutation(n, seed + 7919 * epoch);
      return [order.slice(0, 4), order.slice(4, 8)];
    });
    const drawn = expected.map(() => sampler.next());
    expect(drawn.every((b) => b instanceof Int32Array)).toBe(true);
    expect(drawn.map((b) => Array.from(b))).toEqual(expected);
    const resumed = new MinibatchSampler(n, size, seed);
    const halfway = new MinibatchSampler(n, size, seed);
    for (let i = 0; i < 3; i++) halfway.next();
    resumed.restore(halfway.state());
    expect(Array.from(resumed.next())).toEqual(expected[3]);
  });
});
