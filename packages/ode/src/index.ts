/**
 * ODE solvers for dz/dt = f(t, z) on batched tfjs tensors with tuple states: fixed-step `euler`,
 * `midpoint`, `rk4` and adaptive `dopri5` (Dormand & Prince 1980), registered under the registry kind
 * `odeSolver`, with gradients by backpropagation through the solver or by the adjoint method
 * (Chen et al. 2018).
 * @module @bijective/ode
 */
import './register.js';

export type {
  VectorField,
  SolveStats,
  SolveResult,
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
