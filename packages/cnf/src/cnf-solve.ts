import * as tf from '@tensorflow/tfjs-core';
import { SOLVE_COUNTERS, type CallRecorder } from '@bijective/core';
import {
  OdeSolveError,
  solveAdjoint,
  type OdeSolver,
  type SolveStats,
  type VectorField,
} from '@bijective/ode';
import type { BatchFunction, TraceEstimator } from '@bijective/trace';
import { countBackward } from './backward-counter.js';
import type { ConcatSquashField } from './field.js';

/** How gradients flow through a solve: the adjoint method (O(1) memory) or backpropagation through the solver. */
export type GradientMethod = 'adjoint' | 'backprop';

/** A learned integration time: T as a differentiable scalar of its variables. */
export interface LearnedEndTime {
  /** The variables T is computed from (adjoint parameters). */
  readonly variables: readonly tf.Variable[];
  /** T as a scalar tensor (recorded on any open tape). */
  value(): tf.Scalar;
}

/** The integration time T: a fixed number, or learned. */
export type EndTime = number | LearnedEndTime;

/** One solve of the FFJORD system over s ∈ [0, 1] (t = s T). */
export interface CnfSolveSpec {
  /** The vector field f(z, t[, c]). */
  field: ConcatSquashField;
  /** The integration time T. */
  endTime: EndTime;
  /** The ODE solver. */
  solver: OdeSolver;
  /** How gradients flow. */
  gradient: GradientMethod;
  /** The trace estimator of this solve. */
  estimator: TraceEstimator;
  /** Seed of the estimator's probe, drawn once and held fixed for the whole solve (and its adjoint). */
  probeSeed: number;
  /** Conditioning rows `[n, c]`, or undefined. */
  context?: tf.Tensor2D;
  /** Carry RNODE's kinetic energy in the solver's frame, ∫₀¹‖dz/ds‖² ds = ∫₀¹‖T f‖² ds, as extra state. */
  kinetic: boolean;
  /**
   * Carry RNODE's Jacobian Frobenius norm in the solver's frame, ∫₀¹‖T ∂f/∂z‖²_F ds (estimated with
   * the same probe), as extra state.
   */
  jacobian: boolean;
  /** `forward` integrates t = 0 -> T (base -> data), `inverse` t = T -> 0 (data -> base). */
  direction: 'forward' | 'inverse';
  /** Names the solve in errors, e.g. `ffjord block 1 (inverse solve)`. */
  owner: string;
  /** Receives the solve's telemetry (forward NFE and steps now, backward NFE when the gradient runs). */
  record?: CallRecorder;
}

/** What a CNF solve returns (tensors owned by the caller). */
export interface CnfSolveResult {
  /** The state at the end of the solve, `[n, width]`. */
  z: tf.Tensor2D;
  /** log|det ∂z_end/∂z_start| per row: +∫ tr for the forward direction, −∫ tr for the inverse. */
  logDet: tf.Tensor1D;
  /** ∫₀¹ ‖T f‖² ds = T ∫₀ᵀ ‖f‖² dt per row, when carried. */
  kinetic?: tf.Tensor1D;
  /** ∫₀¹ ‖T ∂f/∂z‖²_F ds = T ∫₀ᵀ ‖∂f/∂z‖²_F dt per row (estimate), when carried. */
  jacobian?: tf.Tensor1D;
  /** Work of the forward solve. */
  stats: SolveStats;
}

/** T as a scalar tensor for one evaluation. */
function endTimeTensor(endTime: EndTime): tf.Scalar {
  return typeof endTime === 'number' ? tf.scalar(endTime) : endTime.value();
}

/** The current value of T on the host (for messages). */
function endTimeValue(endTime: EndTime): number {
  if (typeof endTime === 'number') return endTime;
  return tf.tidy(() => endTime.value().dataSync()[0] as number);
}

/**
 * A host copy of a tensor that each evaluation uploads again: the adjoint's backward solve calls the
 * field after the forward call's tensors are gone, so it must not hold any of them.
 */
function hostTensor(t: tf.Tensor): () => tf.Tensor {
  const data = t.dataSync().slice();
  const shape = [...t.shape];
  return () => tf.tensor(data, shape);
}

