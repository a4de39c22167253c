import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape } from './image-shape.js';

/** Bound of the prior's log scale: log σ = B·tanh(h / B). */
const LOG_SCALE_BOUND = 3;

/**
 * The class-conditional prior of a Glow latent (Kingma & Dhariwal 2018, §5: the top prior's mean
 * and log-scale from the one-hot class y): per channel, μ(y) = y M and log σ(y) = 3·tanh(y S / 3)
 * with M, S `[k, c]` zero-initialised, so the latent ε' of a level maps to the base side as
 * ε = (ε' − μ(y)) / σ(y), log|det| = −h·w·Σ_c log σ(y)_c. Applied after a learned split prior
 * (itself affine in the factored-out channels) it makes that prior class-conditional too. A context
 * row may be any vector of k values (one-hot for classes). @internal
 */
export class ContextPrior {
  /** Mean weights `[k, c]`. */
  readonly mean: tf.Variable;
  /** Log-scale weights `[k, c]` (before the bound). */
  readonly logScale: tf.Variable;

  /** A prior of a latent of `shape` from context rows of `contextSize` values. */
  constructor(
    readonly shape: ImageShape,
    contextSize: number,
  ) {
    this.mean = tf.tidy(() => tf.variable(tf.zeros([contextSize, shape[2]])));
    this.logScale = tf.tidy(() => tf.variable(tf.zeros([contextSize, shape[2]])));
  }

  /** Its variables in saving order. */
  get variables(): tf.Variable[] {
    return [this.mean, this.logScale];
  }

  /** μ(y) and the bounded log σ(y), each `[n, 1, 1, c]`. */
  private params(context: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor } {
    const c = this.shape[2];
    const y = tf.reshape(context, [context.shape[0] as number, -1]) as tf.Tensor2D;
    const raw = tf.matMul(y, this.logScale);
    return {
      mean: tf.reshape(tf.matMul(y, this.mean), [-1, 1, 1, c]),
      logStd: tf.reshape(tf.mul(tf.tanh(tf.div(raw, LOG_SCALE_BOUND)), LOG_SCALE_BOUND), [-1, 1, 1, c]),
    };
  }

  /** Density direction on a latent `[n, h, w, c]`: ε = (ε' − μ(y)) / σ(y) and log|det| `[n]`. */
  inverse(latent: tf.Tensor, context: tf.Tensor): { value: tf.Tensor; logDet: tf.Tensor } {
    const { mean, logStd } = this.params(context);
    const pixels = this.shape[0] * this.shape[1];
    return {
      value: tf.mul(tf.sub(latent, mean), tf.exp(tf.neg(logStd))),
      logDet: tf.mul(tf.sum(tf.reshape(logStd, [-1, this.shape[2]]), 1), -pixels),
    };
  }

  /** Sampling direction: ε' = μ(y) + σ(y) ε. */
  forward(eps: tf.Tensor, context: tf.Tensor): { value: tf.Tensor; logDet: tf.Tensor } {
    const { mean, logStd } = this.params(context);
    const pixels = this.shape[0] * this.shape[1];
    return {
      value: tf.add(tf.mul(eps, tf.exp(logStd)), mean),
      logDet: tf.mul(tf.sum(tf.reshape(logStd, [-1, this.shape[2]]), 1), pixels),
    };
  }

  /** Frees its variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
