import { partition, type MaskKind } from './mask.js';

/**
 * The mask parity of the next coupling layer: the one whose transformed part B overlaps least with
 * the previous layer's B after the permutation p between them (output i takes input p[i]), so that
 * consecutive layers transform different elements (with `reverse` and halves this keeps the parity;
 * with no mixing it alternates, as in Dinh et al. 2017). Ties, and dense mixings (p null), alternate.
 */
export function nextParity(d: number, kind: MaskKind, previous: 0 | 1, p: readonly number[] | null): 0 | 1 {
  const alternate: 0 | 1 = previous === 0 ? 1 : 0;
  if (p === null) return alternate;
  const previousB = new Set(partition(d, kind, previous).indicesB);
  const overlap = (parity: 0 | 1) =>
    partition(d, kind, parity).indicesB.filter((i) => previousB.has(p[i] as number)).length;
  return overlap(previous) < overlap(alternate) ? previous : alternate;
}
