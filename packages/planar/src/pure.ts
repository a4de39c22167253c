/**
 * The side-effect-free entry of `@bijective/planar`: the same exports as the main entry, without
 * registering anything; call {@link registerPlanar} to register by hand.
 * @module @bijective/planar/pure
 */
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
export { registerPlanar } from './register-all.js';
