import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, sumOverEvent, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { clampUnitInterval } from './domain.js';
import { eventShapeOnly, type EventShapeOptions } from './event-shape-only.js';

/** Options of {@link Sigmoid}. */
export type SigmoidOptions = EventShapeOptions;

/** log σ'(x) = -softplus(-x) - softplus(x) per element, stable for large |x|. */
function logSigmoidDerivative(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.add(tf.softplus(tf.neg(x)), tf.softplus(x)));
}

/**
 * Elementwise y = σ(x) = 1 / (1 + e⁻ˣ) onto (0, 1); log|det J| = -Σ (softplus(-x) + softplus(x)).
 * The inverse is the logit log(y) - log1p(-y), with y clamped to [2^-126, 1 - 2^-24].
 */
export class Sigmoid extends BaseBijector {
  readonly name = 'sigmoid';
  /** Its options, declared once. */
  static readonly schema = eventShapeOnly('sigmoid');

  /** Creates the map for events of `eventShape` (any rank). */
  constructor(options: SigmoidOptions) {
    super({ eventShape: Sigmoid.schema.read(options).eventShape });
  }

  /** `{name: 'sigmoid', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Sigmoid.schema.toConfig({ eventShape: this.eventShape }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.sigmoid(x), logDet: sumOverEvent(logSigmoidDerivative(x)) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const yc = clampUnitInterval(y);
    const x = tf.sub(tf.log(yc), tf.log1p(tf.neg(yc)));
    return { value: x, logDet: tf.neg(sumOverEvent(logSigmoidDerivative(x))) };
  }
}
