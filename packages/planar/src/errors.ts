import { BijectiveError } from '@bijective/core';

/**
 * A numerical inverse that did not converge: the bracketed 1-D solve of a planar or radial layer
 * ran out of iterations or lost its bracket. `layer` and `row` locate the failing solve.
 */
export class RootFindError extends BijectiveError {
  /** Creates the error; the message names the bijector, the layer, the row and the bracket. */
  constructor(
    message: string,
    /** Layer (0-based, base side first) whose inverse failed. */
    readonly layer: number,
    /** Batch row whose inverse failed. */
    readonly row: number,
  ) {
    super('numerics', message);
    this.name = 'RootFindError';
  }
}
