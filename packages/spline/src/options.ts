import {
  ShapeError,
  checkEventShape,
  formatShape,
  readNumber,
  type OptionRecord,
  readHiddenSizes,
} from '@bijective/core';
import { DEFAULT_BOUND } from './rational-quadratic.js';

/** Default hidden widths of spline conditioners: two layers of 64 units. */
export const DEFAULT_SPLINE_HIDDEN: readonly number[] = [64, 64];

/** Default number of spline bins K. */
export const DEFAULT_BINS = 8;

/** Reads the vector event shape `[d]`, d >= 2 (a coupling splits the event into two non-empty halves). */
export function readSplitEventShape(owner: string, record: OptionRecord): [number] {
  const shape = checkEventShape(record.eventShape, `${owner}: option 'eventShape'`);
  if (shape.length !== 1 || (shape[0] as number) < 2) {
    throw new ShapeError(
      `${owner}: option 'eventShape' must be a vector shape [d] with d >= 2, got ${formatShape(shape)}`,
    );
  }
  return [shape[0] as number];
}

/** Reads the spline's half-width B (> 0), default {@link DEFAULT_BOUND}. */
export function readBound(owner: string, record: OptionRecord): number {
  return readNumber(owner, record, 'bound', DEFAULT_BOUND, { above: 0 });
}

/** Reads the hidden widths, default {@link DEFAULT_SPLINE_HIDDEN}. */
export function readSplineHidden(owner: string, record: OptionRecord): number[] {
  return readHiddenSizes(owner, record, DEFAULT_SPLINE_HIDDEN);
}

export {
  readActivation as readActivationName,
  readContextShape as readOptionalContextShape,
  readInteger,
} from '@bijective/core';