/**
 * Solves the FFJORD system (Grathwohl et al. 2019) for one block: d/ds [z, ℓ, k, j] =
 * [T f, tr(∂(T f)/∂z), ‖T f‖², ‖∂(T f)/∂z‖²_F] at t = s T, s from 0 to 1 (forward) or 1 to 0
 * (inverse), in one solve: the log-determinant and the RNODE regularisers (Finlay et al. 2020) ride
 * along as extra state. The regularisers are measured in the solver's frame s, on the dynamics
 * dz/ds = T f that the solver integrates: a learned T cannot lower them without changing what the
 * solver sees (in the t-frame both would fall as 1/T for the same solver-frame dynamics); at T = 1
 * they are Finlay et al.'s ∫‖f‖² dt and ∫‖∂f/∂z‖²_F dt. The trace estimator's probe is drawn once
 * per solve from `probeSeed` and held fixed (also through the adjoint's backward solve). Gradients reach the field's variables, T (when
 * learned) and the input, by backpropagation through the solver or by the adjoint method; with the
 * adjoint, no gradient reaches the context. A step-size guard or a non-finite result throws an
 * `OdeSolveError` naming `owner` and the time t reached. Call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createByName, useBackend } from '@bijective/core';
 * import { ConcatSquashField, solveCnf } from '@bijective/cnf';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const field = new ConcatSquashField({ stateSize: 2, hidden: [16], activation: 'tanh', contextSize: 0, zeroInitOutput: false, seed: 0 });
 * const x = tf.randomNormal([8, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
 * const { z, logDet, kinetic } = tf.tidy(() => {
 *   const result = solveCnf(
 *     { field, endTime: 0.5, solver: createByName('odeSolver', 'dopri5', {}), gradient: 'backprop',
 *       estimator: createByName('traceEstimator', 'exact', {}), probeSeed: 0, kinetic: true,
 *       jacobian: false, direction: 'inverse', owner: 'my cnf' },
 *     x,
 *   );
 *   return { z: result.z, logDet: result.logDet, kinetic: result.kinetic as tf.Tensor1D };
 * }); // log p(x) = log N(z; 0, I) + logDet
 * console.log(z.shape, logDet.arraySync(), kinetic.arraySync());
 * ```
 */
