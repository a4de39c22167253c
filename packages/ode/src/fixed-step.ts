import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '@bijective/core';
import { checkInitialState, checkTimes, instrumentField } from './checks.js';
import { checkOptionKeys, numberOption } from './options.js';
import { rkStep } from './rk-step.js';
import type { FixedStepOptions, OdeSolver, SolveResult, SolveStats, VectorField } from './solver.js';
import type { ButcherTableau } from './tableau.js';
import { cloneAll } from './tuple.js';

/**
 * A fixed-step explicit Runge-Kutta solver for any {@link ButcherTableau} (first-party: `euler`,
 * `midpoint`, `rk4`); third parties may register their own tableaus with it. Each interval between
 * requested times is split into equal steps (`steps`, or the fewest no longer than `step`, or one).
 */
export class FixedStepSolver implements OdeSolver {
  /** Order of the tableau's solution. */
  readonly order: number;
  private readonly step: number | undefined;
  private readonly steps: number | undefined;

  /** Creates the solver; throws an {@link OptionError} for bad or conflicting options. */
  constructor(
    /** Registry name of the method. */
    readonly name: string,
    private readonly tableau: ButcherTableau,
    options: FixedStepOptions = {},
  ) {
    const o = checkOptionKeys(options, ['step', 'steps'], name);
    this.step = numberOption(o, 'step', name, { min: 0, minOpen: true });
    this.steps = numberOption(o, 'steps', name, { min: 1, integer: true });
    if (this.step !== undefined && this.steps !== undefined) {
      throw new OptionError(`${name}: give either step or steps, not both`);
    }
    this.order = tableau.order;
  }

  /** Integrates through every requested time; see {@link OdeSolver.solve}. */
  solve(f: VectorField, y0: readonly tf.Tensor[], times: readonly number[]): SolveResult {
    checkTimes(times, this.name);
    checkInitialState(y0, this.name);
    const stats: SolveStats = { nfe: 0, accepted: 0, rejected: 0 };
    const field = instrumentField(f, y0, stats, this.name);
    const states: tf.Tensor[][] = [cloneAll(y0)];
    try {
      for (let i = 1; i < times.length; i++) {
        const t0 = times[i - 1] as number;
        const span = (times[i] as number) - t0;
        const n = this.stepsFor(Math.abs(span));
        const h = span / n;
        const start = states[i - 1] as tf.Tensor[];
        states.push(
          tf.tidy(() => {
            let y: tf.Tensor[] = start;
            for (let k = 0; k < n; k++) {
              const t = t0 + k * h;
              const next = tf.tidy(() => rkStep(field, this.tableau, t, h, y, field(t, y)).y1);
              if (y !== start) tf.dispose(y);
              y = next;
            }
            return y;
          }),
        );
        stats.accepted += n;
      }
    } catch (e) {
      tf.dispose(states);
      throw e;
    }
    return { states, stats };
  }

  private stepsFor(span: number): number {
    if (this.steps !== undefined) return this.steps;
    if (this.step !== undefined) return Math.max(1, Math.ceil(span / this.step - 1e-9));
    return 1;
  }
}
