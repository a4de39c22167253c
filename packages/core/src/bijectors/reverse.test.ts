import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { ShapeError } from '../errors.js';
import { Reverse } from './reverse.js';

describe('Reverse', () => {
  test('reverses each row with zero log-det and is its own inverse', () => {
    const b = new Reverse({ eventShape: [3] });
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(
        tf.tensor2d([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      );
      expect(Array.from(value.dataSync())).toEqual([3, 2, 1, 6, 5, 4]);
      expect(Array.from(logDet.dataSync())).toEqual([0, 0]);
      expect(Array.from(b.inverse(value).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });

  test('takes vector events only', () => {
    expect(() => new Reverse({ eventShape: [2, 2] })).toThrow(ShapeError);
    expect(() => new Reverse({ eventShape: [2, 2] })).toThrow(
      "reverse: option 'eventShape' must be a vector shape [d], got [2, 2]",
    );
  });
});
