import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  LIMITS,
  OptionError,
  eventSize,
  defineOptions,
  option,
  sumOverEvent,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';

/** Options of {@link LogitTransform}. */
export interface LogitTransformOptions {
  /** Event shape of the data (values in [0, 1]). */
  eventShape: number[];
  /** α in [0, 0.49]: the data are squeezed to [α, 1 − α] before the logit; default 0.05. */
  alpha?: number;
}

/**
 * RealNVP's logit pre-transform as a bijector (Dinh et al. 2016, §4.1): data y ∈ [0, 1] map in the
 * density direction to z = logit(α + (1 − 2α) y) with log|det| = Σ [log(1 − 2α) − log s − log(1 − s)],
 * s = α + (1 − 2α) y; forward y = (sigmoid(z) − α) / (1 − 2α). The tensor form of the datasets
 * package's `logitTransform` (same formula, same default α in Glow's pinned benchmark: 0.05).
 */
export class LogitTransform extends BaseBijector {
  readonly name = 'logit-transform';
  /** Its options, declared once. */
  static readonly schema = defineOptions('logit-transform', {
    eventShape: option.eventShape(),
    alpha: option.number({ default: 0.05, atLeast: 0, atMost: 0.49 }),
  });
  /** α of the squeeze to [α, 1 − α]. */
  readonly alpha: number;

  /** Creates the transform for events of `eventShape`. */
  constructor(options: LogitTransformOptions) {
    const { eventShape, alpha } = LogitTransform.schema.read(options);
    if (eventSize(eventShape) > LIMITS.maxEventSize) {
      throw new OptionError(
        `logit-transform: option 'eventShape' has more than ${LIMITS.maxEventSize} values (LIMITS.maxEventSize)`,
      );
    }
    super({ eventShape });
    this.alpha = alpha;
  }

  /** `{name, options: {eventShape, alpha}}`. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: LogitTransform.schema.toConfig({ eventShape: [...this.eventShape], alpha: this.alpha }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const a = this.alpha;
    const value = tf.div(tf.sub(tf.sigmoid(x), a), 1 - 2 * a);
    // log sigmoid(z) + log(1 − sigmoid(z)) = −softplus(−z) − softplus(z).
    const perElement = tf.sub(tf.neg(tf.add(tf.softplus(tf.neg(x)), tf.softplus(x))), Math.log1p(-2 * a));
    return { value, logDet: sumOverEvent(perElement) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const a = this.alpha;
    const s = tf.add(tf.mul(y, 1 - 2 * a), a);
    const logS = tf.log(s);
    const log1mS = tf.log(tf.sub(1, s));
    const value = tf.sub(logS, log1mS);
    const perElement = tf.sub(Math.log1p(-2 * a), tf.add(logS, log1mS));
    return { value, logDet: sumOverEvent(perElement) };
  }
}
