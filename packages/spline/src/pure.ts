/**
 * The side-effect-free entry of `@bijective/spline`: the same exports as the package's main entry,
 * without registering anything; call {@link registerSpline} to register by hand.
 * @module @bijective/spline/pure
 */
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
export { DEFAULT_BINS } from './options.js';
export { SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';
export {
  SplineAutoregressive,
  SplineAutoregressiveStack,
  splineAutoregressiveConfig,
  splineAutoregressiveSetup,
  type SplineAutoregressiveOptions,
  type SplineAutoregressiveSettings,
} from './spline-autoregressive.js';
export { NSF, NSF_DEFAULT_LAYERS, type NSFOptions, type NSFTransform } from './nsf.js';
export { registerSpline } from './register.js';
