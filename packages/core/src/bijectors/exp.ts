import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, sumOverEvent, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { clampPositive } from './domain.js';
import { eventShapeOnly, type EventShapeOptions } from './event-shape-only.js';

/** Options of {@link Exp}. */
export type ExpOptions = EventShapeOptions;

/** Elementwise y = exp(x) onto (0, ∞); log|det J| = Σ x. The inverse log(y) clamps y to ≥ 2^-126. */
export class Exp extends BaseBijector {
  readonly name = 'exp';
  /** Its options, declared once. */
  static readonly schema = eventShapeOnly('exp');

  /** Creates the map for events of `eventShape` (any rank). */
  constructor(options: ExpOptions) {
    super({ eventShape: Exp.schema.read(options).eventShape });
  }

  /** `{name: 'exp', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Exp.schema.toConfig({ eventShape: this.eventShape }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.exp(x), logDet: sumOverEvent(x) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const x = tf.log(clampPositive(y));
    return { value: x, logDet: tf.neg(sumOverEvent(x)) };
  }
}
