// Shared by the glow tests: a bijector with its weights moved off their (identity-like) initial values.
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector } from '@bijective/core';

/** Adds N(0, σ²) noise to every trainable variable, so zero-initialised layers do something. @internal */
export function perturbed<B extends Bijector>(bijector: B, seed: number, std = 0.2): B {
  bijector.trainableVariables.forEach((v, i) =>
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, std, 'float32', seed * 101 + i)))),
  );
  return bijector;
}
