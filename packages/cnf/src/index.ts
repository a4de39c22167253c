/**
 * Continuous normalizing flows for bijective: FFJORD (Grathwohl et al. 2019) on the ODE solvers of
 * `@bijective/ode` and the trace estimators of `@bijective/trace`, with RNODE regularisation (Finlay
 * et al. 2020), augmented dimensions (Dupont et al. 2019) and activations whose second-order
 * gradients are exact; registers the `ffjord` flow on import.
 * @module @bijective/cnf
 */
import './register.js';

export { Ffjord } from './ffjord.js';
export {
  FFJORD_DEFAULTS,
  FFJORD_KEYS,
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
