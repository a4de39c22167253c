import { checkNumber, checkOptionKeys } from '../options.js';
import type { ToyOptions } from './toy.js';

/** Reads a toy's `noise` option (a standard deviation > 0) with its default; rejects other keys. */
export function noiseOption(options: ToyOptions | undefined, name: string, fallback: number): number {
  const o = checkOptionKeys(options, ['noise'], `dataset ${name}`);
  return checkNumber(o.noise ?? fallback, `dataset ${name}: noise`, { min: 0, exclusiveMin: true });
}

/** Rejects any option for toys without parameters. */
export function noOptions(options: unknown, name: string): void {
  checkOptionKeys(options, [], `dataset ${name}`);
}
