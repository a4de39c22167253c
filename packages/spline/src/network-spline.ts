import * as tf from '@tensorflow/tfjs-core';
import { matMulExplicit } from '@bijective/core';
import { indicatorMatrix } from './constants.js';
import { DEFAULT_MIN_DERIVATIVE, identityDerivativeLogit } from './parameters.js';
import { rationalQuadraticSpline, type SplineResult } from './rational-quadratic.js';

/**
 * Applies the rational-quadratic spline to `x` `[m]` with parameters read from a network's raw
 * output `[m, 3K - 1]`: K width logits, K height logits, then K - 1 derivative logits shifted so
 * that an all-zero output is the identity. Columns are picked with constant 0/1 products (no
 * slices on the gradient path).
 */
export function splineFromNetwork(
  x: tf.Tensor1D,
  raw: tf.Tensor2D,
  bins: number,
  bound: number,
  inverse: boolean,
): SplineResult {
  const width = 3 * bins - 1;
  const pick = (from: number, count: number) =>
    matMulExplicit(
      raw,
      indicatorMatrix(width, count, (i, j) => i === from + j),
    );
  const derivatives = tf.add(pick(2 * bins, bins - 1), identityDerivativeLogit(DEFAULT_MIN_DERIVATIVE));
  return rationalQuadraticSpline(x, pick(0, bins), pick(bins, bins), derivatives, { bound, inverse });
}
