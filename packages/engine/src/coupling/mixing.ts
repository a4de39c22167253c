import { OptionError, randomPermutation, type OptionRecord, previewJson } from '@bijective/core';

/**
 * The map between two coupling layers that lets every element be transformed: `reverse`
 * (y_i = x_{d-1-i}, NICE), `permute` (a seeded random permutation), `lu` (a learned invertible
 * linear map W = P L U, Kingma & Dhariwal 2018) or `none` (alternating masks alone).
 */
export type Mixing = 'reverse' | 'permute' | 'lu' | 'none';

/** The mixing kinds, for validation and listings. */
export const MIXINGS: readonly Mixing[] = ['reverse', 'permute', 'lu', 'none'];

/** Reads the `mixing` option with the given default. */
export function readMixing(owner: string, record: OptionRecord, fallback: Mixing): Mixing {
  const value = record.mixing ?? fallback;
  if (typeof value !== 'string' || !(MIXINGS as readonly string[]).includes(value)) {
    throw new OptionError(
      `${owner}: option 'mixing' must be one of ${MIXINGS.join(', ')}, got ${previewJson(value)}`,
    );
  }
  return value as Mixing;
}

/**
 * The permutation p applied by a permuting mixing (y_i = x_{p[i]}, as core's Permute): the identity
 * for `none`, the reversal, or the random permutation core's Permute draws from `seed`; null for the
 * dense `lu`.
 */
export function mixingPermutation(kind: Mixing, d: number, seed: number): number[] | null {
  const identity = Array.from({ length: d }, (_, i) => i);
  switch (kind) {
    case 'none':
      return identity;
    case 'reverse':
      return identity.reverse();
    case 'permute':
      return randomPermutation(d, seed);
    case 'lu':
      return null;
  }
}
