import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { BaseBijector, type BijectorConfig, type FastDirection, type ValueAndLogDet } from '../bijector.js';
import { OptionError } from '../errors.js';
import { createBijector } from '../registry.js';
import { Affine } from './affine.js';
import { Invert } from './invert.js';
import '../index.js';

/** A test double reshaping `[4]` events to `[2, 2]` and back, fast only forward. */
class Fold extends BaseBijector {
  readonly name = 'fold';
  override readonly fastDirection: FastDirection = 'forward';
  override readonly hasAnalyticInverse = false;

  constructor() {
    super({ eventShape: [4], outputEventShape: [2, 2] });
  }

  getConfig(): BijectorConfig {
    return { name: this.name, options: {} };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.reshape(x, [-1, 2, 2]), logDet: tf.zeros([x.shape[0] as number]) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return { value: tf.reshape(y, [-1, 4]), logDet: tf.zeros([y.shape[0] as number]) };
  }
}

describe('Invert', () => {
  test('swaps the directions and their log-dets', () => {
    const affine = new Affine({ eventShape: [2], shift: [1, -1], scale: [2, 4] });
    const inverted = new Invert(affine);
    tf.tidy(() => {
      const y = tf.tensor2d([[3, 7]]);
      const g = inverted.forwardAndLogDet(y);
      const f = affine.inverseAndLogDet(y);
      expect(g.value.dataSync()).toEqual(f.value.dataSync());
      expect(g.logDet.dataSync()).toEqual(f.logDet.dataSync());
      expect(Array.from(g.logDet.dataSync())).toEqual([expect.closeTo(-Math.log(8), 5)]);
      expect(inverted.inverse(g.value).dataSync()).toEqual(affine.forward(g.value).dataSync());
    });
    expect(inverted.variables).toEqual(affine.variables);
    inverted.dispose();
    expect(affine.shift.isDisposed).toBe(true);
  });

  test('swaps event shapes and the fast direction, and keeps hasAnalyticInverse', () => {
    const inverted = new Invert(new Fold());
    expect(inverted.eventShape).toEqual([2, 2]);
    expect(inverted.outputEventShape).toEqual([4]);
    expect(inverted.fastDirection).toBe('inverse');
    expect(inverted.hasAnalyticInverse).toBe(false);
    const out = inverted.forward(tf.zeros([3, 2, 2]));
    expect(out.shape).toEqual([3, 4]);
    out.dispose();
  });

  test('is built from a config and validates it', () => {
    const inverted = createBijector({
      name: 'invert',
      options: { bijector: { name: 'exp', options: { eventShape: [2] } } },
    });
    expect(inverted.getConfig()).toEqual({
      name: 'invert',
      options: { bijector: { name: 'exp', options: { eventShape: [2] } } },
    });
    expect(() => createBijector({ name: 'invert', options: { bijector: 'exp' } })).toThrow(OptionError);
    expect(() => createBijector({ name: 'invert', options: { bijector: 'exp' } })).toThrow(
      "invert: option 'bijector'",
    );
  });
});
