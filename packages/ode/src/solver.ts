import type * as tf from '@tensorflow/tfjs-core';

/**
 * The right-hand side of dz/dt = f(t, z) on a tuple state (for example z with log-density and
 * regulariser accumulators): returns one derivative per state tensor, each of that tensor's shape.
 */
export type VectorField = (t: number, state: readonly tf.Tensor[]) => tf.Tensor[];

/** Work done by one solve: function evaluations and accepted/rejected steps. */
export interface SolveStats {
  /** Number of vector-field evaluations (NFE). */
  nfe: number;
  /** Steps taken. */
  accepted: number;
  /** Steps discarded by the error control (always 0 for fixed-step solvers). */
  rejected: number;
}

/** The outcome of a solve: the state at every requested time and the work it took. */
export interface SolveResult {
  /** `states[i]` is the state tuple at `times[i]`; `states[0]` is a copy of the initial state. Owned by the caller. */
  states: tf.Tensor[][];
  /** Work done by this solve. */
  stats: SolveStats;
}

/** Per-call options of {@link OdeSolver.solve}. */
export interface SolveOptions {
  /**
   * How many leading tensors of the state tuple the adaptive error control measures (default: all).
   * The others must be quadratures, integrals of functions of the measured state that do not feed
   * back into it (RNODE's regulariser accumulators): their accuracy does not steer the step size, as
   * in Finlay et al. (2020), who give them infinite tolerances. Fixed-step solvers ignore it.
   */
  errorControlled?: number;
}

/** An integrator of dz/dt = f(t, z) on batched tfjs tensors, created through the registry kind `odeSolver`. */
export interface OdeSolver {
  /** Registry name of the method. */
  readonly name: string;
  /** Order of accuracy p of the propagated solution: the global error is O(h^p). */
  readonly order: number;
  /**
   * Integrates from `times[0]` through each later time (strictly increasing, or strictly decreasing to
   * integrate backward) and returns the state at every one of them. Differentiable by backpropagation
   * through the solver's operations (discretise-then-optimise); see `solveAdjoint` for O(1) memory.
   */
  solve(
    f: VectorField,
    y0: readonly tf.Tensor[],
    times: readonly number[],
    options?: SolveOptions,
  ): SolveResult;
}

/** Options of the fixed-step solvers `euler`, `midpoint` and `rk4`; without either option the solver steps once per interval of the requested times (a fixed grid). */
export interface FixedStepOptions {
  /** Largest step: each interval between requested times is split into the fewest equal steps no longer than this. */
  step?: number;
  /** Number of equal steps in each interval between requested times. */
  steps?: number;
}

/**
 * Options of the adaptive `dopri5` solver: error control per Hairer, Nørsett & Wanner (1993, II.4)
 * with the weighted RMS norm of err / (atol + rtol · max(|y_n|, |y_n+1|)).
 */
export interface Dopri5Options {
  /** Relative tolerance, at least float32 epsilon (1.19e-7); default 1e-5. */
  rtol?: number;
  /** Absolute tolerance, positive; default 1e-5. */
  atol?: number;
  /** First step size (magnitude); default chosen automatically (Hairer, Nørsett & Wanner, II.4). */
  firstStep?: number;
  /** Safety factor in (0, 1) applied to the optimal step factor err^(-1/5); default 0.9. */
  safety?: number;
  /** Smallest factor a step may shrink by, in (0, 1); default 0.2. */
  minFactor?: number;
  /** Largest factor a step may grow by, above 1; default 10. */
  maxFactor?: number;
  /** Largest number of step attempts (accepted plus rejected) before the solve stops with an error; default 10000. */
  maxSteps?: number;
  /** Smallest step size before the solve stops with an error (0: only the float64 time-resolution floor); default 0. */
  minStep?: number;
}

/**
 * Options of every registered ODE solver, by registry name. Third parties add names by declaration
 * merging: `declare module '@bijective/ode' { interface OdeSolverOptionsMap { 'acme/heun': HeunOptions } }`.
 */
export interface OdeSolverOptionsMap {
  /** Forward Euler, order 1. */
  euler: FixedStepOptions;
  /** Explicit midpoint rule, order 2. */
  midpoint: FixedStepOptions;
  /** Classical Runge-Kutta, order 4. */
  rk4: FixedStepOptions;
  /** Dormand-Prince 5(4) with adaptive steps. */
  dopri5: Dopri5Options;
}

declare module '@bijective/core' {
  interface RegistryKinds {
    /** ODE solvers (`@bijective/ode`). */
    odeSolver: { options: OdeSolverOptionsMap; product: OdeSolver };
  }
}
