import { OptionError } from '@bijective/core';

/** Throws an {@link OptionError} unless `value` is a finite number in [min, max] (and an integer when asked). */
export function checkNumberOption(
  value: unknown,
  name: string,
  {
    min = -Infinity,
    max = Infinity,
    integer = false,
  }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const range = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` <= ${max}` : ''}`;
    throw new OptionError(`${name} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return value;
}
