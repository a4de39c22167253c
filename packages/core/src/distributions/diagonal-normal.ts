import * as tf from '@tensorflow/tfjs-core';
import { sumOverEvent } from '../bijector.js';
import { checkBatchOfEvents, checkEventShape, type EventShape } from '../shapes.js';
import type { BaseDistribution, DistributionConfig, SampleOptions } from './distribution.js';
import { gaussianLogDensity } from './gaussian.js';
import { checkSampleCount, tfjsSeed } from './sampling.js';

/** Options of {@link DiagonalNormal}. */
export interface DiagonalNormalOptions {
  /** Shape of one event. */
  eventShape: number[];
  /** Whether loc and log-scale are trained; default true. */
  trainable?: boolean;
}

/** A Gaussian with trainable mean μ and diagonal scale σ = exp(s): log p(x) = Σ log N(x_i; μ_i, σ_i²). */
export class DiagonalNormal implements BaseDistribution {
  readonly name = 'diagonal-normal';
  readonly eventShape: EventShape;
  /** Mean μ, initialised to 0. */
  readonly loc: tf.Variable;
  /** log σ, initialised to 0. */
  readonly logScale: tf.Variable;
  private readonly trainable: boolean;

  /** Creates N(μ, diag σ²) with μ = 0 and σ = 1 to start. */
  constructor(options: DiagonalNormalOptions) {
    this.eventShape = checkEventShape(options?.eventShape, 'diagonal-normal');
    this.trainable = options.trainable ?? true;
    this.loc = tf.tidy(() => tf.variable(tf.zeros([...this.eventShape]), this.trainable));
    this.logScale = tf.tidy(() => tf.variable(tf.zeros([...this.eventShape]), this.trainable));
  }

  /** [loc, logScale]. */
  get variables(): readonly tf.Variable[] {
    return [this.loc, this.logScale];
  }

  /** The variables when trainable, else none. */
  get trainableVariables(): readonly tf.Variable[] {
    return this.trainable ? this.variables : [];
  }

  /** Σ_i log N(x_i; μ_i, σ_i²) per batch element. */
  logProb(x: tf.Tensor): tf.Tensor {
    checkBatchOfEvents(x, this.eventShape, 'diagonal-normal logProb input');
    return tf.tidy(() => sumOverEvent(gaussianLogDensity(x, this.loc, this.logScale)));
  }

  /** Draws `n` events μ + σ ε with ε ~ N(0, I). */
  sample(n: number, options: SampleOptions = {}): tf.Tensor {
    checkSampleCount(n);
    return tf.tidy(() => {
      const eps = tf.randomNormal([n, ...this.eventShape], 0, 1, 'float32', tfjsSeed(options.seed));
      return tf.add(tf.mul(eps, tf.exp(this.logScale)), this.loc);
    });
  }

  /** `{name: 'diagonal-normal', options: {eventShape, trainable}}`. */
  getConfig(): DistributionConfig {
    return { name: this.name, options: { eventShape: [...this.eventShape], trainable: this.trainable } };
  }

  /** Frees loc and logScale. */
  dispose(): void {
    this.loc.dispose();
    this.logScale.dispose();
  }
}
