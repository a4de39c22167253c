import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, sumOverEvent, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { clampOpenUnitBall } from './domain.js';
import { eventShapeOnly, type EventShapeOptions } from './event-shape-only.js';

/** Options of {@link Tanh}. */
export type TanhOptions = EventShapeOptions;

/** log tanh'(x) = 2 (log 2 - x - softplus(-2x)) per element, stable for large |x|. */
function logTanhDerivative(x: tf.Tensor): tf.Tensor {
  return tf.mul(2, tf.sub(tf.sub(Math.LN2, x), tf.softplus(tf.mul(-2, x))));
}

/**
 * Elementwise y = tanh(x) onto (-1, 1); log|det J| = Σ 2 (log 2 - x - softplus(-2x)).
 * The inverse atanh(y) clamps y to [-(1 - 2^-24), 1 - 2^-24].
 */
export class Tanh extends BaseBijector {
  readonly name = 'tanh';
  /** Its options, declared once. */
  static readonly schema = eventShapeOnly('tanh');

  /** Creates the map for events of `eventShape` (any rank). */
  constructor(options: TanhOptions) {
    super({ eventShape: Tanh.schema.read(options).eventShape });
  }

  /** `{name: 'tanh', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Tanh.schema.toConfig({ eventShape: this.eventShape }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.tanh(x), logDet: sumOverEvent(logTanhDerivative(x)) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const x = tf.atanh(clampOpenUnitBall(y));
    return { value: x, logDet: tf.neg(sumOverEvent(logTanhDerivative(x))) };
  }
}
