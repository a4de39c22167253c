import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { zeroLogDet } from './log-det.js';
import { eventValuesJson, optionRecord, readBoolean, readEventShape, readEventValues } from './options.js';
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
  /** The shift t, of the event shape. */
  readonly shift: tf.Variable;
  private readonly initialShift: readonly number[];

  /** Creates the shift; options are validated (an invalid one throws an OptionError or ShapeError naming it). */
  constructor(options: ShiftOptions) {
    const record = optionRecord('shift', options, ['eventShape', 'shift', 'trainable']);
    const eventShape = readEventShape('shift', record);
    const initialShift = readEventValues('shift', record, 'shift', eventShape, 0);
    const trainable = readBoolean('shift', record, 'trainable', true);
    super({ eventShape });
    this.initialShift = initialShift;
    this.shift = newVariable(initialShift, eventShape, trainable);
  }

  /** The shift variable. */
  override get variables(): readonly tf.Variable[] {
    return [this.shift];
  }

  /** `{name: 'shift', options}` with the initial shift (trained values are saved as weights). */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: {
        eventShape: [...this.eventShape],
        shift: eventValuesJson(this.initialShift),
        trainable: this.shift.trainable,
      },
    };
  }

  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    return { value: tf.add(x, this.shift), logDet: zeroLogDet(x.shape[0] as number) };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return { value: tf.sub(y, this.shift), logDet: zeroLogDet(y.shape[0] as number) };
  }
}
