// Barrel of the bijector checks, in the order the kit runs them.
import { autodiffLogDetCheck } from './log-det-autodiff.js';
import { batchRowsCheck } from './batch-rows.js';
import type { BijectorCheck } from './check.js';
import { fusedCheck } from './fused.js';
import { gradientsCheck } from './gradients.js';
import { inverseLogDetCheck } from './inverse-log-det.js';
import { inverseStressCheck } from './inverse-stress.js';
import { leaksCheck } from './leaks.js';
import { numericalLogDetCheck } from './log-det-numerical.js';
import { roundTripCheck } from './round-trip.js';
import { shapesCheck } from './shapes.js';

export type { BijectorCheck } from './check.js';

/** Every bijector check, in run order: shapes first, since the others assume them. */
export const BIJECTOR_CHECKS = [
  shapesCheck,
  roundTripCheck,
  numericalLogDetCheck,
  autodiffLogDetCheck,
  inverseLogDetCheck,
  fusedCheck,
  batchRowsCheck,
  gradientsCheck,
  leaksCheck,
] as const satisfies readonly BijectorCheck[];

/** Checks run only when asked for (by name in `checks`, or `stress: true` for the stress checks). */
export const OPT_IN_BIJECTOR_CHECKS = [inverseStressCheck] as const satisfies readonly BijectorCheck[];

/** The name of one of the {@link BIJECTOR_CHECKS} or {@link OPT_IN_BIJECTOR_CHECKS}. */
export type BijectorCheckName =
  (typeof BIJECTOR_CHECKS)[number]['name'] | (typeof OPT_IN_BIJECTOR_CHECKS)[number]['name'];
