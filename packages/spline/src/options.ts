import { option } from '@bijective/core';
import { CONDITIONER_OPTIONS } from '@bijective/engine';
import { DEFAULT_BOUND } from './rational-quadratic.js';

/** Default number of spline bins K. */
export const DEFAULT_BINS = 8;

/**
 * The option fields of the spline layers and the `nsf` flow, each declared once; every
 * `defineOptions` declaration of the package picks the ones it takes, in its config order.
 * @internal
 */
export const SPLINE_OPTIONS = {
  ...CONDITIONER_OPTIONS,
  /** `[d]` with d >= 2 (a coupling splits the event into two non-empty halves). */
  splitEventShape: option.vectorShape({
    min: 2,
    why: 'spline couplings split the event into two non-empty halves',
  }),
  /** `[d]` with d >= 1. */
  vectorShape: option.vectorShape(),
  bins: option.integer({ default: DEFAULT_BINS, min: 2 }),
  bound: option.number({ default: DEFAULT_BOUND, above: 0 }),
};
