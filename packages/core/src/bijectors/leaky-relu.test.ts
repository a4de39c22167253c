import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { OptionError } from '../errors.js';
import { LeakyReLU } from './leaky-relu.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('LeakyReLU', () => {
  test('scales negative inputs by a, log-det = (count of x <= 0)·log a', () => {
    const b = new LeakyReLU({ eventShape: [3], negativeSlope: 0.1 });
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(
        tf.tensor2d([
          [-2, 0.5, -1],
          [1, 2, 3],
        ]),
      );
      expect(values(value)).toEqual([-0.2, 0.5, -0.1, 1, 2, 3].map((v) => expect.closeTo(v, 6)));
      expect(values(logDet)).toEqual([2 * Math.log(0.1), 0].map((v) => expect.closeTo(v, 5)));
      const inverse = b.inverseAndLogDet(value);
      expect(values(inverse.value)).toEqual([-2, 0.5, -1, 1, 2, 3].map((v) => expect.closeTo(v, 5)));
      expect(values(inverse.logDet)).toEqual([-2 * Math.log(0.1), 0].map((v) => expect.closeTo(v, 5)));
    });
    expect(new LeakyReLU({ eventShape: [3] }).negativeSlope).toBe(0.01);
  });

  test('negativeSlope must lie in (0, 1]', () => {
    for (const bad of [0, -0.5, 1.5, NaN]) {
      expect(() => new LeakyReLU({ eventShape: [2], negativeSlope: bad })).toThrow(OptionError);
    }
    expect(() => new LeakyReLU({ eventShape: [2], negativeSlope: 2 })).toThrow(
      "leaky-relu: option 'negativeSlope' must be a finite number > 0 and <= 1, got 2",
    );
    expect(new LeakyReLU({ eventShape: [2], negativeSlope: 1 }).negativeSlope).toBe(1);
  });
});
