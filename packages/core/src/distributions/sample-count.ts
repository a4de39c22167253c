import { OptionError } from '../errors.js';

/** Checks that a requested number of samples is a positive integer. */
export function checkSampleCount(n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new OptionError(`sample: n must be a positive integer, got ${n}`);
}
