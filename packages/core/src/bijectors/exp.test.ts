import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { Exp } from './exp.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Exp', () => {
  const b = new Exp({ eventShape: [2] });

  test('y = exp(x), log-det = Σ x against float64', () => {
    const x = [-2, 0.5, 1.25, 3];
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [2, 2]));
      expect(values(value)).toEqual(x.map((v) => expect.closeTo(Math.exp(v), 5)));
      expect(values(logDet)).toEqual([-1.5, 4.25].map((v) => expect.closeTo(v, 6)));
      expect(values(b.inverseAndLogDet(value).logDet)).toEqual([1.5, -4.25].map((v) => expect.closeTo(v, 5)));
    });
  });

  test('is finite at large |x| and at the edge of the inverse domain', () => {
    tf.tidy(() => {
      const fwd = b.forwardAndLogDet(tf.tensor2d([[-80, 80]]));
      expect([...values(fwd.value), ...values(fwd.logDet)].every(Number.isFinite)).toBe(true);
      const inv = b.inverseAndLogDet(
        tf.tensor2d([
          [0, 1e-40],
          [1e-30, 3e38],
        ]),
      );
      expect([...values(inv.value), ...values(inv.logDet)].every(Number.isFinite)).toBe(true);
      expect(values(inv.value)[2]).toBeCloseTo(Math.log(1e-30), 4);
    });
  });
});
