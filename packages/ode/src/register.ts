/**
 * Registers the first-party ODE solvers under the registry kind `odeSolver`: `euler`, `midpoint`,
 * `rk4` (fixed step or fixed grid) and `dopri5` (adaptive). Skips names already registered, so that
 * two copies of this package in one process share the first one's entries.
 * @module
 */
import { isRegistered, register } from '@bijective/core';
import { Dopri5Solver } from './dopri5.js';
import { FixedStepSolver } from './fixed-step.js';
import { EULER, MIDPOINT, RK4 } from './tableau.js';

/** Registers the ODE solvers `euler`, `midpoint`, `rk4` and `dopri5` (idempotent). */
export function registerOdeSolvers(): void {
  if (!isRegistered('odeSolver', 'euler')) {
    register('odeSolver', 'euler', {
      description: 'forward Euler, order 1, fixed step (options: step | steps)',
      create: (options) => new FixedStepSolver('euler', EULER, options),
    });
  }
  if (!isRegistered('odeSolver', 'midpoint')) {
    register('odeSolver', 'midpoint', {
      description: 'explicit midpoint rule, order 2, fixed step (options: step | steps)',
      create: (options) => new FixedStepSolver('midpoint', MIDPOINT, options),
    });
  }
  if (!isRegistered('odeSolver', 'rk4')) {
    register('odeSolver', 'rk4', {
      description: 'classical Runge-Kutta, order 4, fixed step (options: step | steps)',
      create: (options) => new FixedStepSolver('rk4', RK4, options),
    });
  }
  if (!isRegistered('odeSolver', 'dopri5')) {
    register('odeSolver', 'dopri5', {
      description: 'Dormand-Prince 5(4), adaptive step with rtol/atol error control',
      create: (options) => new Dopri5Solver(options),
    });
  }
}
