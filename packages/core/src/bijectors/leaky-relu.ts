import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, sumOverEvent, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions {
  /** Event shape (any rank). */
  eventShape: number[];
  /** Slope a ∈ (0, 1] for negative inputs; default 0.01. */
  negativeSlope?: number;
}

/**
 * Elementwise y = x for x > 0 and y = a·x otherwise, a ∈ (0, 1]; log|det J| = (number of x ≤ 0)·log a.
 * Masks use tf.step (no comparison op on the gradient tape).
 */
export class LeakyReLU extends BaseBijector {
  readonly name = 'leaky-relu';
  /** Its options, declared once. */
  static readonly schema = defineOptions('leaky-relu', {
    eventShape: option.eventShape(),
    negativeSlope: option.number({ default: 0.01, above: 0, atMost: 1 }),
  });
  /** The slope a for negative inputs. */
  readonly negativeSlope: number;

  /** Creates the map; `negativeSlope` outside (0, 1] throws an OptionError. */
  constructor(options: LeakyReLUOptions) {
    const { eventShape, negativeSlope } = LeakyReLU.schema.read(options);
    super({ eventShape });
    this.negativeSlope = negativeSlope;
  }

  /** `{name: 'leaky-relu', options: {eventShape, negativeSlope}}`. */
  getConfig(): BijectorConfig {
    const { eventShape, negativeSlope } = this;
    return { name: this.name, options: LeakyReLU.schema.toConfig({ eventShape, negativeSlope }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const negative = tf.sub(1, tf.step(x));
    return {
      value: tf.mul(x, this.slope(negative)),
      logDet: sumOverEvent(tf.mul(negative, Math.log(this.negativeSlope))),
    };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const negative = tf.sub(1, tf.step(y));
    return {
      value: tf.div(y, this.slope(negative)),
      logDet: sumOverEvent(tf.mul(negative, -Math.log(this.negativeSlope))),
    };
  }

  /** Per-element slope 1 + (a - 1)·[x ≤ 0]. */
  private slope(negative: tf.Tensor): tf.Tensor {
    return tf.add(1, tf.mul(negative, this.negativeSlope - 1));
  }
}