export function solveCnf(spec: CnfSolveSpec, z0: tf.Tensor2D): CnfSolveResult {
  const { field, endTime, estimator, record } = spec;
  const [n, width] = z0.shape;
  const adjoint = spec.gradient === 'adjoint';
  const probeTensor = estimator.createProbe([n, width], spec.probeSeed);
  const probe = adjoint ? hostTensor(probeTensor) : () => probeTensor;
  const context = spec.context;
  const contextOf = context === undefined ? () => undefined : adjoint ? hostTensor(context) : () => context;

  let forwardDone = false;
  let backwardCalls = 0;
  const countBackwardCall = () => {
    backwardCalls += 1;
    record?.count({
      [SOLVE_COUNTERS.nfeBackward]: 1,
      ...(backwardCalls === 1 ? { [SOLVE_COUNTERS.solvesBackward]: 1 } : {}),
    });
  };

  // Backpropagation records T once per solve; the adjoint's backward solve differentiates each
  // evaluation on its own tape, so there T is recomputed from its variables every time.
  const solveT = adjoint ? null : endTimeTensor(endTime);
  // Likewise the field's variables, packed once per backpropagated solve: each evaluation's parameter
  // gradient is then one tensor, accumulated with one add (not one per variable).
  const packed = adjoint || context !== undefined ? undefined : field.packedVariables();
  // The unconditional tanh field on the wasm kernels evaluates T f, its VJPs and their contraction
  // with the probes as one kernel (and one backward), which also counts its backward evaluations.
  const traceKernel = context === undefined && field.traceKernelAvailable();
  const dynamics: VectorField = (s, state) => {
    if (forwardDone && adjoint) countBackwardCall();
    const z = state[0] as tf.Tensor2D;
    const T = solveT ?? endTimeTensor(endTime);
    let time: tf.Scalar | undefined;
    const t = () => (time ??= tf.mul(T, s) as tf.Scalar);
    const c = contextOf() as tf.Tensor2D | undefined;
    // Estimators evaluate f on m stacked copies of the batch (probes along the batch): tile the context alike.
    const contextFor = (rows: number) =>
      c === undefined || rows === n ? c : (tf.tile(c, [rows / n, 1]) as tf.Tensor2D);
    const scaled = (r: { value: tf.Tensor; vjp: tf.Tensor }) => ({
      value: tf.mul(r.value, T),
      vjp: tf.mul(r.vjp, T),
    });
    let counted = false;
    const traceCall = (x: tf.Tensor, probes: tf.Tensor, weight: number, frobenius: boolean) => {
      counted = !adjoint;
      return field.scaledValueAndTrace(x as tf.Tensor2D, {
        probes,
        s,
        T,
        weight,
        frobenius,
        ...(packed ? { packed } : {}),
        ...(adjoint ? {} : { onBackward: countBackwardCall }),
      });
    };
    const g: BatchFunction = Object.assign(
      (x: tf.Tensor) => tf.mul(field.apply(x as tf.Tensor2D, t(), contextFor(x.shape[0] as number)), T),
      {
        valueAndVjp: (x: tf.Tensor, e: tf.Tensor) =>
          scaled(
            field.valueAndVjp(
              x as tf.Tensor2D,
              t(),
              e as tf.Tensor2D,
              contextFor(x.shape[0] as number),
              packed,
            ),
          ),
        // Several probes (the exact trace): f once, their VJPs stacked (unconditional fields).
        ...(c === undefined
          ? {
              valueAndVjps: (x: tf.Tensor, e: tf.Tensor) =>
                scaled(field.valueAndVjp(x as tf.Tensor2D, t(), e as tf.Tensor2D, undefined, packed)),
            }
          : {}),
        ...(traceKernel
          ? {
              valueAndTrace: (x: tf.Tensor, probes: tf.Tensor, weight: number) =>
                traceCall(x, probes, weight, false),
              // RNODE's Frobenius estimate from the kernel's own VJPs (one kernel, one backward).
              valueAndTraceFrobenius: (x: tf.Tensor, probes: tf.Tensor, weight: number) => {
                const r = traceCall(x, probes, weight, true);
                return { value: r.value, trace: r.trace, frobenius: r.frobenius as tf.Tensor1D };
              },
            }
          : {}),
      },
    );
    const result = estimator.estimate(g, z, probe(), { frobenius: spec.jacobian });
    const dz = adjoint || counted ? result.value : countBackward(result.value, countBackwardCall);
    const out: tf.Tensor[] = [dz, result.trace];
    // The penalties in the solver's frame: ‖dz/ds‖² and ‖∂(dz/ds)/∂z‖²_F, with dz/ds = T f.
    if (spec.kinetic) out.push(tf.sum(tf.square(result.value), 1));
    if (spec.jacobian) {
      if (!result.frobenius) {
        throw new OdeSolveError(
          `${spec.owner}: the trace estimator '${estimator.name}' gives no Jacobian Frobenius norm, which jacobianNorm needs`,
          s,
          { nfe: 0, accepted: 0, rejected: 0 },
        );
      }
      out.push(result.frobenius);
    }
    return out;
  };

  const zeros = () => tf.zeros([n]);
  const y0 = [z0, zeros(), ...(spec.kinetic ? [zeros()] : []), ...(spec.jacobian ? [zeros()] : [])];
  const times = spec.direction === 'forward' ? [0, 1] : [1, 0];
  // The regulariser accumulators are quadratures that do not feed back: only [z, log-det] steer an
  // adaptive solver's steps (as in Finlay et al. 2020), so RNODE does not add steps of its own.
  const controlled = { errorControlled: 2 };
  let end: tf.Tensor[];
  let stats: SolveStats;
  try {
    if (adjoint) {
      const params = [...field.variables, ...(typeof endTime === 'number' ? [] : endTime.variables)];
      const result = solveAdjoint(spec.solver, dynamics, y0, times, params, { forward: controlled });
      end = result.states[1] as tf.Tensor[];
      stats = result.stats;
    } else {
      const result = spec.solver.solve(dynamics, y0, times, controlled);
      end = result.states[1] as tf.Tensor[];
      stats = result.stats;
    }
  } catch (e) {
    if (e instanceof OdeSolveError) {
      const T = endTimeValue(endTime);
      throw new OdeSolveError(
        `${spec.owner} stopped at t = ${formatTime(e.t * T)} of [0, ${formatTime(T)}]: ${e.message}`,
        e.t * T,
        e.stats,
      );
    }
    throw e;
  } finally {
    probeTensor.dispose();
    solveT?.dispose();
    packed?.dispose();
  }
  forwardDone = true;
  record?.count({
    [SOLVE_COUNTERS.nfeForward]: stats.nfe,
    [SOLVE_COUNTERS.solvesForward]: 1,
    [SOLVE_COUNTERS.stepsAccepted]: stats.accepted,
    [SOLVE_COUNTERS.stepsRejected]: stats.rejected,
  });
  checkFiniteEnd(spec, end[0] as tf.Tensor, stats);
  // Accumulators start at 0; integrated from s = 1 to 0 they hold −∫, so the regularisers flip sign.
  const sign = spec.direction === 'forward' ? 1 : -1;
  let next = 2;
  const take = (on: boolean) => (on ? (tf.mul(end[next++] as tf.Tensor, sign) as tf.Tensor1D) : undefined);
  const kinetic = take(spec.kinetic);
  const jacobian = take(spec.jacobian);
  return {
    z: end[0] as tf.Tensor2D,
    logDet: end[1] as tf.Tensor1D,
    ...(kinetic ? { kinetic } : {}),
    ...(jacobian ? { jacobian } : {}),
    stats,
  };
}

/** A learned integration time T = s² from its variable s (FFJORD's parametrisation). */
export function squaredEndTime(sqrtTime: tf.Variable): LearnedEndTime {
  return { variables: [sqrtTime], value: () => tf.square(sqrtTime) as tf.Scalar };
}

function formatTime(t: number): string {
  return Number(t.toPrecision(6)).toString();
}

/** Throws an OdeSolveError when the solve ended with NaN or ±Inf in the state (a fixed-step solver can get there). */
function checkFiniteEnd(spec: CnfSolveSpec, z: tf.Tensor, stats: SolveStats): void {
  const finite = tf.tidy(() => tf.all(tf.isFinite(z)).dataSync()[0]);
  if (finite) return;
  const T = endTimeValue(spec.endTime);
  const reached = spec.direction === 'forward' ? T : 0;
  throw new OdeSolveError(
    `${spec.owner}: the state is not finite at t = ${formatTime(reached)} after ${stats.accepted} steps of ${spec.solver.name}; the vector field blew up (use an adaptive solver such as dopri5, more steps, or a lower learning rate)`,
    reached,
    { ...stats },
  );
}
