import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import '@bijective/engine/gradients';
import { Affine, BaseBijector, type BijectorConfig, type ValueAndLogDet, ShapeError } from '@bijective/core';
import { inverseHealth } from './inverse-health.js';

/** y = x whose "inverse" is off by 0.01·x₀² in the first element: an inverse that degrades far out. */
class DriftingInverse extends BaseBijector {
  readonly name = 'test/drifting';
  constructor() {
    super({ eventShape: [2] });
  }
  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }
  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.clone(x), logDet: tf.zeros([x.shape[0] as number]) };
  }
  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const drift = tf.mul(0.01, tf.square(tf.slice(y, [0, 0], [-1, 1])));
    const value = tf.add(y, tf.concat([drift, tf.zerosLike(drift)], 1));
    return { value, logDet: tf.zeros([y.shape[0] as number]) };
  }
}

describe('inverseHealth', () => {
  test('an exact inverse reports float32 round-off; a drifting one its largest errors and rows', () => {
    const affine = new Affine({ eventShape: [2], shift: 0.5, scale: 2 });
    const x = tf.tensor2d([
      [0, 1],
      [3, -2],
      [10, 0],
      [-20, 4],
      [1, 1],
    ]);
    const exact = inverseHealth(affine, x);
    expect(exact.inverseError).toBeLessThan(1e-5);
    expect(exact.n).toBe(5);
    const before = tf.memory().numTensors;
    const drifting = inverseHealth(new DriftingInverse(), x, { worst: 2, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(drifting.inverseError).toBeCloseTo(4, 4); // row 3: 0.01·400
    expect(drifting.worstRows).toEqual([
      { row: 3, error: expect.closeTo(4, 4) },
      { row: 2, error: expect.closeTo(1, 4) },
    ]);
    expect(drifting.meanError).toBeCloseTo((0 + 0.09 + 1 + 4 + 0.01) / 5, 4);
    expect(drifting.nonFiniteRows).toBe(0);
    expect(() => inverseHealth(affine, tf.zeros([3, 3]))).toThrow(ShapeError);
    expect(() => inverseHealth(affine, x, { worst: -1 })).toThrow(/worst must be an integer >= 0/);
    x.dispose();
    affine.dispose();
  });

  test('a non-finite round trip counts as an infinite error', () => {
    const x = tf.tensor2d([
      [1, 0],
      [NaN, 0],
    ]);
    const health = inverseHealth(new DriftingInverse(), x);
    expect(health.inverseError).toBe(Infinity);
    expect(health.nonFiniteRows).toBe(1);
    expect(health.worstRows[0]).toEqual({ row: 1, error: Infinity });
    x.dispose();
  });
});
