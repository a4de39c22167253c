import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { zeroLogDet } from './log-det.js';
import { eventShapeOnly, type EventShapeOptions } from './event-shape-only.js';

/** Options of {@link Reverse}. */
export type ReverseOptions = EventShapeOptions;

/** Reverses the order of a vector event, y_i = x_{d-1-i}; volume-preserving (log|det J| = 0), its own inverse. */
export class Reverse extends BaseBijector {
  readonly name = 'reverse';
  /** Its options, declared once. */
  static readonly schema = eventShapeOnly('reverse', true);

  /** Creates the reversal for vector events `eventShape: [d]`. */
  constructor(options: ReverseOptions) {
    super({ eventShape: Reverse.schema.read(options).eventShape });
  }

  /** `{name: 'reverse', options: {eventShape}}`. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Reverse.schema.toConfig({ eventShape: this.eventShape }) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.reverse(x, 1), logDet: zeroLogDet(x.shape[0] as number) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return this.computeForward(y);
  }
}
