import { randomPermutation } from '@bijective/core';

/**
 * The map between two coupling layers that lets every element be transformed: `reverse`
 * (y_i = x_{d-1-i}, NICE), `permute` (a seeded random permutation), `lu` (a learned invertible
 * linear map W = P L U, Kingma & Dhariwal 2018) or `none` (alternating masks alone).
 */
export type Mixing = 'reverse' | 'permute' | 'lu' | 'none';

/** The mixing kinds, for validation and listings. */
export const MIXINGS: readonly Mixing[] = ['reverse', 'permute', 'lu', 'none'];

/**
 * The permutation p applied by a permuting mixing (y_i = x_{p[i]}, as core's Permute): the identity
 * for `none`, the reversal, or the random permutation core's Permute draws from `seed`; null for the
 * dense `lu`.
 * @internal
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
