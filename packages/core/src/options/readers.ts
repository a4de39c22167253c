import type { BijectorConfig } from '../bijector.js';
import type { ActivationName } from '../nn/activation.js';
import type { EventShape } from '../shapes.js';
import { checkBijectorConfig, checkEventValues, option, type NumberRange } from './fields.js';
import { checkOptionKeys, optionContext, type OptionField } from './schema.js';

// The option readers of before `defineOptions`, each one call of the same field a declaration
// uses, for code written against them. New code declares its options with `defineOptions`.

/**
 * The options of one bijector as a record, after checking that only known keys are present.
 * @internal
 */
export type OptionRecord = Readonly<Record<string, unknown>>;

/** Reads option `key` of `record` with `field` (a field that reads other options cannot be used here). */
function readWith<T>(owner: string, record: OptionRecord, key: string, field: OptionField<T>): T {
  return field.read(
    record[key],
    optionContext(owner, key, undefined, (k) => record[k]),
  );
}

/**
 * Checks that `options` is an object with no keys outside `known` (a typo is an OptionError).
 * @internal
 */
export function optionRecord(owner: string, options: unknown, known: readonly string[]): OptionRecord {
  return checkOptionKeys(owner, options, known);
}

/**
 * Reads the required `eventShape` option (a vector `[d]` when `vector` is set) or throws a ShapeError.
 * @internal
 */
export function readEventShape(owner: string, record: OptionRecord, vector = false): EventShape {
  return readWith(owner, record, 'eventShape', vector ? option.vectorShape() : option.eventShape());
}

/**
 * Reads a vector event shape `[d]` with d >= `min` (default 1); `why` explains a minimum above 1.
 * @internal
 */
export function readVectorShape(owner: string, record: OptionRecord, min = 1, why = ''): [number] {
  return readWith(owner, record, 'eventShape', option.vectorShape({ min, why }));
}

/**
 * Reads an optional number option in the range described, or returns `fallback`.
 * @internal
 */
export function readNumber(
  owner: string,
  record: OptionRecord,
  key: string,
  fallback: number,
  range: NumberRange = {},
): number {
  return readWith(owner, record, key, option.number({ ...range, default: fallback }));
}

/**
 * Reads an integer option of at least `min` (default 1), or returns `fallback`.
 * @internal
 */
export function readInteger(
  owner: string,
  record: OptionRecord,
  key: string,
  fallback: number,
  min = 1,
): number {
  return readWith(owner, record, key, option.integer({ default: fallback, min }));
}

/**
 * Reads an optional boolean option, or returns `fallback`.
 * @internal
 */
export function readBoolean(owner: string, record: OptionRecord, key: string, fallback: boolean): boolean {
  return readWith(owner, record, key, option.boolean({ default: fallback }));
}

/**
 * Reads the optional `seed` option (an integer in [0, 2^32)); a fresh random seed when absent.
 * @internal
 */
export function readSeed(owner: string, record: OptionRecord): number {
  return readWith(owner, record, 'seed', option.seed());
}

/**
 * Reads per-element values: a number (every element) or a flat row-major list, each passing `valid`.
 * @internal
 */
export function readEventValues(
  owner: string,
  record: OptionRecord,
  key: string,
  shape: EventShape,
  fallback: number,
  valid?: { test: (v: number) => boolean; what: string },
): number[] {
  return checkEventValues(`${owner}: option '${key}'`, record[key] ?? fallback, shape, valid);
}

/**
 * Checks that `value` is a {@link BijectorConfig} (`{name, options}`); `what` names it in errors.
 * @internal
 */
export function readBijectorConfig(owner: string, value: unknown, what: string): BijectorConfig {
  return checkBijectorConfig(owner, value, what);
}

/**
 * Reads options that hold only `eventShape` (a vector `[d]` when `vector` is set).
 * @internal
 */
export function readEventShapeOnly(owner: string, options: unknown, vector = false): EventShape {
  return readEventShape(owner, optionRecord(owner, options, ['eventShape']), vector);
}

/**
 * Reads a conditioner's hidden widths (option `hidden`), or `fallback`.
 * @internal
 */
export function readHiddenSizes(owner: string, record: OptionRecord, fallback: readonly number[]): number[] {
  return readWith(owner, record, 'hidden', option.hiddenSizes({ default: fallback }));
}

/**
 * Reads a conditioner's hidden activation (option `activation`), default `relu`.
 * @internal
 */
export function readActivation(owner: string, record: OptionRecord): ActivationName {
  return readWith(owner, record, 'activation', option.activation());
}

/**
 * Reads the optional context shape (option `contextShape`): null when absent, i.e. unconditional.
 * @internal
 */
export function readContextShape(owner: string, record: OptionRecord): EventShape | null {
  return readWith(owner, record, 'contextShape', option.contextShape());
}
