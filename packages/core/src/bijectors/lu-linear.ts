import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { OptionError } from '../errors.js';
import { matMulExplicit } from '../nn/matmul.js';
import { luDecompose } from '../numerics/lu.js';
import { randomOrthogonal } from '../numerics/random.js';
import { sameLogDetPerRow } from './log-det.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { newVariable } from './parameters.js';
import { checkPermutation, inversePermutation, oneHotMatrix } from './permutation.js';
import {
  invertUnitLowerTriangular,
  invertUnitUpperTriangular,
  strictlyLowerMask,
} from './unit-triangular.js';
import { previewJson } from '../json.js';

/** Options of {@link LULinear}. */
export interface LULinearOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** Seed of the random orthogonal initial W (and so of P and the diagonal signs); random when absent. */
  seed?: number;
  /** The fixed row order of P; saved configs carry it so a model never depends on re-deriving it from the seed. */
  permutation?: number[];
  /** The fixed diagonal signs s (each ±1); saved with `permutation` for the same reason. */
  signs?: number[];
}

/**
 * Invertible linear map y = W x with W = P L (U + diag(s ⊙ exp(ℓ))) (Kingma & Dhariwal 2018, Glow):
 * P a fixed permutation, L unit lower-triangular, U strictly upper-triangular, s fixed signs and ℓ the
 * trainable log-diagonal, so log|det W| = Σ ℓ. W starts as a seeded random orthogonal matrix; the
 * inverse uses exact blocked inverses of the triangular factors (tfjs has no triangular solve).
 */
export class LULinear extends BaseBijector {
  readonly name = 'lu-linear';
  /** Its options, declared once (`permutation` and `signs` are derived from the seed when absent). */
  static readonly schema = defineOptions('lu-linear', {
    eventShape: option.vectorShape(),
    seed: option.seed(),
    permutation: option.optional(
      option.custom({
        read: (value, c) => checkPermutation(c.owner, value, c.value<[number]>('eventShape')[0]),
      }),
    ),
    signs: option.optional(
      option.custom({ read: (value, c) => readSigns(value, c.value<[number]>('eventShape')[0]) }),
    ),
  });
  /** Seed the initial W, P and signs come from. */
  readonly seed: number;
  /** Row order of P: W = P L U' puts row i of L U' at row `permutation[i]`. */
  readonly permutation: readonly number[];
  /** Strictly-lower entries of L (the rest of this d x d variable is masked out). */
  readonly lower: tf.Variable;
  /** Strictly-upper entries of U (the rest of this d x d variable is masked out). */
  readonly upper: tf.Variable;
  /** ℓ: log|diagonal| of the upper factor, `[d]`. */
  readonly logDiag: tf.Variable;
  private readonly signs: readonly number[];

  /** Creates the map for vector events, initialised to the LU factors of a random orthogonal matrix. */
  constructor(options: LULinearOptions) {
    const resolved = LULinear.schema.read(options);
    const { eventShape, seed } = resolved;
    const d = eventShape[0];
    const { lower, upper, permutation } = luDecompose(randomOrthogonal(d, seed));
    super({ eventShape });
    this.seed = seed;
    this.permutation = resolved.permutation ?? permutation;
    this.signs = resolved.signs ?? upper.map((row, i) => Math.sign(row[i] as number));
    this.lower = newVariable(
      lower.flatMap((row, i) => row.map((v, j) => (j < i ? v : 0))),
      [d, d],
    );
    this.upper = newVariable(
      upper.flatMap((row, i) => row.map((v, j) => (j > i ? v : 0))),
      [d, d],
    );
    this.logDiag = newVariable(
      upper.map((row, i) => Math.log(Math.abs(row[i] as number))),
      [d],
    );
  }

  /** L's strictly-lower entries, U's strictly-upper entries, then ℓ. */
  override get variables(): readonly tf.Variable[] {
    return [this.lower, this.upper, this.logDiag];
  }

  /** `{name: 'lu-linear', options: {eventShape, seed, permutation, signs}}`: P and s explicit, so loading never re-derives them. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: LULinear.schema.toConfig({
        eventShape: [this.d],
        seed: this.seed,
        permutation: [...this.permutation],
        signs: [...this.signs],
      }),
    };
  }

  /** The current d x d matrix W = P L (U + diag(s ⊙ exp(ℓ))); the caller owns it. */
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const { strictLower, strictUpper } = this.strictFactors();
      const eye = tf.eye(this.d);
      const diagonal = tf.mul(tf.tensor1d(this.signs as number[]), tf.exp(this.logDiag));
      const unitLower = tf.add(eye, strictLower) as tf.Tensor2D;
      const upper = tf.add(strictUpper, tf.mul(eye, diagonal)) as tf.Tensor2D;
      const p = oneHotMatrix(inversePermutation(this.permutation));
      return matMulExplicit(p, matMulExplicit(unitLower, upper));
    });
  }

  /** The current W⁻¹ = (U + D)⁻¹ L⁻¹ Pᵀ with (U + D)⁻¹ = (I + D⁻¹U)⁻¹ D⁻¹, exact; the caller owns it. */
  inverseWeight(): tf.Tensor2D {
    return tf.tidy(() => {
      const { strictLower, strictUpper } = this.strictFactors();
      const inverseDiagonal = tf.mul(tf.tensor1d(this.signs as number[]), tf.exp(tf.neg(this.logDiag)));
      const scaledUpper = tf.mul(strictUpper, tf.reshape(inverseDiagonal, [this.d, 1])) as tf.Tensor2D;
      const upperInverse = tf.mul(
        invertUnitUpperTriangular(scaledUpper),
        tf.reshape(inverseDiagonal, [1, this.d]),
      );
      const lowerInverse = invertUnitLowerTriangular(strictLower);
      const pt = oneHotMatrix(this.permutation);
      return matMulExplicit(upperInverse as tf.Tensor2D, matMulExplicit(lowerInverse, pt));
    });
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return {
      value: matMulExplicit(x as tf.Tensor2D, tf.transpose(this.weight())),
      logDet: sameLogDetPerRow(tf.sum(this.logDiag), x.shape[0] as number),
    };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return {
      value: matMulExplicit(y as tf.Tensor2D, tf.transpose(this.inverseWeight())),
      logDet: sameLogDetPerRow(tf.neg(tf.sum(this.logDiag)), y.shape[0] as number),
    };
  }

  private get d(): number {
    return this.eventShape[0] as number;
  }

  /** The masked strictly-lower and strictly-upper factor entries. */
  private strictFactors(): { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D } {
    const mask = strictlyLowerMask(this.d);
    return {
      strictLower: tf.mul(this.lower, mask) as tf.Tensor2D,
      strictUpper: tf.mul(this.upper, tf.transpose(mask)) as tf.Tensor2D,
    };
  }
}

/** Checks the `signs` option: d numbers, each +1 or -1. */
function readSigns(value: unknown, d: number): number[] {
  if (!Array.isArray(value) || value.length !== d || !value.every((v) => v === 1 || v === -1)) {
    throw new OptionError(
      `lu-linear: option 'signs' must be ${d} numbers, each 1 or -1, got ${previewJson(value)}`,
    );
  }
  return value as number[];
}
