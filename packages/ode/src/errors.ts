import { BijectiveError } from '@bijective/core';
import type { SolveStats } from './solver.js';

/** An adaptive solve that cannot continue: its step fell below the minimum or it used up its step budget. */
export class OdeSolveError extends BijectiveError {
  /** Creates the error with the time reached and the work done so far. */
  constructor(
    message: string,
    /** The time the solve had reached. */
    readonly t: number,
    /** Work done before stopping. */
    readonly stats: SolveStats,
  ) {
    super('numerics', message);
    this.name = 'OdeSolveError';
  }
}
