import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { zeroLogDet } from './log-det.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';
import { newVariable } from './parameters.js';

/** Options of {@link Shift}. */
export interface ShiftOptions {
  /** Event shape (any rank). */
  eventShape: number[];
  /** Initial shift: one number for every element or a row-major list of the event's size; default 0. */
  shift?: number | number[];
  /** Whether the shift is trained; default true (it is a variable and is saved either way). */
  trainable?: boolean;
}

/** Elementwise translation y = x + t with a per-element shift t; log|det J| = 0. */
export class Shift extends BaseBijector {
  readonly name = 'shift';
  /** Its options, declared once. */
  static readonly schema = defineOptions('shift', {
    eventShape: option.eventShape(),
    shift: option.eventValues({ default: 0 }),
    trainable: option.boolean({ default: true }),
  });
  /** The shift t, of the event shape. */
  readonly shift: tf.Variable;
  private readonly resolved: ReturnType<typeof Shift.schema.read>;

  /** Creates the shift; options are validated (an invalid one throws an OptionError or ShapeError naming it). */
  constructor(options: ShiftOptions) {
    const resolved = Shift.schema.read(options);
    const { eventShape, shift, trainable } = resolved;
    super({ eventShape });
    this.resolved = resolved;
    this.shift = newVariable(shift, eventShape, trainable);
  }

  /** The shift variable. */
  override get variables(): readonly tf.Variable[] {
    return [this.shift];
  }

  /** `{name: 'shift', options}` with the initial shift (trained values are saved as weights). */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: Shift.schema.toConfig({ ...this.resolved, trainable: this.shift.trainable }),
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.add(x, this.shift), logDet: zeroLogDet(x.shape[0] as number) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return { value: tf.sub(y, this.shift), logDet: zeroLogDet(y.shape[0] as number) };
  }
}
