import * as tf from '@tensorflow/tfjs-core';
import { OptionError, ShapeError, formatShape } from '@bijective/core';
import { binMask, selectBin } from './bin-search.js';
import { DEFAULT_MIN_BIN_SIZE, DEFAULT_MIN_DERIVATIVE, binEdges, knotDerivatives } from './parameters.js';

/** Default half-width B of the spline's interval [-B, B]. */
export const DEFAULT_BOUND = 3;

/** Options of {@link rationalQuadraticSpline}. */
export interface SplineOptions {
  /** Half-width B of the interval [-B, B] the K bins cover (identity outside); default 3. */
  bound?: number;
  /** Compute the inverse map x = g^{-1}(y) instead of y = g(x); default false. */
  inverse?: boolean;
  /** Smallest bin width and height as a fraction of 2B; default 1e-3 (K times it must stay below 1). */
  minBinSize?: number;
  /** Smallest interior knot derivative; default 1e-3. */
  minDerivative?: number;
}

/** The elementwise result: mapped values and the log-derivative of the computed direction, both shaped like the input. */
export interface SplineResult {
  /** g(x), or g^{-1}(y) for the inverse. */
  value: tf.Tensor;
  /** log|dg/dx| at x, or log|dg^{-1}/dy| = -log|dg/dx| at x = g^{-1}(y) for the inverse. */
  logDet: tf.Tensor;
}

/** One bin's parameters per element, `[N, 1]` each. */
interface Bin {
  x: tf.Tensor; // left knot x_k
  w: tf.Tensor; // width
  y: tf.Tensor; // left knot y_k
  h: tf.Tensor; // height
  d0: tf.Tensor; // derivative at the left knot
  d1: tf.Tensor; // derivative at the right knot
}

function checkShapes(x: tf.Tensor, widths: tf.Tensor, heights: tf.Tensor, derivatives: tf.Tensor): number {
  const k = widths.shape[widths.rank - 1] ?? 0;
  const expect = (t: tf.Tensor, last: number, what: string) => {
    const want = [...x.shape, last];
    if (t.rank !== want.length || !t.shape.every((s, i) => s === want[i])) {
      throw new ShapeError(
        `rationalQuadraticSpline: ${what} must have shape ${formatShape(want)}, got ${formatShape(t.shape)}`,
      );
    }
  };
  if (k < 2) throw new ShapeError(`rationalQuadraticSpline: needs at least 2 bins, got ${k}`);
  expect(widths, k, 'widths');
  expect(heights, k, 'heights');
  expect(derivatives, k - 1, 'derivatives');
  return k;
}

function readOptions(options: SplineOptions, k: number): Required<SplineOptions> {
  const bound = options.bound ?? DEFAULT_BOUND;
  const minBinSize = options.minBinSize ?? DEFAULT_MIN_BIN_SIZE;
  const minDerivative = options.minDerivative ?? DEFAULT_MIN_DERIVATIVE;
  if (!(Number.isFinite(bound) && bound > 0)) {
    throw new OptionError(
      `rationalQuadraticSpline: option 'bound' must be a finite number > 0, got ${bound}`,
    );
  }
  if (!(minBinSize >= 0 && k * minBinSize < 1)) {
    throw new OptionError(
      `rationalQuadraticSpline: option 'minBinSize' must be >= 0 with bins·minBinSize < 1, got ${minBinSize} for ${k} bins`,
    );
  }
  if (!(Number.isFinite(minDerivative) && minDerivative > 0)) {
    throw new OptionError(
      `rationalQuadraticSpline: option 'minDerivative' must be a finite number > 0, got ${minDerivative}`,
    );
  }
  return { bound, inverse: options.inverse ?? false, minBinSize, minDerivative };
}

