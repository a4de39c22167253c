/**
 * Planar and radial flows (Rezende & Mohamed 2015) with numerical inverses, and unnormalised target
 * densities for variational inference (registry kind `target`: u1..u4, banana, funnel,
 * logistic-regression), registered on import.
 * @module @bijective/planar
 */
import './register.js';
import './targets/register.js';

export { RootFindError } from './errors.js';
export {
  solveIncreasing,
  isSolveFailure,
  type SolveFailure,
  type SolveSettings,
  type ValueAndSlope,
} from './root-find.js';
export {
  DEFAULT_CONTEXT_HIDDEN,
  DEFAULT_STACK_LAYERS,
  resolveStackOptions,
  stackOptionsJson,
  type LayerStackOptions,
  type ResolvedStackOptions,
} from './stack-options.js';
export { LayerParameters, type LayerParameterSpec } from './layer-parameters.js';
export { LayerStack, hostParameter, type HostParameters, type LayerPieces } from './layer-stack.js';
export { Planar, type PlanarOptions } from './planar.js';
export { Radial, type RadialOptions } from './radial.js';
export * from './targets/index.js';
export { fullCovarianceGaussian } from './variational/gaussian.js';
