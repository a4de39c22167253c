/**
 * The side-effect-free entry of `@bijective/ode`: the same exports as the package's main entry,
 * without registering anything; call {@link registerOdeSolvers} to register by hand.
 * @module @bijective/ode/pure
 */
export type {
  VectorField,
  SolveStats,
  SolveResult,
  SolveOptions,
  OdeSolver,
  FixedStepOptions,
  Dopri5Options,
  OdeSolverOptionsMap,
} from './solver.js';
export { type ButcherTableau, EULER, MIDPOINT, RK4, DOPRI5 } from './tableau.js';
export { FixedStepSolver } from './fixed-step.js';
export { Dopri5Solver } from './dopri5.js';
export { OdeSolveError } from './errors.js';
export { solveAdjoint, type AdjointOptions, type AdjointSolveResult } from './adjoint.js';
export { registerOdeSolvers } from './register.js';
