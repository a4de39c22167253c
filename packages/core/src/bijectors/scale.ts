import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { sameLogDetPerRow } from './log-det.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { SCALE_FIELDS, newVariable, positiveScale, unconstrainedScale } from './parameters.js';

/** Options of {@link Scale}. */
export interface ScaleOptions {
  /** Event shape (any rank). */
  eventShape: number[];
  /** Initial scale (> minScale): one number for every element or a row-major list; default 1. */
  scale?: number | number[];
  /** Lower bound of the scale, s = softplus(u) + minScale; default 1e-3. */
  minScale?: number;
  /** Whether the scale is trained; default true (it is a variable and is saved either way). */
  trainable?: boolean;
}

/** Elementwise scaling y = s ⊙ x with s = softplus(u) + minScale > 0; log|det J| = Σ log s. */
export class Scale extends BaseBijector {
  readonly name = 'scale';
  /** Its options, declared once. */
  static readonly schema = defineOptions('scale', {
    eventShape: option.eventShape(),
    ...SCALE_FIELDS,
    trainable: option.boolean({ default: true }),
  });
  /** The unconstrained parameter u of the event shape; the scale is softplus(u) + minScale. */
  readonly unconstrained: tf.Variable;
  /** Lower bound of the scale. */
  readonly minScale: number;
  private readonly resolved: ReturnType<typeof Scale.schema.read>;

  /** Creates the scale; options are validated (an invalid one throws an OptionError or ShapeError naming it). */
  constructor(options: ScaleOptions) {
    const resolved = Scale.schema.read(options);
    const { eventShape, scale, minScale, trainable } = resolved;
    super({ eventShape });
    this.minScale = minScale;
    this.resolved = resolved;
    this.unconstrained = newVariable(unconstrainedScale(scale, minScale), eventShape, trainable);
  }

  /** The unconstrained scale variable. */
  override get variables(): readonly tf.Variable[] {
    return [this.unconstrained];
  }

  /** `{name: 'scale', options}` with the initial scale (trained values are saved as weights). */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: Scale.schema.toConfig({ ...this.resolved, trainable: this.unconstrained.trainable }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const s = positiveScale(this.unconstrained, this.minScale);
    return { value: tf.mul(x, s), logDet: sameLogDetPerRow(tf.sum(tf.log(s)), x.shape[0] as number) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const s = positiveScale(this.unconstrained, this.minScale);
    return { value: tf.div(y, s), logDet: sameLogDetPerRow(tf.neg(tf.sum(tf.log(s))), y.shape[0] as number) };
  }
}
