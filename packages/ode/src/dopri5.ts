import * as tf from '@tensorflow/tfjs-core';
import { checkInitialState, checkTimes, instrumentField } from './checks.js';
import { ValueError } from '@bijective/core';
import { OdeSolveError } from './errors.js';
import { checkOptionKeys, numberOption } from './options.js';
import { rkStep } from './rk-step.js';
import type {
  Dopri5Options,
  OdeSolver,
  SolveOptions,
  SolveResult,
  SolveStats,
  VectorField,
} from './solver.js';
import { initialStep, stepFactor, type StepControl } from './step-control.js';
import { DOPRI5 } from './tableau.js';
import { cloneAll, errorScale, scaledRmsNorm, takeScalar } from './tuple.js';

const FLOAT32_EPSILON = 2 ** -23;
const OPTION_KEYS = ['rtol', 'atol', 'firstStep', 'safety', 'minFactor', 'maxFactor', 'maxSteps', 'minStep'];

/**
 * Dormand & Prince (1980) 5(4) with adaptive steps: the fifth-order solution is propagated, the
 * embedded fourth-order one estimates the local error, and the step size follows the controller of
 * Hairer, Nørsett & Wanner (1993, II.4). Requested times are reached by shortening the step onto
 * them (no interpolation). Accept/reject decisions run on the host, one scalar read per step.
 */
export class Dopri5Solver implements OdeSolver {
  /** Registry name. */
  readonly name = 'dopri5';
  /** Order of the propagated solution. */
  readonly order = 5;
  private readonly control: StepControl;
  private readonly firstStep: number | undefined;
  private readonly maxSteps: number;
  private readonly minStep: number;

  /** Creates the solver; throws an `OptionError` (from `@bijective/core`) naming any bad option. */
  constructor(options: Dopri5Options = {}) {
    const o = checkOptionKeys(options, OPTION_KEYS, this.name);
    this.control = {
      rtol: numberOption(o, 'rtol', this.name, { min: FLOAT32_EPSILON, max: 1, maxOpen: true }) ?? 1e-5,
      atol: numberOption(o, 'atol', this.name, { min: 0, minOpen: true }) ?? 1e-5,
      safety: numberOption(o, 'safety', this.name, { min: 0, max: 1, minOpen: true, maxOpen: true }) ?? 0.9,
      minFactor:
        numberOption(o, 'minFactor', this.name, { min: 0, max: 1, minOpen: true, maxOpen: true }) ?? 0.2,
      maxFactor: numberOption(o, 'maxFactor', this.name, { min: 1, minOpen: true }) ?? 10,
    };
    this.firstStep = numberOption(o, 'firstStep', this.name, { min: 0, minOpen: true });
    this.maxSteps = numberOption(o, 'maxSteps', this.name, { min: 1, integer: true }) ?? 10000;
    this.minStep = numberOption(o, 'minStep', this.name, { min: 0 }) ?? 0;
  }

  /** Integrates adaptively through every requested time; see {@link OdeSolver.solve}. */
  solve(
    f: VectorField,
    y0: readonly tf.Tensor[],
    times: readonly number[],
    options: SolveOptions = {},
  ): SolveResult {
    const direction = checkTimes(times, this.name);
    checkInitialState(y0, this.name);
    const controlled = errorControlledCount(options, y0.length, this.name);
    const measured = (ts: readonly tf.Tensor[]) => (controlled === ts.length ? ts : ts.slice(0, controlled));
    const stats: SolveStats = { nfe: 0, accepted: 0, rejected: 0 };
    const field = instrumentField(f, y0, stats, this.name);
    const t0 = times[0] as number;
    const tEnd = times[times.length - 1] as number;
    const span = Math.abs(tEnd - t0);
    const states: tf.Tensor[][] = [cloneAll(y0)];
    let y: tf.Tensor[] = cloneAll(y0);
    let k1: tf.Tensor[] = [];
    try {
      k1 = tf.tidy(() => field(t0, y));
      let h =
        this.firstStep ??
        initialStep(field, t0, y, k1, direction, span, this.order, this.control, controlled);
      let t = t0;
      for (let i = 1; i < times.length; i++) {
        const tOut = times[i] as number;
        while ((tOut - t) * direction > 0) {
          this.checkBudget(t, h, t0, tEnd, stats);
          const remaining = Math.abs(tOut - t);
          const clipped = h >= remaining;
          const hStep = clipped ? remaining : h > remaining / 2 ? remaining / 2 : h;
          const trial = tf.tidy(() => {
            const step = rkStep(field, DOPRI5, t, direction * hStep, y, k1);
            const scale = errorScale(measured(y), measured(step.y1), this.control.rtol, this.control.atol);
            const err = scaledRmsNorm(measured(step.error as tf.Tensor[]), scale);
            return { y1: step.y1, k: step.ks[step.ks.length - 1] as tf.Tensor[], err };
          });
          const err = takeScalar(trial.err);
          const factor = stepFactor(err, 4, this.control);
          if (err <= 1) {
            tf.dispose([y, k1]);
            y = trial.y1;
            k1 = trial.k;
            t = clipped ? tOut : t + direction * hStep;
            stats.accepted++;
            h = clipped ? Math.max(h, hStep * factor) : hStep * factor;
          } else {
            tf.dispose([trial.y1, trial.k]);
            stats.rejected++;
            h = hStep * factor;
          }
        }
        states.push(cloneAll(y));
      }
    } catch (e) {
      tf.dispose(states);
      throw e;
    } finally {
      tf.dispose([y, k1]);
    }
    return { states, stats };
  }

  private checkBudget(t: number, h: number, t0: number, tEnd: number, stats: SolveStats): void {
    const at = `at t = ${t} of [${t0}, ${tEnd}] after ${stats.accepted} accepted and ${stats.rejected} rejected steps`;
    if (stats.accepted + stats.rejected >= this.maxSteps) {
      throw new OdeSolveError(
        `dopri5: reached maxSteps = ${this.maxSteps} ${at}; the problem may be stiff or the tolerances (rtol ${this.control.rtol}, atol ${this.control.atol}) too tight for float32: raise maxSteps, loosen the tolerances or use a fixed-step solver`,
        t,
        { ...stats },
      );
    }
    const floor = Math.max(
      this.minStep,
      64 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(t0), Math.abs(tEnd)),
    );
    if (!(h >= floor)) {
      throw new OdeSolveError(
        `dopri5: step size ${h} fell below the minimum ${floor} ${at}; the solution may blow up or be discontinuous there, or the problem is too stiff for an explicit method`,
        t,
        { ...stats },
      );
    }
  }
}

/** The checked `errorControlled` of a solve: an integer in [1, size] (default size). */
function errorControlledCount(options: SolveOptions, size: number, owner: string): number {
  const n = options.errorControlled ?? size;
  if (!Number.isInteger(n) || n < 1 || n > size) {
    throw new ValueError(
      `${owner}: errorControlled must be an integer from 1 to the state's ${size} tensors (got ${String(n)})`,
    );
  }
  return n;
}
