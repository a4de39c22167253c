import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type CallOptions, type ValueAndLogDet } from '../bijector.js';
import { ValueError } from '../errors.js';
import { eventSize } from '../shapes.js';
import { sameLogDetPerRow } from './log-det.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { newVariable } from './parameters.js';

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /** Event shape (any rank); statistics are kept per event element. */
  eventShape: number[];
  /** Fraction of each training batch's statistics blended into the running ones, in (0, 1]; default 0.1. */
  momentum?: number;
  /** ε added to variances, > 0; default 1e-5. */
  epsilon?: number;
}

/**
 * Batch normalization as a bijector (Dinh et al. 2017, RealNVP §3.7; Papamakarios et al. 2017, MAF).
 * The inverse (data -> base) normalises, z = (x - m) / √(v + ε) · exp(log γ) + β, with
 * log|det J| = Σ (log γ - ½ log(v + ε)). In training mode the inverse uses the batch mean and (biased)
 * variance and blends them into the running statistics, r ← (1 - momentum)·r + momentum·batch (the
 * running variance takes the unbiased batch variance); otherwise, and always in the forward, m and v
 * are the running statistics.
 */
export class BatchNorm extends BaseBijector {
  readonly name = 'batch-norm';
  /** Its options, declared once. */
  static readonly schema = defineOptions('batch-norm', {
    eventShape: option.eventShape(),
    momentum: option.number({ default: 0.1, above: 0, atMost: 1 }),
    epsilon: option.number({ default: 1e-5, above: 0 }),
  });
  /** Fraction of batch statistics blended into the running ones per training call. */
  readonly momentum: number;
  /** ε added to variances. */
  readonly epsilon: number;
  /** log γ, the trainable log-scale of the normalised output. */
  readonly logGamma: tf.Variable;
  /** β, the trainable shift of the normalised output. */
  readonly beta: tf.Variable;
  /** Running mean of the data (not trainable; saved with the weights). */
  readonly runningMean: tf.Variable;
  /** Running variance of the data (not trainable; saved with the weights). */
  readonly runningVar: tf.Variable;

  /** Creates the layer with γ = 1, β = 0 and running statistics 0 and 1. */
  constructor(options: BatchNormOptions) {
    const { eventShape, momentum, epsilon } = BatchNorm.schema.read(options);
    super({ eventShape });
    this.momentum = momentum;
    this.epsilon = epsilon;
    const size = eventSize(eventShape);
    const fill = (v: number) => new Array<number>(size).fill(v);
    this.logGamma = newVariable(fill(0), eventShape);
    this.beta = newVariable(fill(0), eventShape);
    this.runningMean = newVariable(fill(0), eventShape, false);
    this.runningVar = newVariable(fill(1), eventShape, false);
  }

  /** log γ, β, then the running mean and variance. */
  override get variables(): readonly tf.Variable[] {
    return [this.logGamma, this.beta, this.runningMean, this.runningVar];
  }

  /** `{name: 'batch-norm', options: {eventShape, momentum, epsilon}}`. */
  getConfig(): BijectorConfig {
    const { eventShape, momentum, epsilon } = this;
    return { name: this.name, options: BatchNorm.schema.toConfig({ eventShape, momentum, epsilon }) };
  }

  protected computeForward(z: tf.Tensor): ValueAndLogDet {
    const logScale = this.logScale(this.runningVar);
    const x = tf.add(tf.mul(tf.sub(z, this.beta), tf.exp(tf.neg(logScale))), this.runningMean);
    return { value: x, logDet: sameLogDetPerRow(tf.neg(tf.sum(logScale)), z.shape[0] as number) };
  }

  protected computeInverse(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const { mean, variance } = options.training
      ? this.batchStatistics(x)
      : { mean: this.runningMean, variance: this.runningVar };
    const logScale = this.logScale(variance);
    const z = tf.add(tf.mul(tf.sub(x, mean), tf.exp(logScale)), this.beta);
    return { value: z, logDet: sameLogDetPerRow(tf.sum(logScale), x.shape[0] as number) };
  }

  /** log γ - ½ log(v + ε) per element: the log-scale of the inverse. */
  private logScale(variance: tf.Tensor): tf.Tensor {
    return tf.sub(this.logGamma, tf.mul(0.5, tf.log(tf.add(variance, this.epsilon))));
  }

  /** The batch mean and biased variance over axis 0, after blending them into the running statistics. */
  private batchStatistics(x: tf.Tensor): { mean: tf.Tensor; variance: tf.Tensor } {
    const n = x.shape[0] as number;
    if (n < 2) throw new ValueError(`batch-norm: training mode needs a batch of at least 2 rows, got ${n}`);
    const { mean, variance } = tf.moments(x, 0);
    const keep = 1 - this.momentum;
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, keep), tf.mul(mean, this.momentum)));
    this.runningVar.assign(
      tf.add(tf.mul(this.runningVar, keep), tf.mul(variance, (this.momentum * n) / (n - 1))),
    );
    return { mean, variance };
  }
}
