import {
  ACTIVATIONS,
  OptionError,
  ShapeError,
  checkEventShape,
  eventSize,
  formatShape,
  type ActivationName,
  type EventShape,
  type OptionRecord,
} from '@bijective/core';
import type { InputOrder } from './degrees.js';

/** Default hidden widths of every MADE conditioner: two layers of 64 units. */
export const DEFAULT_HIDDEN: readonly number[] = [64, 64];

/** Default bound c of log-scales α = c·tanh(α̂/c) ∈ (-c, c): a factor of at most e² ≈ 7.4 per layer. */
export const DEFAULT_SCALE_BOUND = 2;

/** Reads the vector event shape `[d]` (d >= 1) or throws a ShapeError. */
export function readVectorShape(owner: string, record: OptionRecord): [number] {
  const shape = checkEventShape(record.eventShape, `${owner}: option 'eventShape'`);
  if (shape.length !== 1) {
    throw new ShapeError(
      `${owner}: option 'eventShape' must be a vector shape [d], got ${formatShape(shape)}`,
    );
  }
  return [shape[0] as number];
}

/** Reads the hidden widths (a non-empty list of positive integers), default {@link DEFAULT_HIDDEN}. */
export function readHidden(owner: string, record: OptionRecord): number[] {
  const value = record.hidden ?? DEFAULT_HIDDEN;
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

/** Reads the hidden activation, default `relu`. */
export function readActivation(owner: string, record: OptionRecord): ActivationName {
  const value = record.activation ?? 'relu';
  if (typeof value !== 'string' || !Object.hasOwn(ACTIVATIONS, value)) {
    throw new OptionError(
      `${owner}: option 'activation' must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as ActivationName;
}

/** Reads the optional context shape: null when absent (unconditional). */
export function readContextShape(owner: string, record: OptionRecord): EventShape | null {
  if (record.contextShape === undefined || record.contextShape === null) return null;
  return [...checkEventShape(record.contextShape, `${owner}: option 'contextShape'`)];
}

/** The flattened width of a context shape (0 when unconditional). */
export function contextWidth(shape: EventShape | null): number {
  return shape ? eventSize(shape) : 0;
}

/** Reads a positive integer option, or returns `fallback`. */
export function readCount(owner: string, record: OptionRecord, key: string, fallback: number): number {
  const value = record[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OptionError(
      `${owner}: option '${key}' must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Reads a MADE input order (`natural`, `reversed`, `random` or a permutation of 1..d), default `natural`. */
export function readOrder(owner: string, record: OptionRecord): InputOrder {
  const value = record.order ?? 'natural';
  if (value === 'natural' || value === 'reversed' || value === 'random') return value;
  if (Array.isArray(value) && value.every((m) => typeof m === 'number')) return [...(value as number[])];
  throw new OptionError(
    `${owner}: option 'order' must be 'natural', 'reversed', 'random' or a list of degrees, got ${JSON.stringify(value)}`,
  );
}
