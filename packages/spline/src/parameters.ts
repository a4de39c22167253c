import * as tf from '@tensorflow/tfjs-core';
import { matMulExplicit } from '@bijective/core';
import { indicatorMatrix, unitRow } from './constants.js';

/** Default smallest bin width and height, as a fraction of the interval [-B, B] (Durkan et al. 2019). */
export const DEFAULT_MIN_BIN_SIZE = 1e-3;

/** Default smallest knot derivative δ_min (Durkan et al. 2019). */
export const DEFAULT_MIN_DERIVATIVE = 1e-3;

/** The spline's knots on one axis for a batch of N elements with K bins: left knots and bin sizes, `[N, K]` each. */
export interface BinEdges {
  /** Left knot of each bin, -B + 2B·Σ_{i<k} w_i. */
  left: tf.Tensor2D;
  /** Size of each bin, 2B·w_k. */
  size: tf.Tensor2D;
  /** The K - 1 interior knots, `[N, K - 1]`, for the bin search. */
  interior: tf.Tensor2D;
}

/**
 * Bin edges from unnormalised logits u `[N, K]`: w = m + (1 - K·m)·softmax(u), knots -B + 2B·cumsum(w)
 * (cumulative sums as products with constant triangular matrices: no cumsum, slice or gather).
 */
export function binEdges(logits: tf.Tensor2D, bound: number, minSize: number): BinEdges {
  const k = logits.shape[1];
  const fractions = tf.add(minSize, tf.mul(1 - k * minSize, tf.softmax(logits))) as tf.Tensor2D;
  const span = 2 * bound;
  const cumulative = (m: tf.Tensor2D) =>
    tf.add(-bound, tf.mul(span, matMulExplicit(fractions, m))) as tf.Tensor2D;
  return {
    left: cumulative(indicatorMatrix(k, k, (i, j) => i < j)),
    size: tf.mul(span, fractions) as tf.Tensor2D,
    interior: cumulative(indicatorMatrix(k, k - 1, (i, j) => i <= j)),
  };
}

/** The derivatives at both ends of each bin, `[N, K]` each. */
export interface KnotDerivatives {
  /** δ_k at the bin's left knot. */
  left: tf.Tensor2D;
  /** δ_{k+1} at the bin's right knot. */
  right: tf.Tensor2D;
}

/**
 * Knot derivatives from unnormalised u `[N, K - 1]`: interior δ = δ_min + softplus(u) and δ_0 = δ_K = 1
 * at the boundaries, matching the identity tails (Durkan et al. 2019, §3.1).
 */
export function knotDerivatives(unnormalised: tf.Tensor2D, minDerivative: number): KnotDerivatives {
  const k = unnormalised.shape[1] + 1;
  const interior = tf.add(minDerivative, tf.softplus(unnormalised)) as tf.Tensor2D;
  return {
    left: tf.add(
      matMulExplicit(
        interior,
        indicatorMatrix(k - 1, k, (i, j) => j === i + 1),
      ),
      unitRow(k, 0),
    ),
    right: tf.add(
      matMulExplicit(
        interior,
        indicatorMatrix(k - 1, k, (i, j) => j === i),
      ),
      unitRow(k, k - 1),
    ),
  };
}

/** The unnormalised derivative u0 = log(e^{1-δ_min} - 1) with δ_min + softplus(u0) = 1 (a zero network output then gives the identity). */
export function identityDerivativeLogit(minDerivative: number): number {
  return Math.log(Math.expm1(1 - minDerivative));
}
