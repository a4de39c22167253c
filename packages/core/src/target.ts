import type * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from './json.js';
import type { EventShape } from './shapes.js';

/** Everything needed to rebuild a target through the registry: its registry name and options. */
export interface TargetConfig {
  /** Registry key of the target (kind `target`). */
  name: string;
  /** JSON options passed to the registered factory. */
  options: JsonObject;
}

/**
 * An unnormalised log-density log p̃(x), p(x) = p̃(x) / Z, that a flow q is fitted to by reverse KL
 * (variational inference, Rezende & Mohamed 2015): the product of the registry kind `target`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { create, useBackend } from '@bijective/core';
 * import '@bijective/planar'; // registers u1..u4, banana, funnel
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const u1 = create('target', 'u1', {});
 * const logP = u1.logDensity(tf.tensor2d([[2, 0]])); // [1]
 * console.log(logP.arraySync(), u1.logNormalizer);
 * ```
 */
export interface Target {
  /** Registry key of this target. */
  readonly name: string;
  /** Shape of one event (a vector `[d]` for every first-party target). */
  readonly eventShape: EventShape;
  /** log p̃(x) per batch row `[batch]`, differentiable in x (reparameterised gradients flow through it). */
  logDensity(x: tf.Tensor): tf.Tensor;
  /** log Z = log ∫ p̃(x) dx where it is known (closed form or quadrature), else null. */
  readonly logNormalizer: number | null;
  /** Per axis, an interval [lo, hi] that frames the target's mass (plots); absent when unknown. */
  readonly bounds?: readonly (readonly [number, number])[];
  /** Registry name and options that rebuild this target (e.g. recorded in a model trained against it). */
  getConfig(): TargetConfig;
  /** Frees any tensors the target holds (a data set of a posterior); a no-op for closed-form densities. */
  dispose(): void;
}
