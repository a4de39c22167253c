import * as tf from '@tensorflow/tfjs-core';
import type { ConstantPair } from '../fused/index.js';

/**
 * How a coupling layer partitions a vector event into the conditioning part A and the transformed
 * part B: `halves` puts the first ⌈d/2⌉ elements in one part and the rest in the other; `alternate`
 * puts the even-indexed elements in one part and the odd-indexed ones in the other (Dinh et al. 2015).
 */
export type MaskKind = 'halves' | 'alternate';

/** The mask kinds, for option validation and listings. */
export const MASK_KINDS: readonly MaskKind[] = ['halves', 'alternate'];

/** The index sets of a mask: A (conditioning) and B (transformed), disjoint, together every index once. */
export interface Partition {
  /** Event indices in the conditioning part A. */
  indicesA: readonly number[];
  /** Event indices in the transformed part B. */
  indicesB: readonly number[];
}

/** The partition of `[d]` for `kind` and `parity` (each list ascending): parity 0 conditions on the first half (or the even elements). */
export function partition(d: number, kind: MaskKind, parity: 0 | 1): Partition {
  const all = Array.from({ length: d }, (_, i) => i);
  const cut = Math.ceil(d / 2);
  const first = kind === 'halves' ? all.slice(0, cut) : all.filter((i) => i % 2 === 0);
  const second = kind === 'halves' ? all.slice(cut) : all.filter((i) => i % 2 === 1);
  return parity === 0 ? { indicesA: first, indicesB: second } : { indicesA: second, indicesB: first };
}

/**
 * A coupling mask as a constant one-hot selection, so that a layer never slices or concatenates
 * activations (tfjs's wasm backend runs column slices and concats in JavaScript, and gathers have no
 * gradient there): x_A = x S_A, and the conditioner's first kernel W₁ᴬ is placed as S_A W₁ᴬ.
 */
export class CouplingMask {
  /** Size of the conditioning part A. */
  readonly sizeA: number;
  /** Size of the transformed part B. */
  readonly sizeB: number;
  /** S_A `[d, sizeA]`: x S_A = x_A (x_A lists A's elements in the order of `indicesA`). */
  readonly selectA: ConstantPair;

  /** Builds the selection of `[size]` events for a partition, kept beyond enclosing tidies. */
  constructor(
    readonly size: number,
    readonly partition: Partition,
  ) {
    const { indicesA, indicesB } = partition;
    this.sizeA = indicesA.length;
    this.sizeB = indicesB.length;
    const values = new Float32Array(size * this.sizeA);
    indicesA.forEach((i, k) => (values[i * this.sizeA + k] = 1));
    const m = tf.keep(tf.tensor2d(values, [size, this.sizeA]));
    this.selectA = { m, t: tf.keep(tf.transpose(m)) };
  }

  /** Frees the constants. */
  dispose(): void {
    tf.dispose([this.selectA.m, this.selectA.t]);
  }
}
/**
 * The partition seen through a permutation q of the event (element i of the permuted event is x[q[i]]): indices mapped by q.
 * @internal
 */
export function permutePartition(p: Partition, q: readonly number[]): Partition {
  return { indicesA: p.indicesA.map((i) => q[i] as number), indicesB: p.indicesB.map((i) => q[i] as number) };
}
