import * as tf from '@tensorflow/tfjs-core';
import { sumOverEvent } from '../bijector.js';
import { checkBatchOfEvents, checkEventShape, eventSize, type EventShape } from '../shapes.js';
import type { BaseDistribution, DistributionConfig, SampleOptions } from './distribution.js';
import { HALF_LOG_TWO_PI } from './gaussian.js';
import { checkSampleCount, tfjsSeed } from './sampling.js';
import { standardNormalNll } from './standard-normal-nll.js';
import { standardNormalLogDensityKernel } from './standard-normal-log-density.js';

/** Options of {@link StandardNormal}. */
export interface StandardNormalOptions {
  /** Shape of one event. */
  eventShape: number[];
}

/** The standard normal N(0, I): log p(x) = -|x|²/2 - (d/2) log 2π. */
export class StandardNormal implements BaseDistribution {
  readonly name = 'standard-normal';
  readonly eventShape: EventShape;
  readonly variables: readonly tf.Variable[] = [];
  readonly trainableVariables: readonly tf.Variable[] = [];

  /** Creates N(0, I) over events of `eventShape`. */
  constructor(options: StandardNormalOptions) {
    this.eventShape = checkEventShape(options?.eventShape, 'standard-normal');
  }

  /** log N(x; 0, I) per batch element. */
  logProb(x: tf.Tensor): tf.Tensor {
    checkBatchOfEvents(x, this.eventShape, 'standard-normal logProb input');
    return tf.tidy(() =>
      tf.sub(sumOverEvent(tf.mul(-0.5, tf.square(x))), HALF_LOG_TWO_PI * eventSize(this.eventShape)),
    );
  }

  /**
   * −mean_r(log N(z_r; 0, I) + logDet_r), a flow's training loss from its base side: one kernel
   * where the backend has one (@bijective/engine's on wasm), else the ops one by one.
   */
  negMeanLogProb(z: tf.Tensor, logDet: tf.Tensor): tf.Scalar {
    checkBatchOfEvents(z, this.eventShape, 'standard-normal negMeanLogProb input');
    return (
      standardNormalNll(z, logDet) ??
      tf.tidy(() => tf.neg(tf.mean(tf.add(this.logProb(z), logDet))) as tf.Scalar)
    );
  }

  /** log N(z; 0, I) + logDet per batch element: one kernel where the backend has one (wasm, with @bijective/engine). */
  logProbPlus(z: tf.Tensor, logDet: tf.Tensor): tf.Tensor {
    checkBatchOfEvents(z, this.eventShape, 'standard-normal logProb input');
    return tf.tidy(() => standardNormalLogDensityKernel(z, logDet) ?? tf.add(this.logProb(z), logDet));
  }

  /** Draws `n` events from N(0, I). */
  sample(n: number, options: SampleOptions = {}): tf.Tensor {
    checkSampleCount(n);
    return tf.randomNormal([n, ...this.eventShape], 0, 1, 'float32', tfjsSeed(options.seed));
  }

  /** `{name: 'standard-normal', options: {eventShape}}`. */
  getConfig(): DistributionConfig {
    return { name: this.name, options: { eventShape: [...this.eventShape] } };
  }

  /** Nothing to free. */
  dispose(): void {}
}
