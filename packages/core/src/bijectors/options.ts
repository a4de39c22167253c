import type { BijectorConfig } from '../bijector.js';
import { OptionError, ShapeError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { checkEventShape, eventSize, formatShape, type EventShape } from '../shapes.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activation.js';
import { previewJson } from '../json.js';

/** The options of one bijector as a record, after checking that only known keys are present. */
export type OptionRecord = Readonly<Record<string, unknown>>;

/** Checks that `options` is an object with no keys outside `known` (a typo is an {@link OptionError}). */
export function optionRecord(owner: string, options: unknown, known: readonly string[]): OptionRecord {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(`${owner}: options must be an object, got ${previewJson(options)}`);
  }
  const record = options as OptionRecord;
  for (const key of Object.keys(record)) {
    if (!known.includes(key) && record[key] !== undefined) {
      throw new OptionError(`${owner}: unknown option '${key}'; known options: ${known.join(', ')}`);
    }
  }
  return record;
}

/** Reads the required `eventShape` option (a vector `[d]` when `vector` is set) or throws a {@link ShapeError}. */
export function readEventShape(owner: string, record: OptionRecord, vector = false): EventShape {
  const shape = [...checkEventShape(record.eventShape, `${owner}: option 'eventShape'`)];
  if (vector && shape.length !== 1) {
    throw new ShapeError(
      `${owner}: option 'eventShape' must be a vector shape [d], got ${formatShape(shape)}`,
    );
  }
  return shape;
}

/**
 * Reads a vector event shape `[d]` with d >= `min` (default 1), the one reader every vector-valued
 * bijector uses; `why` explains a minimum above 1 in the error (e.g. why couplings need d >= 2).
 */
export function readVectorShape(owner: string, record: OptionRecord, min = 1, why = ''): [number] {
  const d = readEventShape(owner, record, true)[0] as number;
  if (d < min) {
    throw new ShapeError(
      `${owner}: ${why ? `${why}, so they need` : `option 'eventShape' must be a vector shape [d] with`} d >= ${min}; got eventShape [${d}]`,
    );
  }
  return [d];
}

