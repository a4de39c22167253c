import * as tf from '@tensorflow/tfjs-core';

/**
 * log(2π)/2, the per-dimension constant of the Gaussian log-density.
 * @internal
 */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Elementwise log N(x; loc, exp(logScale)²) = -((x-loc)/σ)²/2 - log σ - log(2π)/2.
 * @internal
 */
export function gaussianLogDensity(x: tf.Tensor, loc: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
  const standardised = tf.mul(tf.sub(x, loc), tf.exp(tf.neg(logScale)));
  return tf.sub(tf.sub(tf.mul(-0.5, tf.square(standardised)), logScale), HALF_LOG_TWO_PI);
}
