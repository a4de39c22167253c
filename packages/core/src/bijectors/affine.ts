import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { constantLogDetPerRow, sameLogDetPerRow } from './log-det.js';
import { untapedOp } from './untaped-op.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { SCALE_FIELDS, newVariable, positiveScale, unconstrainedScale } from './parameters.js';

/** Options of {@link Affine}. */
export interface AffineOptions {
  /** Event shape (any rank). */
  eventShape: number[];
  /** Initial shift: one number for every element or a row-major list of the event's size; default 0. */
  shift?: number | number[];
  /** Initial scale (> minScale): one number for every element or a row-major list; default 1. */
  scale?: number | number[];
  /** Lower bound of the scale, s = softplus(u) + minScale; default 1e-3. */
  minScale?: number;
  /** Whether shift and scale are trained; default true (they are variables and are saved either way). */
  trainable?: boolean;
}

/** Elementwise affine map y = s ⊙ x + t with s = softplus(u) + minScale > 0; log|det J| = Σ log s. */
export class Affine extends BaseBijector {
  readonly name = 'affine';
  /** Its options, declared once. */
  static readonly schema = defineOptions('affine', {
    eventShape: option.eventShape(),
    shift: option.eventValues({ default: 0 }),
    ...SCALE_FIELDS,
    trainable: option.boolean({ default: true }),
  });
  /** The shift t, of the event shape. */
  readonly shift: tf.Variable;
  /** The unconstrained parameter u of the event shape; the scale is softplus(u) + minScale. */
  readonly unconstrained: tf.Variable;
  /** Lower bound of the scale. */
  readonly minScale: number;
  private readonly resolved: ReturnType<typeof Affine.schema.read>;
  /** The fixed map's constants and the data of `unconstrained` they were read from. */
  private fixedCache?: { data: object; scale: Float32Array; total: number };

  /** Creates the map; options are validated (an invalid one throws an OptionError or ShapeError naming it). */
  constructor(options: AffineOptions) {
    const resolved = Affine.schema.read(options);
    const { eventShape, shift, scale, minScale, trainable } = resolved;
    super({ eventShape });
    this.minScale = minScale;
    this.resolved = resolved;
    this.shift = newVariable(shift, eventShape, trainable);
    this.unconstrained = newVariable(unconstrainedScale(scale, minScale), eventShape, trainable);
  }

  /** The shift, then the unconstrained scale. */
  override get variables(): readonly tf.Variable[] {
    return [this.shift, this.unconstrained];
  }

  /** `{name: 'affine', options}` with the initial values (trained values are saved as weights). */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: Affine.schema.toConfig({ ...this.resolved, trainable: this.shift.trainable }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    if (this.fixed) return this.fixedMap(x, 'forward');
    const s = positiveScale(this.unconstrained, this.minScale);
    return {
      value: tf.add(tf.mul(x, s), this.shift),
      logDet: sameLogDetPerRow(tf.sum(tf.log(s)), x.shape[0] as number),
    };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    if (this.fixed) return this.fixedMap(y, 'inverse');
    const s = positiveScale(this.unconstrained, this.minScale);
    return {
      value: tf.div(tf.sub(y, this.shift), s),
      logDet: sameLogDetPerRow(tf.neg(tf.sum(tf.log(s))), y.shape[0] as number),
    };
  }

  /** Whether neither shift nor scale is trained now (a variable's `trainable` flag may change). */
  private get fixed(): boolean {
    return !this.shift.trainable && !this.unconstrained.trainable;
  }

  /**
   * The map with fixed shift and scale (e.g. the CLI's standardisation of the data) as two tape
   * entries whose own arithmetic is not taped: the same values as the ops above, and ∂/∂x only
   * (dy/s, or dy·s forward; the log-det does not depend on x). On a gradient tape the op-by-op map
   * would record ~10 kernels and copy the tensors each saves for its gradient, on every training step.
   * The scale and its log-det total are computed by those same ops once per value of the scale's
   * variable and kept on the host ({@link fixedConstants}): a call runs the map's two kernels and
   * one fill instead of eleven.
   */
  private fixedMap(x: tf.Tensor, direction: 'forward' | 'inverse'): ValueAndLogDet {
    const { scale, total } = this.fixedConstants();
    const forward = direction === 'forward';
    const scaleTensor = (): tf.Tensor => tf.tensor(scale, this.shift.shape, 'float32');
    const value = untapedOp((input) => ({
      value: forward
        ? tf.add(tf.mul(input, scaleTensor()), this.shift)
        : tf.div(tf.sub(input, this.shift), scaleTensor()),
      gradFunc: (dy) => (forward ? tf.mul(dy, scaleTensor()) : tf.div(dy, scaleTensor())),
    }));
    const logDet = untapedOp((input) => ({
      value: constantLogDetPerRow(forward ? total : -total, input.shape[0] as number),
      gradFunc: () => tf.zerosLike(input),
    }));
    return { value: value(x), logDet: logDet(x) };
  }

  /**
   * The fixed map's scale s = softplus(u) + minScale and Σ log s, by the same float32 kernels as
   * the trainable map, read back once per value of u (a variable's `assign` gives it new data).
   */
  private fixedConstants(): { scale: Float32Array; total: number } {
    const data = this.unconstrained.dataId;
    if (this.fixedCache?.data !== data) {
      const [scale, total] = tf.tidy(() => {
        const s = positiveScale(this.unconstrained, this.minScale);
        return [s.dataSync().slice() as Float32Array, tf.sum(tf.log(s)).dataSync()[0] as number];
      });
      this.fixedCache = { data, scale, total };
    }
    return this.fixedCache;
  }
}