/** Reads an optional number option in the open or closed interval described, or returns `fallback`. */
export function readNumber(
  owner: string,
  record: OptionRecord,
  key: string,
  fallback: number,
  range: { above?: number; atLeast?: number; atMost?: number } = {},
): number {
  const value = record[key] ?? fallback;
  const { above, atLeast, atMost } = range;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (above !== undefined && !(value > above)) ||
    (atLeast !== undefined && !(value >= atLeast)) ||
    (atMost !== undefined && !(value <= atMost))
  ) {
    const bounds = [
      above !== undefined ? `> ${above}` : '',
      atLeast !== undefined ? `>= ${atLeast}` : '',
      atMost !== undefined ? `<= ${atMost}` : '',
    ].filter((b) => b !== '');
    const wanted = `a finite number${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
    throw new OptionError(`${owner}: option '${key}' must be ${wanted}, got ${previewJson(value)}`);
  }
  return value;
}

/** Reads an optional boolean option, or returns `fallback`. */
export function readBoolean(owner: string, record: OptionRecord, key: string, fallback: boolean): boolean {
  const value = record[key] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new OptionError(`${owner}: option '${key}' must be a boolean, got ${previewJson(value)}`);
  }
  return value;
}

/** Reads the optional `seed` option (an integer in [0, 2^32)); a fresh random seed when absent. */
export function readSeed(owner: string, record: OptionRecord): number {
  const value = record.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
    throw new OptionError(
      `${owner}: option 'seed' must be an integer in [0, 2^32), got ${previewJson(value)}`,
    );
  }
  return value;
}

/**
 * Reads per-element initial values: a number (every element) or a flat row-major list with one
 * number per event element, each passing `valid` (described by `what`); returns one value per element.
 */
export function readEventValues(
  owner: string,
  record: OptionRecord,
  key: string,
  shape: EventShape,
  fallback: number,
  valid: { test: (v: number) => boolean; what: string } = { test: () => true, what: 'finite' },
): number[] {
  const size = eventSize(shape);
  const value = record[key] ?? fallback;
  const values = typeof value === 'number' ? new Array<number>(size).fill(value) : value;
  if (!Array.isArray(values) || values.length !== size) {
    throw new OptionError(
      `${owner}: option '${key}' must be a number or a list of ${size} numbers (event shape ${formatShape(shape)}), got ${previewJson(value)}`,
    );
  }
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || !valid.test(v));
  if (bad >= 0) {
    throw new OptionError(
      `${owner}: option '${key}' must hold ${valid.what} numbers, got ${previewJson(values[bad])} at ${bad}`,
    );
  }
  return values as number[];
}

/** The JSON form of a per-element option: the number when all elements share it, else the list. */
export function eventValuesJson(values: readonly number[]): number | number[] {
  const first = values[0] as number;
  return values.every((v) => v === first) ? first : [...values];
}

/** Checks that `value` is a {@link BijectorConfig} (`{name, options}`); `what` names it in errors. */
export function readBijectorConfig(owner: string, value: unknown, what: string): BijectorConfig {
  const config = value as { name?: unknown; options?: unknown } | null;
  if (
    typeof config !== 'object' ||
    config === null ||
    typeof config.name !== 'string' ||
    typeof config.options !== 'object' ||
    config.options === null ||
    Array.isArray(config.options)
  ) {
    throw new OptionError(
      `${owner}: ${what} must be a bijector config {name, options}, got ${previewJson(value)}`,
    );
  }
  return { name: config.name, options: config.options as JsonObject };
}

/** A bijector config as a JSON value (a plain copy of its name and options). */
export function configJson(config: BijectorConfig): JsonObject {
  return { name: config.name, options: config.options };
}

/** Options holding only an event shape (the parameter-free bijectors). */
export interface EventShapeOptions {
  /** Event shape (any rank for elementwise maps, `[d]` for permutations). */
  eventShape: number[];
}

/** Reads options that hold only `eventShape` (a vector `[d]` when `vector` is set). */
export function readEventShapeOnly(owner: string, options: unknown, vector = false): EventShape {
  return readEventShape(owner, optionRecord(owner, options, ['eventShape']), vector);
}

/** Reads a conditioner's hidden widths (option `hidden`: a non-empty list of positive integers), or `fallback`. */
export function readHiddenSizes(owner: string, record: OptionRecord, fallback: readonly number[]): number[] {
  const value = record.hidden ?? fallback;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((h) => typeof h === 'number' && Number.isInteger(h) && h > 0)
  ) {
    throw new OptionError(
      `${owner}: option 'hidden' must be a non-empty list of positive integers, got ${previewJson(value)}`,
    );
  }
  return [...(value as number[])];
}

/** Reads a conditioner's hidden activation (option `activation`, one of {@link ACTIVATIONS}), default `relu`. */
export function readActivation(owner: string, record: OptionRecord): ActivationName {
  const value = record.activation ?? 'relu';
  if (typeof value !== 'string' || !Object.hasOwn(ACTIVATIONS, value)) {
    throw new OptionError(
      `${owner}: option 'activation' must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${previewJson(value)}`,
    );
  }
  return value as ActivationName;
}

/** Reads the optional context shape (option `contextShape`): null when absent, i.e. unconditional. */
export function readContextShape(owner: string, record: OptionRecord): EventShape | null {
  if (record.contextShape === undefined || record.contextShape === null) return null;
  return [...checkEventShape(record.contextShape, `${owner}: option 'contextShape'`)];
}

/** Reads an integer option of at least `min` (default 1), or returns `fallback`. */
export function readInteger(
  owner: string,
  record: OptionRecord,
  key: string,
  fallback: number,
  min = 1,
): number {
  const value = record[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptionError(
      `${owner}: option '${key}' must be an integer >= ${min}, got ${previewJson(value)}`,
    );
  }
  return value;
}
