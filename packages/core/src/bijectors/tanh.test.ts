import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { Tanh } from './tanh.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Tanh', () => {
  const b = new Tanh({ eventShape: [2] });

  test('y = tanh x, log-det = Σ log(1 - tanh² x) against float64', () => {
    const x = [-2, 0.5, 1.5, 0];
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [2, 2]));
      expect(values(value)).toEqual(x.map((v) => expect.closeTo(Math.tanh(v), 6)));
      const perElement = x.map((v) => Math.log(1 - Math.tanh(v) ** 2));
      expect(values(logDet)).toEqual(
        [perElement[0]! + perElement[1]!, perElement[2]! + perElement[3]!].map((v) => expect.closeTo(v, 5)),
      );
      expect(values(b.inverse(value))).toEqual(x.map((v) => expect.closeTo(v, 4)));
    });
  });

  test('atanh is finite at and near ±1, and log-dets are finite at large |x|', () => {
    tf.tidy(() => {
      const inv = b.inverseAndLogDet(
        tf.tensor2d([
          [-1, 1],
          [-1 + 1e-8, 1 - 1e-8],
        ]),
      );
      expect([...values(inv.value), ...values(inv.logDet)].every(Number.isFinite)).toBe(true);
      const fwd = b.forwardAndLogDet(tf.tensor2d([[-50, 50]]));
      expect(values(fwd.logDet)[0]).toBeCloseTo(2 * (Math.LN2 - 50) * 2, 3);
    });
  });
});
