/**
 * Neural spline flows for bijective: the monotonic rational-quadratic spline, its coupling and
 * autoregressive (MADE) layers and the `nsf` flow of either kind (Durkan et al. 2019), registered on import.
 * @module @bijective/spline
 */
import './register.js';

export {
  DEFAULT_BOUND,
  rationalQuadraticSpline,
  type SplineOptions,
  type SplineResult,
} from './rational-quadratic.js';
export {
  DEFAULT_MIN_BIN_SIZE,
  DEFAULT_MIN_DERIVATIVE,
  binEdges,
  identityDerivativeLogit,
  knotDerivatives,
  type BinEdges,
  type KnotDerivatives,
} from './parameters.js';
export { binMask, selectBin } from './bin-search.js';
export { splineTransform, type SplineTransformOptions } from './spline-transform.js';
export { DEFAULT_BINS, DEFAULT_SPLINE_HIDDEN } from './options.js';
export { SPLINE_COUPLING_KEYS, SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';
export {
  SPLINE_AUTOREGRESSIVE_KEYS,
  SplineAutoregressive,
  SplineAutoregressiveStack,
  resolveSplineAutoregressive,
  splineAutoregressiveConfig,
  splineAutoregressiveSetup,
  type SplineAutoregressiveOptions,
  type SplineAutoregressiveSettings,
} from './spline-autoregressive.js';
export { NSF, NSF_DEFAULT_LAYERS, type NSFOptions, type NSFTransform } from './nsf.js';
