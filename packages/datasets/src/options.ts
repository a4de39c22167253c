import { OptionError, previewJson } from '@bijective/core';

/** Throws an {@link OptionError} unless `options` is a plain object whose keys are all in `known`. */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  what: string,
): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${what}: options must be an object, got ${previewJson(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new OptionError(
        `${what}: unknown option '${key}'; known: ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/** Throws an {@link OptionError} unless `value` is a finite number in [min, max] (an integer when asked). */
export function checkNumber(
  value: unknown,
  name: string,
  { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const lower = min > -Infinity ? ` ${exclusiveMin ? '>' : '>='} ${min}` : '';
    const upper = max < Infinity ? ` <= ${max}` : '';
    throw new OptionError(`${name} must be ${kind}${lower}${upper}, got ${previewJson(value)}`);
  }
  return value as number;
}

/** Checks a row count: an integer >= 0. */
export function checkCount(n: unknown, name: string): number {
  return checkNumber(n, name, { min: 0, integer: true });
}

/** Checks a seed: any safe integer (used modulo 2^32). */
export function checkSeed(seed: unknown, name = 'seed'): number {
  return checkNumber(seed, name, {
    min: Number.MIN_SAFE_INTEGER,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
  });
}

/** Throws an {@link OptionError} unless `value` is a non-empty string. */
export function checkString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new OptionError(`${name} must be a non-empty string, got ${previewJson(value)}`);
  }
  return value;
}
