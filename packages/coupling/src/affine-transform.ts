import * as tf from '@tensorflow/tfjs-core';
import type {
  Direction,
  ElementwiseTransform,
  TransformGradients,
  TransformResult,
} from './elementwise-transform.js';

/** Default bound c of RealNVP log-scales, s = c·tanh(ŝ/c) ∈ (-c, c): a factor of at most e² ≈ 7.4 per layer. */
export const DEFAULT_SCALE_BOUND = 2;

/**
 * RealNVP's affine map with a soft-bounded log-scale (Dinh et al. 2017): s = c·tanh(ŝ/c) (≈ ŝ for
 * |ŝ| ≪ c), forward y = x ⊙ exp(s) + t with log|det J| = Σ s, inverse x = (y - t) ⊙ exp(-s) with
 * -Σ s. The head ŝ arrives as ŝ/c (the 1/c is folded into its lift). Its gradients are written
 * out: with σ = s (forward) or -s (inverse) and e = exp(σ), ∂/∂u = g e,
 * ∂/∂σ = g ⊙ (value - t or value) + g_logdet, ∂σ/∂ŝ = ±(1 - tanh²).
 */
export function affineTransform(bound: number): ElementwiseTransform {
  return {
    heads: 2,
    headScales: [1 / bound, 1],
    hasLogDet: true,
    apply(direction: Direction, u: tf.Tensor2D, [sHatOverC, t]: tf.Tensor2D[]): TransformResult {
      const th = tf.tanh(sHatOverC as tf.Tensor2D);
      const logScale = tf.mul(th, direction === 'forward' ? bound : -bound);
      const e = tf.exp(logScale);
      const value = (
        direction === 'forward'
          ? tf.add(tf.mul(u, e), t as tf.Tensor2D)
          : tf.mul(tf.sub(u, t as tf.Tensor2D), e)
      ) as tf.Tensor2D;
      return { value, logDet: tf.sum(logScale, 1) as tf.Tensor1D, saved: [th, e, value] };
    },
    grad(
      direction: Direction,
      dValue: tf.Tensor2D,
      dLogDet: tf.Tensor2D | null,
      u: tf.Tensor2D,
      [th, e, value]: tf.Tensor[],
    ): TransformGradients {
      const du = tf.mul(dValue, e as tf.Tensor) as tf.Tensor2D;
      // forward: value - t = u e; inverse: value = (u - t) e.
      const scaled = direction === 'forward' ? tf.mul(u, e as tf.Tensor) : (value as tf.Tensor);
      const dLogScale = tf.add(tf.mul(dValue, scaled), dLogDet as tf.Tensor2D);
      const squared = tf.square(th as tf.Tensor);
      const slope = direction === 'forward' ? tf.sub(1, squared) : tf.sub(squared, 1);
      const dSHat = tf.mul(dLogScale, slope) as tf.Tensor2D;
      const dT = direction === 'forward' ? dValue : (tf.neg(du) as tf.Tensor2D);
      return { du, dHeads: [dSHat, dT] };
    },
  };
}
