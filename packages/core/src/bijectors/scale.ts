import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { sameLogDetPerRow } from './log-det.js';
import { eventValuesJson, optionRecord, readBoolean, readEventShape } from './options.js';
import { newVariable, positiveScale, readScaleOptions, unconstrainedScale } from './parameters.js';

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
  /** The unconstrained parameter u of the event shape; the scale is softplus(u) + minScale. */
  readonly unconstrained: tf.Variable;
  /** Lower bound of the scale. */
  readonly minScale: number;
  private readonly initialScale: readonly number[];

  /** Creates the scale; options are validated (an invalid one throws an OptionError or ShapeError naming it). */
  constructor(options: ScaleOptions) {
    const record = optionRecord('scale', options, ['eventShape', 'scale', 'minScale', 'trainable']);
    const eventShape = readEventShape('scale', record);
    const { scale, minScale } = readScaleOptions('scale', record, eventShape);
    const trainable = readBoolean('scale', record, 'trainable', true);
    super({ eventShape });
    this.minScale = minScale;
    this.initialScale = scale;
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
      options: {
        eventShape: [...this.eventShape],
        scale: eventValuesJson(this.initialScale),
        minScale: this.minScale,
        trainable: this.unconstrained.trainable,
      },
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
