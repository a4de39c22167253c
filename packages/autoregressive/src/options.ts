import {
  OptionError,
  ShapeError,
  checkEventShape,
  eventSize,
  formatShape,
  type EventShape,
  type OptionRecord,
  readHiddenSizes,
  readInteger,
  previewJson,
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

/** The flattened width of a context shape (0 when unconditional). */
export function contextWidth(shape: EventShape | null): number {
  return shape ? eventSize(shape) : 0;
}

/** Reads a MADE input order (`natural`, `reversed`, `random` or a permutation of 1..d), default `natural`. */
export function readOrder(owner: string, record: OptionRecord): InputOrder {
  const value = record.order ?? 'natural';
  if (value === 'natural' || value === 'reversed' || value === 'random') return value;
  if (Array.isArray(value) && value.every((m) => typeof m === 'number')) return [...(value as number[])];
  throw new OptionError(
    `${owner}: option 'order' must be 'natural', 'reversed', 'random' or a list of degrees, got ${previewJson(value)}`,
  );
}

/** Reads the hidden widths, default {@link DEFAULT_HIDDEN}. */
export function readHidden(owner: string, record: OptionRecord): number[] {
  return readHiddenSizes(owner, record, DEFAULT_HIDDEN);
}

/** Reads a positive integer option, or returns `fallback`. */
export function readCount(owner: string, record: OptionRecord, key: string, fallback: number): number {
  return readInteger(owner, record, key, fallback, 1);
}

export { readActivation, readContextShape } from '@bijective/core';
