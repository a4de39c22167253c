import {
  ACTIVATIONS,
  OptionError,
  ShapeError,
  checkEventShape,
  formatShape,
  readNumber,
  type ActivationName,
  type EventShape,
  type OptionRecord,
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

/** Reads the hidden widths (a non-empty list of positive integers), default {@link DEFAULT_SPLINE_HIDDEN}. */
export function readHiddenSizes(owner: string, record: OptionRecord): number[] {
  const value = record.hidden ?? DEFAULT_SPLINE_HIDDEN;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((h) => typeof h === 'number' && Number.isInteger(h) && h > 0)
  ) {
    throw new OptionError(
      `${owner}: option 'hidden' must be a non-empty list of positive integers, got ${JSON.stringify(value)}`,
    );
  }
  return [...(value as number[])];
}

/** Reads the conditioner's hidden activation, default `relu`. */
export function readActivationName(owner: string, record: OptionRecord): ActivationName {
  const value = record.activation ?? 'relu';
  if (typeof value !== 'string' || !Object.hasOwn(ACTIVATIONS, value)) {
    throw new OptionError(
      `${owner}: option 'activation' must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as ActivationName;
}

/** Reads the optional context shape (null when absent). */
export function readOptionalContextShape(owner: string, record: OptionRecord): EventShape | null {
  if (record.contextShape === undefined) return null;
  return [...checkEventShape(record.contextShape, `${owner}: option 'contextShape'`)];
}

/** Reads a positive integer option of at least `min`, or returns `fallback`. */
export function readInteger(
  owner: string,
  record: OptionRecord,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = record[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptionError(
      `${owner}: option '${key}' must be an integer >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Reads the spline's half-width B (> 0), default {@link DEFAULT_BOUND}. */
export function readBound(owner: string, record: OptionRecord): number {
  return readNumber(owner, record, 'bound', DEFAULT_BOUND, { above: 0 });
}
