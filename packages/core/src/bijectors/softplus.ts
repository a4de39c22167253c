import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, sumOverEvent, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { clampPositive } from './domain.js';
import { eventShapeOnly, type EventShapeOptions } from './event-shape-only.js';

/** Options of {@link Softplus}. */
export type SoftplusOptions = EventShapeOptions;

/**
 * Elementwise y = softplus(x) = log(1 + eˣ) onto (0, ∞); log|det J| = Σ log σ(x) = -Σ softplus(-x).
 * The inverse x = y + log(-expm1(-y)) clamps y to ≥ 2^-126.
 */
export class Softplus extends BaseBijector {
  readonly name = 'softplus';
  /** Its options, declared once. */
  static readonly schema = eventShapeOnly('softplus');

  /** Creates the map for events of `eventShape` (any rank). */
  constructor(options: SoftplusOptions) {
    super({ eventShape: Softplus.schema.read(options).eventShape });
  }

  /** `{name: 'softplus', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Softplus.schema.toConfig({ eventShape: this.eventShape }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.softplus(x), logDet: tf.neg(sumOverEvent(tf.softplus(tf.neg(x)))) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const yc = clampPositive(y);
    const x = tf.add(yc, tf.log(tf.neg(tf.expm1(tf.neg(yc)))));
    return { value: x, logDet: sumOverEvent(tf.softplus(tf.neg(x))) };
  }
}
