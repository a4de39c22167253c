import type * as tf from '@tensorflow/tfjs-core';
import { OptionError, ShapeError, defineOptions, formatShape, option } from '@bijective/core';
import type { Direction, ElementwiseTransform } from '@bijective/engine';
import { cacheHeads, type SplineSettings } from './host-spline.js';
import { SPLINE_OPTIONS } from './options.js';
import { DEFAULT_MIN_BIN_SIZE, DEFAULT_MIN_DERIVATIVE } from './parameters.js';
import { splineApplyKernel, splineGradKernel, type SplineKernelAttrs } from './spline-kernels.js';

/** Options of {@link splineTransform}. */
export interface SplineTransformOptions {
  /** Number of bins K (integer >= 2); default 8. */
  bins?: number;
  /** Half-width B of the interval [-B, B] the bins cover (identity outside); default 3. */
  bound?: number;
  /** Smallest bin width and height as a fraction of 2B (K times it below 1); default 1e-3. */
  minBinSize?: number;
  /** Smallest interior knot derivative δ_min, in (0, 1); default 1e-3. */
  minDerivative?: number;
}

const OWNER = 'splineTransform';

/**
 * The options of {@link splineTransform}, declared once.
 * @internal
 */
export const SPLINE_TRANSFORM_OPTIONS = defineOptions(OWNER, {
  bins: SPLINE_OPTIONS.bins,
  bound: SPLINE_OPTIONS.bound,
  minBinSize: option.number({ default: DEFAULT_MIN_BIN_SIZE, atLeast: 0 }),
  minDerivative: option.number({ default: DEFAULT_MIN_DERIVATIVE, above: 0 }),
});

function readSettings(options: SplineTransformOptions): SplineSettings {
  const { bins, bound, minBinSize, minDerivative } = SPLINE_TRANSFORM_OPTIONS.read(options);
  if (!(bins * minBinSize < 1))
    throw new OptionError(
      `${OWNER}: option 'minBinSize' must keep bins·minBinSize below 1, got ${minBinSize} for ${bins} bins`,
    );
  if (!(minDerivative < 1))
    throw new OptionError(
      `${OWNER}: option 'minDerivative' must be below 1 (raw 0 gives derivative 1), got ${minDerivative}`,
    );
  return { bins, bound, minBinSize, minDerivative };
}

function checkShapes(heads: number, u: tf.Tensor, raw: tf.Tensor, columns: readonly number[]): void {
  const [n, d] = u.shape as number[];
  if (u.rank !== 2) throw new ShapeError(`${OWNER}: u must be [n, d], got ${formatShape(u.shape)}`);
  const seen = new Set<number>();
  for (const c of columns) {
    if (!(Number.isInteger(c) && c >= 0 && c < (d as number)) || seen.has(c))
      throw new ShapeError(`${OWNER}: columns must be distinct integers in [0, ${d}), got [${columns}]`);
    seen.add(c);
  }
  const want = [n as number, heads * columns.length];
  if (raw.rank !== 2 || raw.shape[0] !== want[0] || raw.shape[1] !== want[1])
    throw new ShapeError(
      `${OWNER}: raw parameters must have shape ${formatShape(want)} (heads·|B|), got ${formatShape(raw.shape)}`,
    );
}

function checkCache(bins: number, u: tf.Tensor, cache: tf.Tensor, columns: readonly number[]): void {
  const want = [u.shape[0] as number, cacheHeads(bins) * columns.length];
  if (cache.rank !== 2 || cache.shape[0] !== want[0] || cache.shape[1] !== want[1])
    throw new ShapeError(
      `${OWNER}: the cache must have shape ${formatShape(want)}, got ${formatShape(cache.shape)}`,
    );
}

/**
 * The monotonic rational-quadratic spline (Durkan et al. 2019, "Neural Spline Flows") as an
 * {@link ElementwiseTransform} with 3K - 1 heads per column (K width logits, K height logits, K - 1
 * derivative logits): knots -B + 2B·cumsum(m + (1 - K·m)·softmax), interior derivatives
 * δ_min + softplus(u + u₀) with u₀ = log(e^{1-δ_min} - 1) (raw = 0 is the identity), boundary
 * derivatives 1, identity tails outside [-B, B]. `apply` and `grad` are one host kernel each; `apply`
 * can cache each element's softmaxes, bin and θ for `grad` (float32, `[n, (2K + 7)·|B|]`). On an
 * ordinary gradient tape, wrap the transform in core's `TransformOp`.
 * Throws an OptionError on bad options, a ShapeError on mismatched tensors or columns.
 */
export function splineTransform(options: SplineTransformOptions = {}): ElementwiseTransform {
  const settings = readSettings(options);
  const heads = 3 * settings.bins - 1;
  const attrs = (direction: Direction, columns: readonly number[], cache: boolean): SplineKernelAttrs => ({
    ...settings,
    columns: [...columns],
    inverse: direction === 'inverse',
    cache,
  });
  return {
    heads,
    hasLogDet: true,
    apply(direction, u, raw, columns, withCache = false) {
      checkShapes(heads, u, raw, columns);
      const [value, logDet, cache] = splineApplyKernel([u, raw], attrs(direction, columns, withCache));
      return { value: value as tf.Tensor2D, logDet: logDet as tf.Tensor1D, ...(cache ? { cache } : {}) };
    },
    host(direction, columns, shape, u, raw, value, logDet) {
      const rawShape = [shape[0], heads * columns.length];
      splineApplyKernel.run(
        [u, raw],
        [value, logDet as Float32Array],
        [shape, rawShape],
        attrs(direction, columns, false),
      );
    },
    grad(direction, u, raw, columns, dValue, dLogDet, cache) {
      checkShapes(heads, u, raw, columns);
      if (cache) checkCache(settings.bins, u, cache, columns);
      const inputs = [u, raw, dValue, ...(cache ? [cache] : []), ...(dLogDet ? [dLogDet] : [])];
      const [du, dRaw, dRawSums] = splineGradKernel(inputs, attrs(direction, columns, cache !== undefined));
      return { du: du as tf.Tensor2D, dRaw: dRaw as tf.Tensor2D, dRawSums: dRawSums as tf.Tensor1D };
    },
  };
}
