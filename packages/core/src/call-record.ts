import * as tf from '@tensorflow/tfjs-core';
import type { CallRecorder } from './bijector.js';

/** Counter names an ODE-based bijector reports per solve (continuous flows, `@bijective/cnf`). */
export const SOLVE_COUNTERS = {
  /** Vector-field evaluations of forward-in-the-call solves (the call's own integration). */
  nfeForward: 'nfeForward',
  /** Solves of the call's own integration. */
  solvesForward: 'solvesForward',
  /** Vector-field evaluations of the gradient's backward pass (adjoint solves or backpropagated evaluations). */
  nfeBackward: 'nfeBackward',
  /** Backward passes counted in `nfeBackward`. */
  solvesBackward: 'solvesBackward',
  /** Accepted solver steps. */
  stepsAccepted: 'stepsAccepted',
  /** Rejected solver steps (adaptive solvers). */
  stepsRejected: 'stepsRejected',
} as const;

/** Mean function evaluations per solve, from summed {@link SOLVE_COUNTERS}; absent where nothing was solved. */
export interface SolveTelemetry {
  /** Mean vector-field evaluations per forward solve. */
  nfeForward?: number;
  /** Mean vector-field evaluations per backward pass of a gradient. */
  nfeBackward?: number;
}

/** The per-solve means of counters summed over calls: NFE / solves for each side that ran. */
export function solveTelemetry(counters: Readonly<Record<string, number>>): SolveTelemetry {
  const mean = (nfe: string, solves: string): number | undefined => {
    const n = counters[solves] ?? 0;
    return n > 0 ? (counters[nfe] ?? 0) / n : undefined;
  };
  const forward = mean(SOLVE_COUNTERS.nfeForward, SOLVE_COUNTERS.solvesForward);
  const backward = mean(SOLVE_COUNTERS.nfeBackward, SOLVE_COUNTERS.solvesBackward);
  return {
    ...(forward !== undefined ? { nfeForward: forward } : {}),
    ...(backward !== undefined ? { nfeBackward: backward } : {}),
  };
}

/** Adds every counter of `from` into `into`. */
export function addCounters(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value;
}

/**
 * Collects what the calls of one training step report besides their results (passed as
 * `CallOptions.record`): numerical work counters such as {@link SOLVE_COUNTERS}, and penalties that
 * belong in the objective (RNODE's kinetic and Jacobian terms, Finlay et al. 2020). Counters may
 * still grow after the call returns: a gradient's backward pass reports its work when it runs.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { CallRecord, Flow, StandardNormal, create, solveTelemetry, useBackend } from '@bijective/core';
 * import '@bijective/cnf';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'ffjord', { eventShape: [2], hidden: [8], kinetic: 0.01, seed: 1 }));
 * const x = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
 * const record = new CallRecord();
 * const { value: loss, grads } = tf.variableGrads(
 *   () => record.penalise(tf.neg(tf.mean(flow.logProb(x, { training: true, record }))) as tf.Scalar),
 *   flow.trainableVariables as tf.Variable[],
 * );
 * console.log(loss.dataSync()[0], Object.keys(grads).length, solveTelemetry(record.counters)); // { nfeForward, nfeBackward } for an ODE flow
 * record.dispose();
 * ```
 */
export class CallRecord implements CallRecorder {
  private readonly totals: Record<string, number> = {};
  private readonly penalties: tf.Tensor[] = [];

  /** Adds named counters. */
  count(counters: Readonly<Record<string, number>>): void {
    addCounters(this.totals, counters);
  }

  /** Keeps a scalar penalty (differentiable) until {@link CallRecord.dispose}; {@link CallRecord.penalise} adds it to a loss. */
  addPenalty(penalty: tf.Scalar): void {
    this.penalties.push(tf.keep(penalty));
  }

  /** A copy of the counters summed so far. */
  get counters(): Record<string, number> {
    return { ...this.totals };
  }

  /** Number of penalties recorded. */
  get penaltyCount(): number {
    return this.penalties.length;
  }

  /** loss + Σ penalties (the loss itself when there are none). */
  penalise(loss: tf.Scalar): tf.Scalar {
    if (this.penalties.length === 0) return loss;
    return tf.addN([loss, ...this.penalties]) as tf.Scalar;
  }

  /** Frees the kept penalties. */
  dispose(): void {
    tf.dispose(this.penalties);
    this.penalties.length = 0;
  }
}
