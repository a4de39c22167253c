import { OptionError } from '../errors.js';

/**
 * Checks that a requested number of samples is a positive integer.
 * @internal
 */
export function checkSampleCount(n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new OptionError(`sample: n must be a positive integer, got ${n}`);
}

/**
 * The seed to hand tfjs's random ops: tfjs treats a falsy seed (0) as "no seed", so integer seeds
 * are offset by one half, which keeps distinct seeds distinct and every seed reproducible.
 * @internal
 */
export function tfjsSeed(seed: number | undefined): number | undefined {
  if (seed === undefined) return undefined;
  if (!Number.isInteger(seed)) throw new OptionError(`sample: seed must be an integer, got ${seed}`);
  return seed + 0.5;
}