/** The position θ ∈ [0, 1] in the bin of y, from the stable root θ = 2c / (-b - √(b² - 4ac)) of the spline's quadratic. */
function inverseTheta(bin: Bin, s: tf.Tensor, value: tf.Tensor): tf.Tensor {
  const eta = tf.sub(value, bin.y);
  const curvature = tf.sub(tf.add(bin.d1, bin.d0), tf.mul(2, s));
  const a = tf.add(tf.mul(bin.h, tf.sub(s, bin.d0)), tf.mul(eta, curvature));
  const b = tf.sub(tf.mul(bin.h, bin.d0), tf.mul(eta, curvature));
  const c = tf.neg(tf.mul(s, eta));
  // The discriminant is clamped just above 0 (rounding can make it negative; √ needs a finite gradient).
  const discriminant = tf.maximum(tf.sub(tf.square(b), tf.mul(4, tf.mul(a, c))), 1e-30);
  const denominator = tf.minimum(tf.sub(tf.neg(b), tf.sqrt(discriminant)), -1e-30);
  return tf.clipByValue(tf.div(tf.mul(2, c), denominator), 0, 1);
}

/**
 * Monotonic rational-quadratic spline (Durkan et al. 2019, "Neural Spline Flows") applied elementwise:
 * with s = h_k/w_k and θ = (x - x_k)/w_k in bin k, g(x) = y_k + h_k(sθ² + δ_kθ(1-θ)) / (s + (δ_{k+1} + δ_k - 2s)θ(1-θ))
 * on [-B, B] and the identity outside. `widths`/`heights` `[...x.shape, K]` are softmax logits
 * (w = m + (1 - K·m)·softmax), `derivatives` `[...x.shape, K - 1]` the interior knots' δ = δ_min + softplus(u),
 * boundary derivatives 1. The bin is found by a detached step-function mask, so gradients reach the parameters on every backend.
 */
export function rationalQuadraticSpline(
  x: tf.Tensor,
  widths: tf.Tensor,
  heights: tf.Tensor,
  derivatives: tf.Tensor,
  options: SplineOptions = {},
): SplineResult {
  const k = checkShapes(x, widths, heights, derivatives);
  const { bound, inverse, minBinSize, minDerivative } = readOptions(options, k);
  return tf.tidy(() => {
    const n = x.size;
    const input = tf.reshape(x, [n, 1]) as tf.Tensor2D;
    const xs = binEdges(tf.reshape(widths, [n, k]), bound, minBinSize);
    const ys = binEdges(tf.reshape(heights, [n, k]), bound, minBinSize);
    const ds = knotDerivatives(tf.reshape(derivatives, [n, k - 1]), minDerivative);
    const inside = tf.sub(1, tf.step(tf.sub(tf.abs(input), bound)));
    const clamped = tf.clipByValue(input, -bound, bound) as tf.Tensor2D;
    const mask = binMask(clamped, inverse ? ys.interior : xs.interior);
    const bin: Bin = {
      x: selectBin(mask, xs.left),
      w: selectBin(mask, xs.size),
      y: selectBin(mask, ys.left),
      h: selectBin(mask, ys.size),
      d0: selectBin(mask, ds.left),
      d1: selectBin(mask, ds.right),
    };
    const s = tf.div(bin.h, bin.w);
    const theta = inverse
      ? inverseTheta(bin, s, clamped)
      : tf.clipByValue(tf.div(tf.sub(clamped, bin.x), bin.w), 0, 1);
    const oneMinus = tf.sub(1, theta);
    const mixed = tf.mul(theta, oneMinus);
    const denominator = tf.add(s, tf.mul(tf.sub(tf.add(bin.d1, bin.d0), tf.mul(2, s)), mixed));
    const slope = tf.add(
      tf.add(tf.mul(bin.d1, tf.square(theta)), tf.mul(tf.mul(2, s), mixed)),
      tf.mul(bin.d0, tf.square(oneMinus)),
    );
    const logSlope = tf.sub(tf.add(tf.mul(2, tf.log(s)), tf.log(slope)), tf.mul(2, tf.log(denominator)));
    const splineValue = inverse
      ? tf.add(bin.x, tf.mul(theta, bin.w))
      : tf.add(
          bin.y,
          tf.div(tf.mul(bin.h, tf.add(tf.mul(s, tf.square(theta)), tf.mul(bin.d0, mixed))), denominator),
        );
    const value = tf.add(tf.mul(inside, splineValue), tf.mul(tf.sub(1, inside), input));
    const logDet = tf.mul(inverse ? tf.neg(inside) : inside, logSlope);
    return { value: tf.reshape(value, x.shape), logDet: tf.reshape(logDet, x.shape) };
  });
}
