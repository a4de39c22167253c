import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { Sigmoid } from './sigmoid.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const logSigmoid = (x: number) => -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))));

describe('Sigmoid', () => {
  const b = new Sigmoid({ eventShape: [2] });

  test('y = σ(x), log-det = Σ log σ(x) + log σ(-x) against float64', () => {
    const x = [-3, 0.5, 2, 6];
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [2, 2]));
      expect(values(value)).toEqual(x.map((v) => expect.closeTo(1 / (1 + Math.exp(-v)), 6)));
      const perElement = x.map((v) => logSigmoid(v) + logSigmoid(-v));
      expect(values(logDet)).toEqual(
        [perElement[0]! + perElement[1]!, perElement[2]! + perElement[3]!].map((v) => expect.closeTo(v, 5)),
      );
      expect(values(b.inverse(value))).toEqual(x.map((v) => expect.closeTo(v, 4)));
    });
  });

  test('the logit is finite at and near the edges of (0, 1), and so are log-dets at large |x|', () => {
    tf.tidy(() => {
      const inv = b.inverseAndLogDet(
        tf.tensor2d([
          [0, 1],
          [1e-30, 1 - 1e-8],
        ]),
      );
      expect([...values(inv.value), ...values(inv.logDet)].every(Number.isFinite)).toBe(true);
      expect(values(inv.value)[2]).toBeCloseTo(Math.log(1e-30), 3);
      const fwd = b.forwardAndLogDet(tf.tensor2d([[-100, 100]]));
      expect(values(fwd.logDet)[0]).toBeCloseTo(-200, 3);
    });
  });
});
