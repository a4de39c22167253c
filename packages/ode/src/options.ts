import { OptionError } from '@bijective/core';

/** Checks that `options` is a plain object whose keys are all in `known`; throws an {@link OptionError} naming the first stranger. */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  owner: string,
): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${owner}: options must be an object, got ${JSON.stringify(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw new OptionError(`${owner}: unknown option '${key}'; known: ${known.join(', ')}`);
  }
  return options as Record<string, unknown>;
}

/**
 * Reads an optional number option, checking it is finite and within [min, max] (bounds open when
 * the flags say so); throws an {@link OptionError} naming the option otherwise.
 */
export function numberOption(
  options: Record<string, unknown>,
  key: string,
  owner: string,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean; integer?: boolean },
): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  const { min = -Infinity, max = Infinity, minOpen = false, maxOpen = false, integer = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (minOpen ? value > min : value >= min) &&
    (maxOpen ? value < max : value <= max);
  if (!ok) {
    const lo = min === -Infinity ? '' : `${minOpen ? '>' : '>='} ${min}`;
    const hi = max === Infinity ? '' : `${maxOpen ? '<' : '<='} ${max}`;
    const bounds = [lo, hi].filter((s) => s !== '').join(' and ');
    throw new OptionError(
      `${owner}: ${key} must be a finite ${integer ? 'integer' : 'number'}${bounds ? ` ${bounds}` : ''}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
