import type * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '../json.js';
import type { EventShape } from '../shapes.js';

/** Options of a sampling call. */
export interface SampleOptions {
  /** Seed for reproducible draws; omit for fresh randomness. */
  seed?: number;
}

/** Registry name and options that rebuild a base distribution. */
export interface DistributionConfig {
  /** Registry key. */
  name: string;
  /** JSON options passed to the registered factory. */
  options: JsonObject;
}

/** A base density p0 over events of a fixed shape, with log-density and seeded sampling. */
export interface BaseDistribution {
  /** Registry key of this distribution. */
  readonly name: string;
  /** Shape of one event. */
  readonly eventShape: EventShape;
  /** log p0(x) per batch element: `[batch, ...event]` -> `[batch]`. */
  logProb(x: tf.Tensor): tf.Tensor;
  /**
   * −mean_r(log p0(z_r) + logDet_r) as a scalar on any open tape: a flow's training loss from the
   * base side (`Flow.trainingLoss` calls it), for bases with a cheaper form than the ops of
   * `logProb`, an add and a mean (e.g. `StandardNormal`'s one kernel). Optional.
   */
  negMeanLogProb?(z: tf.Tensor, logDet: tf.Tensor): tf.Scalar;
  /**
   * log p0(z) + `logDet` per batch element (`[batch]`), the last step of a flow's change of variables,
   * as one kernel where the backend has one; optional (`Flow.logProb` adds `logProb(z)` otherwise).
   */
  logProbPlus?(z: tf.Tensor, logDet: tf.Tensor): tf.Tensor;
  /** Draws `n` events: `[n, ...event]`. */
  sample(n: number, options?: SampleOptions): tf.Tensor;
  /** Every state variable, in a stable order for saving. */
  readonly variables: readonly tf.Variable[];
  /** The variables an optimiser updates. */
  readonly trainableVariables: readonly tf.Variable[];
  /** Registry name and options that rebuild this distribution. */
  getConfig(): DistributionConfig;
  /** Frees the variables this distribution owns. */
  dispose(): void;
}
