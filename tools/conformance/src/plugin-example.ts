import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  defineOptions,
  option,
  register,
  sumOverEvent,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';

/** Options of {@link Sinh}. */
export interface SinhOptions {
  /** Event shape (any rank). */
  eventShape: number[];
  /** The gain a > 0; default 1. */
  gain?: number;
}

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'acme/sinh': SinhOptions;
  }
}

/** log(a cosh t), stable for large |t|: log a + |t| + log1p(exp(-2|t|)) - log 2. */
function logSlope(t: tf.Tensor, gain: number): tf.Tensor {
  const a = tf.abs(t);
  return tf.add(tf.add(a, tf.log1p(tf.exp(tf.mul(-2, a)))), Math.log(gain) - Math.LN2);
}

/** Elementwise y = sinh(a·x); log|det J| = Σ log(a cosh(a·x)). */
export class Sinh extends BaseBijector {
  readonly name = 'acme/sinh';
  /** Its options, declared once: keys, defaults, checks and the saved config. */
  static readonly schema = defineOptions('acme/sinh', {
    eventShape: option.eventShape(),
    gain: option.number({ default: 1, above: 0 }),
  });
  readonly gain: number;

  constructor(options: SinhOptions) {
    // An unknown key or a bad value throws an OptionError (ShapeError) naming 'acme/sinh' and the key.
    const { eventShape, gain } = Sinh.schema.read(options);
    super({ eventShape });
    this.gain = gain;
  }

  /** `{name: 'acme/sinh', options: {eventShape, gain}}`, every default written out. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: Sinh.schema.toConfig({ eventShape: this.eventShape, gain: this.gain }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const t = tf.mul(x, this.gain);
    return { value: tf.sinh(t), logDet: sumOverEvent(logSlope(t, this.gain)) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const t = tf.asinh(y);
    return { value: tf.div(t, this.gain), logDet: tf.neg(sumOverEvent(logSlope(t, this.gain))) };
  }
}

register('bijector', 'acme/sinh', {
  description: 'elementwise y = sinh(a x)',
  create: (options) => new Sinh(options),
  example: (d) => ({ eventShape: [d], gain: 0.5 }), // the conformance kit builds it from this
  schema: Sinh.schema, // lets tools list its options and defaults
});
