import type * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { OptionError } from '../errors.js';
import { randomPermutation } from '../numerics/random.js';
import { zeroLogDet } from './log-det.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { checkPermutation, inversePermutation, permuteColumns } from './permutation.js';

/** Options of {@link Permute}: an explicit permutation, or a seed to draw one (a random seed when neither is given). */
export interface PermuteOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** The permutation p of 0..d-1, y_i = x_{p[i]}. */
  permutation?: number[];
  /** Seed of a uniformly random permutation (Fisher-Yates); only without `permutation`. */
  seed?: number;
}

/**
 * A fixed permutation of a vector event, y_i = x_{p[i]}, as a one-hot matmul (differentiable on every
 * backend); volume-preserving, log|det J| = 0. The config stores the explicit permutation.
 */
export class Permute extends BaseBijector {
  readonly name = 'permute';
  /** Its options, declared once: the config saves the explicit permutation, not the seed it was drawn from. */
  static readonly schema = defineOptions('permute', {
    eventShape: option.vectorShape(),
    permutation: option.custom({
      read: (value, c): number[] => {
        const d = c.value<[number]>('eventShape')[0];
        if (value !== undefined && c.given('seed') !== undefined) {
          throw new OptionError(`${c.owner}: give option 'permutation' or option 'seed', not both`);
        }
        return value !== undefined
          ? checkPermutation(c.owner, value, d)
          : randomPermutation(d, c.value<number>('seed'));
      },
    }),
    seed: option.unsaved(option.seed()),
  });
  /** The permutation p: output i takes input p[i]. */
  readonly permutation: readonly number[];
  private readonly inverted: readonly number[];
  private readonly resolved: ReturnType<typeof Permute.schema.read>;

  /** Creates the permutation; an invalid permutation, or both `permutation` and `seed`, throws an OptionError. */
  constructor(options: PermuteOptions) {
    const resolved = Permute.schema.read(options);
    const { eventShape, permutation } = resolved;
    super({ eventShape });
    this.resolved = resolved;
    this.permutation = permutation;
    this.inverted = inversePermutation(permutation);
  }

  /** `{name: 'permute', options: {eventShape, permutation}}` with the explicit permutation. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: Permute.schema.toConfig(this.resolved) };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return {
      value: permuteColumns(x as tf.Tensor2D, this.permutation),
      logDet: zeroLogDet(x.shape[0] as number),
    };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return {
      value: permuteColumns(y as tf.Tensor2D, this.inverted),
      logDet: zeroLogDet(y.shape[0] as number),
    };
  }
}
