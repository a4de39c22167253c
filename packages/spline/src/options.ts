import { readHiddenSizes, readNumber, readVectorShape, type OptionRecord } from '@bijective/core';
import { DEFAULT_HIDDEN } from '@bijective/engine';
import { DEFAULT_BOUND } from './rational-quadratic.js';

/** Default number of spline bins K. */
export const DEFAULT_BINS = 8;

/** Reads the vector event shape `[d]`, d >= 2 (a coupling splits the event into two non-empty halves). */
export function readSplitEventShape(owner: string, record: OptionRecord): [number] {
  return readVectorShape(owner, record, 2, 'spline couplings split the event into two non-empty halves');
}

/** Reads the spline's half-width B (> 0), default {@link DEFAULT_BOUND}. */
export function readBound(owner: string, record: OptionRecord): number {
  return readNumber(owner, record, 'bound', DEFAULT_BOUND, { above: 0 });
}

/** Reads the hidden widths, default {@link DEFAULT_HIDDEN}. */
export function readSplineHidden(owner: string, record: OptionRecord): number[] {
  return readHiddenSizes(owner, record, DEFAULT_HIDDEN);
}

export {
  readActivation as readActivationName,
  readContextShape as readOptionalContextShape,
  readInteger,
} from '@bijective/core';
