import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { luDecompose } from '../numerics/lu.js';
import { hostRng, randomOrthogonal } from '../numerics/random.js';
import {
  invertUnitLowerTriangular,
  invertUnitUpperTriangular,
  strictlyLowerMask,
} from './unit-triangular.js';

/** (I + N)⁻¹ of a unit lower-triangular matrix by float64 forward substitution. */
function hostInverseLower(strict: number[][]): number[][] {
  const d = strict.length;
  const inv = strict.map(() => new Array<number>(d).fill(0));
  for (let c = 0; c < d; c++) {
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= (strict[i]![k] as number) * (inv[k]![c] as number);
      inv[i]![c] = s;
    }
  }
  return inv;
}

const transpose = (m: number[][]) => m.map((row, i) => row.map((_, j) => m[j]![i] as number));

function randomStrictLower(d: number, seed: number): number[][] {
  const rng = hostRng(seed);
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j < i ? rng.normal() : 0)));
}

function maxError(actual: tf.Tensor2D, expected: number[][]): number {
  const a = actual.arraySync();
  return Math.max(...expected.flatMap((row, i) => row.map((v, j) => Math.abs(v - (a[i]![j] as number)))));
}

describe('unit triangular inverses', () => {
  test.each([1, 2, 3, 5, 8, 17])('match float64 substitution for d = %i, lower and upper', (d) => {
    const strict = randomStrictLower(d, d);
    const expected = hostInverseLower(strict);
    tf.tidy(() => {
      expect(maxError(invertUnitLowerTriangular(tf.tensor2d(strict, [d, d])), expected)).toBeLessThan(1e-5);
      expect(
        maxError(invertUnitUpperTriangular(tf.tensor2d(transpose(strict), [d, d])), transpose(expected)),
      ).toBeLessThan(1e-5);
    });
  });

  test('stay as accurate as substitution at d = 128 on the factor of an orthogonal matrix', () => {
    const lower = luDecompose(randomOrthogonal(128, 3)).lower.map((row, i) =>
      row.map((v, j) => (j < i ? v : 0)),
    );
    tf.tidy(() => {
      expect(maxError(invertUnitLowerTriangular(tf.tensor2d(lower)), hostInverseLower(lower))).toBeLessThan(
        2e-5,
      );
    });
  });

  test('the strictly-lower mask marks i > j', () => {
    tf.tidy(() => {
      expect(strictlyLowerMask(3).arraySync()).toEqual([
        [0, 0, 0],
        [1, 0, 0],
        [1, 1, 0],
      ]);
    });
  });
});
