import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { randomPermutation } from '../numerics/random.js';
import { Permute } from './permute.js';

describe('Permute', () => {
  test('y_i = x_{p[i]} with zero log-det, and the inverse undoes it', () => {
    const b = new Permute({ eventShape: [4], permutation: [2, 0, 3, 1] });
    tf.tidy(() => {
      const x = tf.tensor2d([
        [10, 11, 12, 13],
        [-1, -2, -3, -4],
      ]);
      const { value, logDet } = b.forwardAndLogDet(x);
      expect(Array.from(value.dataSync())).toEqual([12, 10, 13, 11, -3, -1, -4, -2]);
      expect(Array.from(logDet.dataSync())).toEqual([0, 0]);
      const inverse = b.inverseAndLogDet(value);
      expect(Array.from(inverse.value.dataSync())).toEqual(Array.from(x.dataSync()));
    });
  });

  test('a seed draws the permutation and the config stores it explicitly', () => {
    const b = new Permute({ eventShape: [6], seed: 9 });
    expect(b.permutation).toEqual(randomPermutation(6, 9));
    expect(b.getConfig()).toEqual({
      name: 'permute',
      options: { eventShape: [6], permutation: randomPermutation(6, 9) },
    });
    expect([...new Permute({ eventShape: [6] }).permutation].sort((p, q) => p - q)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
  });

  test('invalid permutations are OptionErrors', () => {
    for (const permutation of [
      [0, 1],
      [0, 1, 1],
      [0, 1, 3],
      [0, 1.5, 2],
      [-1, 0, 1],
    ]) {
      expect(() => new Permute({ eventShape: [3], permutation })).toThrow(OptionError);
    }
    expect(() => new Permute({ eventShape: [3], permutation: [0, 0, 1] })).toThrow(
      "permute: option 'permutation' must list each of 0..2 exactly once, got [0,0,1]",
    );
    expect(() => new Permute({ eventShape: [3], permutation: [0, 1, 2], seed: 1 })).toThrow('not both');
    expect(() => new Permute({ eventShape: [3], seed: -1 })).toThrow("permute: option 'seed'");
    expect(() => new Permute({ eventShape: [3, 1] })).toThrow(ShapeError);
  });
});
