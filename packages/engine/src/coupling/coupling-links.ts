import { hostRng, LULinear, Permute, Reverse, type Bijector } from '@bijective/core';
import { partition, permutePartition, type MaskKind, type Partition } from './mask.js';
import { mixingPermutation, type Mixing } from './mixing.js';
import { nextParity } from './parity.js';

/** What a flow adds to its coupling layers. */
export interface StackParts {
  /** Builds one fused run of consecutive couplings with these partitions (forward order) and seed. */
  sequence(partitions: Partition[], seed: number): Bijector;
  /** Links placed after every coupling but the last (before the mixing), e.g. batch norm; none when absent. */
  between?: () => Bijector[];
}

/** What {@link couplingLinks} arranges: event size, number of couplings, masks, mixing and the seed the sequences' seeds are drawn from. */
export interface CouplingArrangement {
  /** `[d]`. */
  eventShape: readonly [number];
  /** Number of couplings. */
  layers: number;
  /** How each coupling splits the event. */
  mask: MaskKind;
  /** The mixing between consecutive couplings. */
  mixing: Mixing;
  /** Seed of the sequences' and mixings' seeds. */
  seed: number;
}

/**
 * The links of a coupling flow in forward order. Logically: coupling 1, [between], mixing, coupling 2,
 * ..., coupling L, each coupling's mask parity from {@link nextParity}. Permuting mixings (reverse,
 * permute, none) are folded into the partitions instead of run: with Q_k the product of the
 * permutations before coupling k, C_L M ... M C_1 = Q_L C'_L ... C'_1 where C'_k = Q_k⁻¹ C_k Q_k is
 * coupling k with its index lists mapped through Q_k (the same function, weights included), so
 * consecutive couplings form one fused sequence (a `StackParts.sequence`, e.g. coupling's `CouplingSequence`) and a single permutation (core's Reverse
 * or Permute) ends the flow. A dense mixing (lu) or a `between` link ends a sequence. Every seed is
 * drawn in a fixed order from the flow's seed, so the same options build the same variables in the
 * same order; links already built are disposed when a later one fails.
 */
export function couplingLinks(r: CouplingArrangement, parts: StackParts): Bijector[] {
  const d = r.eventShape[0];
  const rng = hostRng(r.seed);
  const nextSeed = () => rng.int(2 ** 32);
  const identity = Array.from({ length: d }, (_, i) => i);
  const links: Bijector[] = [];
  let group: Partition[] = [];
  let q = identity;
  const flush = () => {
    if (group.length === 0) return;
    links.push(parts.sequence(group, nextSeed()));
    group = [];
  };
  try {
    let parity: 0 | 1 = 0;
    for (let i = 0; i < r.layers; i++) {
      group.push(permutePartition(partition(d, r.mask, parity), q));
      if (i === r.layers - 1) break;
      const between = parts.between?.() ?? [];
      if (between.length > 0) flush();
      links.push(...between);
      const p = mixingPermutation(r.mixing, d, nextSeed());
      if (p === null) {
        flush();
        links.push(new LULinear({ eventShape: [d], seed: nextSeed() }));
        q = identity;
      } else q = p.map((j) => q[j] as number);
      parity = nextParity(d, r.mask, parity, p);
    }
    flush();
    if (q.some((j, i) => j !== i)) {
      const reversed = q.every((j, i) => j === d - 1 - i);
      links.push(
        reversed ? new Reverse({ eventShape: [d] }) : new Permute({ eventShape: [d], permutation: q }),
      );
    }
    return links;
  } catch (error) {
    for (const b of links) b.dispose();
    throw error;
  }
}
