import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from '@bijective/core';

/** How the fused coupling computes one of core's conditioner activations and its derivative. */
export interface ConditionerActivation {
  /** The activation tfjs's fused matMul applies itself (one kernel for x W + b and a), or null. */
  readonly fused: 'relu' | 'elu' | null;
  /** Whether the derivative needs the pre-activation z (else only h = a(z) is kept). */
  readonly needsInput: boolean;
  /** a(z), when not fused. */
  apply(z: tf.Tensor): tf.Tensor;
  /** a'(z) from z (null unless `needsInput`) and h = a(z). */
  derivative(z: tf.Tensor | null, h: tf.Tensor): tf.Tensor;
}

/**
 * Core's conditioner activations with their derivatives for hand-written backward passes:
 * relu' = step(h); elu' = 1 for h > 0, else h + 1 (= h + 1 - step(h)·h); tanh' = 1 - h²;
 * silu' = σ(z) + h(1 - σ(z)) (Ramachandran et al. 2017). Sign tests on h equal those on z.
 */
export const CONDITIONER_ACTIVATIONS: Readonly<Record<ActivationName, ConditionerActivation>> = {
  relu: { fused: 'relu', needsInput: false, apply: (z) => tf.relu(z), derivative: (_z, h) => tf.step(h) },
  elu: {
    fused: 'elu',
    needsInput: false,
    apply: (z) => tf.elu(z),
    derivative: (_z, h) => tf.sub(tf.add(h, 1), tf.mul(tf.step(h), h)),
  },
  tanh: {
    fused: null,
    needsInput: false,
    apply: (z) => tf.tanh(z),
    derivative: (_z, h) => tf.sub(1, tf.square(h)),
  },
  silu: {
    fused: null,
    needsInput: true,
    apply: (z) => tf.mul(z, tf.sigmoid(z)),
    derivative: (z, h) => {
      const sigma = tf.sigmoid(z as tf.Tensor);
      return tf.add(sigma, tf.mul(h, tf.sub(1, sigma)));
    },
  },
};
