import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { Softplus } from './softplus.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describe('Softplus', () => {
  const b = new Softplus({ eventShape: [3] });

  test('y = log(1 + exp x), log-det = Σ log σ(x) against float64', () => {
    const x = [-3, 0.5, 2, -0.25, 1, 4];
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [2, 3]));
      expect(values(value)).toEqual(x.map((v) => expect.closeTo(softplus(v), 6)));
      const expected = [0, 1].map((r) => x.slice(3 * r, 3 * r + 3).reduce((s, v) => s - softplus(-v), 0));
      expect(values(logDet)).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    });
  });

  test('is finite at large |x| and at the edge of the inverse domain, and accurate for small y', () => {
    tf.tidy(() => {
      const fwd = b.forwardAndLogDet(tf.tensor2d([[-100, 100, -1000]]));
      expect([...values(fwd.value), ...values(fwd.logDet)].every(Number.isFinite)).toBe(true);
      expect(values(fwd.logDet)[0]).toBeCloseTo(-1100, 3);
      const inv = b.inverseAndLogDet(tf.tensor2d([[0, 1e-30, 1e4]]));
      expect([...values(inv.value), ...values(inv.logDet)].every(Number.isFinite)).toBe(true);
      expect(values(b.inverse(b.forward(tf.tensor2d([[-20, 0.001, 30]]))))).toEqual(
        [-20, 0.001, 30].map((v) => expect.closeTo(v, 3)),
      );
    });
  });
});
