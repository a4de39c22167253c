import * as tf from '@tensorflow/tfjs-core';
import type { ConcatSquashField } from '@bijective/cnf/pure';
import { SOLVE_COUNTERS, type CallRecorder, type ValueAndLogDet } from '@bijective/core';
import { OdeSolveError, type OdeSolver, type VectorField } from '@bijective/ode';
import type { BatchFunction, TraceEstimator } from '@bijective/trace';

/** A field as a weighted sum Σ_k w_k v(x, t, c_k) of one network at several contexts (classifier-free guidance). */
export interface GuidedField {
  /** The network v. */
  field: ConcatSquashField;
  /** The terms: weight w_k and the context rows c_k the field reads (undefined: unconditional). */
  terms: { weight: number; context: tf.Tensor2D | undefined }[];
}

/** How {@link guidedSolve} integrates. */
export interface GuidedSolveSpec {
  /** The ODE solver. */
  solver: OdeSolver;
  /** The trace estimator of a solve with the log-determinant (`exact`). */
  estimator: TraceEstimator;
  /** `forward`: t = 0 → 1 (noise → data); `inverse`: t = 1 → 0. */
  direction: 'forward' | 'inverse';
  /** Names the solve in errors. */
  owner: string;
  /** Receives the solve's counters. */
  record?: CallRecorder;
}

/**
 * Integrates dx/dt = Σ_k w_k v(x, t, c_k) over t ∈ [0, 1] in the spec's direction; with `withTrace`
 * also log|det| = ±∫ tr(∂/∂x Σ_k w_k v) dt by the estimator (exact: the basis probes), as one extra
 * state. Without the trace the solve costs the field's evaluations alone (sampling). Counters as
 * `solveCnf` reports them; a failed or non-finite solve is an `OdeSolveError` naming `owner`.
 * @internal
 */
export function guidedSolve(
  g: GuidedField,
  z0: tf.Tensor2D,
  spec: GuidedSolveSpec,
  withTrace: boolean,
): ValueAndLogDet {
  const n = z0.shape[0];
  const contextFor = (c: tf.Tensor2D | undefined, rows: number) =>
    c === undefined || rows === n ? c : (tf.tile(c, [rows / n, 1]) as tf.Tensor2D);
  const probe = withTrace ? spec.estimator.createProbe(z0.shape, 0) : null;
  const dynamics: VectorField = (s, state) => {
    const t = tf.scalar(s);
    const z = state[0] as tf.Tensor2D;
    const value = (x: tf.Tensor) => {
      const rows = x.shape[0] as number;
      const parts = g.terms.map(({ weight, context }) =>
        tf.mul(g.field.apply(x as tf.Tensor2D, t, contextFor(context, rows)), weight),
      );
      return parts.length === 1 ? (parts[0] as tf.Tensor) : tf.addN(parts);
    };
    if (probe === null) return [value(z)];
    const f: BatchFunction = Object.assign(value, {
      valueAndVjp: (x: tf.Tensor, e: tf.Tensor) => {
        const rows = x.shape[0] as number;
        const parts = g.terms.map(({ weight, context }) => {
          const r = g.field.valueAndVjp(x as tf.Tensor2D, t, e as tf.Tensor2D, contextFor(context, rows));
          return { value: tf.mul(r.value, weight), vjp: tf.mul(r.vjp, weight) };
        });
        return {
          value: tf.addN(parts.map((p) => p.value)),
          vjp: tf.addN(parts.map((p) => p.vjp)),
        };
      },
    });
    const result = spec.estimator.estimate(f, z, probe);
    return [result.value, result.trace];
  };
  const y0 = probe === null ? [z0] : [z0, tf.zeros([n])];
  const times = spec.direction === 'forward' ? [0, 1] : [1, 0];
  let end: tf.Tensor[];
  try {
    const result = spec.solver.solve(dynamics, y0, times);
    end = result.states[1] as tf.Tensor[];
    spec.record?.count({
      [SOLVE_COUNTERS.nfeForward]: result.stats.nfe,
      [SOLVE_COUNTERS.solvesForward]: 1,
      [SOLVE_COUNTERS.stepsAccepted]: result.stats.accepted,
      [SOLVE_COUNTERS.stepsRejected]: result.stats.rejected,
    });
    const finite = tf.tidy(() => tf.all(tf.isFinite(end[0] as tf.Tensor)).dataSync()[0]);
    if (!finite) {
      throw new OdeSolveError(
        `${spec.owner}: the state is not finite after ${result.stats.accepted} steps of ${spec.solver.name}; the vector field blew up (use dopri5 or more steps)`,
        spec.direction === 'forward' ? 1 : 0,
        { ...result.stats },
      );
    }
  } catch (e) {
    if (e instanceof OdeSolveError && !e.message.startsWith(spec.owner)) {
      throw new OdeSolveError(`${spec.owner} stopped at t = ${e.t}: ${e.message}`, e.t, e.stats);
    }
    throw e;
  } finally {
    probe?.dispose();
  }
  return { value: end[0] as tf.Tensor, logDet: (end[1] as tf.Tensor | undefined) ?? tf.zeros([n]) };
}
