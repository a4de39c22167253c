/**
 * The side-effect-free entry of `@bijective/cnf`: the same exports as the package's main entry,
 * without registering anything; call {@link registerCnf} to register the `ffjord` flow by hand.
 * @module @bijective/cnf/pure
 */
export { Ffjord } from './ffjord.js';
export {
  FFJORD_DEFAULTS,
  FFJORD_KEYS,
  FFJORD_OPTIONS,
  DEFAULT_FIXED_STEPS,
  ffjordOptionsJson,
  resolveFfjordOptions,
  type FfjordOptions,
  type ResolvedFfjordOptions,
} from './options.js';
export { ConcatSquashField, type ConcatSquashFieldOptions } from './field.js';
export {
  solveCnf,
  squaredEndTime,
  type CnfSolveResult,
  type CnfSolveSpec,
  type EndTime,
  type GradientMethod,
  type LearnedEndTime,
} from './cnf-solve.js';
export {
  FIELD_ACTIVATIONS,
  elu,
  exp,
  sigmoid,
  softplus,
  swish,
  tanh,
  type FieldActivation,
  type FieldActivationName,
} from './activations.js';
export { solveOdeMap, type OdeMapOptions } from './ode-map.js';
export { registerCnf } from './register.js';
