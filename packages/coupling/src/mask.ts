import * as tf from '@tensorflow/tfjs-core';

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

/** A constant matrix kept with its transpose, for products whose gradients need Mᵀ. */
export interface ConstantPair {
  /** M (for a head lift, times the head's scale). */
  readonly m: tf.Tensor2D;
  /** Mᵀ (for a head lift, without the scale). */
  readonly t: tf.Tensor2D;
}

/**
 * The one-hot `[rows, cols]` matrix M with ones at (r, c) for each pair, times `scale`, and the
 * unscaled Mᵀ (a head's gradient is taken with respect to the unscaled head), kept beyond enclosing tidies.
 */
function oneHot(
  rows: number,
  cols: number,
  ones: readonly (readonly [number, number])[],
  scale = 1,
): ConstantPair {
  const values = new Float32Array(rows * cols);
  for (const [r, c] of ones) values[r * cols + c] = 1;
  const unit = tf.tensor2d(values, [rows, cols]);
  const t = tf.keep(tf.transpose(unit));
  if (scale === 1) return { m: tf.keep(unit), t };
  const m = tf.keep(tf.mul(unit, scale) as tf.Tensor2D);
  unit.dispose();
  return { m, t };
}

/**
 * A coupling mask as constant one-hot matrices, so that a layer never slices or concatenates
 * activations (tfjs's wasm backend runs column slices and concats in JavaScript, and gathers have no
 * gradient there): x_A = x S_A selects A, and each conditioner head h_j `[n, sizeB]` is lifted to
 * the full width by h_j L_j, zero on A, so that y = x ⊙ exp(s) + t leaves A unchanged.
 */
export class CouplingMask {
  /** Size of the conditioning part A. */
  readonly sizeA: number;
  /** Size of the transformed part B. */
  readonly sizeB: number;
  /** S_A `[d, sizeA]`: x S_A = x_A. */
  readonly selectA: ConstantPair;
  /** s_j L_j `[heads·sizeB, d]`: o s_j L_j puts columns j·sizeB.. of the conditioner output o, times s_j, at B's positions. */
  readonly lifts: readonly ConstantPair[];

  /**
   * Builds the constants of `[d]` events for a partition (x_A lists A's elements in the order of
   * `indicesA`; head columns map to B's elements in the order of `indicesB`) and one conditioner
   * output per element of B for each of `headScales`, which scale the lifted heads.
   */
  constructor(
    readonly size: number,
    readonly partition: Partition,
    headScales: readonly number[],
  ) {
    const heads = headScales.length;
    const { indicesA, indicesB } = partition;
    this.sizeA = indicesA.length;
    this.sizeB = indicesB.length;
    this.selectA = oneHot(
      size,
      this.sizeA,
      indicesA.map((i, k) => [i, k] as const),
    );
    this.lifts = Array.from({ length: heads }, (_, j) =>
      oneHot(
        heads * this.sizeB,
        size,
        indicesB.map((i, k) => [j * this.sizeB + k, i] as const),
        headScales[j],
      ),
    );
  }

  /** Frees the constants. */
  dispose(): void {
    for (const pair of [this.selectA, ...this.lifts]) tf.dispose([pair.m, pair.t]);
  }
}

/** The partition seen through a permutation q of the event (element i of the permuted event is x[q[i]]): indices mapped by q. */
export function permutePartition(p: Partition, q: readonly number[]): Partition {
  return { indicesA: p.indicesA.map((i) => q[i] as number), indicesB: p.indicesB.map((i) => q[i] as number) };
}
